import type { IssueReporter } from "./issue-reporter";
import type { EnvironmentConfig } from "../schema/schema";

/** Retention minimums of a production environment: [path, minimum days, why]. */
export const PRODUCTION_MINIMUM_DAYS: readonly [path: string[], days: number, why: string][] = [
  [["network", "flowLogRetentionDays"], 365, "a year of flow logs for investigations"],
  [["app", "logRetentionDays"], 365, "a year of service and WAF logs"],
  [["data", "logRetentionDays"], 365, "a year of database and cache logs"],
  [["app", "accessLogExpiryDays"], 365, "a year of load balancer access logs"],
  [["data", "postgres", "backupRetentionDays"], 7, "a week of point-in-time recovery"],
  [["data", "postgres", "crossRegionBackupRetentionDays"], 7, "a week of backups in the DR region"],
  [["data", "redis", "snapshotRetentionDays"], 1, "a daily Redis snapshot"],
  [["data", "backup", "retentionDays"], 7, "a week of AWS Backup recovery points"],
  [["data", "backup", "drRetentionDays"], 7, "a week of AWS Backup copies in the DR region"],
  [["state", "noncurrentVersionRetentionDays"], 30, "a month of superseded state versions to roll back to"],
  [["data", "keyDeletionWindowDays"], 30, "the longest window to cancel a key deletion"],
  [["data", "secrets", "recoveryWindowDays"], 30, "the longest window to restore a deleted secret"],
  [["security", "trail", "logRetentionDays"], 365, "a year of the audit trail searchable in CloudWatch Logs"],
];

const valueAt = (config: EnvironmentConfig, path: string[]): unknown =>
  path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], config);

/**
 * What `production: true` demands: Multi-AZ data stores with failover, backups and DR copies,
 * at least two instances per colour (the schema already requires two zones) and one NAT gateway
 * per zone, deletion protection and prevent_destroy, and the retention minimums above.
 */
export function checkProductionRules(config: EnvironmentConfig, issue: IssueReporter): void {
  if (!config.production) return;
  const { app, data, network } = config;
  const rule = (failed: boolean, path: string[], message: string) =>
    failed && issue(path, `${message} in a production environment`);

  rule(!data.postgres.multiAz, ["data", "postgres", "multiAz"], "must be true");
  rule(!data.postgres.deletionProtection, ["data", "postgres", "deletionProtection"], "must be true");
  rule(!data.postgres.preventDestroy, ["data", "postgres", "preventDestroy"], "must be true");
  rule(
    data.postgres.crossRegionBackupRetentionDays === undefined,
    ["data", "postgres", "crossRegionBackupRetentionDays"],
    "must be set (backups replicated to aws.drRegion)",
  );
  rule(
    !data.backup.enabled,
    ["data", "backup", "enabled"],
    "must be true (daily AWS Backup with a copy in aws.drRegion)",
  );
  rule(!data.redis.clusterMode, ["data", "redis", "clusterMode"], "must be true");
  rule(
    data.redis.replicasPerShard < 1,
    ["data", "redis", "replicasPerShard"],
    "must be at least 1 (a replica in another zone for automatic failover)",
  );
  rule(!app.albDeletionProtection, ["app", "albDeletionProtection"], "must be true");
  rule(app.capacity.min < 2, ["app", "capacity", "min"], `must be at least 2 (got ${app.capacity.min})`);
  rule(
    network.natGatewayCount < network.availabilityZones.length,
    ["network", "natGatewayCount"],
    `must be one per availability zone (${network.availabilityZones.length})`,
  );

  for (const [path, days, why] of PRODUCTION_MINIMUM_DAYS) {
    const value = valueAt(config, path);
    if (typeof value === "number" && value < days)
      issue(path, `must be at least ${days} days in a production environment (${why}), got ${value}`);
  }
}
