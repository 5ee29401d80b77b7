import { AuditTrail } from "../../src/constructs/security/audit-trail";
import { GUARDDUTY_FEATURES, ThreatDetection } from "../../src/constructs/security/threat-detection";
import { constructStack, synthAlone } from "../support/construct-stack";
import { Synthesized } from "../support/synth";

const ACCOUNT = "111122223333";
const TRAIL_ARN = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit";
const THIS_TRAIL = { test: "StringEquals", variable: "aws:SourceArn", values: [TRAIL_ARN] };

describe("AuditTrail alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new AuditTrail(stack, "trail", { name: "audit", accountId: ACCOUNT, region: "eu-west-1", logRetentionDays: 365 });
    json = synthAlone(stack);
  });

  test("records every region and global events, validates its files, encrypts with its own key, copies to CloudWatch Logs", () => {
    expect(json.resource("aws_cloudtrail")).toMatchObject({
      name: "audit",
      s3_bucket_name: expect.stringContaining("aws_s3_bucket."),
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
      kms_key_id: expect.stringContaining("aws_kms_key."),
      cloud_watch_logs_group_arn: expect.stringMatching(/aws_cloudwatch_log_group\..*\.arn\}:\*$/),
    });
    expect(json.resource("aws_cloudwatch_log_group")).toMatchObject({
      name: "/aws/cloudtrail/audit",
      retention_in_days: 365,
    });
  });

  test("by default log files move to Standard-IA after 90 days and expire after 365", () => {
    const [rule] = json.named("aws_s3_bucket_lifecycle_configuration", "trail_bucket").rule;
    expect(rule).toMatchObject({
      transition: [{ days: 90, storage_class: "STANDARD_IA" }],
      expiration: [{ days: 365 }],
      noncurrent_version_expiration: [{ noncurrent_days: 30 }],
    });
  });

  test("the bucket is versioned, access-logged, and CloudTrail may write only for this trail, into this account's prefix", () => {
    expect(json.named("aws_s3_bucket", "trail_bucket").bucket).toBe("audit-111122223333");
    expect(json.named("aws_s3_bucket_versioning", "trail_bucket").versioning_configuration).toEqual({
      status: "Enabled",
    });
    expect(json.named("aws_s3_bucket_logging", "trail_bucket").target_prefix).toBe("audit-111122223333/");
    const statements = json.policyDocument(json.named("aws_s3_bucket_policy", "trail_bucket").policy).statement;
    expect(statements.map((statement: { sid: string }) => statement.sid)).toEqual([
      "CloudTrailAclCheck",
      "CloudTrailWrite",
      "DenyInsecureTransport",
    ]);
    expect(statements[1].resources[0]).toMatch(/\/AWSLogs\/111122223333\/\*$/);
    expect(statements[1].condition).toEqual([
      THIS_TRAIL,
      { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
    ]);
  });

  test("the key admits CloudTrail for this trail only, and CloudWatch Logs of the region", () => {
    const statements = json.policyDocument(json.resource("aws_kms_key").policy).statement;
    expect(statements.map((statement: { sid: string }) => statement.sid)).toEqual([
      "AccountAdministersKey",
      "CloudTrailEncryptLogs",
      "CloudTrailDescribeKey",
      "CloudTrailBucketDefaultEncryption",
      "CloudWatchLogsUseKey",
    ]);
    for (const statement of statements.slice(1, 4)) expect(statement.condition[0]).toEqual(THIS_TRAIL);
    expect(json.resource("aws_kms_key").enable_key_rotation).toBe(true);
  });

  test("only this trail may assume the delivery role, which writes only to the trail's log group", () => {
    const [assume] = json.policyDocument(json.resource("aws_iam_role").assume_role_policy).statement;
    expect(assume).toMatchObject({
      principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
      condition: [THIS_TRAIL],
    });
    const [deliver] = json.policyDocument(json.resource("aws_iam_role").inline_policy[0].policy).statement;
    expect(deliver.actions).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
  });
});

describe("ThreatDetection alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new ThreatDetection(stack, "detection", { name: "t", region: "eu-west-1" });
    json = synthAlone(stack);
  });

  const features = (synthesized: Synthesized) =>
    Object.fromEntries(
      synthesized.resourceList("aws_guardduty_detector_feature").map((feature) => [feature.name, feature.status]),
    );

  test("defaults: GuardDuty on, findings re-published every 15 minutes, every feature written and on, GuardDuty's agent on EC2 only", () => {
    expect(json.resource("aws_guardduty_detector")).toMatchObject({
      enable: true,
      finding_publishing_frequency: "FIFTEEN_MINUTES",
    });
    expect(features(json)).toEqual(Object.fromEntries(GUARDDUTY_FEATURES.map((feature) => [feature, "ENABLED"])));
    expect(json.named("aws_guardduty_detector_feature", "runtime").additional_configuration).toEqual([
      { name: "EC2_AGENT_MANAGEMENT", status: "ENABLED" },
      { name: "ECS_FARGATE_AGENT_MANAGEMENT", status: "DISABLED" },
      { name: "EKS_ADDON_MANAGEMENT", status: "DISABLED" },
    ]);
  });

  test("EKS_RUNTIME_MONITORING is never written: the API refuses it beside RUNTIME_MONITORING, which covers EKS", () => {
    expect(features(json)).not.toHaveProperty("EKS_RUNTIME_MONITORING");
  });

  test("defaults: Security Hub with FSBP only, and an account access analyzer", () => {
    expect(json.resource("aws_securityhub_account")).toMatchObject({
      enable_default_standards: false,
      control_finding_generator: "SECURITY_CONTROL",
      auto_enable_controls: true,
    });
    expect(json.resource("aws_securityhub_standards_subscription").standards_arn).toBe(
      "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
    );
    expect(json.resource("aws_accessanalyzer_analyzer")).toMatchObject({ analyzer_name: "t-account", type: "ACCOUNT" });
  });

  test("runtime monitoring off turns every agent off, no Security Hub, another frequency when asked", () => {
    const stack = constructStack();
    const off = Object.fromEntries(
      GUARDDUTY_FEATURES.map((feature) => [feature, feature === "S3_DATA_EVENTS"]),
    ) as Record<(typeof GUARDDUTY_FEATURES)[number], boolean>;
    new ThreatDetection(stack, "detection", {
      name: "t",
      region: "eu-west-1",
      features: off,
      runtimeAgents: { EC2_AGENT_MANAGEMENT: true, ECS_FARGATE_AGENT_MANAGEMENT: true, EKS_ADDON_MANAGEMENT: true },
      securityHub: false,
      findingPublishingFrequency: "ONE_HOUR",
    });
    const custom = synthAlone(stack);
    expect(features(custom)).toEqual(
      Object.fromEntries(
        GUARDDUTY_FEATURES.map((feature) => [feature, feature === "S3_DATA_EVENTS" ? "ENABLED" : "DISABLED"]),
      ),
    );
    expect(
      custom
        .named("aws_guardduty_detector_feature", "runtime")
        .additional_configuration.map((agent: any) => agent.status),
    ).toEqual(["DISABLED", "DISABLED", "DISABLED"]);
    expect(custom.resourceList("aws_securityhub_account")).toEqual([]);
    expect(custom.resourceList("aws_securityhub_standards_subscription")).toEqual([]);
    expect(custom.resource("aws_guardduty_detector").finding_publishing_frequency).toBe("ONE_HOUR");
  });
});
