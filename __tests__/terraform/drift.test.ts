/**
 * Drift detection on real Terraform: the real provider refreshes real resources against a loopback
 * stand-in for CloudWatch Logs and KMS (support/fake-aws-endpoint.ts), so `resource_drift` comes
 * from an actual refresh-only plan, not from hand-written JSON. The stack's state is first written
 * by the provider itself (apply -refresh-only), then the account or the config is changed.
 */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { checkStackDrift, DriftTerraformPort, refreshTargets, StateObjectPort } from "../../scripts/drift/job";
import { renderDriftReport, securityAlert } from "../../scripts/drift/report";
import { terraformCli } from "../../scripts/plan-job/adapters";
import { DEFAULT_POLICY } from "../../scripts/plan-report/guard";
import { missingToolchain, offlineEnvironment, TERRAFORM, terraform } from "../../scripts/terraform-proof/terraform";
import { FakeAccount, FakeAwsEndpoint, startFakeAwsEndpoint } from "../support/fake-aws-endpoint";

const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`drift tests need Terraform: ${missing}`);
if (missing) console.log(`drift tests SKIPPED: ${missing}`);

const KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
const KEY_ARN = `arn:aws:kms:eu-west-1:111111111111:key/${KEY_ID}`;
const LOG_GROUP = "/auth/staging/service";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:auth-staging-app-AbCdEf";
const SECRET_VALUE = "NEVER-SHOWN-7f3a";
const KEY_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "root",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Action: "kms:*",
      Resource: "*",
    },
  ],
});

/** The stack as configured: a log group kept 90 days, a key that rotates, and a secret version. */
function stackConfig(endpoint: string, retentionInDays = 90) {
  return {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
    provider: {
      aws: [
        {
          region: "eu-west-1",
          access_key: "offline",
          secret_key: "offline",
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
          skip_region_validation: true,
          endpoints: [{ cloudwatchlogs: endpoint, kms: endpoint, secretsmanager: endpoint }],
        },
      ],
    },
    resource: {
      aws_cloudwatch_log_group: { service: { name: LOG_GROUP, retention_in_days: retentionInDays } },
      aws_kms_key: { state: { description: "state", enable_key_rotation: true, policy: KEY_POLICY } },
      aws_secretsmanager_secret_version: { app: { secret_id: SECRET_ARN, secret_string: SECRET_VALUE } },
    },
  };
}

const provider = 'provider["registry.terraform.io/hashicorp/aws"]';
/** What a first apply left in state (the provider's own refresh fills in the rest). */
const priorState = {
  version: 4,
  terraform_version: "1.11.4",
  serial: 1,
  lineage: "0b4c8a7e-0000-4000-8000-000000000028",
  outputs: {},
  resources: [
    {
      mode: "managed",
      type: "aws_cloudwatch_log_group",
      name: "service",
      provider,
      instances: [
        {
          schema_version: 0,
          attributes: {
            arn: `arn:aws:logs:eu-west-1:111111111111:log-group:${LOG_GROUP}`,
            id: LOG_GROUP,
            name: LOG_GROUP,
            name_prefix: "",
            retention_in_days: 90,
            kms_key_id: "",
            log_group_class: "STANDARD",
            skip_destroy: false,
            tags: null,
            tags_all: {},
          },
        },
      ],
    },
    {
      mode: "managed",
      type: "aws_kms_key",
      name: "state",
      provider,
      instances: [
        {
          schema_version: 0,
          attributes: {
            arn: KEY_ARN,
            id: KEY_ID,
            key_id: KEY_ID,
            description: "state",
            enable_key_rotation: true,
            is_enabled: true,
            key_usage: "ENCRYPT_DECRYPT",
            customer_master_key_spec: "SYMMETRIC_DEFAULT",
            multi_region: false,
            policy: KEY_POLICY,
            rotation_period_in_days: 365,
            bypass_policy_lockout_safety_check: false,
            custom_key_store_id: "",
            xks_key_id: "",
            deletion_window_in_days: null,
            tags: null,
            tags_all: {},
          },
        },
      ],
    },
    {
      mode: "managed",
      type: "aws_secretsmanager_secret_version",
      name: "app",
      provider,
      instances: [
        {
          schema_version: 0,
          sensitive_attributes: [[{ type: "get_attr", value: "secret_string" }]],
          attributes: {
            arn: SECRET_ARN,
            id: `${SECRET_ARN}|v1`,
            secret_id: SECRET_ARN,
            secret_string: SECRET_VALUE,
            secret_binary: "",
            version_id: "v1",
            version_stages: ["AWSCURRENT"],
            has_secret_string_wo: null,
            secret_string_wo: null,
            secret_string_wo_version: null,
          },
        },
      ],
    },
  ],
};

const asConfigured = (): FakeAccount => ({
  logGroups: [
    { name: LOG_GROUP, arn: `arn:aws:logs:eu-west-1:111111111111:log-group:${LOG_GROUP}`, retentionInDays: 90 },
  ],
  keys: [{ keyId: KEY_ID, arn: KEY_ARN, description: "state", policy: KEY_POLICY, rotationEnabled: true }],
  failing: [],
});

const stateIs = (exists: boolean): StateObjectPort => ({ exists: async () => exists });

(missing ? describe.skip : describe)("drift detection on real refresh-only plans", () => {
  let aws: FakeAwsEndpoint;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let tf: DriftTerraformPort;
  const check = (state: StateObjectPort = stateIs(true)) =>
    checkStackDrift(
      {
        stack: "auth-staging-data",
        stackDir: dir,
        state: { bucket: "auth-staging-tfstate", key: "staging/auth-staging-data.tfstate" },
        policy: DEFAULT_POLICY,
      },
      tf,
      state,
    );
  const writeConfig = (retention?: number) =>
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(stackConfig(aws.url, retention)));

  beforeAll(async () => {
    aws = await startFakeAwsEndpoint(asConfigured());
    dir = mkdtempSync(join(tmpdir(), "drift-"));
    env = offlineEnvironment(join(dir, "terraform.rc"));
    tf = terraformCli(TERRAFORM, env);
    writeConfig();
    writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify(priorState));
    await terraform(dir, env, "init", "-input=false");
    // The state as the provider writes it, so "in sync" means in sync and not a normalisation diff.
    await terraform(
      dir,
      env,
      "apply",
      "-refresh-only",
      "-auto-approve",
      "-input=false",
      "-lock=false",
      ...refreshTargets(dir),
    );
  }, 600_000);
  afterAll(() => aws?.close());
  beforeEach(() => {
    Object.assign(aws.account, asConfigured());
    aws.calls.length = 0;
    writeConfig();
  });

  test("an untouched stack is in sync, and its secret version was never read", async () => {
    const result = await check();
    expect(result).toEqual({ stack: "auth-staging-data", status: "in-sync", drift: [], pending: [] });
    expect(aws.calls.filter((call) => call.startsWith("secretsmanager"))).toEqual([]);
    expect(aws.calls).toEqual(
      expect.arrayContaining(["Logs_20140328.DescribeLogGroups", "TrentService.GetKeyRotationStatus"]),
    );
  }, 600_000);

  test("changes made outside Terraform are drift; key rotation turned off is security-relevant, a retention change is not", async () => {
    aws.account.logGroups = [{ ...aws.account.logGroups[0], retentionInDays: 7 }];
    aws.account.keys = [{ ...aws.account.keys[0], rotationEnabled: false }];
    const result = await check();
    expect(result.status).toBe("drifted");
    expect(result.pending).toEqual([]);
    const byAddress = Object.fromEntries(result.drift.map((resource) => [resource.address, resource]));
    expect(byAddress["aws_cloudwatch_log_group.service"]).toMatchObject({
      action: "update",
      attributes: [{ path: "retention_in_days", before: "90", after: "7" }],
      revertBlockedBy: [],
    });
    expect(byAddress["aws_cloudwatch_log_group.service"].securityRelevant).toBeUndefined();
    expect(byAddress["aws_kms_key.state"]).toMatchObject({
      attributes: [{ path: "enable_key_rotation", before: "true", after: "false" }],
      securityRelevant: "aws_kms_key is security-relevant",
    });

    const issue = renderDriftReport("staging", [result], {
      url: "https://example.invalid/run/1",
      at: "2026-12-07T02:53:00Z",
    });
    expect(issue).toContain("| auth-staging-data | **drifted** | 2 | 0 |");
    expect(issue).toContain("| `retention_in_days` | `90` | `7` |");
    expect(securityAlert("staging", [result], "https://example.invalid/run/1")!.message).toContain(
      "aws_kms_key.state changed (enable_key_rotation)",
    );
    expect(JSON.stringify(result) + issue).not.toContain(SECRET_VALUE);
  }, 600_000);

  test("a merged change not yet applied is pending, not drift", async () => {
    writeConfig(180);
    const result = await check();
    expect(result).toMatchObject({ status: "pending", drift: [], pending: ["aws_cloudwatch_log_group.service"] });
  }, 600_000);

  test("a missing state object fails the check before Terraform runs: it would read as empty", async () => {
    const result = await check(stateIs(false));
    expect(result.status).toBe("failed");
    expect(result.failure).toMatch(/no state at s3:\/\/auth-staging-tfstate\/staging\/auth-staging-data\.tfstate/);
    expect(aws.calls).toEqual([]);
  });

  test("a refresh that fails is a failed check, never in sync", async () => {
    aws.account.failing = ["GetKeyRotationStatus"];
    const result = await check();
    expect(result.status).toBe("failed");
    expect(result.failure).toMatch(/terraform plan failed/);
    expect(result.drift).toEqual([]);
  }, 600_000);
});
