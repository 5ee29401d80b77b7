import { asArray, Block, Element, isTrue, nested, StackModel } from "../model";
import { defineRule, maps, ofType, when } from "../rule";

/** Encryption at rest (customer-managed keys) and in transit for every store. */

const usesKmsKey = (value: unknown) => typeof value === "string" && value !== "" && !/alias\/aws\//.test(value);

export const rdsStorageEncrypted = defineRule({
  id: "rds-storage-encrypted",
  title: "RDS storage encrypted with a customer-managed key",
  severity: "error",
  profile: "baseline",
  maps: maps(["RDS.3"], ["CKV_AWS_16"], ["AVD-AWS-0080"]),
  rationale:
    "Storage, snapshots and automated backups of an unencrypted instance are readable by anyone who obtains a copy.",
  fix: "Set storage_encrypted = true and kms_key_id to a customer-managed key.",
  targets: ofType("aws_db_instance"),
  check: ({ body }) => [
    ...when(!isTrue(body.storage_encrypted), "storage_encrypted is not true"),
    ...when(!usesKmsKey(body.kms_key_id), "kms_key_id does not name a customer-managed key"),
  ],
});

export const rdsForcesTls = defineRule({
  id: "rds-forces-tls",
  title: "PostgreSQL accepts TLS connections only",
  severity: "error",
  profile: "baseline",
  maps: maps([], ["CKV2_AWS_69"], []),
  rationale: "Without rds.force_ssl a client can send credentials and data in clear text.",
  fix: "Give the instance a parameter group with rds.force_ssl = 1.",
  targets: (stack) => stack.resources("aws_db_instance").filter(({ body }) => body.engine === "postgres"),
  check: ({ body }, stack) =>
    when(
      parameterValue(stack, body.parameter_group_name, "rds.force_ssl") !== "1",
      "rds.force_ssl is not 1 in its parameter group",
    ),
});

export const elasticacheEncryptedAtRest = defineRule({
  id: "elasticache-encrypted-at-rest",
  title: "Redis encrypted at rest with a customer-managed key",
  severity: "error",
  profile: "baseline",
  maps: maps(["ElastiCache.4"], ["CKV_AWS_29", "CKV_AWS_191"], ["AVD-AWS-0045"]),
  rationale: "Sessions and tokens in Redis, and its snapshots, must not be readable from the underlying storage.",
  fix: "Set at_rest_encryption_enabled = true and kms_key_id on the replication group.",
  targets: ofType("aws_elasticache_replication_group"),
  check: ({ body }) => [
    ...when(!isTrue(body.at_rest_encryption_enabled), "at_rest_encryption_enabled is not true"),
    ...when(!usesKmsKey(body.kms_key_id), "kms_key_id does not name a customer-managed key"),
  ],
});

export const elasticacheEncryptedInTransit = defineRule({
  id: "elasticache-encrypted-in-transit",
  title: "Redis requires TLS and an AUTH token",
  severity: "error",
  profile: "baseline",
  maps: maps(["ElastiCache.5"], ["CKV_AWS_30", "CKV_AWS_31"], ["AVD-AWS-0051"]),
  rationale: "Redis traffic carries session data; without TLS and AUTH anyone on the network can read it or connect.",
  fix: "Set transit_encryption_enabled = true, transit_encryption_mode = required (or leave it unset) and an auth_token or user group.",
  targets: ofType("aws_elasticache_replication_group"),
  check: ({ body }) => [
    ...when(!isTrue(body.transit_encryption_enabled), "transit_encryption_enabled is not true"),
    ...when(
      body.transit_encryption_mode === "preferred",
      "transit_encryption_mode is preferred, which still accepts clear-text clients",
    ),
    ...when(
      !body.auth_token && asArray(body.user_group_ids).length === 0,
      "neither auth_token nor user_group_ids is set",
    ),
  ],
});

export const s3EncryptedWithKms = defineRule({
  id: "s3-encrypted-with-kms",
  title: "S3 buckets encrypted by default with a KMS key",
  severity: "error",
  profile: "baseline",
  maps: maps(["S3.17"], ["CKV_AWS_145"], ["AVD-AWS-0132"]),
  rationale:
    "SSE-KMS puts reads under a key policy and CloudTrail; SSE-S3 lets anyone with s3:GetObject read the data.",
  fix: "Add aws_s3_bucket_server_side_encryption_configuration with sse_algorithm aws:kms and a customer-managed key.",
  targets: ofType("aws_s3_bucket"),
  check: (bucket, stack) => {
    const defaults = stack
      .referencing("aws_s3_bucket_server_side_encryption_configuration", bucket, "bucket")
      .flatMap(({ body }) => asArray(body.rule))
      .map((rule: Block) => nested(rule.apply_server_side_encryption_by_default));
    if (defaults.length === 0) return ["no default encryption configuration"];
    return when(
      !defaults.some((entry) => /^aws:kms/.test(entry?.sse_algorithm ?? "") && usesKmsKey(entry?.kms_master_key_id)),
      "default encryption is not SSE-KMS with a customer-managed key",
    );
  },
});

export const s3TlsOnly = defineRule({
  id: "s3-tls-only",
  title: "S3 bucket policies refuse requests without TLS",
  severity: "error",
  profile: "baseline",
  maps: maps(["S3.5"], [], []),
  rationale: "Only a bucket policy can stop clients from reading or writing objects over plain HTTP.",
  fix: 'Attach a bucket policy that denies s3:* when aws:SecureTransport is "false".',
  targets: ofType("aws_s3_bucket"),
  check: (bucket, stack) => {
    const policies = stack.referencing("aws_s3_bucket_policy", bucket, "bucket");
    const deniesPlainHttp = policies.some(({ body }) => {
      const document = stack.resolve(body.policy);
      return asArray(document?.body.statement).some(
        (statement: Block) =>
          statement.effect === "Deny" &&
          asArray(statement.actions).some((action: string) => action === "s3:*" || action === "*") &&
          asArray(statement.condition).some(
            (condition: Block) =>
              condition.variable === "aws:SecureTransport" && asArray(condition.values).includes("false"),
          ),
      );
    });
    return when(!deniesPlainHttp, "no bucket policy denies requests with aws:SecureTransport = false");
  },
});

export const secretsEncryptedWithCmk = defineRule({
  id: "secrets-encrypted-with-cmk",
  title: "Secrets Manager secrets use a customer-managed key",
  severity: "error",
  profile: "baseline",
  maps: maps([], ["CKV_AWS_149"], ["AVD-AWS-0098"]),
  rationale:
    "With the AWS-managed key, anyone allowed secretsmanager:GetSecretValue can decrypt; a customer key adds a second, auditable gate.",
  fix: "Set kms_key_id on the secret to a customer-managed key.",
  targets: ofType("aws_secretsmanager_secret"),
  check: ({ body }) => when(!usesKmsKey(body.kms_key_id), "kms_key_id does not name a customer-managed key"),
});

export const logGroupsEncrypted = defineRule({
  id: "log-groups-encrypted",
  title: "CloudWatch log groups encrypted with a customer-managed key",
  severity: "error",
  profile: "baseline",
  maps: maps([], ["CKV_AWS_158"], ["AVD-AWS-0017"]),
  rationale: "Logs hold request metadata, queries and errors; a key policy limits who can read them.",
  fix: "Set kms_key_id on the log group (the key policy must allow logs.<region>.amazonaws.com).",
  targets: ofType("aws_cloudwatch_log_group"),
  check: ({ body }) => when(!usesKmsKey(body.kms_key_id), "kms_key_id is not set"),
});

export const topicsEncrypted = defineRule({
  id: "sns-topics-encrypted",
  title: "SNS topics encrypted with a customer-managed key",
  severity: "error",
  profile: "baseline",
  maps: maps([], ["CKV_AWS_26"], ["AVD-AWS-0095", "AVD-AWS-0136"]),
  rationale:
    "Alert messages name resources and thresholds; CloudWatch alarms cannot publish to a topic under the AWS-managed key.",
  fix: "Set kms_master_key_id to a customer-managed key whose policy lets the publishers use it.",
  targets: ofType("aws_sns_topic"),
  check: ({ body }) =>
    when(!usesKmsKey(body.kms_master_key_id), "kms_master_key_id does not name a customer-managed key"),
});

export const launchTemplateVolumesEncrypted = defineRule({
  id: "launch-template-volumes-encrypted",
  title: "Instance volumes encrypted",
  severity: "error",
  profile: "baseline",
  maps: maps([], ["CKV_AWS_8"], ["AVD-AWS-0008", "AVD-AWS-0131"]),
  rationale: "Instance volumes hold container images, logs and swapped-out memory that may contain secrets.",
  fix: "Set ebs.encrypted = true on every block device mapping.",
  targets: ofType("aws_launch_template", "aws_instance"),
  check: ({ body }) => {
    const volumes = [
      ...asArray(body.block_device_mappings).map((mapping: Block) => nested(mapping.ebs)),
      ...asArray(body.root_block_device),
      ...asArray(body.ebs_block_device),
    ];
    if (volumes.length === 0) return ["no block device mapping sets encryption (the AMI's default applies)"];
    return when(
      volumes.some((volume) => !isTrue(volume?.encrypted)),
      "a block device is not encrypted",
    );
  },
});

export const registryEncryptedWithKms = defineRule({
  id: "ecr-encrypted-with-kms",
  title: "ECR repositories encrypted with a customer-managed key",
  severity: "error",
  profile: "baseline",
  maps: maps([], ["CKV_AWS_136"], ["AVD-AWS-0033"]),
  rationale: "Images contain the service's code and dependencies; a key policy controls who can pull their layers.",
  fix: 'Set encryption_configuration { encryption_type = "KMS", kms_key = <key arn> }.',
  targets: ofType("aws_ecr_repository"),
  check: ({ body }) => {
    const encryption = nested(body.encryption_configuration);
    return when(
      encryption?.encryption_type !== "KMS" || !usesKmsKey(encryption?.kms_key),
      "encryption_configuration is not KMS with a customer-managed key",
    );
  },
});

export const backupsEncryptedWithCmk = defineRule({
  id: "backups-encrypted-with-cmk",
  title: "Backup vaults and replicated backups use customer-managed keys",
  severity: "error",
  profile: "baseline",
  maps: maps([], ["CKV_AWS_166", "CKV_AWS_245"], []),
  rationale: "Backups are a full copy of the data; they need the same key control as the database.",
  fix: "Set kms_key_arn on aws_backup_vault and kms_key_id on aws_db_instance_automated_backups_replication.",
  targets: ofType("aws_backup_vault", "aws_db_instance_automated_backups_replication"),
  check: ({ type, body }) =>
    when(!usesKmsKey(type === "aws_backup_vault" ? body.kms_key_arn : body.kms_key_id), "no customer-managed key"),
});

export const lambdaEnvironmentEncrypted = defineRule({
  id: "lambda-environment-encrypted",
  title: "Lambda environment variables encrypted with a customer-managed key",
  severity: "error",
  profile: "baseline",
  maps: maps([], ["CKV_AWS_173"], []),
  rationale:
    "Environment variables are readable by anyone with lambda:GetFunctionConfiguration unless a key policy guards them.",
  fix: "Set kms_key_arn on the function.",
  targets: (stack) => stack.resources("aws_lambda_function").filter(({ body }) => body.environment !== undefined),
  check: ({ body }) => when(!usesKmsKey(body.kms_key_arn), "kms_key_arn is not set"),
});

/** The value a parameter group referenced by `reference` sets for `parameter`. */
export function parameterValue(stack: StackModel, reference: unknown, parameter: string): string | undefined {
  const group: Element | undefined = stack.resolve(reference);
  const entry = asArray(group?.body.parameter).find((candidate: Block) => candidate.name === parameter);
  return entry === undefined ? undefined : String(entry.value);
}
