import { Testing } from "cdktf";
import { addEnvironment } from "../src/app";
import { validateConfigs } from "../src/config/rules/validate";
import { BootstrapStack } from "../src/stacks/bootstrap/bootstrap-stack";
import { ENVIRONMENTS, Synthesized, editedConfig, referenceTo, synthEnvironment, validConfig } from "./support/synth";

describe.each(ENVIRONMENTS)("Terraform state of %s", (env) => {
  const config = validConfig(env);
  const stacks = synthEnvironment(env);

  describe.each(Object.keys(stacks) as (keyof typeof stacks)[])("stack auth-%s-<layer>: %s", (layer) => {
    const json = stacks[layer].json;

    test("keeps state in the environment's bucket under <env>/<stack>.tfstate, encrypted, with S3-native locking", () => {
      expect(json.terraform.backend).toEqual({
        s3: {
          bucket: config.state.bucket,
          key: `${env}/auth-${env}-${layer}.tfstate`,
          region: config.state.region,
          encrypt: true,
          kms_key_id: `arn:aws:kms:${config.state.region}:${config.aws.accountId}:alias/${config.state.bucket}-state`,
          use_lockfile: true,
        },
      });
    });

    test("requires a Terraform release with S3-native locking and write-only attributes", () => {
      expect(json.terraform.required_version).toBe(">= 1.11.0, < 2.0.0");
      expect(json.terraform.required_providers.aws).toEqual({ source: "aws", version: "5.100.0" });
    });

    test("the AWS provider only accepts the environment's account and tags everything from config", () => {
      const [provider] = json.provider.aws;
      expect(provider.allowed_account_ids).toEqual([config.aws.accountId]);
      expect(provider.default_tags).toEqual([
        {
          tags: {
            Service: config.tags.service,
            Environment: env,
            Owner: config.tags.owner,
            CostCentre: config.tags.costCentre,
            ManagedBy: "cdktf",
          },
        },
      ]);
    });
  });

  describe("bootstrap stack: the state bucket", () => {
    const json = stacks.bootstrap;
    const bucket = json.named("aws_s3_bucket", "state_storage");
    const bucketId = referenceTo(json, "aws_s3_bucket", bucket, "id");

    test("is named from config and cannot be destroyed by Terraform", () => {
      expect(bucket.bucket).toBe(config.state.bucket);
      expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    });

    test("is versioned", () => {
      expect(json.named("aws_s3_bucket_versioning", "state_storage")).toMatchObject({
        bucket: bucketId,
        versioning_configuration: { status: "Enabled" },
      });
    });

    test("is encrypted with SSE-KMS under its own rotating key, the alias every backend names", () => {
      // The DR state bucket, where the pilot light is on, has a key of its own (disaster-recovery.test.ts).
      const key = json.named("aws_kms_key", /^state_key/);
      expect(json.named("aws_kms_alias", /^state_key/).name).toBe(`alias/${config.state.bucket}-state`);
      expect(key.enable_key_rotation).toBe(true);
      expect(json.named("aws_s3_bucket_server_side_encryption_configuration", "state_storage").rule).toEqual([
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: "aws:kms",
            kms_master_key_id: referenceTo(json, "aws_kms_key", key, "arn"),
          },
          bucket_key_enabled: true,
        },
      ]);
    });

    test("blocks every form of public access and disables ACLs", () => {
      expect(json.named("aws_s3_bucket_public_access_block", "state_storage")).toMatchObject({
        bucket: bucketId,
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(json.named("aws_s3_bucket_ownership_controls", "state_storage").rule).toEqual({
        object_ownership: "BucketOwnerEnforced",
      });
    });

    test("denies any request made without TLS", () => {
      const policy = json.policyDocument(json.named("aws_s3_bucket_policy", "state_storage").policy);
      expect(policy.statement).toEqual([
        expect.objectContaining({
          effect: "Deny",
          actions: ["s3:*"],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        }),
      ]);
    });

    test("logs every access into its own SSE-S3 log bucket, writable only by S3 log delivery for this bucket", () => {
      const logBucket = json.named("aws_s3_bucket", "state_access-logs");
      expect(logBucket.bucket).toBe(`${config.state.bucket}-logs`);
      expect(json.named("aws_s3_bucket_logging", "state_storage")).toEqual(
        expect.objectContaining({
          bucket: bucketId,
          target_bucket: referenceTo(json, "aws_s3_bucket", logBucket, "bucket"),
          target_prefix: "state/",
        }),
      );
      // S3 log delivery cannot write into a bucket whose default encryption is SSE-KMS.
      expect(json.named("aws_s3_bucket_server_side_encryption_configuration", "state_access-logs").rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
      ]);
      const delivery = json
        .policyDocument(json.named("aws_s3_bucket_policy", "state_access-logs").policy)
        .statement.find((statement: any) => statement.sid === "S3ServerAccessLogDelivery");
      expect(delivery).toMatchObject({
        principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
        actions: ["s3:PutObject"],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [config.aws.accountId] },
          { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:s3:::${config.state.bucket}`] },
        ],
      });
      expect(json.named("aws_s3_bucket_public_access_block", "state_access-logs")).toMatchObject({
        block_public_acls: true,
        restrict_public_buckets: true,
      });
    });

    test("expires superseded state versions after the configured days", () => {
      const [rule] = json.named("aws_s3_bucket_lifecycle_configuration", "state_storage").rule;
      expect(rule).toMatchObject({
        status: "Enabled",
        noncurrent_version_expiration: [{ noncurrent_days: config.state.noncurrentVersionRetentionDays }],
      });
    });
  });

  test("the bootstrap stack's first apply can keep its own state in a local file", () => {
    const stack = new BootstrapStack(Testing.app(), config, {
      localStateFile: `/project/.bootstrap-state/auth-${env}-bootstrap.tfstate`,
    });
    const json = Synthesized.of(stack).json;
    expect(json.terraform.backend).toEqual({
      local: { path: `/project/.bootstrap-state/auth-${env}-bootstrap.tfstate` },
    });
  });
});

describe("Terraform Cloud as the state home (state.backend = terraform-cloud)", () => {
  const [config] = validateConfigs({
    staging: editedConfig("staging", (c: any) => {
      c.state.backend = "terraform-cloud";
      c.state.terraformCloud = { organization: "example-org", hostname: "app.terraform.io", workspacePrefix: "tfc-" };
    }),
  });
  const stacks = addEnvironment(Testing.app(), config);

  test.each(Object.keys(stacks) as (keyof typeof stacks)[])(
    "the %s stack uses one named workspace of the organization",
    (layer) => {
      const json = Synthesized.of(stacks[layer]).json;
      expect(json.terraform.backend).toBeUndefined();
      expect(json.terraform.cloud).toEqual({
        hostname: "app.terraform.io",
        organization: "example-org",
        workspaces: { name: `tfc-auth-staging-${layer}` },
      });
    },
  );

  test("cross-stack handover reads the producer's workspace", () => {
    const sources = Object.values(Synthesized.of(stacks.app).dataSources("terraform_remote_state"));
    expect(sources.map((source) => [source.backend, source.config.workspaces.name]).sort()).toEqual([
      ["remote", "tfc-auth-staging-data"],
      ["remote", "tfc-auth-staging-network"],
      ["remote", "tfc-auth-staging-registry"],
    ]);
  });

  test("the organization is required", () => {
    expect(() =>
      validateConfigs({ staging: editedConfig("staging", (c: any) => (c.state.backend = "terraform-cloud")) }),
    ).toThrow(/staging: state\.terraformCloud: is required when state\.backend is "terraform-cloud"/);
  });
});
