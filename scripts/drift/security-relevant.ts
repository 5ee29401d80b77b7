/**
 * What makes drift security-relevant: it goes to the alert topic as well as to the environment's
 * drift issue. The one home of that list (issue #28): security groups, IAM, KMS, CloudTrail,
 * GuardDuty, deletion protection and backup settings.
 */

/** Resource type prefixes whose every drift is security-relevant. */
export const SECURITY_RELEVANT_TYPE_PREFIXES = [
  "aws_security_group",
  "aws_vpc_security_group_",
  "aws_network_acl",
  "aws_iam_",
  "aws_kms_",
  "aws_cloudtrail",
  "aws_guardduty_",
  "aws_securityhub_",
  "aws_config_",
  "aws_accessanalyzer_",
  "aws_backup_",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_versioning",
  "aws_wafv2_",
] as const;

/**
 * Attributes whose drift is security-relevant on any resource type: the protections that keep
 * data from being lost (deletion protection, backups, snapshots, versioning) and encryption.
 */
export const SECURITY_RELEVANT_ATTRIBUTES = [
  "deletion_protection",
  "backup_retention_period",
  "backup_window",
  "copy_tags_to_snapshot",
  "skip_final_snapshot",
  "snapshot_retention_limit",
  "storage_encrypted",
  "kms_key_id",
  "iam_database_authentication_enabled",
  "publicly_accessible",
  "transit_encryption_enabled",
  "at_rest_encryption_enabled",
  "enable_deletion_protection",
  "prevent_destroy",
] as const;

/** Why a drifted resource is security-relevant, or undefined when it is not. */
export function securityRelevance(type: string, attributePaths: readonly string[]): string | undefined {
  const prefix = SECURITY_RELEVANT_TYPE_PREFIXES.find((candidate) => type.startsWith(candidate));
  if (prefix) return `${type} is security-relevant`;
  const root = (path: string) => path.split(/[.[]/)[0];
  const attribute = attributePaths
    .map(root)
    .find((name) => (SECURITY_RELEVANT_ATTRIBUTES as readonly string[]).includes(name));
  return attribute ? `${attribute} changed` : undefined;
}
