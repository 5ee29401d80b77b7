import { asArray, Block, isTrue, nested } from "../model";
import { defineRule, maps, ofType, when } from "../rule";
import { parameterValue } from "./encryption";

/** Logging: VPC flow logs, load balancer, WAF, CloudTrail, RDS, Redis, S3 access, retention. */

export const vpcFlowLogs = defineRule({
  id: "vpc-flow-logs",
  title: "Every VPC records flow logs",
  severity: "error",
  profile: "baseline",
  maps: maps(["EC2.6"], ["CKV2_AWS_11"], ["AVD-AWS-0178"]),
  rationale: "Flow logs are the only record of which addresses talked to the service's network interfaces.",
  fix: 'Add aws_flow_log for the VPC with traffic_type = "ALL" (or "REJECT").',
  targets: ofType("aws_vpc"),
  check: (vpc, stack) => when(stack.referencing("aws_flow_log", vpc, "vpc_id").length === 0, "no flow log"),
});

export const albAccessLogs = defineRule({
  id: "alb-access-logs",
  title: "Load balancers write access logs",
  severity: "error",
  profile: "baseline",
  maps: maps(["ELB.5"], ["CKV_AWS_91"], []),
  rationale: "Access logs are the record of every request, client address and TLS version the service saw.",
  fix: "Set access_logs { enabled = true, bucket = <log bucket> }.",
  targets: ofType("aws_lb", "aws_alb"),
  check: ({ body }) => when(!isTrue(nested(body.access_logs)?.enabled), "access_logs is not enabled"),
});

export const wafLogging = defineRule({
  id: "waf-logging",
  title: "WAF web ACLs log their decisions",
  severity: "error",
  profile: "baseline",
  maps: maps(["WAF.11"], ["CKV2_AWS_31"], []),
  rationale: "Without logs a blocked login storm or a false positive cannot be investigated.",
  fix: "Add aws_wafv2_web_acl_logging_configuration for the web ACL (log group named aws-waf-logs-*).",
  targets: ofType("aws_wafv2_web_acl"),
  check: (acl, stack) =>
    when(
      stack.referencing("aws_wafv2_web_acl_logging_configuration", acl, "resource_arn").length === 0,
      "no logging configuration",
    ),
});

export const cloudTrailHardened = defineRule({
  id: "cloudtrail-hardened",
  title: "CloudTrail trails are multi-region, validated, KMS-encrypted and sent to CloudWatch Logs",
  severity: "error",
  profile: "baseline",
  maps: maps(
    ["CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "CloudTrail.5"],
    ["CKV_AWS_67", "CKV_AWS_35", "CKV_AWS_36", "CKV2_AWS_10"],
    ["AVD-AWS-0014", "AVD-AWS-0015", "AVD-AWS-0016", "AVD-AWS-0162"],
  ),
  rationale:
    "The audit trail must cover every region, be tamper-evident, readable only through a key policy, and searchable for alarms.",
  fix: "Set is_multi_region_trail, enable_log_file_validation, kms_key_id and cloud_watch_logs_group_arn on the trail.",
  targets: ofType("aws_cloudtrail"),
  check: ({ body }) => [
    ...when(!isTrue(body.is_multi_region_trail), "is_multi_region_trail is not true"),
    ...when(!isTrue(body.enable_log_file_validation), "enable_log_file_validation is not true"),
    ...when(!body.kms_key_id, "kms_key_id is not set"),
    ...when(!body.cloud_watch_logs_group_arn, "cloud_watch_logs_group_arn is not set"),
  ],
});

export const rdsLogsExported = defineRule({
  id: "rds-logs-exported",
  title: "PostgreSQL logs are exported to CloudWatch Logs",
  severity: "error",
  profile: "baseline",
  maps: maps(["RDS.9"], ["CKV_AWS_129"], []),
  rationale: "Logs kept only on the instance disappear with it and cannot be alarmed on.",
  fix: 'Set enabled_cloudwatch_logs_exports to include "postgresql".',
  targets: (stack) => stack.resources("aws_db_instance").filter(({ body }) => body.engine === "postgres"),
  check: ({ body }) =>
    when(
      !asArray(body.enabled_cloudwatch_logs_exports).includes("postgresql"),
      'enabled_cloudwatch_logs_exports does not include "postgresql"',
    ),
});

/**
 * The query-logging policy: slow statements, connections, and schema and role changes. DDL is
 * audited through pgaudit (ddl, role classes) rather than log_statement = ddl, because
 * log_statement writes CREATE/ALTER ROLE ... PASSWORD in clear text to the log and pgaudit
 * redacts it (https://repost.aws/knowledge-center/rds-postgresql-cleartext-logging).
 * DML and reads are not logged: their text carries user data of the auth service.
 */
export const rdsQueryLogging = defineRule({
  id: "rds-query-logging",
  title: "PostgreSQL logs slow statements, connections, and schema and role changes",
  severity: "error",
  profile: "baseline",
  maps: maps([], ["CKV2_AWS_30"], []),
  rationale:
    "Schema and role changes and who connected from where are what an investigation needs; slow statements show abuse and load.",
  fix: "In the parameter group: log_min_duration_statement >= 0, log_connections = 1, log_disconnections = 1, and pgaudit in shared_preload_libraries with pgaudit.log covering ddl and role (or log_statement = ddl).",
  targets: (stack) => stack.resources("aws_db_instance").filter(({ body }) => body.engine === "postgres"),
  check: ({ body }, stack) => {
    const value = (name: string) => parameterValue(stack, body.parameter_group_name, name);
    const slow = Number(value("log_min_duration_statement") ?? -1);
    const pgaudit = (value("shared_preload_libraries") ?? "")
      .split(",")
      .map((library) => library.trim())
      .includes("pgaudit");
    const classes = (value("pgaudit.log") ?? "")
      .toLowerCase()
      .split(",")
      .map((entry) => entry.trim());
    const auditsChanges =
      (pgaudit && ["ddl", "role"].every((auditClass) => classes.includes(auditClass) || classes.includes("all"))) ||
      ["ddl", "mod", "all"].includes(value("log_statement") ?? "");
    return [
      ...when(!(slow >= 0), "log_min_duration_statement is not set"),
      ...when(value("log_connections") !== "1", "log_connections is not 1"),
      ...when(value("log_disconnections") !== "1", "log_disconnections is not 1"),
      ...when(!auditsChanges, "schema and role changes are not audited (pgaudit ddl,role or log_statement = ddl)"),
    ];
  },
});

export const redisLogsDelivered = defineRule({
  id: "redis-logs-delivered",
  title: "Redis delivers its slow log and engine log",
  severity: "error",
  profile: "baseline",
  maps: maps([], [], []),
  rationale: "Engine events (failovers, AUTH errors) and slow commands are otherwise lost when a node is replaced.",
  fix: "Add log_delivery_configuration blocks for slow-log and engine-log.",
  targets: ofType("aws_elasticache_replication_group"),
  check: ({ body }) => {
    const delivered = asArray(body.log_delivery_configuration).map((entry: Block) => entry.log_type);
    return ["slow-log", "engine-log"]
      .filter((logType) => !delivered.includes(logType))
      .map((logType) => `${logType} is not delivered`);
  },
});

export const s3AccessLogging = defineRule({
  id: "s3-access-logging",
  title: "S3 buckets log every access",
  severity: "error",
  profile: "baseline",
  maps: maps(["S3.9"], ["CKV_AWS_18"], ["AVD-AWS-0089"]),
  rationale:
    "Server access logs record who read or changed each object, which CloudTrail only does with paid data events.",
  fix: "Add aws_s3_bucket_logging pointing at an access-log bucket.",
  targets: ofType("aws_s3_bucket"),
  check: (bucket, stack) =>
    when(stack.referencing("aws_s3_bucket_logging", bucket, "bucket").length === 0, "no server access logging"),
});

export const logRetentionSet = defineRule({
  id: "log-retention-set",
  title: "Log groups expire their events",
  severity: "error",
  profile: "baseline",
  maps: maps([], ["CKV_AWS_66"], []),
  rationale:
    "A log group without retention keeps (and bills) everything forever, including data that should have aged out.",
  fix: "Set retention_in_days.",
  targets: ofType("aws_cloudwatch_log_group"),
  check: ({ body }) => when(!(Number(body.retention_in_days) > 0), "retention_in_days is not set"),
});

export const logRetentionOneYear = defineRule({
  id: "log-retention-one-year",
  title: "Production log groups keep at least a year",
  severity: "error",
  profile: "production",
  maps: maps(["CloudWatch.16"], ["CKV_AWS_338"], []),
  rationale: "Incidents are often found months later; investigations need the year before.",
  fix: "Set retention_in_days to 365 or more.",
  targets: ofType("aws_cloudwatch_log_group"),
  check: ({ body }) =>
    when(!(Number(body.retention_in_days) >= 365), `retention_in_days is ${body.retention_in_days ?? "unset"}`),
});
