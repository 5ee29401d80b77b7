/**
 * Fail back, the database: checks that a snapshot copied back from the DR region can become the
 * primary database, and prints the config change and the commands that restore it (dr.failBack in
 * the environment's config; the data stack then creates auth-<env>-postgres-<generation> from it,
 * and forgets the instance it replaces without destroying it). It changes nothing itself: the
 * restore is a reviewed config change and a planned deploy, like every other change.
 */
import type { EnvironmentConfig } from "../../src/config/schema/schema";
import { EXPORTED_POSTGRES_LOGS, instanceIdentifier } from "../../src/constructs/data/postgres-database";
import { databaseIdentifier, databaseName } from "../../src/stacks/data/data-alarm-definitions";
import { databaseServiceSecretName, stackName } from "../../src/config/naming";
import { EXIT, ExitCode } from "../cli/command-line";

/** What DescribeDBSnapshots says about a snapshot (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBSnapshot.html). */
export interface SnapshotFacts {
  readonly arn: string;
  readonly status: string;
  readonly engine: string;
  readonly engineVersion: string;
  readonly encrypted: boolean;
  readonly kmsKeyId?: string;
}

/** What DescribeDBInstances says about an instance (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html). */
export interface InstanceFacts {
  readonly arn: string;
  readonly status: string;
  readonly kmsKeyId?: string;
  /** MasterUserSecret.SecretArn: set when RDS manages the master password. */
  readonly masterSecretArn?: string;
}

/** RDS in one region, read only. */
export interface RdsPort {
  /** The snapshot, or undefined when RDS has none of that identifier or ARN. */
  snapshot(region: string, identifier: string): Promise<SnapshotFacts | undefined>;
  /** The instance, or undefined when RDS has none of that identifier. */
  instance(region: string, identifier: string): Promise<InstanceFacts | undefined>;
}

const SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):snapshot:([a-zA-Z][a-zA-Z0-9-]*)$/;
const SNAPSHOT_ID = /^[a-zA-Z][a-zA-Z0-9-]{0,254}$/;

export interface PrimaryRestorePlan {
  readonly code: ExitCode;
  readonly lines: string[];
}

const refused = (...lines: string[]): PrimaryRestorePlan => ({
  code: EXIT.refused,
  lines: lines.map((line) => `REFUSED: ${line}`),
});

/** Checks the snapshot and the instance it replaces, and says what to change and run, or why not. */
export async function planPrimaryRestore(
  config: EnvironmentConfig,
  snapshotArgument: string,
  rds: RdsPort,
): Promise<PrimaryRestorePlan> {
  const { environment, aws } = config;
  if (!config.dr.pilotLight)
    return refused(
      `${environment} has no pilot light (dr.pilotLight is false): there is no DR database to fail back from`,
    );
  const arn = SNAPSHOT_ARN.exec(snapshotArgument);
  if (!arn && !SNAPSHOT_ID.test(snapshotArgument))
    return refused(`${snapshotArgument} is neither a DB snapshot identifier nor a DB snapshot ARN`);
  if (arn && (arn[1] !== aws.region || arn[2] !== aws.accountId)) {
    return refused(
      `${snapshotArgument} is not in aws.region ${aws.region} of account ${aws.accountId}: copy it there with the data key first (docs/how-to/disaster-recovery.md, Fail back)`,
    );
  }

  const snapshot = await rds.snapshot(aws.region, snapshotArgument);
  if (!snapshot)
    return refused(
      `no DB snapshot ${snapshotArgument} in ${aws.region}: copy it from ${aws.drRegion} first (docs/how-to/disaster-recovery.md, Fail back)`,
    );
  if (snapshot.status !== "available")
    return refused(
      `snapshot ${snapshot.arn} is ${snapshot.status}, not available: wait for the copy to finish, then run this again`,
    );
  if (snapshot.engine !== "postgres")
    return refused(`snapshot ${snapshot.arn} is of engine ${snapshot.engine}, not postgres`);
  const major = Number(snapshot.engineVersion.split(".")[0]);
  if (major !== config.data.postgres.majorVersion) {
    return refused(
      `snapshot ${snapshot.arn} is PostgreSQL ${snapshot.engineVersion}; data.postgres.majorVersion is ${config.data.postgres.majorVersion}, and the plan would want to upgrade or replace the restored instance`,
    );
  }
  if (!snapshot.encrypted)
    return refused(
      `snapshot ${snapshot.arn} is not encrypted: copy it with the data key (docs/how-to/disaster-recovery.md, Fail back step 1)`,
    );

  const current = config.dr.failBack;
  if (current && (current.snapshot === snapshot.arn || current.snapshot === snapshotArgument)) {
    return {
      code: EXIT.ok,
      lines: [
        `dr.failBack of ${environment} already restores from ${snapshot.arn} (generation ${current.generation}): deploy it`,
        "",
        ...commands(config, databaseIdentifier(config), current.previousMasterSecretArn),
      ],
    };
  }
  // The instance the config declares today is the one the restore replaces.
  const replacedId = databaseIdentifier(config);
  const replaced = await rds.instance(aws.region, replacedId);
  if (!replaced)
    return refused(
      `the instance the restore replaces, ${replacedId}, is not in ${aws.region}: its master secret is needed for the login's rotation to adopt; check dr.failBack and the region`,
    );
  if (!replaced.masterSecretArn)
    return refused(
      `${replacedId} has no RDS-managed master secret (MasterUserSecret): the login's rotation could not adopt its versions`,
    );
  if (snapshot.kmsKeyId !== replaced.kmsKeyId) {
    return refused(
      `snapshot ${snapshot.arn} is encrypted with ${snapshot.kmsKeyId ?? "no key"}, not the data key ${replaced.kmsKeyId ?? "(unknown)"} of ${replacedId}: a restore with another key plans a replacement. Copy it again with --kms-key-id ${replaced.kmsKeyId ?? "the data key"}`,
    );
  }

  const generation = (current?.generation ?? 1) + 1;
  const restoredId = instanceIdentifier(databaseName(config), generation);
  return {
    code: EXIT.ok,
    lines: [
      `snapshot ${snapshot.arn}: available, PostgreSQL ${snapshot.engineVersion}, encrypted with the data key of ${replacedId}`,
      `${replacedId} (${replaced.status}) is replaced by a new instance ${restoredId}; Terraform forgets ${replacedId} and never destroys it`,
      "",
      `1. Set dr.failBack in src/config/environments/${environment}.ts, and commit it for review:`,
      "",
      "   failBack: {",
      `     snapshot: "${snapshot.arn}",`,
      `     generation: ${generation},`,
      `     previousMasterSecretArn: "${replaced.masterSecretArn}",`,
      "     promotedSecretsDeleted: false,",
      "   },",
      "",
      ...commands(
        {
          ...config,
          dr: {
            ...config.dr,
            failBack: {
              snapshot: snapshot.arn,
              generation,
              previousMasterSecretArn: replaced.masterSecretArn,
              promotedSecretsDeleted: false,
            },
          },
        },
        replacedId,
        replaced.masterSecretArn,
        2,
      ),
    ],
  };
}

/** The steps after the config change, numbered from `first`. */
function commands(config: EnvironmentConfig, replacedId: string, previousMasterSecretArn: string, first = 1): string[] {
  const { environment, aws } = config;
  const data = stackName(environment, "data");
  const restoredId = databaseIdentifier(config);
  const steps: Array<[string, string[]]> = [
    [
      `Plan: one aws_db_instance ${restoredId} to create from the snapshot, ${replacedId} and what belongs to it alone "will no longer be managed by Terraform" (removed), nothing destroyed. The pull request's plan report blocks the forgotten stateful resources (stateful-forget): allow each address it lists with an "Allow-Data-Loss: ${data}:ADDRESS" line in the description:`,
      [`npm run diff -- --env ${environment} ${data}`],
    ],
    [
      `Deploy it (the restore may take up to the restore timeout; if it times out, see "A tainted restore"):`,
      [`npm run deploy -- --env ${environment} ${data}`],
    ],
    [
      "Rotate the service login now: its rotation writes the new instance's host and master secret and sets the alternate user's password there (the versions naming the replaced master secret are adopted):",
      [`aws secretsmanager rotate-secret --region ${aws.region} --secret-id ${databaseServiceSecretName(environment)}`],
    ],
    [
      "Continue the fail back (docs/how-to/disaster-recovery.md, Fail back: DNS back to the primary). After verification, delete the replaced instance and what Terraform forgot with it yourself:",
      [
        `aws rds modify-db-instance --region ${aws.region} --db-instance-identifier ${replacedId} --no-deletion-protection --apply-immediately`,
        `aws rds delete-db-instance --region ${aws.region} --db-instance-identifier ${replacedId} --final-db-snapshot-identifier ${replacedId}-final`,
        `aws rds stop-db-instance-automated-backups-replication --region ${config.aws.drRegion} --source-db-instance-arn arn:aws:rds:${aws.region}:${aws.accountId}:db:${replacedId}`,
        ...EXPORTED_POSTGRES_LOGS.map(
          (log) =>
            `aws logs delete-log-group --region ${aws.region} --log-group-name /aws/rds/instance/${replacedId}/${log}`,
        ),
      ],
    ],
  ];
  return [
    ...steps.flatMap(([what, lines], index) => [
      `${first + index}. ${what}`,
      ...lines.map((line) => `   $ ${line}`),
      "",
    ]),
    `(The replaced instance's master secret ${previousMasterSecretArn} goes with it.)`,
  ];
}
