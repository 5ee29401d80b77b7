import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { replicateSecrets } from "../../src/constructs/data/secret-replicas";
import { RegionScope } from "../../src/constructs/region/region-scope";
import { EncryptionKey, serviceCanUseKey } from "../../src/constructs/security/encryption-key";
import { StateBucket } from "../../src/constructs/state/state-bucket";
import { StateReplication } from "../../src/constructs/state/state-replication";
import { LogDeliveryBucket } from "../../src/constructs/storage/log-delivery-bucket";
import { PrivateBucket } from "../../src/constructs/storage/private-bucket";
import { ServerAccessLogBucket } from "../../src/constructs/storage/server-access-log-bucket";
import { constructStack, synthAlone } from "../support/construct-stack";
import { Synthesized } from "../support/synth";

const TLS_ONLY = {
  sid: "DenyInsecureTransport",
  effect: "Deny",
  principals: [{ type: "*", identifiers: ["*"] }],
  actions: ["s3:*"],
  condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
};

function bucketPolicy(json: Synthesized, fragment: string) {
  return json.policyDocument(json.named("aws_s3_bucket_policy", fragment).policy).statement;
}

describe("EncryptionKey alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new EncryptionKey(stack, "key", { description: "test key", alias: "test", accountId: "111122223333" });
    json = synthAlone(stack);
  });

  test("rotates yearly and waits the longest deletion window KMS allows (30 days)", () => {
    const key = json.resource("aws_kms_key");
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(30);
  });

  test("by default only the account root administers the key: no service statement", () => {
    const statements = json.policyDocument(json.resource("aws_kms_key").policy).statement;
    expect(statements).toEqual([
      {
        sid: "AccountAdministersKey",
        principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111122223333:root"] }],
        actions: ["kms:*"],
        resources: ["*"],
      },
    ]);
  });

  test("the alias carries the alias/ prefix", () => {
    expect(json.resource("aws_kms_alias").name).toBe("alias/test");
  });

  test("a shorter deletion window and service statements when asked (a branch no shipped config takes)", () => {
    const stack = constructStack();
    new EncryptionKey(stack, "key", {
      description: "d",
      alias: "a",
      accountId: "111122223333",
      deletionWindowInDays: 7,
      serviceStatements: [serviceCanUseKey("LogsUseKey", "logs.eu-west-1.amazonaws.com")],
    });
    const custom = synthAlone(stack);
    expect(custom.resource("aws_kms_key").deletion_window_in_days).toBe(7);
    const statements = custom.policyDocument(custom.resource("aws_kms_key").policy).statement;
    expect(statements[1]).toMatchObject({
      sid: "LogsUseKey",
      principals: [{ type: "Service", identifiers: ["logs.eu-west-1.amazonaws.com"] }],
      resources: ["*"],
    });
    expect(statements[1].actions).toEqual([
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]);
  });
});

describe("PrivateBucket alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new PrivateBucket(stack, "plain", {
      bucketName: "plain-bucket",
      encryption: { kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k" },
      lifecycleRules: [],
    });
    new PrivateBucket(stack, "sse-s3", {
      bucketName: "sse-s3-bucket",
      encryption: "SSE-S3",
      lifecycleRules: [],
      versioned: true,
      preventDestroy: true,
      accessLogs: { bucketName: "logs-bucket", prefix: "p/" },
      grants: (arn) => [
        {
          sid: "ReadForTest",
          actions: ["s3:GetObject"],
          resources: [`${arn}/*`],
          principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111122223333:root"] }],
        },
      ],
    });
    json = synthAlone(stack);
  });

  test("every public access block is on and ACLs are disabled", () => {
    for (const block of json.resourceList("aws_s3_bucket_public_access_block")) {
      expect(block).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    }
    for (const controls of json.resourceList("aws_s3_bucket_ownership_controls"))
      expect(controls.rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
  });

  test("by default: SSE-KMS with a bucket key, no versioning, no access logging, destroyable, TLS-only policy without grants", () => {
    expect(json.named("aws_s3_bucket_server_side_encryption_configuration", "plain").rule).toEqual([
      {
        apply_server_side_encryption_by_default: {
          sse_algorithm: "aws:kms",
          kms_master_key_id: "arn:aws:kms:eu-west-1:111122223333:key/k",
        },
        bucket_key_enabled: true,
      },
    ]);
    expect(Object.keys(json.resources("aws_s3_bucket_versioning")).filter((name) => name.includes("plain"))).toEqual(
      [],
    );
    expect(Object.keys(json.resources("aws_s3_bucket_logging")).filter((name) => name.includes("plain"))).toEqual([]);
    expect(json.named("aws_s3_bucket", "plain").lifecycle).toBeUndefined();
    const statements = bucketPolicy(json, "plain");
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject(TLS_ONLY);
  });

  test("SSE-S3, versioning, access logs, destroy protection and grants when asked (grants come before the TLS deny)", () => {
    expect(json.named("aws_s3_bucket_server_side_encryption_configuration", "sse-s3").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
    expect(json.named("aws_s3_bucket_versioning", "sse-s3").versioning_configuration).toEqual({ status: "Enabled" });
    expect(json.named("aws_s3_bucket_logging", "sse-s3")).toMatchObject({
      target_bucket: "logs-bucket",
      target_prefix: "p/",
    });
    expect(json.named("aws_s3_bucket", "sse-s3").lifecycle).toEqual({ prevent_destroy: true });
    expect(bucketPolicy(json, "sse-s3").map((statement: { sid: string }) => statement.sid)).toEqual([
      "ReadForTest",
      "DenyInsecureTransport",
    ]);
  });
});

describe("LogDeliveryBucket and ServerAccessLogBucket alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new LogDeliveryBucket(stack, "delivery", {
      bucketName: "delivery-bucket",
      expiryDays: 30,
      deliveryGrants: () => [],
      exemptions: {
        sseS3: "the delivery service cannot write SSE-KMS",
        noAccessLogging: "a log bucket does not log itself",
        noVersioning: "log objects are written once",
      },
    });
    new ServerAccessLogBucket(stack, "access", {
      bucketName: "access-bucket",
      accountId: "111122223333",
      sourceBucketNames: ["source-bucket"],
    });
    json = synthAlone(stack);
  });

  test("SSE-S3, unversioned, expiring after the given days, TLS-only", () => {
    expect(json.named("aws_s3_bucket_server_side_encryption_configuration", "delivery").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
    expect(json.resourceList("aws_s3_bucket_versioning")).toEqual([]);
    expect(json.named("aws_s3_bucket_lifecycle_configuration", "delivery").rule[0]).toMatchObject({
      status: "Enabled",
      expiration: [{ days: 30 }],
    });
    expect(bucketPolicy(json, "delivery")).toEqual([expect.objectContaining(TLS_ONLY)]);
  });

  test("a server access log bucket keeps logs 365 days by default and lets only S3 log delivery write for its sources", () => {
    expect(json.named("aws_s3_bucket_lifecycle_configuration", "access").rule[0].expiration).toEqual([{ days: 365 }]);
    const [delivery] = bucketPolicy(json, "access");
    expect(delivery).toMatchObject({
      principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
      actions: ["s3:PutObject"],
    });
    expect(delivery.condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: ["111122223333"] },
      { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:aws:s3:::source-bucket"] },
    ]);
  });
});

describe("StateBucket alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new StateBucket(stack, "state", { bucketName: "tf-state", accountId: "111122223333", keyAlias: "tf-state" });
    json = synthAlone(stack);
  });

  test("versioned, SSE-KMS with its own rotating key, protected from destroy, logging into tf-state-logs under state/", () => {
    expect(json.named("aws_s3_bucket_versioning", "storage").versioning_configuration).toEqual({ status: "Enabled" });
    expect(json.named("aws_s3_bucket", "storage")).toMatchObject({
      bucket: "tf-state",
      lifecycle: { prevent_destroy: true },
    });
    expect(
      json.named("aws_s3_bucket_server_side_encryption_configuration", "storage").rule[0]
        .apply_server_side_encryption_by_default.sse_algorithm,
    ).toBe("aws:kms");
    expect(json.resource("aws_kms_key").enable_key_rotation).toBe(true);
    expect(json.resource("aws_kms_alias").name).toBe("alias/tf-state");
    expect(json.named("aws_s3_bucket", "access-logs").bucket).toBe("tf-state-logs");
    expect(json.resource("aws_s3_bucket_logging")).toMatchObject({ target_prefix: "state/" });
  });

  test("defaults: old state versions 90 days, saved plans 7 days, access logs 365 days", () => {
    const [stateVersions, savedPlans] = json.named("aws_s3_bucket_lifecycle_configuration", "storage").rule;
    expect(stateVersions.noncurrent_version_expiration).toEqual([{ noncurrent_days: 90 }]);
    expect(savedPlans).toMatchObject({ filter: [{ prefix: "plans/" }], expiration: [{ days: 7 }] });
    expect(json.named("aws_s3_bucket_lifecycle_configuration", "access-logs").rule[0].expiration).toEqual([
      { days: 365 },
    ]);
  });
});

const SOURCE = {
  bucketName: "tf-state",
  bucketArn: "arn:aws:s3:::tf-state",
  region: "eu-west-1",
  kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/src",
};
const DESTINATION = {
  bucketName: "tf-state-dr",
  bucketArn: "arn:aws:s3:::tf-state-dr",
  region: "eu-central-1",
  kmsKeyArn: "arn:aws:kms:eu-central-1:111122223333:key/dst",
};

describe("StateReplication alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new StateReplication(stack, "replication", {
      name: "t",
      accountId: "111122223333",
      source: SOURCE,
      destination: DESTINATION,
      prefix: "env/",
      dependsOn: [],
    });
    json = synthAlone(stack);
  });

  test("replicates KMS-encrypted state under the prefix, with delete markers, re-encrypted with the DR key, within 15 minutes", () => {
    const configuration = json.resource("aws_s3_bucket_replication_configuration");
    expect(configuration.bucket).toBe("tf-state");
    expect(configuration.rule).toEqual([
      {
        id: "state-to-dr-region",
        status: "Enabled",
        priority: 1,
        filter: { prefix: "env/" },
        delete_marker_replication: { status: "Enabled" },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
        destination: {
          bucket: DESTINATION.bucketArn,
          storage_class: "STANDARD",
          encryption_configuration: { replica_kms_key_id: DESTINATION.kmsKeyArn },
          replication_time: { status: "Enabled", time: { minutes: 15 } },
          metrics: { status: "Enabled", event_threshold: { minutes: 15 } },
        },
      },
    ]);
  });

  test("S3 assumes the role only on behalf of the account", () => {
    expect(json.policyDocument(json.resource("aws_iam_role").assume_role_policy).statement).toEqual([
      {
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["s3.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["111122223333"] }],
      },
    ]);
  });

  test("the role decrypts the source and encrypts replicas only through S3 of each region, for each bucket", () => {
    const statements = json.policyDocument(json.resource("aws_iam_role_policy").policy).statement;
    const bySid = (sid: string) => statements.find((statement: { sid: string }) => statement.sid === sid);
    expect(bySid("DecryptSource")).toMatchObject({
      actions: ["kms:Decrypt"],
      resources: [SOURCE.kmsKeyArn],
      condition: [
        { test: "StringEquals", variable: "kms:ViaService", values: ["s3.eu-west-1.amazonaws.com"] },
        {
          test: "StringLike",
          variable: "kms:EncryptionContext:aws:s3:arn",
          values: ["arn:aws:s3:::tf-state", "arn:aws:s3:::tf-state/*"],
        },
      ],
    });
    expect(bySid("EncryptReplicas")).toMatchObject({
      resources: [DESTINATION.kmsKeyArn],
      condition: [
        { values: ["s3.eu-central-1.amazonaws.com"] },
        { values: ["arn:aws:s3:::tf-state-dr", "arn:aws:s3:::tf-state-dr/*"] },
      ],
    });
    expect(bySid("WriteReplicas").resources).toEqual(["arn:aws:s3:::tf-state-dr/*"]);
  });
});

describe("RegionScope alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    const dr = new AwsProvider(stack, "dr", { region: "eu-central-1", alias: "dr" });
    const other = new AwsProvider(stack, "other", { region: "us-east-1", alias: "other" });
    new EncryptionKey(new RegionScope(stack, "dr-region", dr), "key", {
      description: "d",
      alias: "in-dr",
      accountId: "111122223333",
    });
    new EncryptionKey(new RegionScope(stack, "pinned", dr), "key", {
      description: "d",
      alias: "pinned",
      accountId: "111122223333",
      provider: other,
    });
    new EncryptionKey(stack, "home", { description: "d", alias: "home", accountId: "111122223333" });
    json = synthAlone(stack);
  });

  test("resources and data sources created under it use its provider", () => {
    expect(json.named("aws_kms_key", "dr-region").provider).toBe("aws.dr");
    expect(json.named("aws_kms_alias", "dr-region").provider).toBe("aws.dr");
    const policies = Object.entries(json.dataSources("aws_iam_policy_document")).filter(([name]) =>
      name.includes("dr-region"),
    );
    expect(policies.map(([, policy]) => policy.provider)).toEqual(["aws.dr"]);
  });

  test("a resource that names its provider keeps it; resources outside the scope keep the default", () => {
    expect(json.named("aws_kms_key", "pinned").provider).toBe("aws.other");
    expect(json.named("aws_kms_key", "home").provider).toBeUndefined();
  });
});

describe("replicateSecrets alone", () => {
  test("every secret gets one replica in the DR region, under that region's key", () => {
    const stack = constructStack();
    const secrets = ["a", "b"].map((name) => new SecretsmanagerSecret(stack, name, { name }));
    replicateSecrets(secrets, { region: "eu-central-1", kmsKeyArn: "arn:aws:kms:eu-central-1:111122223333:key/dr" });
    for (const secret of synthAlone(stack).resourceList("aws_secretsmanager_secret")) {
      expect(secret.replica).toEqual([
        { region: "eu-central-1", kms_key_id: "arn:aws:kms:eu-central-1:111122223333:key/dr" },
      ]);
    }
  });
});
