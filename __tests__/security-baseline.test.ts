import { readFileSync } from "fs";
import { join } from "path";
import { GUARDDUTY_SEVERITY_FLOOR } from "../src/config/schema/security-schema";
import { ConfigError, validateConfigs } from "../src/config/rules/validate";
import { CIS_METRIC_FILTERS, CIS_NAMESPACE } from "../src/compliance/filter-patterns";
import { fsbpStandardArn } from "../src/constructs/security/threat-detection";
import { matchesEventPattern } from "./support/event-pattern";
import { alarmState, MetricData } from "./support/fake-cloudwatch-alarms";
import { matchesFilterPattern } from "./support/filter-pattern";
import {
  Block,
  ENVIRONMENTS,
  SYNTH_DIR,
  Synthesized,
  editedConfig,
  referenceTo,
  synthEnvironment,
  validConfig,
} from "./support/synth";

const statementsOf = (json: Synthesized, reference: string): Block[] => json.policyDocument(reference).statement;
const bySid = (statements: Block[], sid: string) => {
  const found = statements.find((statement) => statement.sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${statements.map((statement) => statement.sid).join(", ")}`);
  return found;
};
const conditionValue = (statement: Block, variable: string) =>
  statement.condition.find((entry: Block) => entry.variable === variable)?.values;
/** ArnLike as IAM evaluates it: `*` spans any characters. */
const arnLike = (pattern: string, arn: string) =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  ).test(arn);

describe.each(ENVIRONMENTS)("security baseline auth-%s-security", (env) => {
  const config = validConfig(env);
  const stacks = synthEnvironment(env);
  const json = stacks.security;
  const manifest = JSON.parse(readFileSync(join(SYNTH_DIR, "manifest.json"), "utf8"));
  const trailName = `auth-${env}-trail`;
  const trailArn = `arn:aws:cloudtrail:${config.aws.region}:${config.aws.accountId}:trail/${trailName}`;
  const trail = json.resource("aws_cloudtrail");
  const trailKey = json.named("aws_kms_key", "trail_key");
  const securityTopic = json.resource("aws_sns_topic");

  describe("place in the deploy order", () => {
    test("deploys right after bootstrap and reads no other stack, so it can watch everything created after it", () => {
      expect(manifest.stacks[`auth-${env}-security`].dependencies).toEqual([`auth-${env}-bootstrap`]);
      expect(json.dataSources("terraform_remote_state")).toEqual({});
    });
  });

  describe("CloudTrail", () => {
    test("records every region and global services, validates log files, encrypts with its own rotating key", () => {
      expect(trail).toMatchObject({
        name: trailName,
        is_multi_region_trail: true,
        include_global_service_events: true,
        enable_log_file_validation: true,
        enable_logging: true,
        kms_key_id: referenceTo(json, "aws_kms_key", trailKey, "arn"),
      });
      expect(trailKey.enable_key_rotation).toBe(true);
    });

    test("the key policy lets exactly this trail encrypt (documented encryption context) and describe the key", () => {
      const statements = statementsOf(json, trailKey.policy);
      const encrypt = bySid(statements, "CloudTrailEncryptLogs");
      expect(encrypt.principals).toEqual([{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }]);
      expect(encrypt.actions).toEqual(["kms:GenerateDataKey*"]);
      expect(conditionValue(encrypt, "aws:SourceArn")).toEqual([trailArn]);
      expect(conditionValue(encrypt, "kms:EncryptionContext:aws:cloudtrail:arn")).toEqual([
        `arn:aws:cloudtrail:*:${config.aws.accountId}:trail/*`,
      ]);
      expect(bySid(statements, "CloudTrailDescribeKey").actions).toEqual(["kms:DescribeKey"]);
      const bucketDefault = bySid(statements, "CloudTrailBucketDefaultEncryption");
      expect(conditionValue(bucketDefault, "aws:SourceArn")).toEqual([trailArn]);
      expect(conditionValue(bucketDefault, "kms:EncryptionContext:aws:s3:arn")).toEqual([
        `arn:aws:s3:::${trailName}-${config.aws.accountId}`,
      ]);
      expect(json.named("aws_s3_bucket", "trail_bucket").bucket).toBe(`${trailName}-${config.aws.accountId}`);
      // The CloudWatch Logs copy is encrypted with the same key, and no other log group may use it.
      const logs = bySid(statements, "CloudWatchLogsUseKey");
      expect(logs.principals[0].identifiers).toEqual([`logs.${config.aws.region}.amazonaws.com`]);
      const [logGroupArn] = conditionValue(logs, "kms:EncryptionContext:aws:logs:arn");
      expect(
        arnLike(
          logGroupArn,
          `arn:aws:logs:${config.aws.region}:${config.aws.accountId}:log-group:/aws/cloudtrail/${trailName}`,
        ),
      ).toBe(true);
      expect(
        arnLike(
          logGroupArn,
          `arn:aws:logs:${config.aws.region}:${config.aws.accountId}:log-group:/auth/${env}/service`,
        ),
      ).toBe(false);
    });

    test("delivers into a versioned, KMS-encrypted, access-logged bucket whose policy admits only this trail, over TLS", () => {
      const bucket = json.named("aws_s3_bucket", "trail_bucket");
      expect(trail.s3_bucket_name).toBe(referenceTo(json, "aws_s3_bucket", bucket, "bucket"));
      const policy = json
        .resourceList("aws_s3_bucket_policy")
        .find((candidate) => candidate.bucket === referenceTo(json, "aws_s3_bucket", bucket, "id"))!;
      const statements = statementsOf(json, policy.policy);
      const aclCheck = bySid(statements, "CloudTrailAclCheck");
      expect(aclCheck.actions).toEqual(["s3:GetBucketAcl"]);
      expect(conditionValue(aclCheck, "aws:SourceArn")).toEqual([trailArn]);
      const write = bySid(statements, "CloudTrailWrite");
      expect(write.resources).toEqual([
        `${referenceTo(json, "aws_s3_bucket", bucket, "arn")}/AWSLogs/${config.aws.accountId}/*`,
      ]);
      expect(conditionValue(write, "aws:SourceArn")).toEqual([trailArn]);
      expect(conditionValue(write, "s3:x-amz-acl")).toEqual(["bucket-owner-full-control"]);
      expect(bySid(statements, "DenyInsecureTransport").effect).toBe("Deny");
      const bucketRef = referenceTo(json, "aws_s3_bucket", bucket, "id");
      expect(
        json.resourceList("aws_s3_bucket_versioning").find((entry) => entry.bucket === bucketRef)
          ?.versioning_configuration.status,
      ).toBe("Enabled");
      expect(
        json
          .resourceList("aws_s3_bucket_server_side_encryption_configuration")
          .find((entry) => entry.bucket === bucketRef)?.rule[0].apply_server_side_encryption_by_default,
      ).toEqual({
        sse_algorithm: "aws:kms",
        kms_master_key_id: referenceTo(json, "aws_kms_key", trailKey, "arn"),
      });
      expect(json.resourceList("aws_s3_bucket_logging").find((entry) => entry.bucket === bucketRef)).toBeDefined();
      // The trail is created only once the policy exists: CloudTrail checks it at creation.
      expect(trail.depends_on).toContain(
        `aws_s3_bucket_policy.${Object.entries(json.resources("aws_s3_bucket_policy")).find(([, body]) => body === policy)![0]}`,
      );
    });

    test("log files move to Standard-IA and expire as configured; old versions and broken uploads are cleaned up", () => {
      const bucketRef = referenceTo(json, "aws_s3_bucket", json.named("aws_s3_bucket", "trail_bucket"), "id");
      const [rule] = json
        .resourceList("aws_s3_bucket_lifecycle_configuration")
        .find((entry) => entry.bucket === bucketRef)!.rule;
      expect(rule.transition).toEqual([{ days: config.security.trail.archiveAfterDays, storage_class: "STANDARD_IA" }]);
      expect(rule.expiration).toEqual([{ days: config.security.trail.expireAfterDays }]);
      expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
      expect(rule.abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
    });

    test("also delivers to an encrypted log group through a role only this trail can assume, limited to that group's streams", () => {
      const logGroup = json.named("aws_cloudwatch_log_group", "trail_logs");
      expect(logGroup).toMatchObject({
        name: `/aws/cloudtrail/${trailName}`,
        retention_in_days: config.security.trail.logRetentionDays,
        kms_key_id: referenceTo(json, "aws_kms_key", trailKey, "arn"),
      });
      expect(trail.cloud_watch_logs_group_arn).toBe(
        `${referenceTo(json, "aws_cloudwatch_log_group", logGroup, "arn")}:*`,
      );
      const role = json.named("aws_iam_role", "trail_logs-role");
      expect(trail.cloud_watch_logs_role_arn).toBe(referenceTo(json, "aws_iam_role", role, "arn"));
      const [assume] = statementsOf(json, role.assume_role_policy);
      expect(assume.principals).toEqual([{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }]);
      expect(conditionValue(assume, "aws:SourceArn")).toEqual([trailArn]);
      const [delivery] = statementsOf(json, role.inline_policy[0].policy);
      expect(delivery.actions).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
      // The shared log-writer shape: CreateLogStream is authorized on the group, PutLogEvents on its streams.
      const groupArn = referenceTo(json, "aws_cloudwatch_log_group", logGroup, "arn");
      expect(delivery.resources).toEqual([groupArn, `${groupArn}:log-stream:*`]);
    });
  });

  describe("GuardDuty", () => {
    const features = Object.fromEntries(
      json.resourceList("aws_guardduty_detector_feature").map((feature) => [feature.name, feature]),
    );

    test("one enabled detector; S3 data events and RDS login activity always on", () => {
      expect(json.resource("aws_guardduty_detector")).toMatchObject({
        enable: true,
        finding_publishing_frequency: config.security.guardDuty.findingPublishingFrequency,
      });
      expect(features.S3_DATA_EVENTS.status).toBe("ENABLED");
      expect(features.RDS_LOGIN_EVENTS.status).toBe("ENABLED");
    });

    test("every feature and runtime agent is written as accounts.guardDuty decides, on or off", () => {
      const status = (on: boolean) => (on ? "ENABLED" : "DISABLED");
      const { features: decided, runtimeAgents } = config.accounts.guardDuty;
      expect(
        Object.fromEntries(
          Object.entries(features).map(([name, feature]) => [name, (feature as { status: string }).status]),
        ),
      ).toEqual(Object.fromEntries(Object.entries(decided).map(([name, { enabled }]) => [name, status(enabled)])));
      expect(features.RUNTIME_MONITORING.additional_configuration).toEqual(
        Object.entries(runtimeAgents).map(([name, { enabled }]) => ({
          name,
          status: status(enabled && decided.RUNTIME_MONITORING.enabled),
        })),
      );
    });
  });

  describe("Security Hub and Access Analyzer", () => {
    test(`Security Hub with only the FSBP standard is ${config.security.securityHub ? "on" : "off"} as configured`, () => {
      const hubs = json.resourceList("aws_securityhub_account");
      const subscriptions = json.resourceList("aws_securityhub_standards_subscription");
      if (!config.security.securityHub) {
        expect([hubs, subscriptions]).toEqual([[], []]);
        return;
      }
      expect(hubs).toEqual([
        expect.objectContaining({ enable_default_standards: false, control_finding_generator: "SECURITY_CONTROL" }),
      ]);
      expect(subscriptions).toEqual([expect.objectContaining({ standards_arn: fsbpStandardArn(config.aws.region) })]);
      expect(subscriptions[0].depends_on).toEqual([expect.stringMatching(/^aws_securityhub_account\./)]);
    });

    test("an account analyzer reports resources shared outside the account", () => {
      expect(json.resource("aws_accessanalyzer_analyzer")).toMatchObject({
        analyzer_name: `auth-${env}-account`,
        type: "ACCOUNT",
      });
    });
  });

  describe("AWS Config, which Security Hub's FSBP controls evaluate with", () => {
    test(`a recorder of every supported resource type, global ones included, is ${config.security.configRecorder ? "on" : "off"} as configured`, () => {
      const recorders = json.resourceList("aws_config_configuration_recorder");
      if (!config.security.configRecorder) {
        expect([
          recorders,
          json.resourceList("aws_config_delivery_channel"),
          json.resourceList("aws_config_configuration_recorder_status"),
        ]).toEqual([[], [], []]);
        return;
      }
      expect(recorders).toEqual([
        expect.objectContaining({
          name: `auth-${env}`,
          recording_group: { all_supported: true, include_global_resource_types: true },
        }),
      ]);
      // Recording starts only when a channel exists: status after channel, channel after recorder.
      const status = json.resource("aws_config_configuration_recorder_status");
      const channel = json.resource("aws_config_delivery_channel");
      expect(status.is_enabled).toBe(true);
      expect(status.depends_on).toEqual([expect.stringMatching(/^aws_config_delivery_channel\./)]);
      expect(channel.depends_on).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^aws_config_configuration_recorder\./),
          expect.stringMatching(/^aws_s3_bucket_policy\./),
        ]),
      );
    });

    test("its role is assumable by AWS Config for this account only, reads with AWS_ConfigRole and writes only its prefix", () => {
      if (!config.security.configRecorder) return;
      const recorder = json.resource("aws_config_configuration_recorder");
      const role = json.named("aws_iam_role", "config");
      expect(recorder.role_arn).toBe(referenceTo(json, "aws_iam_role", role, "arn"));
      const [trust] = statementsOf(json, role.assume_role_policy);
      expect(trust.principals).toEqual([{ type: "Service", identifiers: ["config.amazonaws.com"] }]);
      expect(conditionValue(trust, "aws:SourceAccount")).toEqual([config.aws.accountId]);
      expect(
        json.resourceList("aws_iam_role_policy_attachment").filter((attachment) => attachment.role.includes("config")),
      ).toEqual([expect.objectContaining({ policy_arn: "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole" })]);
      const deliver = bySid(statementsOf(json, role.inline_policy[0].policy), "DeliverConfiguration");
      expect(deliver.resources).toEqual([
        expect.stringMatching(new RegExp(`/config/AWSLogs/${config.aws.accountId}/Config/\\*$`)),
      ]);
    });

    test("delivers into the trail bucket under config/, encrypted with the trail key; the bucket policy admits AWS Config there only", () => {
      if (!config.security.configRecorder) return;
      const channel = json.resource("aws_config_delivery_channel");
      const bucket = json.named("aws_s3_bucket", "trail_bucket");
      expect(channel).toMatchObject({
        s3_bucket_name: referenceTo(json, "aws_s3_bucket", bucket, "bucket"),
        s3_key_prefix: "config",
        s3_kms_key_arn: referenceTo(json, "aws_kms_key", trailKey, "arn"),
      });
      const bucketPolicy = json
        .resourceList("aws_s3_bucket_policy")
        .find((policy) => policy.bucket === referenceTo(json, "aws_s3_bucket", bucket, "id"))!;
      const statements = statementsOf(json, bucketPolicy.policy);
      const delivery = bySid(statements, "AWSConfigBucketDelivery");
      expect(delivery.principals).toEqual([{ type: "Service", identifiers: ["config.amazonaws.com"] }]);
      expect(delivery.resources).toEqual([
        `${referenceTo(json, "aws_s3_bucket", bucket, "arn")}/config/AWSLogs/${config.aws.accountId}/Config/*`,
      ]);
      expect(conditionValue(delivery, "s3:x-amz-acl")).toEqual(["bucket-owner-full-control"]);
      for (const sid of [
        "AWSConfigBucketPermissionsCheck",
        "AWSConfigBucketExistenceCheck",
        "AWSConfigBucketDelivery",
      ]) {
        expect(conditionValue(bySid(statements, sid), "aws:SourceAccount")).toEqual([config.aws.accountId]);
      }
    });
  });

  describe("findings to the security alert topic", () => {
    const rules = json.resourceList("aws_cloudwatch_event_rule");
    const ruleNamed = (fragment: string) => json.named("aws_cloudwatch_event_rule", fragment);
    const guardDutyPattern = JSON.parse(ruleNamed("guardduty").event_pattern);
    const guardDutyFinding = (severity: number) => ({
      version: "0",
      source: "aws.guardduty",
      "detail-type": "GuardDuty Finding",
      account: config.aws.accountId,
      region: config.aws.region,
      detail: {
        schemaVersion: "2.0",
        type: "UnauthorizedAccess:EC2/SSHBruteForce",
        severity,
        title: "SSH brute force",
      },
    });
    const floor = GUARDDUTY_SEVERITY_FLOOR[config.security.guardDuty.alertAtSeverity];

    test(`GuardDuty findings at or above ${config.security.guardDuty.alertAtSeverity} (${floor}) are sent, lower ones are not`, () => {
      expect(matchesEventPattern(guardDutyPattern, guardDutyFinding(floor))).toBe(true);
      expect(matchesEventPattern(guardDutyPattern, guardDutyFinding(8.9))).toBe(true);
      expect(matchesEventPattern(guardDutyPattern, guardDutyFinding(floor - 0.1))).toBe(false);
      expect(matchesEventPattern(guardDutyPattern, { ...guardDutyFinding(8), source: "aws.securityhub" })).toBe(false);
    });

    test("critical Security Hub findings that are new and active are sent; high or resolved ones are not", () => {
      const hubRules = rules.filter((rule) => rule.name.includes("securityhub"));
      if (!config.security.securityHub) {
        expect(hubRules).toEqual([]);
        return;
      }
      const pattern = JSON.parse(ruleNamed("securityhub-critical").event_pattern);
      const imported = (finding: Record<string, unknown>) => ({
        source: "aws.securityhub",
        "detail-type": "Security Hub Findings - Imported",
        detail: {
          findings: [
            {
              Title: "S3 bucket is public",
              Severity: { Label: "CRITICAL", Normalized: 90 },
              RecordState: "ACTIVE",
              Workflow: { Status: "NEW" },
              ...finding,
            },
          ],
        },
      });
      expect(matchesEventPattern(pattern, imported({}))).toBe(true);
      expect(matchesEventPattern(pattern, imported({ Severity: { Label: "HIGH", Normalized: 70 } }))).toBe(false);
      expect(matchesEventPattern(pattern, imported({ RecordState: "ARCHIVED" }))).toBe(false);
      expect(matchesEventPattern(pattern, imported({ Workflow: { Status: "SUPPRESSED" } }))).toBe(false);
    });

    test("every rule targets the security topic; its policy lets exactly those rules publish, its key EventBridge without source conditions", () => {
      const topicArn = referenceTo(json, "aws_sns_topic", securityTopic, "arn");
      const targets = json.resourceList("aws_cloudwatch_event_target");
      expect(targets.map((target) => target.arn)).toEqual(rules.map(() => topicArn));
      const topicStatement = bySid(
        statementsOf(json, json.resource("aws_sns_topic_policy").policy),
        "EventBridgeRulesPublish",
      );
      const keyStatement = bySid(
        statementsOf(json, json.named("aws_kms_key", "security-alerts").policy),
        "EventBridgeRulesPublish",
      );
      for (const statement of [topicStatement, keyStatement])
        expect(statement.principals).toEqual([{ type: "Service", identifiers: ["events.amazonaws.com"] }]);
      const [allowed] = conditionValue(topicStatement, "aws:SourceArn");
      for (const rule of rules)
        expect(arnLike(allowed, `arn:aws:events:${config.aws.region}:${config.aws.accountId}:rule/${rule.name}`)).toBe(
          true,
        );
      expect(
        arnLike(allowed, `arn:aws:events:${config.aws.region}:${config.aws.accountId}:rule/someone-elses-rule`),
      ).toBe(false);
      expect(keyStatement.actions).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
      // SNS does not support aws:SourceAccount/aws:SourceArn in the key policy for EventBridge delivery
      // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html): with either, every finding is dropped.
      const keyConditionKeys = (keyStatement.condition ?? []).map((entry: Block) => entry.variable);
      expect(keyConditionKeys).not.toContain("aws:SourceAccount");
      expect(keyConditionKeys).not.toContain("aws:SourceArn");
    });

    test("a rule that cannot deliver to the topic raises an alarm on its FailedInvocations", () => {
      const topicArn = referenceTo(json, "aws_sns_topic", securityTopic, "arn");
      const failed = json
        .resourceList("aws_cloudwatch_metric_alarm")
        .filter((alarm) => alarm.metric_name === "FailedInvocations");
      expect(failed.map((alarm) => alarm.dimensions.RuleName).sort()).toEqual(rules.map((rule) => rule.name).sort());
      for (const alarm of failed) {
        expect(alarm).toMatchObject({
          namespace: "AWS/Events",
          statistic: "Sum",
          threshold: 0,
          treat_missing_data: "notBreaching",
          alarm_actions: [topicArn],
          ok_actions: [topicArn],
        });
        expect(alarm.alarm_description).toMatch(/#security-findings$/);
      }
    });

    test("a finding the topic still refuses after the retries lands in an encrypted dead-letter queue only these rules may send to, and alarms", () => {
      const queue = json.resource("aws_sqs_queue");
      const queueArn = referenceTo(json, "aws_sqs_queue", queue, "arn");
      expect(queue).toMatchObject({
        name: `auth-${env}-security-findings-undelivered`,
        sqs_managed_sse_enabled: true,
        message_retention_seconds: 1209600,
      });
      for (const target of json.resourceList("aws_cloudwatch_event_target"))
        expect(target.dead_letter_config).toEqual({ arn: queueArn });
      const queuePolicy = json.resource("aws_sqs_queue_policy");
      expect(queuePolicy.queue_url).toBe(referenceTo(json, "aws_sqs_queue", queue, "url"));
      const send = bySid(statementsOf(json, queuePolicy.policy), "FindingRulesSendUndelivered");
      expect(send).toMatchObject({
        principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
        actions: ["sqs:SendMessage"],
        resources: [queueArn],
      });
      expect(conditionValue(send, "aws:SourceArn")).toEqual(
        rules.map((rule) => referenceTo(json, "aws_cloudwatch_event_rule", rule, "arn")),
      );
      const topicArn = referenceTo(json, "aws_sns_topic", securityTopic, "arn");
      const waiting = json.resourceList("aws_cloudwatch_metric_alarm").filter((alarm) => alarm.namespace === "AWS/SQS");
      expect(waiting).toEqual([
        expect.objectContaining({
          metric_name: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: queue.name },
          threshold: 0,
          comparison_operator: "GreaterThanThreshold",
          alarm_actions: [topicArn],
          alarm_description: expect.stringMatching(/#security-findings$/),
        }),
      ]);
    });

    test("the security topic is encrypted and mails the same recipients as the alert topic", () => {
      expect(securityTopic.kms_master_key_id).toBe(
        referenceTo(json, "aws_kms_key", json.named("aws_kms_key", "security-alerts"), "arn"),
      );
      expect(
        json
          .resourceList("aws_sns_topic_subscription")
          .map((subscription) => subscription.endpoint)
          .sort(),
      ).toEqual([...config.alarms.emails].sort());
    });
  });

  describe("CIS metric filters and alarms on the trail", () => {
    const filters: Record<string, Block> = Object.fromEntries(
      json.resourceList("aws_cloudwatch_log_metric_filter").map((filter) => [filter.name, filter]),
    );
    const alarms = json.resourceList("aws_cloudwatch_metric_alarm");
    const trailLogGroup = referenceTo(
      json,
      "aws_cloudwatch_log_group",
      json.named("aws_cloudwatch_log_group", "trail_logs"),
      "name",
    );
    const event = (fields: Record<string, unknown>) =>
      JSON.stringify({
        eventVersion: "1.09",
        eventType: "AwsApiCall",
        userIdentity: { type: "AssumedRole", arn: `arn:aws:sts::${config.aws.accountId}:assumed-role/deploy/ci` },
        awsRegion: config.aws.region,
        ...fields,
      });

    /** Sample CloudTrail records (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html): each must count in its own filter only, the others in none. */
    const samples: [filter: string, matching: Record<string, unknown>[], notMatching: Record<string, unknown>[]][] = [
      [
        "cis-root-account-use",
        [
          {
            eventName: "ConsoleLogin",
            eventType: "AwsConsoleSignIn",
            eventSource: "signin.amazonaws.com",
            userIdentity: { type: "Root", arn: `arn:aws:iam::${config.aws.accountId}:root` },
            additionalEventData: { MFAUsed: "Yes" },
            responseElements: { ConsoleLogin: "Success" },
          },
          { eventName: "ListBuckets", eventSource: "s3.amazonaws.com", userIdentity: { type: "Root" } },
        ],
        [
          {
            eventName: "ListBuckets",
            eventSource: "s3.amazonaws.com",
            userIdentity: { type: "Root", invokedBy: "support.amazonaws.com" },
          },
          {
            eventName: "Decrypt",
            eventSource: "kms.amazonaws.com",
            eventType: "AwsServiceEvent",
            userIdentity: { type: "Root" },
          },
        ],
      ],
      [
        "cis-unauthorized-api-calls",
        [
          {
            eventName: "GetObject",
            eventSource: "s3.amazonaws.com",
            errorCode: "AccessDenied",
            errorMessage: "Access Denied",
          },
          {
            eventName: "GetSecretValue",
            eventSource: "secretsmanager.amazonaws.com",
            errorCode: "AccessDeniedException",
            errorMessage: "not authorized",
          },
          { eventName: "RunInstances", eventSource: "ec2.amazonaws.com", errorCode: "Client.UnauthorizedOperation" },
        ],
        [
          { eventName: "GetSecretValue", eventSource: "secretsmanager.amazonaws.com" },
          { eventName: "GetObject", eventSource: "s3.amazonaws.com", errorCode: "NoSuchKey" },
        ],
      ],
      [
        "cis-console-sign-in-without-mfa",
        [
          {
            eventName: "ConsoleLogin",
            eventType: "AwsConsoleSignIn",
            userIdentity: { type: "IAMUser", userName: "alice" },
            additionalEventData: { MFAUsed: "No" },
            responseElements: { ConsoleLogin: "Success" },
          },
        ],
        [
          {
            eventName: "ConsoleLogin",
            eventType: "AwsConsoleSignIn",
            userIdentity: { type: "IAMUser", userName: "alice" },
            additionalEventData: { MFAUsed: "Yes" },
            responseElements: { ConsoleLogin: "Success" },
          },
          {
            eventName: "ConsoleLogin",
            eventType: "AwsConsoleSignIn",
            userIdentity: { type: "IAMUser", userName: "alice" },
            additionalEventData: { MFAUsed: "No" },
            responseElements: { ConsoleLogin: "Failure" },
          },
        ],
      ],
      [
        "cis-iam-policy-changes",
        [
          { eventName: "PutRolePolicy", eventSource: "iam.amazonaws.com" },
          { eventName: "AttachRolePolicy", eventSource: "iam.amazonaws.com" },
          { eventName: "CreatePolicyVersion", eventSource: "iam.amazonaws.com" },
        ],
        [
          { eventName: "GetRolePolicy", eventSource: "iam.amazonaws.com" },
          { eventName: "ListPolicies", eventSource: "iam.amazonaws.com" },
        ],
      ],
      [
        "cis-cloudtrail-changes",
        [
          { eventName: "StopLogging", eventSource: "cloudtrail.amazonaws.com" },
          { eventName: "UpdateTrail", eventSource: "cloudtrail.amazonaws.com" },
        ],
        [{ eventName: "LookupEvents", eventSource: "cloudtrail.amazonaws.com" }],
      ],
      [
        "cis-kms-key-disabled-or-deleted",
        [
          { eventName: "DisableKey", eventSource: "kms.amazonaws.com" },
          { eventName: "ScheduleKeyDeletion", eventSource: "kms.amazonaws.com" },
        ],
        [
          { eventName: "EnableKey", eventSource: "kms.amazonaws.com" },
          { eventName: "Decrypt", eventSource: "kms.amazonaws.com" },
        ],
      ],
      [
        "cis-security-group-changes",
        [
          { eventName: "AuthorizeSecurityGroupIngress", eventSource: "ec2.amazonaws.com" },
          { eventName: "DeleteSecurityGroup", eventSource: "ec2.amazonaws.com" },
        ],
        [{ eventName: "DescribeSecurityGroups", eventSource: "ec2.amazonaws.com" }],
      ],
      [
        "cis-network-acl-changes",
        [
          { eventName: "CreateNetworkAclEntry", eventSource: "ec2.amazonaws.com" },
          { eventName: "ReplaceNetworkAclAssociation", eventSource: "ec2.amazonaws.com" },
        ],
        [{ eventName: "DescribeNetworkAcls", eventSource: "ec2.amazonaws.com" }],
      ],
      [
        "cis-console-authentication-failures",
        [
          {
            eventName: "ConsoleLogin",
            eventType: "AwsConsoleSignIn",
            eventSource: "signin.amazonaws.com",
            userIdentity: { type: "IAMUser", userName: "alice" },
            errorMessage: "Failed authentication",
            responseElements: { ConsoleLogin: "Failure" },
          },
        ],
        [
          {
            eventName: "ConsoleLogin",
            eventType: "AwsConsoleSignIn",
            eventSource: "signin.amazonaws.com",
            userIdentity: { type: "AssumedRole" },
            additionalEventData: { MFAUsed: "Yes" },
            responseElements: { ConsoleLogin: "Success" },
          },
          { eventName: "GetSessionToken", eventSource: "sts.amazonaws.com", errorMessage: "Failed authentication" },
        ],
      ],
      [
        "cis-s3-bucket-policy-changes",
        [
          { eventName: "PutBucketPolicy", eventSource: "s3.amazonaws.com" },
          { eventName: "DeleteBucketReplication", eventSource: "s3.amazonaws.com" },
          { eventName: "PutBucketAcl", eventSource: "s3.amazonaws.com" },
        ],
        [
          { eventName: "GetBucketPolicy", eventSource: "s3.amazonaws.com" },
          { eventName: "PutObject", eventSource: "s3.amazonaws.com" },
        ],
      ],
      [
        "cis-config-changes",
        [
          { eventName: "StopConfigurationRecorder", eventSource: "config.amazonaws.com" },
          { eventName: "PutDeliveryChannel", eventSource: "config.amazonaws.com" },
        ],
        [
          { eventName: "StartConfigurationRecorder", eventSource: "config.amazonaws.com" },
          { eventName: "DescribeConfigurationRecorders", eventSource: "config.amazonaws.com" },
        ],
      ],
      [
        "cis-network-gateway-changes",
        [
          { eventName: "CreateInternetGateway", eventSource: "ec2.amazonaws.com" },
          { eventName: "DetachInternetGateway", eventSource: "ec2.amazonaws.com" },
          { eventName: "DeleteCustomerGateway", eventSource: "ec2.amazonaws.com" },
        ],
        [
          { eventName: "DescribeInternetGateways", eventSource: "ec2.amazonaws.com" },
          { eventName: "CreateNatGateway", eventSource: "ec2.amazonaws.com" },
        ],
      ],
      [
        "cis-vpc-changes",
        [
          { eventName: "CreateVpc", eventSource: "ec2.amazonaws.com" },
          { eventName: "ModifyVpcAttribute", eventSource: "ec2.amazonaws.com" },
          { eventName: "AcceptVpcPeeringConnection", eventSource: "ec2.amazonaws.com" },
        ],
        [
          { eventName: "DescribeVpcs", eventSource: "ec2.amazonaws.com" },
          { eventName: "CreateSubnet", eventSource: "ec2.amazonaws.com" },
        ],
      ],
      [
        "cis-route-table-changes",
        [
          { eventName: "CreateRoute", eventSource: "ec2.amazonaws.com" },
          { eventName: "DisassociateRouteTable", eventSource: "ec2.amazonaws.com" },
        ],
        [
          { eventName: "DescribeRouteTables", eventSource: "ec2.amazonaws.com" },
          { eventName: "CreateRoute", eventSource: "some-other-service.amazonaws.com" },
        ],
      ],
    ];

    test("all 14 CIS CloudWatch controls (CloudWatch.1-14) have a filter", () => {
      const controls = CIS_METRIC_FILTERS.map((filter) => Number(/CloudWatch\.(\d+)$/.exec(filter.control)![1])).sort(
        (a, b) => a - b,
      );
      expect(controls).toEqual(Array.from({ length: 14 }, (_, index) => index + 1));
    });

    test("one filter per CIS recommendation, each on the trail's log group", () => {
      expect(Object.keys(filters).sort()).toEqual(samples.map(([name]) => name).sort());
      for (const filter of Object.values(filters)) expect(filter.log_group_name).toBe(trailLogGroup);
    });

    test.each(samples)("%s counts its events and no other", (name, matching, notMatching) => {
      for (const fields of matching) {
        const line = event(fields);
        expect(Object.keys(filters).filter((other) => matchesFilterPattern(filters[other].pattern, line))).toEqual([
          name,
        ]);
      }
      for (const fields of notMatching) expect(matchesFilterPattern(filters[name].pattern, event(fields))).toBe(false);
    });

    test("every filter has an alarm on its metric that notifies the security topic on alarm and recovery", () => {
      const topicArn = referenceTo(json, "aws_sns_topic", securityTopic, "arn");
      for (const filter of Object.values(filters)) {
        const { name: metricName, namespace, value } = filter.metric_transformation;
        expect(value).toBe("1");
        const alarm = alarms.find(
          (candidate) => candidate.metric_name === metricName && candidate.namespace === namespace,
        );
        expect(alarm).toMatchObject({
          alarm_name: `auth-${env}-${filter.name}`,
          statistic: "Sum",
          period: 300,
          treat_missing_data: "notBreaching",
          alarm_actions: [topicArn],
          ok_actions: [topicArn],
        });
        expect(alarm!.threshold).toBe(
          filter.name === "cis-unauthorized-api-calls" ? config.alarms.security.unauthorizedApiCalls : 0,
        );
      }
    });
  });
});

describe.each(ENVIRONMENTS)("application security events in %s", (env) => {
  const config = validConfig(env);
  const { app, data } = synthEnvironment(env);
  const thresholds = config.alarms.security;
  const alertTopic = "${data.terraform_remote_state.network_state_";

  describe("sign-in failures and lockouts from the service log", () => {
    const serviceLogGroup = referenceTo(
      app,
      "aws_cloudwatch_log_group",
      app.named("aws_cloudwatch_log_group", "service-logs"),
      "name",
    );
    const filter = (name: string) =>
      app.resourceList("aws_cloudwatch_log_metric_filter").find((candidate) => candidate.name === name)!;
    const { authenticationFailure, accountLockout } = config.security.serviceLogEvents;
    const logLine = (fields: Record<string, unknown>) =>
      JSON.stringify({ level: "warn", time: "2026-11-30T04:00:00.000Z", requestId: "r-1", ...fields });
    const at = (selector: string, value: string) =>
      selector
        .slice(2)
        .split(".")
        .reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), value as never);

    test.each([
      ["authentication-failures", authenticationFailure, thresholds.authenticationFailures],
      ["account-lockouts", accountLockout, thresholds.accountLockouts],
    ] as const)(
      "%s: counts every configured value of the configured JSON field, nothing else",
      (name, logEvent, threshold) => {
        const { pattern, log_group_name } = filter(name);
        expect(log_group_name).toBe(serviceLogGroup);
        for (const value of logEvent.values)
          expect(matchesFilterPattern(pattern, logLine(at(logEvent.field, value)))).toBe(true);
        expect(matchesFilterPattern(pattern, logLine(at(logEvent.field, "auth.login_succeeded")))).toBe(false);
        expect(matchesFilterPattern(pattern, logLine({ message: `user said ${logEvent.values[0]}` }))).toBe(false);
        expect(matchesFilterPattern(pattern, `plain text ${logEvent.values[0]}`)).toBe(false);
        const alarm = app
          .resourceList("aws_cloudwatch_metric_alarm")
          .find((candidate) => candidate.alarm_name === `auth-${env}-${name}`)!;
        expect(alarm).toMatchObject({
          metric_name: filter(name).metric_transformation.name,
          namespace: filter(name).metric_transformation.namespace,
          threshold,
          period: thresholds.periodSeconds,
          statistic: "Sum",
        });
        expect(alarm.alarm_actions[0]).toContain(alertTopic);
      },
    );
  });

  describe("WAF blocks per rule", () => {
    const webAcl = app.resource("aws_wafv2_web_acl");
    const wafAlarms = app
      .resourceList("aws_cloudwatch_metric_alarm")
      .filter((alarm) => alarm.namespace === "AWS/WAFV2" && alarm.dimensions.Rule !== "ALL");

    test("every rule of the web ACL has a BlockedRequests alarm on its own metric name, with the WebACL and Region dimensions", () => {
      expect(wafAlarms.map((alarm) => alarm.dimensions.Rule).sort()).toEqual(
        webAcl.rule.map((rule: Block) => rule.visibility_config.metric_name).sort(),
      );
      for (const alarm of wafAlarms) {
        expect(alarm).toMatchObject({
          metric_name: "BlockedRequests",
          statistic: "Sum",
          period: thresholds.periodSeconds,
        });
        expect(alarm.dimensions).toEqual({
          WebACL: referenceTo(app, "aws_wafv2_web_acl", webAcl, "name"),
          Region: config.aws.region,
          Rule: alarm.dimensions.Rule,
        });
      }
    });

    test("rate-based rules alarm at the rate-limit threshold, managed rule groups at the blocked threshold", () => {
      for (const rule of webAcl.rule as Block[]) {
        const alarm = wafAlarms.find((candidate) => candidate.dimensions.Rule === rule.visibility_config.metric_name)!;
        const rateBased = rule.statement.rate_based_statement !== undefined;
        expect([alarm.alarm_name, alarm.threshold]).toEqual([
          `auth-${env}-waf-${rateBased ? "rate-limited" : "blocked"}-${rule.name.toLowerCase()}`,
          rateBased ? thresholds.wafRateLimitedPerRule : thresholds.wafBlockedPerRule,
        ]);
      }
    });
  });

  describe("on the dashboard", () => {
    test("the security events section charts every security alarm with its threshold, and the trail's CIS counts", () => {
      const widgets: Block[] = JSON.parse(app.resource("aws_cloudwatch_dashboard").dashboard_body).widgets;
      const heading = widgets.findIndex(
        (widget) => widget.type === "text" && widget.properties.markdown === "## Security events",
      );
      const section = widgets
        .slice(heading + 1)
        .filter((widget) => widget.type === "metric")
        .map((widget) => widget.properties);
      const securityAlarms = [
        ...app.resourceList("aws_cloudwatch_metric_alarm"),
        ...data.resourceList("aws_cloudwatch_metric_alarm"),
      ].filter((alarm) => /^AuthService\/|^AWS\/WAFV2$/.test(alarm.namespace) && alarm.dimensions?.Rule !== "ALL");
      expect(securityAlarms.length).toBeGreaterThan(5);
      for (const alarm of securityAlarms) {
        expect(section.find((graph) => graph.title === alarm.alarm_name)?.annotations.horizontal[0].value).toBe(
          alarm.threshold,
        );
      }
      const cis = section.find((graph) => graph.title.startsWith("Account activity"))!;
      expect(cis.metrics.map((row: unknown[]) => row.slice(0, 2))).toEqual(
        CIS_METRIC_FILTERS.map((filter) => [CIS_NAMESPACE, filter.metricName]),
      );
    });
  });

  describe("PostgreSQL failed logins", () => {
    const postgresLogGroup = data
      .resourceList("aws_cloudwatch_log_group")
      .find((group) => group.name === `/aws/rds/instance/auth-${env}-postgres/postgresql`)!;
    const filter = data.resource("aws_cloudwatch_log_metric_filter");

    test("every connection attempt is logged (log_connections = 1)", () => {
      expect(data.resource("aws_db_parameter_group").parameter).toContainEqual(
        expect.objectContaining({ name: "log_connections", value: "1" }),
      );
    });

    test("a metric filter on the exported postgresql log counts refused passwords, not successful connections", () => {
      expect(filter.log_group_name).toBe(referenceTo(data, "aws_cloudwatch_log_group", postgresLogGroup, "name"));
      // RDS PostgreSQL's log_line_prefix is %t:%r:%u@%d:[%p]: (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Concepts.PostgreSQL.html).
      const prefix = "2026-11-30 04:00:00 UTC:10.20.16.5(53412):auth_app@auth:[4242]:";
      expect(
        matchesFilterPattern(filter.pattern, `${prefix}FATAL:  password authentication failed for user "auth_app"`),
      ).toBe(true);
      expect(
        matchesFilterPattern(
          filter.pattern,
          `${prefix}LOG:  connection authorized: user=auth_app database=auth SSL enabled`,
        ),
      ).toBe(false);
      expect(
        matchesFilterPattern(filter.pattern, `${prefix}LOG:  connection received: host=10.20.16.5 port=53412`),
      ).toBe(false);
    });

    test("its alarm fires above alarms.security.databaseFailedLogins per period on the alert topic", () => {
      const alarm = data
        .resourceList("aws_cloudwatch_metric_alarm")
        .find((candidate) => candidate.metric_name === filter.metric_transformation.name)!;
      expect(alarm).toMatchObject({
        alarm_name: `auth-${env}-db-failed-logins`,
        threshold: thresholds.databaseFailedLogins,
        period: thresholds.periodSeconds,
        treat_missing_data: "notBreaching",
      });
      expect(alarm.alarm_actions[0]).toContain(alertTopic);
    });
  });
});

describe("security config: a bad value fails synth naming the field and the rule", () => {
  const problemsOf = (env: "staging" | "production", edit: (config: any) => void): string[] => {
    try {
      validateConfigs({ [env]: editedConfig(env, edit) });
    } catch (error) {
      if (error instanceof ConfigError) return [...error.problems];
      throw error;
    }
    return [];
  };

  type BadSecurityConfig = [
    description: string,
    env: "staging" | "production",
    edit: (config: any) => unknown,
    expected: RegExp,
  ];
  test.each<BadSecurityConfig>([
    [
      "Security Hub off in production",
      "production",
      (c: any) => (c.security.securityHub = false),
      /^production: security\.securityHub: must be true in a production environment/,
    ],
    [
      "Security Hub without AWS Config",
      "production",
      (c: any) => (c.security.configRecorder = false),
      /^production: security\.configRecorder: must be true when security\.securityHub is true/,
    ],
    [
      "a log field that is not a JSON selector",
      "staging",
      (c: any) => (c.security.serviceLogEvents.accountLockout.field = "event"),
      /^staging: security\.serviceLogEvents\.accountLockout\.field: must be a JSON field selector/,
    ],
    [
      "a value a filter pattern cannot quote",
      "staging",
      (c: any) => (c.security.serviceLogEvents.authenticationFailure.values = ['login "failed"']),
      /^staging: security\.serviceLogEvents\.authenticationFailure\.values\[0\]: must be a non-empty value without double quotes/,
    ],
    [
      "no value for an event",
      "staging",
      (c: any) => (c.security.serviceLogEvents.authenticationFailure.values = []),
      /^staging: security\.serviceLogEvents\.authenticationFailure\.values: must list at least one value/,
    ],
    [
      "a trail retention CloudWatch Logs refuses",
      "staging",
      (c: any) => (c.security.trail.logRetentionDays = 100),
      /^staging: security\.trail\.logRetentionDays: must be one of the CloudWatch Logs retention values/,
    ],
    [
      "a year of trail logs in production",
      "production",
      (c: any) => (c.security.trail.logRetentionDays = 180),
      /^production: security\.trail\.logRetentionDays: must be at least 365 days in a production environment/,
    ],
    [
      "expiry before the move to Standard-IA",
      "staging",
      (c: any) => (c.security.trail.expireAfterDays = 60),
      /^staging: security\.trail\.expireAfterDays: must exceed archiveAfterDays \(90\)/,
    ],
    [
      "an unknown GuardDuty severity",
      "staging",
      (c: any) => (c.security.guardDuty.alertAtSeverity = "SEVERE"),
      /^staging: security\.guardDuty\.alertAtSeverity:/,
    ],
    [
      "a zero alarm threshold",
      "staging",
      (c: any) => (c.alarms.security.accountLockouts = 0),
      /^staging: alarms\.security\.accountLockouts:/,
    ],
  ])("rejects %s", (_, env, edit, expected) => {
    const problems = problemsOf(env, edit);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });
});

describe("the filter pattern evaluator the tests above rely on", () => {
  test("refuses patterns outside its subset rather than guessing", () => {
    expect(() => matchesFilterPattern("[ip, user, ...]", "x")).toThrow(/outside the evaluator's subset/);
    expect(() => matchesFilterPattern("{ $.latency > 5 }", "{}")).toThrow();
  });

  test("wildcards, NOT EXISTS, && over ||", () => {
    expect(matchesFilterPattern('{ $.a = "x*" }', '{"a":"xyz"}')).toBe(true);
    expect(matchesFilterPattern('{ $.a = "x*" }', '{"a":"yxz"}')).toBe(false);
    expect(matchesFilterPattern("{ $.a NOT EXISTS }", '{"b":1}')).toBe(true);
    expect(matchesFilterPattern("{ $.a = 1 || $.b = 2 && $.c = 3 }", '{"a":1,"b":2,"c":4}')).toBe(true);
    expect(matchesFilterPattern("{ ($.a = 1 || $.b = 2) && $.c = 3 }", '{"a":1,"b":2,"c":4}')).toBe(false);
  });
});

/**
 * The whole path an on-call engineer relies on: log lines in a period, counted by the synthesized
 * metric filter (filter-pattern evaluator), published as that period's sum (nothing when no line
 * matched), then the synthesized alarm evaluated by the CloudWatch fake.
 */
describe("from log lines to alarm state (production)", () => {
  const env = "production";
  const config = validConfig(env);
  const { app, data, security } = synthEnvironment(env);
  const everything = [app, data, security];
  const alarmNamed = (suffix: string) =>
    everything
      .flatMap((json) => json.resourceList("aws_cloudwatch_metric_alarm"))
      .find((alarm) => alarm.alarm_name === `auth-${env}-${suffix}`)!;
  const filterFor = (alarm: Block) =>
    everything
      .flatMap((json) => json.resourceList("aws_cloudwatch_log_metric_filter"))
      .find(
        (filter) =>
          filter.metric_transformation.name === alarm.metric_name &&
          filter.metric_transformation.namespace === alarm.namespace,
      )!;
  /** One value per alarm period: how many lines matched, or no data point when none did. */
  const published = (alarm: Block, periods: string[][]): MetricData => {
    const { pattern } = filterFor(alarm);
    const series = periods.map(
      (lines) => lines.filter((line) => matchesFilterPattern(pattern, line)).length || undefined,
    );
    return (metric) => (metric.metric_name === alarm.metric_name ? series : []);
  };
  const times = (count: number, line: string) => Array.from({ length: count }, () => line);
  const failedSignIn = JSON.stringify({
    level: "warn",
    event: config.security.serviceLogEvents.authenticationFailure.values[0],
    user: "someone@example.com",
    ip: "198.51.100.7",
  });
  const signedIn = JSON.stringify({ level: "info", event: "auth.login_succeeded", user: "someone@example.com" });

  test("a credential-stuffing burst above alarms.security.authenticationFailures fires; a quiet period after it recovers", () => {
    const alarm = alarmNamed("authentication-failures");
    const limit = config.alarms.security.authenticationFailures;
    expect(alarmState(alarm, published(alarm, [times(limit + 1, failedSignIn), times(500, signedIn)]))).toBe("OK");
    expect(
      alarmState(
        alarm,
        published(alarm, [times(500, signedIn), [...times(limit + 1, failedSignIn), ...times(500, signedIn)]]),
      ),
    ).toBe("ALARM");
    expect(alarmState(alarm, published(alarm, [times(limit, failedSignIn)]))).toBe("OK");
  });

  test("one root sign-in in the trail fires the CIS root alarm; an AWS service acting as root does not", () => {
    const alarm = alarmNamed("cis-root-account-use");
    const record = (identity: Record<string, unknown>) =>
      JSON.stringify({
        eventName: "ConsoleLogin",
        eventType: "AwsConsoleSignIn",
        userIdentity: { type: "Root", ...identity },
      });
    expect(alarmState(alarm, published(alarm, [[record({})]]))).toBe("ALARM");
    expect(alarmState(alarm, published(alarm, [[record({ invokedBy: "support.amazonaws.com" })]]))).toBe("OK");
  });

  test("repeated refused database passwords fire; connections that succeed do not", () => {
    const alarm = alarmNamed("db-failed-logins");
    const prefix = "2026-11-30 04:00:00 UTC:10.30.16.9(40112):auth_app@auth:[777]:";
    const refused = `${prefix}FATAL:  password authentication failed for user "auth_app"`;
    const accepted = `${prefix}LOG:  connection authorized: user=auth_app database=auth SSL enabled`;
    expect(
      alarmState(
        alarm,
        published(alarm, [[...times(config.alarms.security.databaseFailedLogins + 1, refused), accepted]]),
      ),
    ).toBe("ALARM");
    expect(alarmState(alarm, published(alarm, [times(50, accepted)]))).toBe("OK");
  });
});
