import { isTrue, nested } from "../model";
import { defineRule, maps, ofType, when } from "../rule";

/** Backups, point-in-time recovery, DR copies, high availability and deletion protection. */

export const rdsAutomatedBackups = defineRule({
  id: "rds-automated-backups",
  title: "Databases keep automated backups (point-in-time recovery)",
  severity: "error",
  profile: "baseline",
  maps: maps(["RDS.11"], ["CKV_AWS_133"], ["AVD-AWS-0077"]),
  rationale: "Automated backups are what point-in-time recovery restores from; without them a bad write is permanent.",
  fix: "Set backup_retention_period to at least 1 day (7 in production).",
  targets: ofType("aws_db_instance"),
  check: ({ body }) => when(!(Number(body.backup_retention_period) >= 1), "backup_retention_period is below 1 day"),
});

export const rdsBackupRetentionWeek = defineRule({
  id: "rds-backup-retention-7-days",
  title: "Production databases keep at least 7 days of backups",
  severity: "error",
  profile: "production",
  maps: maps(["RDS.11"], ["CKV_AWS_133"], ["AVD-AWS-0077"]),
  rationale: "A corruption noticed after a weekend must still be restorable.",
  fix: "Set backup_retention_period to 7 days or more.",
  targets: ofType("aws_db_instance"),
  check: ({ body }) =>
    when(
      !(Number(body.backup_retention_period) >= 7),
      `backup_retention_period is ${body.backup_retention_period ?? "unset"}`,
    ),
});

export const rdsFinalSnapshot = defineRule({
  id: "rds-final-snapshot",
  title: "Deleting a database leaves a final snapshot",
  severity: "error",
  profile: "baseline",
  maps: maps([], [], []),
  rationale: "Automated backups are deleted with the instance (unless retained); the final snapshot is what remains.",
  fix: "Leave skip_final_snapshot false and set final_snapshot_identifier.",
  targets: ofType("aws_db_instance"),
  check: ({ body }) =>
    when(isTrue(body.skip_final_snapshot) || !body.final_snapshot_identifier, "no final snapshot on deletion"),
});

export const rdsDeletionProtection = defineRule({
  id: "rds-deletion-protection",
  title: "Production databases have deletion protection and prevent_destroy",
  severity: "error",
  profile: "production",
  maps: maps(["RDS.8"], ["CKV_AWS_293"], ["AVD-AWS-0177"]),
  rationale: "Neither a console click nor a Terraform plan may delete the production database by accident.",
  fix: "Set deletion_protection = true and lifecycle { prevent_destroy = true }.",
  targets: ofType("aws_db_instance"),
  check: ({ body }) => [
    ...when(!isTrue(body.deletion_protection), "deletion_protection is not true"),
    ...when(!isTrue(body.lifecycle?.prevent_destroy), "lifecycle.prevent_destroy is not true"),
  ],
});

export const rdsMultiAz = defineRule({
  id: "rds-multi-az",
  title: "Production databases run Multi-AZ",
  severity: "error",
  profile: "production",
  maps: maps(["RDS.5"], ["CKV_AWS_157"], []),
  rationale: "A single-AZ instance is down for the whole of an AZ outage or a host failure.",
  fix: "Set multi_az = true.",
  targets: ofType("aws_db_instance"),
  check: ({ body }) => when(!isTrue(body.multi_az), "multi_az is not true"),
});

export const rdsCrossRegionBackups = defineRule({
  id: "rds-cross-region-backups",
  title: "Production database backups are replicated to the DR region",
  severity: "error",
  profile: "production",
  maps: maps([], [], []),
  rationale:
    "A region outage must not take the only backups with it (the spec's cross-region replication, 4-hour RTO).",
  fix: "Add aws_db_instance_automated_backups_replication with a provider in the DR region.",
  targets: ofType("aws_db_instance"),
  check: (instance, stack) =>
    when(
      stack.referencing("aws_db_instance_automated_backups_replication", instance, "source_db_instance_arn").length ===
        0,
      "automated backups are not replicated",
    ),
});

export const elasticacheBackups = defineRule({
  id: "elasticache-backups",
  title: "Redis keeps daily snapshots",
  severity: "error",
  profile: "baseline",
  maps: maps(["ElastiCache.1"], ["CKV_AWS_134"], ["AVD-AWS-0050"]),
  rationale: "Without snapshots a lost cluster comes back empty and every session is gone.",
  fix: "Set snapshot_retention_limit to 1 or more.",
  targets: ofType("aws_elasticache_replication_group"),
  check: ({ body }) => when(!(Number(body.snapshot_retention_limit) >= 1), "snapshot_retention_limit is below 1"),
});

export const elasticacheFailover = defineRule({
  id: "elasticache-failover",
  title: "Production Redis has replicas with automatic Multi-AZ failover",
  severity: "error",
  profile: "production",
  maps: maps(["ElastiCache.3"], ["CKV2_AWS_50"], []),
  rationale: "A primary failure must promote a replica in another AZ instead of dropping every session.",
  fix: "Set automatic_failover_enabled = true, multi_az_enabled = true and at least one replica per node group.",
  targets: ofType("aws_elasticache_replication_group"),
  check: ({ body }) => [
    ...when(!isTrue(body.automatic_failover_enabled), "automatic_failover_enabled is not true"),
    ...when(!isTrue(body.multi_az_enabled), "multi_az_enabled is not true"),
    ...when(
      body.replicas_per_node_group !== undefined && Number(body.replicas_per_node_group) < 1,
      "replicas_per_node_group is below 1",
    ),
  ],
});

export const s3Versioning = defineRule({
  id: "s3-versioning",
  title: "S3 buckets keep object versions",
  severity: "error",
  profile: "baseline",
  maps: maps(["S3.14"], ["CKV_AWS_21"], ["AVD-AWS-0090"]),
  rationale: "Versioning is the point-in-time recovery of S3: an overwritten or deleted object can be restored.",
  fix: 'Add aws_s3_bucket_versioning with status "Enabled" (and a noncurrent-version expiry).',
  targets: ofType("aws_s3_bucket"),
  check: (bucket, stack) =>
    when(
      !stack
        .referencing("aws_s3_bucket_versioning", bucket, "bucket")
        .some(({ body }) => nested(body.versioning_configuration)?.status === "Enabled"),
      "versioning is not enabled",
    ),
});

export const albDeletionProtection = defineRule({
  id: "alb-deletion-protection",
  title: "Production load balancers have deletion protection",
  severity: "error",
  profile: "production",
  maps: maps(["ELB.6"], ["CKV_AWS_150"], []),
  rationale: "Deleting the load balancer takes the service offline and changes its DNS name.",
  fix: "Set enable_deletion_protection = true.",
  targets: ofType("aws_lb", "aws_alb"),
  check: ({ body }) => when(!isTrue(body.enable_deletion_protection), "enable_deletion_protection is not true"),
});
