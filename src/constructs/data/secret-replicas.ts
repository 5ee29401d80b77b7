import type { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";

/** Where a secret's replica lives: a region and a key of that region. */
export interface SecretReplicaSite {
  readonly region: string;
  readonly kmsKeyArn: string;
}

/**
 * Gives each secret a replica in the DR region, encrypted with that region's key. Secrets Manager
 * copies every new version (rotations included) to the replica; a replica cannot be changed or
 * rotated on its own until it is promoted with stop-replication-to-replica, which the DR runbook
 * does (https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html,
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/standalone-secret.html). The replica keeps
 * the secret's name, so the DR fleets read it by the same ARN with the region changed.
 */
export function replicateSecrets(secrets: readonly SecretsmanagerSecret[], site: SecretReplicaSite): void {
  for (const secret of secrets) secret.putReplica([{ region: site.region, kmsKeyId: site.kmsKeyArn }]);
}
