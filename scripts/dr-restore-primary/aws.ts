/** RdsPort on the AWS SDK (read only: DescribeDBSnapshots, DescribeDBInstances). */
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from "@aws-sdk/client-rds";
import type { RdsPort } from "./restore-primary";

/** RDS answers an unknown identifier with these faults rather than an empty list. */
const NOT_FOUND = new Set([
  "DBSnapshotNotFoundFault",
  "DBInstanceNotFoundFault",
  "DBSnapshotNotFound",
  "DBInstanceNotFound",
]);

async function orUndefined<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (NOT_FOUND.has((error as { name?: string }).name ?? "")) return undefined;
    throw error;
  }
}

export function awsRds(): RdsPort {
  const clients = new Map<string, RDSClient>();
  const client = (region: string) => {
    if (!clients.has(region)) clients.set(region, new RDSClient({ region }));
    return clients.get(region)!;
  };
  return {
    snapshot: (region, identifier) =>
      orUndefined(async () => {
        const [snapshot] =
          (await client(region).send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: identifier })))
            .DBSnapshots ?? [];
        return (
          snapshot && {
            arn: snapshot.DBSnapshotArn ?? identifier,
            status: snapshot.Status ?? "unknown",
            engine: snapshot.Engine ?? "unknown",
            engineVersion: snapshot.EngineVersion ?? "0",
            encrypted: snapshot.Encrypted === true,
            kmsKeyId: snapshot.KmsKeyId,
          }
        );
      }),
    instance: (region, identifier) =>
      orUndefined(async () => {
        const [instance] =
          (await client(region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier })))
            .DBInstances ?? [];
        return (
          instance && {
            arn: instance.DBInstanceArn ?? identifier,
            status: instance.DBInstanceStatus ?? "unknown",
            kmsKeyId: instance.KmsKeyId,
            masterSecretArn: instance.MasterUserSecret?.SecretArn,
          }
        );
      }),
  };
}
