import type { Block, TerraformJson } from "../../src/compliance/model";
import type { RuleId } from "../../src/compliance/rules";
import { GUARDDUTY_FEATURES } from "../../src/config/schema/accounts-schema";
import { CIS_METRIC_FILTERS } from "../../src/compliance/filter-patterns";

/**
 * For every rule: a small compliant stack (as cdk.tf.json would hold it) and the edit that
 * breaks it. Typed by RuleId, so a new rule without fixtures does not compile.
 */
export interface RuleFixture {
  readonly compliant: TerraformJson;
  readonly violate: (json: any) => void;
}

type Resources = Record<string, Record<string, Block>>;
const stack = (resource: Resources, data: Resources = {}): TerraformJson => ({ resource, data });
const ref = (address: string, attribute = "id") => `\${${address}.${attribute}}`;
const KEY = "${aws_kms_key.key.arn}";

const document = (statement: Block[]) => ({ statement });

const bucket = (extra: Resources = {}): Resources => ({
  aws_s3_bucket: { b: { bucket: "b" } },
  ...extra,
});

const postgres = (instance: Block = {}, parameters: Block[] = []): TerraformJson =>
  stack({
    aws_db_instance: {
      db: {
        engine: "postgres",
        parameter_group_name: ref("aws_db_parameter_group.pg", "name"),
        storage_encrypted: true,
        kms_key_id: KEY,
        ...instance,
      },
    },
    aws_db_parameter_group: { pg: { family: "postgres16", parameter: parameters } },
  });

const redis = (group: Block = {}): TerraformJson => stack({ aws_elasticache_replication_group: { r: { ...group } } });

const alb = (extra: Resources = {}, lb: Block = {}): TerraformJson =>
  stack({ aws_lb: { alb: { internal: false, load_balancer_type: "application", ...lb } }, ...extra });

const rolePolicy = (statement: Block[]): TerraformJson =>
  stack(
    {
      aws_iam_role: { r: { name: "r" } },
      aws_iam_role_policy: {
        p: { role: ref("aws_iam_role.r"), policy: ref("data.aws_iam_policy_document.d", "json") },
      },
    },
    { aws_iam_policy_document: { d: document(statement) } },
  );

const webAcl = (groups: string[]): Block => ({
  rule: groups.map((name, priority) => ({
    name,
    priority,
    override_action: { none: {} },
    statement: { managed_rule_group_statement: { vendor_name: "AWS", name } },
  })),
});

/** A security stack that declares `control` created by itself, with `resource` as what provides it. */
const createdControl = (control: string, resource: Resources): TerraformJson => ({
  "//": { compliance: { accountControls: { [control]: { mode: "create" } } } },
  resource,
  data: {},
});

const AUDITED = [
  { name: "log_min_duration_statement", value: "250" },
  { name: "log_connections", value: "1" },
  { name: "log_disconnections", value: "1" },
  { name: "shared_preload_libraries", value: "pg_stat_statements,pgaudit" },
  { name: "pgaudit.log", value: "ddl,role" },
];

export const RULE_FIXTURES: Record<RuleId, RuleFixture> = {
  "rds-storage-encrypted": {
    compliant: postgres(),
    violate: (json) => (json.resource.aws_db_instance.db.storage_encrypted = false),
  },
  "rds-forces-tls": {
    compliant: postgres({}, [{ name: "rds.force_ssl", value: "1" }]),
    violate: (json) => (json.resource.aws_db_parameter_group.pg.parameter = [{ name: "rds.force_ssl", value: "0" }]),
  },
  "elasticache-encrypted-at-rest": {
    compliant: redis({ at_rest_encryption_enabled: "true", kms_key_id: KEY }),
    violate: (json) => delete json.resource.aws_elasticache_replication_group.r.kms_key_id,
  },
  "elasticache-encrypted-in-transit": {
    compliant: redis({
      transit_encryption_enabled: true,
      transit_encryption_mode: "required",
      auth_token: "${random_password.t.result}",
    }),
    violate: (json) => (json.resource.aws_elasticache_replication_group.r.transit_encryption_mode = "preferred"),
  },
  "s3-encrypted-with-kms": {
    compliant: stack(
      bucket({
        aws_s3_bucket_server_side_encryption_configuration: {
          e: {
            bucket: ref("aws_s3_bucket.b"),
            rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY } }],
          },
        },
      }),
    ),
    violate: (json) =>
      (json.resource.aws_s3_bucket_server_side_encryption_configuration.e.rule = [
        { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
      ]),
  },
  "s3-tls-only": {
    compliant: stack(
      bucket({
        aws_s3_bucket_policy: {
          p: { bucket: ref("aws_s3_bucket.b"), policy: ref("data.aws_iam_policy_document.d", "json") },
        },
      }),
      {
        aws_iam_policy_document: {
          d: document([
            {
              effect: "Deny",
              actions: ["s3:*"],
              condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
            },
          ]),
        },
      },
    ),
    violate: (json) => (json.data.aws_iam_policy_document.d.statement[0].effect = "Allow"),
  },
  "secrets-encrypted-with-cmk": {
    compliant: stack({ aws_secretsmanager_secret: { s: { kms_key_id: KEY } } }),
    violate: (json) => (json.resource.aws_secretsmanager_secret.s.kms_key_id = "alias/aws/secretsmanager"),
  },
  "log-groups-encrypted": {
    compliant: stack({ aws_cloudwatch_log_group: { l: { kms_key_id: KEY, retention_in_days: 365 } } }),
    violate: (json) => delete json.resource.aws_cloudwatch_log_group.l.kms_key_id,
  },
  "sns-topics-encrypted": {
    compliant: stack({ aws_sns_topic: { t: { kms_master_key_id: KEY } } }),
    violate: (json) => (json.resource.aws_sns_topic.t.kms_master_key_id = "alias/aws/sns"),
  },
  "launch-template-volumes-encrypted": {
    compliant: stack({
      aws_launch_template: {
        lt: { block_device_mappings: [{ device_name: "/dev/xvda", ebs: { encrypted: "true" } }] },
      },
    }),
    violate: (json) => (json.resource.aws_launch_template.lt.block_device_mappings[0].ebs.encrypted = "false"),
  },
  "ecr-encrypted-with-kms": {
    compliant: stack({
      aws_ecr_repository: { r: { encryption_configuration: [{ encryption_type: "KMS", kms_key: KEY }] } },
    }),
    violate: (json) => (json.resource.aws_ecr_repository.r.encryption_configuration = [{ encryption_type: "AES256" }]),
  },
  "backups-encrypted-with-cmk": {
    compliant: stack({
      aws_backup_vault: { v: { kms_key_arn: KEY } },
      aws_db_instance_automated_backups_replication: { rep: { kms_key_id: KEY } },
    }),
    violate: (json) => delete json.resource.aws_db_instance_automated_backups_replication.rep.kms_key_id,
  },
  "lambda-environment-encrypted": {
    compliant: stack({ aws_lambda_function: { f: { environment: { variables: { A: "1" } }, kms_key_arn: KEY } } }),
    violate: (json) => delete json.resource.aws_lambda_function.f.kms_key_arn,
  },
  "sg-no-world-ingress": {
    compliant: stack({
      aws_vpc_security_group_ingress_rule: {
        https: { cidr_ipv4: "0.0.0.0/0", from_port: 443, to_port: 443, ip_protocol: "tcp" },
      },
      aws_security_group: {
        sg: { ingress: [{ cidr_blocks: ["10.0.0.0/8"], from_port: 22, to_port: 22, protocol: "tcp" }] },
      },
    }),
    violate: (json) => (json.resource.aws_security_group.sg.ingress[0].ipv6_cidr_blocks = ["::/0"]),
  },
  "default-sg-closed": {
    compliant: stack({
      aws_vpc: { v: {} },
      aws_default_security_group: { d: { vpc_id: ref("aws_vpc.v"), ingress: [], egress: [] } },
    }),
    violate: (json) =>
      (json.resource.aws_default_security_group.d.egress = [{ cidr_blocks: ["0.0.0.0/0"], protocol: "-1" }]),
  },
  "s3-public-access-blocked": {
    compliant: stack(
      bucket({
        aws_s3_bucket_public_access_block: {
          p: {
            bucket: ref("aws_s3_bucket.b"),
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
          },
        },
      }),
    ),
    violate: (json) => (json.resource.aws_s3_bucket_public_access_block.p.restrict_public_buckets = false),
  },
  "s3-acls-disabled": {
    compliant: stack(
      bucket({
        aws_s3_bucket_ownership_controls: {
          o: { bucket: ref("aws_s3_bucket.b"), rule: { object_ownership: "BucketOwnerEnforced" } },
        },
      }),
    ),
    violate: (json) => (json.resource.aws_s3_bucket_ownership_controls.o.rule.object_ownership = "ObjectWriter"),
  },
  "rds-not-public": {
    compliant: postgres({ publicly_accessible: false }),
    violate: (json) => (json.resource.aws_db_instance.db.publicly_accessible = true),
  },
  "no-public-ip-on-launch": {
    compliant: stack({
      aws_subnet: { s: { map_public_ip_on_launch: false } },
      aws_launch_template: { lt: { network_interfaces: [{ associate_public_ip_address: "false" }] } },
    }),
    violate: (json) =>
      (json.resource.aws_launch_template.lt.network_interfaces[0].associate_public_ip_address = "true"),
  },
  "alb-behind-waf": {
    compliant: alb({
      aws_wafv2_web_acl_association: {
        a: { resource_arn: ref("aws_lb.alb", "arn"), web_acl_arn: ref("aws_wafv2_web_acl.w", "arn") },
      },
    }),
    violate: (json) => (json.resource.aws_wafv2_web_acl_association.a.resource_arn = ref("aws_lb.other", "arn")),
  },
  "alb-hardened-http": {
    compliant: alb({}, { drop_invalid_header_fields: true, desync_mitigation_mode: "strictest" }),
    violate: (json) => (json.resource.aws_lb.alb.desync_mitigation_mode = "monitor"),
  },
  "vpc-flow-logs": {
    compliant: stack({ aws_vpc: { v: {} }, aws_flow_log: { f: { vpc_id: ref("aws_vpc.v"), traffic_type: "ALL" } } }),
    violate: (json) => delete json.resource.aws_flow_log,
  },
  "alb-access-logs": {
    compliant: alb({}, { access_logs: { bucket: "logs", enabled: true } }),
    violate: (json) => (json.resource.aws_lb.alb.access_logs.enabled = false),
  },
  "waf-logging": {
    compliant: stack({
      aws_wafv2_web_acl: { w: {} },
      aws_wafv2_web_acl_logging_configuration: { l: { resource_arn: ref("aws_wafv2_web_acl.w", "arn") } },
    }),
    violate: (json) => delete json.resource.aws_wafv2_web_acl_logging_configuration,
  },
  "cloudtrail-hardened": {
    compliant: stack({
      aws_cloudtrail: {
        t: {
          is_multi_region_trail: true,
          enable_log_file_validation: true,
          kms_key_id: KEY,
          cloud_watch_logs_group_arn: "${aws_cloudwatch_log_group.t.arn}:*",
        },
      },
    }),
    violate: (json) => (json.resource.aws_cloudtrail.t.enable_log_file_validation = false),
  },
  "guardduty-enabled": {
    compliant: createdControl("guardduty", {
      aws_guardduty_detector: { d: { enable: true } },
      aws_guardduty_detector_feature: Object.fromEntries(
        GUARDDUTY_FEATURES.map((name) => [
          name,
          { detector_id: ref("aws_guardduty_detector.d"), name, status: "DISABLED" },
        ]),
      ),
    }),
    violate: (json) => delete json.resource.aws_guardduty_detector_feature.LAMBDA_NETWORK_LOGS,
  },
  "config-recording": {
    compliant: createdControl("config", {
      aws_config_configuration_recorder_status: { s: { name: "r", is_enabled: true } },
    }),
    violate: (json) => (json.resource.aws_config_configuration_recorder_status.s.is_enabled = false),
  },
  "securityhub-fsbp": {
    compliant: createdControl("securityhub", {
      aws_securityhub_standards_subscription: {
        fsbp: {
          standards_arn: "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
        },
      },
    }),
    violate: (json) => delete json.resource.aws_securityhub_standards_subscription,
  },
  "cloudtrail-logging": {
    compliant: createdControl("cloudtrail", {
      aws_cloudtrail: { t: { is_multi_region_trail: true, enable_logging: true } },
    }),
    violate: (json) => (json.resource.aws_cloudtrail.t.is_multi_region_trail = false),
  },
  "cis-metric-filters": {
    compliant: createdControl("cis-metric-filters", {
      aws_cloudwatch_log_metric_filter: Object.fromEntries(
        CIS_METRIC_FILTERS.map((filter) => [filter.name, { metric_transformation: [{ name: filter.metricName }] }]),
      ),
    }),
    violate: (json) => delete json.resource.aws_cloudwatch_log_metric_filter["cis-root-account-use"],
  },
  "rds-logs-exported": {
    compliant: postgres({ enabled_cloudwatch_logs_exports: ["postgresql", "upgrade"] }),
    violate: (json) => (json.resource.aws_db_instance.db.enabled_cloudwatch_logs_exports = ["upgrade"]),
  },
  "rds-query-logging": {
    compliant: postgres({}, AUDITED),
    // Slow statements alone (the policy before this pack) do not audit schema and role changes.
    violate: (json) =>
      (json.resource.aws_db_parameter_group.pg.parameter = [{ name: "log_min_duration_statement", value: "250" }]),
  },
  "redis-logs-delivered": {
    compliant: redis({ log_delivery_configuration: [{ log_type: "slow-log" }, { log_type: "engine-log" }] }),
    violate: (json) => json.resource.aws_elasticache_replication_group.r.log_delivery_configuration.pop(),
  },
  "s3-access-logging": {
    compliant: stack(
      bucket({
        aws_s3_bucket_logging: { l: { bucket: ref("aws_s3_bucket.b"), target_bucket: "logs", target_prefix: "b/" } },
      }),
    ),
    violate: (json) => delete json.resource.aws_s3_bucket_logging,
  },
  "log-retention-set": {
    compliant: stack({ aws_cloudwatch_log_group: { l: { retention_in_days: 30 } } }),
    violate: (json) => (json.resource.aws_cloudwatch_log_group.l.retention_in_days = 0),
  },
  "log-retention-one-year": {
    compliant: stack({ aws_cloudwatch_log_group: { l: { retention_in_days: 365 } } }),
    violate: (json) => (json.resource.aws_cloudwatch_log_group.l.retention_in_days = 90),
  },
  "rds-automated-backups": {
    compliant: postgres({ backup_retention_period: 1 }),
    violate: (json) => (json.resource.aws_db_instance.db.backup_retention_period = 0),
  },
  "rds-backup-retention-7-days": {
    compliant: postgres({ backup_retention_period: 14 }),
    violate: (json) => (json.resource.aws_db_instance.db.backup_retention_period = 3),
  },
  "rds-final-snapshot": {
    compliant: postgres({ skip_final_snapshot: false, final_snapshot_identifier: "db-final" }),
    violate: (json) => (json.resource.aws_db_instance.db.skip_final_snapshot = true),
  },
  "rds-deletion-protection": {
    compliant: postgres({ deletion_protection: true, lifecycle: { prevent_destroy: true } }),
    violate: (json) => delete json.resource.aws_db_instance.db.lifecycle,
  },
  "rds-multi-az": {
    compliant: postgres({ multi_az: true }),
    violate: (json) => (json.resource.aws_db_instance.db.multi_az = false),
  },
  "rds-cross-region-backups": {
    compliant: stack({
      aws_db_instance: { db: { engine: "postgres" } },
      aws_db_instance_automated_backups_replication: {
        rep: { source_db_instance_arn: ref("aws_db_instance.db", "arn"), kms_key_id: KEY },
      },
    }),
    violate: (json) => delete json.resource.aws_db_instance_automated_backups_replication,
  },
  "elasticache-backups": {
    compliant: redis({ snapshot_retention_limit: 7 }),
    violate: (json) => (json.resource.aws_elasticache_replication_group.r.snapshot_retention_limit = 0),
  },
  "elasticache-failover": {
    compliant: redis({ automatic_failover_enabled: true, multi_az_enabled: true, replicas_per_node_group: 1 }),
    violate: (json) => (json.resource.aws_elasticache_replication_group.r.replicas_per_node_group = 0),
  },
  "s3-versioning": {
    compliant: stack(
      bucket({
        aws_s3_bucket_versioning: {
          v: { bucket: ref("aws_s3_bucket.b"), versioning_configuration: { status: "Enabled" } },
        },
      }),
    ),
    violate: (json) => (json.resource.aws_s3_bucket_versioning.v.versioning_configuration.status = "Suspended"),
  },
  "alb-deletion-protection": {
    compliant: alb({}, { enable_deletion_protection: true }),
    violate: (json) => (json.resource.aws_lb.alb.enable_deletion_protection = false),
  },
  "iam-no-wildcard-resource": {
    compliant: rolePolicy([
      { actions: ["secretsmanager:GetSecretValue"], resources: ["${aws_secretsmanager_secret.s.arn}"] },
      // Has no resource type: "*" is the only resource it accepts.
      { actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
    ]),
    violate: (json) => json.data.aws_iam_policy_document.d.statement[1].actions.push("ecr:BatchGetImage"),
  },
  "iam-no-wildcard-actions": {
    compliant: rolePolicy([{ actions: ["s3:GetObject"], resources: ["${aws_s3_bucket.b.arn}/*"] }]),
    violate: (json) => (json.data.aws_iam_policy_document.d.statement[0].actions = ["s3:*"]),
  },
  "iam-no-admin-access": {
    compliant: stack({
      aws_iam_role_policy_attachment: { a: { role: "r", policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" } },
      // A literal JSON policy is read as well as a policy document data source.
      aws_iam_policy: {
        p: {
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
          }),
        },
      },
    }),
    violate: (json) =>
      (json.resource.aws_iam_policy.p.policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
      })),
  },
  "iam-role-boundary": {
    compliant: stack({
      aws_iam_role: {
        workload: {
          name: "auth-staging-service",
          assume_role_policy: "{}",
          permissions_boundary: "arn:aws:iam::111111111111:policy/auth-staging-role-boundary",
        },
        // The CI identities are the documented exception: the boundary protects them.
        ci: { name: "auth-staging-ci-deploy", assume_role_policy: "{}" },
      },
    }),
    violate: (json) => delete json.resource.aws_iam_role.workload.permissions_boundary,
  },
  "iam-service-principal-guarded": {
    compliant: stack({
      aws_iam_role: {
        monitoring: {
          name: "auth-staging-postgres-monitoring",
          assume_role_policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: "sts:AssumeRole",
                Principal: { Service: "monitoring.rds.amazonaws.com" },
                Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
              },
            ],
          }),
        },
        // A listed exception: EC2 documents no guard for instance-profile roles.
        instance: {
          name: "auth-staging-service",
          assume_role_policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ec2.amazonaws.com" } }],
          }),
        },
      },
    }),
    violate: (json) =>
      (json.resource.aws_iam_role.monitoring.assume_role_policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "monitoring.rds.amazonaws.com" } },
        ],
      })),
  },
  "imdsv2-required": {
    compliant: stack({
      aws_launch_template: { lt: { metadata_options: { http_endpoint: "enabled", http_tokens: "required" } } },
    }),
    violate: (json) => (json.resource.aws_launch_template.lt.metadata_options.http_tokens = "optional"),
  },
  "kms-key-rotation": {
    compliant: stack({ aws_kms_key: { k: { enable_key_rotation: true } } }),
    violate: (json) => (json.resource.aws_kms_key.k.enable_key_rotation = false),
  },
  "secret-rotation": {
    compliant: stack({
      aws_secretsmanager_secret: { s: { kms_key_id: KEY } },
      aws_secretsmanager_secret_rotation: {
        r: { secret_id: ref("aws_secretsmanager_secret.s", "arn"), rotation_rules: { automatically_after_days: 30 } },
      },
    }),
    violate: (json) =>
      (json.resource.aws_secretsmanager_secret_rotation.r.rotation_rules.automatically_after_days = 180),
  },
  "waf-managed-rule-groups": {
    compliant: stack({
      aws_wafv2_web_acl: {
        w: webAcl([
          "AWSManagedRulesCommonRuleSet",
          "AWSManagedRulesKnownBadInputsRuleSet",
          "AWSManagedRulesAmazonIpReputationList",
          "AWSManagedRulesAnonymousIpList",
        ]),
      },
    }),
    // A group that only counts protects nothing.
    violate: (json) => (json.resource.aws_wafv2_web_acl.w.rule[3].override_action = { count: {} }),
  },
  "alb-https-only": {
    compliant: stack({
      aws_lb_listener: {
        http: {
          port: 80,
          protocol: "HTTP",
          default_action: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", status_code: "HTTP_301" } }],
        },
      },
    }),
    violate: (json) =>
      (json.resource.aws_lb_listener.http.default_action = [
        { type: "forward", target_group_arn: "${aws_lb_target_group.t.arn}" },
      ]),
  },
  "alb-tls-policy": {
    compliant: stack({
      aws_lb_listener: { https: { port: 443, protocol: "HTTPS", ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06" } },
    }),
    violate: (json) => (json.resource.aws_lb_listener.https.ssl_policy = "ELBSecurityPolicy-2016-08"),
  },
  "lambda-supported-runtime": {
    compliant: stack({ aws_lambda_function: { f: { runtime: "nodejs22.x" } } }),
    violate: (json) => (json.resource.aws_lambda_function.f.runtime = "nodejs20.x"),
  },
};
