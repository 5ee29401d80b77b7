import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { RestoreMode, restoreModeFrom } from "../src/config/restore-mode";
import { replicateSecrets } from "../src/constructs/data/secret-replicas";
import { dataHandover } from "../src/stacks/data/data-handover";
import { DrDataStack } from "../src/stacks/dr/dr-data-stack";
import { drNetworkHandover } from "../src/stacks/dr/dr-handovers";
import { stateKeyAlias } from "../src/config/naming";
import {
  Block,
  SYNTH_DIR,
  Synthesized,
  editedConfig,
  referenceTo,
  synthEnvironment,
  validConfig,
} from "./support/synth";
import { validateConfigs } from "../src/config/rules/validate";
import {
  DATA_TIER_RESTORE_BUDGET_MINUTES,
  RESTORE_CREATE_TIMEOUT_MINUTES,
  RTO_MARGIN_MINUTES,
} from "../src/config/restore-budget";
import { drillSteps, renderDrill } from "../scripts/dr-drill/drill";

const production = validConfig("production");
const staging = validConfig("staging");
const stacks = synthEnvironment("production");
const drNetwork = new Synthesized(
  JSON.parse(readFileSync(join(SYNTH_DIR, "stacks", "auth-production-dr-network", "cdk.tf.json"), "utf8")),
);
const bootstrap = stacks.bootstrap;
/** The provider reference of the DR region in a stack with a "dr" alias. */
const DR_PROVIDER = "aws.dr";

const problemsOf = (edit: (config: any) => void) => {
  try {
    validateConfigs({ production: editedConfig("production", edit) });
    return [];
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
};

describe("DR state: the DR stacks' state survives the primary region", () => {
  test("the pilot light keeps its state in the DR bucket, in the DR region, encrypted with that bucket's key", () => {
    expect(drNetwork.json.terraform.backend.s3).toEqual({
      bucket: production.dr.stateBucket,
      key: "production/auth-production-dr-network.tfstate",
      region: production.aws.drRegion,
      encrypt: true,
      kms_key_id: `arn:aws:kms:${production.aws.drRegion}:${production.aws.accountId}:alias/${stateKeyAlias(production.dr.stateBucket)}`,
      use_lockfile: true,
    });
    // It reads no other stack's state: it plans and applies while the primary region is down.
    expect(drNetwork.dataSources("terraform_remote_state")).toEqual({});
  });

  test("the primary stacks keep theirs in the primary bucket", () => {
    for (const layer of ["registry", "network", "data", "app"] as const) {
      expect(stacks[layer].json.terraform.backend.s3).toMatchObject({
        bucket: production.state.bucket,
        region: production.state.region,
      });
    }
  });

  describe("the bootstrap stack creates the DR bucket with the primary bucket's protections", () => {
    const bucket = bootstrap.named("aws_s3_bucket", "dr-state-bucket_storage");
    const ofBucket = (type: string) => bootstrap.named(type, "dr-state-bucket_storage");
    const bucketId = referenceTo(bootstrap, "aws_s3_bucket", bucket, "id");
    const key = bootstrap.named("aws_kms_key", "dr-state-bucket_key");

    test("in the DR region, under the name config gives it, protected from terraform destroy", () => {
      expect(bucket).toMatchObject({
        bucket: production.dr.stateBucket,
        provider: DR_PROVIDER,
        lifecycle: { prevent_destroy: true },
      });
      expect(bootstrap.json.provider.aws.find((provider: Block) => provider.alias === "dr")).toMatchObject({
        region: production.aws.drRegion,
      });
    });

    test("versioned, SSE-KMS with its own rotating key in the DR region, private, TLS-only, access-logged", () => {
      expect(ofBucket("aws_s3_bucket_versioning")).toMatchObject({
        bucket: bucketId,
        versioning_configuration: { status: "Enabled" },
      });
      expect(key).toMatchObject({ provider: DR_PROVIDER, enable_key_rotation: true });
      expect(
        ofBucket("aws_s3_bucket_server_side_encryption_configuration").rule[0].apply_server_side_encryption_by_default,
      ).toEqual({
        sse_algorithm: "aws:kms",
        kms_master_key_id: referenceTo(bootstrap, "aws_kms_key", key, "arn"),
      });
      expect(ofBucket("aws_s3_bucket_public_access_block")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      const policy = bootstrap.policyDocument(ofBucket("aws_s3_bucket_policy").policy);
      expect(policy.statement).toContainEqual(
        expect.objectContaining({ sid: "DenyInsecureTransport", effect: "Deny" }),
      );
      expect(ofBucket("aws_s3_bucket_logging")).toMatchObject({
        target_bucket: expect.stringContaining("dr-state-bucket_access-logs"),
      });
    });

    test("with the alias the DR stacks' backend names", () => {
      expect(bootstrap.named("aws_kms_alias", "dr-state-bucket_key")).toMatchObject({
        name: `alias/${stateKeyAlias(production.dr.stateBucket)}`,
        provider: DR_PROVIDER,
      });
    });
  });

  describe("the primary state replicates into the DR bucket", () => {
    const replication = bootstrap.resource("aws_s3_bucket_replication_configuration");
    const [rule] = replication.rule;
    const drKey = bootstrap.named("aws_kms_key", "dr-state-bucket_key");
    const primaryKey = bootstrap.named("aws_kms_key", /^state_key/);

    test("every state file (not the saved plans), delete markers too, re-encrypted with the DR key, within 15 minutes (RTC)", () => {
      expect(replication.bucket).toBe(production.state.bucket);
      expect(rule).toMatchObject({
        status: "Enabled",
        filter: { prefix: "production/" },
        delete_marker_replication: { status: "Enabled" },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
        destination: {
          bucket: referenceTo(
            bootstrap,
            "aws_s3_bucket",
            bootstrap.named("aws_s3_bucket", "dr-state-bucket_storage"),
            "arn",
          ),
          encryption_configuration: { replica_kms_key_id: referenceTo(bootstrap, "aws_kms_key", drKey, "arn") },
          replication_time: { status: "Enabled", time: { minutes: 15 } },
          metrics: { status: "Enabled", event_threshold: { minutes: 15 } },
        },
      });
      // S3 refuses a replication configuration until both buckets are versioned.
      expect(replication.depends_on).toHaveLength(2);
      expect(
        replication.depends_on.every((dependency: string) => dependency.startsWith("aws_s3_bucket_versioning.")),
      ).toBe(true);
    });

    test("by a role S3 assumes, which decrypts only through S3 in the source region and encrypts only through S3 in the DR region", () => {
      const role = bootstrap.named("aws_iam_role", "state-replication");
      expect(bootstrap.policyDocument(role.assume_role_policy).statement[0].principals).toEqual([
        { type: "Service", identifiers: ["s3.amazonaws.com"] },
      ]);
      const statements = bootstrap.policyDocument(
        bootstrap.named("aws_iam_role_policy", "state-replication").policy,
      ).statement;
      const sid = (name: string) => statements.find((statement: Block) => statement.sid === name);
      expect(sid("DecryptSource")).toMatchObject({
        actions: ["kms:Decrypt"],
        resources: [referenceTo(bootstrap, "aws_kms_key", primaryKey, "arn")],
        condition: expect.arrayContaining([
          { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${production.state.region}.amazonaws.com`] },
        ]),
      });
      expect(sid("EncryptReplicas")).toMatchObject({
        actions: ["kms:Encrypt", "kms:GenerateDataKey"],
        resources: [referenceTo(bootstrap, "aws_kms_key", drKey, "arn")],
        condition: expect.arrayContaining([
          { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${production.aws.drRegion}.amazonaws.com`] },
        ]),
      });
      expect(sid("WriteReplicas").actions).toEqual(["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]);
    });

    test("the role reads only the object versions the rule copies, not the saved plans next to them", () => {
      const statements = bootstrap.policyDocument(
        bootstrap.named("aws_iam_role_policy", "state-replication").policy,
      ).statement;
      const read = statements.find((statement: Block) => statement.sid === "ReadSourceVersions");
      const sourceArn = referenceTo(
        bootstrap,
        "aws_s3_bucket",
        bootstrap.named("aws_s3_bucket", /^state_storage/),
        "arn",
      );
      expect(read.resources).toEqual([`${sourceArn}/${rule.filter.prefix}*`]);
      const objectVersionsReadable = statements
        .filter((statement: Block) => statement.actions.some((action: string) => action.startsWith("s3:GetObject")))
        .flatMap((statement: Block) => statement.resources);
      expect(objectVersionsReadable).not.toContain(`${sourceArn}/*`);
    });

    test("the CI plan role may read and lock the DR stacks' state, and decrypt with the DR state key", () => {
      const statements = bootstrap.policyDocument(
        bootstrap.named("aws_iam_role_policy", "ci_plan-policy").policy,
      ).statement;
      const drBucketArn = referenceTo(
        bootstrap,
        "aws_s3_bucket",
        bootstrap.named("aws_s3_bucket", "dr-state-bucket_storage"),
        "arn",
      );
      const sid = (name: string) => statements.find((statement: Block) => statement.sid === name);
      expect(sid("ReadState").resources).toContain(`${drBucketArn}/*`);
      expect(sid("LockState").resources).toContain(`${drBucketArn}/*.tflock`);
      expect(sid("UseStateKey").resources).toContain(referenceTo(bootstrap, "aws_kms_key", drKey, "arn"));
      expect(sid("DenyDecryptButState").not_resources).toContain(referenceTo(bootstrap, "aws_kms_key", drKey, "arn"));
    });
  });

  test("the pilot light is refused with Terraform Cloud as the state home, which has no DR state path", () => {
    const withTerraformCloud = (c: any) => {
      c.state.backend = "terraform-cloud";
      c.state.terraformCloud = { organization: "example-org", hostname: "app.terraform.io", workspacePrefix: "" };
    };
    expect(() => validateConfigs({ production: editedConfig("production", withTerraformCloud) })).toThrow(
      /production: dr\.pilotLight: must be false when state\.backend is "terraform-cloud"/,
    );
    expect(() => validateConfigs({ staging: editedConfig("staging", withTerraformCloud) })).not.toThrow();
  });
});

describe("pilot light in the DR region (dr.pilotLight)", () => {
  test("auth-<env>-dr-network is the network stack in the DR region: VPC, three tiers in the DR zones, NAT, endpoints, flow logs, alert topic", () => {
    // The default provider is the DR region's; the only other is the us-east-1 alias of the outside-in checks.
    expect(drNetwork.json.provider.aws).toEqual([
      expect.objectContaining({ region: production.aws.drRegion }),
      expect.objectContaining({ alias: "us-east-1", region: "us-east-1" }),
    ]);
    expect(drNetwork.resource("aws_vpc").cidr_block).toBe(production.dr.network.vpcCidr);
    const subnets = drNetwork.resourceList("aws_subnet");
    expect(subnets.map((subnet) => subnet.cidr_block).sort()).toEqual(
      Object.values(production.dr.network.subnets).flat().sort(),
    );
    expect(new Set(subnets.map((subnet) => subnet.availability_zone))).toEqual(
      new Set(production.dr.network.availabilityZones),
    );
    expect(drNetwork.resourceList("aws_nat_gateway")).toHaveLength(production.dr.network.natGatewayCount);
    expect(drNetwork.resourceList("aws_vpc_endpoint").map((endpoint) => endpoint.service_name)).toContain(
      `com.amazonaws.${production.aws.drRegion}.secretsmanager`,
    );
    expect(drNetwork.resourceList("aws_flow_log")).toHaveLength(1);
    // Its own alert topic, and the us-east-1 one of the Route 53 health-check alarms (outsideIn).
    expect(drNetwork.resourceList("aws_sns_topic").map((topic) => [topic.name, topic.provider])).toEqual([
      ["auth-production-dr-alerts", undefined],
      ["auth-production-global-alerts", "aws.us-east-1"],
    ]);
    // IAM names are global: the DR site's never collide with the primary's.
    for (const role of drNetwork.resourceList("aws_iam_role")) expect(role.name).toMatch(/^auth-production-dr-/);
  });

  test("images: the repository they replicate into exists first, with the registry's key, scanning and immutable tags", () => {
    const repository = drNetwork.resource("aws_ecr_repository");
    expect(repository).toMatchObject({
      name: production.registry.repositoryName,
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
    });
    expect(repository.encryption_configuration).toEqual([
      {
        encryption_type: "KMS",
        kms_key: referenceTo(drNetwork, "aws_kms_key", drNetwork.named("aws_kms_key", "registry-key"), "arn"),
      },
    ]);
    // The promoting account may replicate into this region too (registry policies are regional).
    expect(drNetwork.resourceList("aws_ecr_registry_policy")).toHaveLength(1);
  });

  test("images: the registry an image is pushed to copies it straight into every pilot light (no reliance on onward replication of a replica)", () => {
    const destinations = (json: Synthesized) =>
      json.resource("aws_ecr_replication_configuration").replication_configuration.rule[0].destination;
    expect(destinations(synthEnvironment("staging").registry)).toContainEqual({
      region: production.aws.drRegion,
      registry_id: production.aws.accountId,
    });
    expect(destinations(stacks.registry)).toEqual([
      { region: production.aws.drRegion, registry_id: production.aws.accountId },
    ]);
  });

  test("secrets: every secret a restore promotes has a replica in the DR region, encrypted with a DR-region key; the Redis token has none (the restored cache has its own)", () => {
    const data = stacks.data;
    const drKey = data.named("aws_kms_key", "dr-data-key");
    expect(drKey.provider).toBe(DR_PROVIDER);
    // What the app stack reads from the data stack's handover: exactly the secrets the service uses.
    const { aws_cloudwatch_event_rule: _rules, ...appResources } = stacks.app.json.resource; // the rules only watch rotations
    const appReads = [
      ...new Set(
        [
          ...JSON.stringify(appResources).matchAll(
            /terraform_remote_state\.data_state_\w+\.outputs\.(\w+_secret_arn)/g,
          ),
        ].map((match) => match[1]),
      ),
    ];
    expect(appReads.sort()).toEqual(["app_secret_arn", "db_service_secret_arn", "redis_auth_secret_arn"]);
    const secretOf = (output: string) =>
      data.resources("aws_secretsmanager_secret")[
        /aws_secretsmanager_secret\.([\w-]+)\.arn/.exec(data.outputs()[output].value)![1]
      ];
    for (const output of ["app_secret_arn", "db_service_secret_arn"]) {
      expect(secretOf(output).replica).toEqual([
        { region: production.aws.drRegion, kms_key_id: referenceTo(data, "aws_kms_key", drKey, "arn") },
      ]);
    }
    expect(secretOf("redis_auth_secret_arn").replica).toBeUndefined();
    expect(readFileSync(join(__dirname, "..", "docs", "how-to", "disaster-recovery.md"), "utf8")).toMatch(
      /The Redis AUTH token is not replicated/,
    );
  });

  test("backups: automated backups replicate to the DR region (what a restore starts from)", () => {
    const replication = stacks.data.resource("aws_db_instance_automated_backups_replication");
    expect(replication).toMatchObject({
      provider: DR_PROVIDER,
      retention_period: production.data.postgres.crossRegionBackupRetentionDays,
    });
  });

  test("certificate: requested in the DR region and validated in the same hosted zone", () => {
    expect(drNetwork.resource("aws_acm_certificate")).toMatchObject({
      domain_name: production.dns.domainName,
      validation_method: "DNS",
    });
    expect(drNetwork.resource("aws_route53_record")).toMatchObject({
      zone_id: production.dns.hostedZoneId,
      allow_overwrite: true,
    });
    expect(drNetwork.outputs().certificate_arn.value).toBe(
      referenceTo(
        drNetwork,
        "aws_acm_certificate_validation",
        drNetwork.resource("aws_acm_certificate_validation"),
        "certificate_arn",
      ),
    );
  });

  test("switched off (staging): no DR stack, no DR bucket, no secret replica", () => {
    expect(staging.dr.pilotLight).toBe(false);
    expect(existsSync(join(SYNTH_DIR, "stacks", "auth-staging-dr-network"))).toBe(false);
    const stagingStacks = synthEnvironment("staging");
    expect(stagingStacks.bootstrap.resourceList("aws_s3_bucket_replication_configuration")).toEqual([]);
    expect(
      stagingStacks.data.resourceList("aws_secretsmanager_secret").every((secret) => secret.replica === undefined),
    ).toBe(true);
  });

  test("config: production must keep the pilot light; the DR site must be a different, complete place", () => {
    expect(problemsOf((c) => (c.dr.pilotLight = false))).toEqual([
      expect.stringMatching(/^production: dr\.pilotLight: must be true in a production environment/),
      expect.stringMatching(/^production: outsideIn: needs dr\.pilotLight/),
      expect.stringMatching(/^production: scheduledChecks\.drPreflight: must be absent when dr\.pilotLight is false/),
    ]);
    expect(problemsOf((c) => (c.dr.network.vpcCidr = c.network.vpcCidr))).toContainEqual(
      expect.stringMatching(/^production: dr\.network\.vpcCidr: 10\.30\.0\.0\/16 overlaps network\.vpcCidr/),
    );
    expect(problemsOf((c) => (c.dr.network.availabilityZones = ["eu-west-1a", "eu-west-1b"]))).toEqual([
      "production: dr.network.availabilityZones[0]: eu-west-1a is not an availability zone of eu-central-1 (eu-central-1a, eu-central-1b, eu-central-1c)",
      "production: dr.network.availabilityZones[1]: eu-west-1b is not an availability zone of eu-central-1 (eu-central-1a, eu-central-1b, eu-central-1c)",
    ]);
    expect(problemsOf((c) => (c.dr.stateBucket = c.state.bucket))).toEqual([
      expect.stringMatching(/^production: dr\.stateBucket: must differ from state\.bucket/),
    ]);
    expect(problemsOf((c) => (c.state.region = c.aws.drRegion))).toEqual([
      expect.stringMatching(/^production: state\.region: must not be aws\.drRegion/),
    ]);
  });
});

describe("replicateSecrets", () => {
  test("adds one replica per secret in the given region with the given key, and nothing else", () => {
    // GIVEN
    const stack = new TerraformStack(Testing.app(), "replicas");
    const scope = new Construct(stack, "secrets");
    const secrets = ["a", "b"].map((name) => new SecretsmanagerSecret(scope, name, { name }));
    // WHEN
    replicateSecrets(secrets, { region: "eu-central-1", kmsKeyArn: "arn:aws:kms:eu-central-1:111111111111:key/k" });
    // THEN
    const json = JSON.parse(Testing.synth(stack));
    for (const secret of Object.values<Block>(json.resource.aws_secretsmanager_secret)) {
      expect(secret.replica).toEqual([
        { region: "eu-central-1", kms_key_id: "arn:aws:kms:eu-central-1:111111111111:key/k" },
      ]);
    }
  });
});

describe("restore mode (AUTH_DR_RESTORE=1): auth-<env>-dr-data", () => {
  const restored = (restore: RestoreMode) => {
    // It reads other stacks only through remote state, so it synthesizes on its own.
    const stack = new DrDataStack(Testing.app(), production, restore);
    // What cdktf runs at synth: the compliance pack passes (with its justified suppressions).
    stack.runAllValidations();
    return Synthesized.of(stack);
  };
  const latest = restored({ drill: false });
  const database = latest.resource("aws_db_instance");
  const remoteStates = Object.values(latest.dataSources("terraform_remote_state"));

  describe("a slow restore does not lock itself", () => {
    const dataStep = drillSteps(production).find(
      (step) => step.command.includes("auth-production-dr-data") && step.command.includes("deploy"),
    )!;

    test("the timeouts are sized from the drill's data-tier budget, plus the RTO margin", () => {
      expect(dataStep.budgetMinutes).toBe(DATA_TIER_RESTORE_BUDGET_MINUTES);
      expect(RESTORE_CREATE_TIMEOUT_MINUTES).toBe(DATA_TIER_RESTORE_BUDGET_MINUTES + RTO_MARGIN_MINUTES);
      // Above the provider's default create timeouts (40 min aws_db_instance, 60 min aws_elasticache_replication_group).
      expect(RESTORE_CREATE_TIMEOUT_MINUTES).toBeGreaterThan(60);
    });

    test("the restored PostgreSQL instance and the DR cache carry that create timeout", () => {
      expect(database.timeouts).toEqual({ create: `${RESTORE_CREATE_TIMEOUT_MINUTES}m` });
      expect(latest.resource("aws_elasticache_replication_group").timeouts).toEqual({
        create: `${RESTORE_CREATE_TIMEOUT_MINUTES}m`,
      });
    });

    test("the drill's dry run says what to run when the restore times out", () => {
      expect(dataStep.onTimeout).toBe("npm run dr:untaint -- --env production --drill");
      expect(renderDrill("production", drillSteps(production))).toContain(
        `$ ${dataStep.onTimeout}, then run the step again`,
      );
    });
  });

  test("the pilot light and the restore stack publish exactly their handover contracts, and every output read is published", () => {
    expect(Object.keys(drNetwork.outputs()).sort()).toEqual(Object.keys(drNetworkHandover).sort());
    expect(Object.keys(latest.outputs()).sort()).toEqual(Object.keys(dataHandover).sort());
    const text = JSON.stringify(latest.json);
    for (const [name, source] of Object.entries(latest.dataSources("terraform_remote_state"))) {
      const producer = source.config.key.endsWith("dr-network.tfstate") ? drNetwork : stacks.data;
      const read = [
        ...text.matchAll(new RegExp(`data\\.terraform_remote_state\\.${name}\\.outputs\\.(\\w+)`, "g")),
      ].map((match) => match[1]);
      expect(read.length).toBeGreaterThan(0);
      for (const output of read) expect(Object.keys(producer.outputs())).toContain(output);
    }
  });

  test("is never part of a normal synth: no deploy of the other layers creates it", () => {
    expect(existsSync(join(SYNTH_DIR, "stacks", "auth-production-dr-data"))).toBe(false);
  });

  test("lives in the DR region with its state in the DR bucket, and reads nothing from the primary bucket", () => {
    expect(latest.json.provider.aws).toEqual([expect.objectContaining({ region: production.aws.drRegion })]);
    expect(latest.json.terraform.backend.s3).toMatchObject({
      bucket: production.dr.stateBucket,
      region: production.aws.drRegion,
      key: "production/auth-production-dr-data.tfstate",
    });
    expect(
      remoteStates.map((source) => [source.config.bucket, source.config.region, source.config.key]).sort(),
    ).toEqual([
      // The replica of the primary data stack's state, and the pilot light's own.
      [production.dr.stateBucket, production.aws.drRegion, "production/auth-production-data.tfstate"],
      [production.dr.stateBucket, production.aws.drRegion, "production/auth-production-dr-network.tfstate"],
    ]);
  });

  test("PostgreSQL is restored from the replicated automated backups, to the latest restorable time", () => {
    expect(database.restore_to_point_in_time).toEqual({
      source_db_instance_automated_backups_arn: expect.stringMatching(
        /^\$\{data\.terraform_remote_state\.primary-data_state_\w+\.outputs\.db_backups_replica_arn\}$/,
      ),
      use_latest_restorable_time: true,
    });
    // Database and master user come from the backup; RDS manages a new master password.
    expect(database).toMatchObject({
      manage_master_user_password: true,
      storage_encrypted: true,
      multi_az: production.data.postgres.multiAz,
      publicly_accessible: false,
    });
    expect(database.db_name).toBeUndefined();
    expect(database.username).toBeUndefined();
    // The data stack publishes what the restore starts from.
    expect(stacks.data.outputs().db_backups_replica_arn.value).toBe(
      referenceTo(
        stacks.data,
        "aws_db_instance_automated_backups_replication",
        stacks.data.resource("aws_db_instance_automated_backups_replication"),
        "id",
      ),
    );
  });

  test("or to a given time (AUTH_DR_RESTORE_TIME)", () => {
    const pointInTime = restored({ drill: false, pointInTime: "2026-11-30T03:15:00Z" }).resource(
      "aws_db_instance",
    ).restore_to_point_in_time;
    expect(pointInTime).toEqual({
      source_db_instance_automated_backups_arn: expect.any(String),
      restore_time: "2026-11-30T03:15:00Z",
    });
  });

  test("a failover keeps production's protections; a drill (AUTH_DR_DRILL=1) can tear its stores down", () => {
    expect(database).toMatchObject({ deletion_protection: true, lifecycle: { prevent_destroy: true } });
    const drill = restored({ drill: true });
    expect(drill.resource("aws_db_instance").deletion_protection).toBe(false);
    expect(drill.resource("aws_db_instance").lifecycle?.prevent_destroy).toBeFalsy();
    // Deleted at teardown without a recovery window, so the next drill can create it again.
    expect(drill.resource("aws_secretsmanager_secret").recovery_window_in_days).toBe(0);
  });

  test("a drill keeps its state under <env>/drill/, so tearing a drill down can never destroy a real restore", () => {
    expect(restored({ drill: true }).json.terraform.backend.s3.key).toBe(
      "production/drill/auth-production-dr-data.tfstate",
    );
    expect(latest.json.terraform.backend.s3.key).toBe("production/auth-production-dr-data.tfstate");
  });

  test("after fail back, AUTH_DR_DECOMMISSION=1 lifts the real restore's protections, in the real restore's state", () => {
    const decommission = restored({ drill: false, decommission: true });
    expect(decommission.resource("aws_db_instance").deletion_protection).toBe(false);
    expect(decommission.resource("aws_db_instance").lifecycle?.prevent_destroy).toBeFalsy();
    expect(decommission.json.terraform.backend.s3.key).toBe("production/auth-production-dr-data.tfstate");
    expect(restoreModeFrom({ AUTH_DR_RESTORE: "1", AUTH_DR_DECOMMISSION: "1" })).toEqual({
      pointInTime: undefined,
      drill: false,
      decommission: true,
    });
    expect(() => restoreModeFrom({ AUTH_DR_RESTORE: "1", AUTH_DR_DECOMMISSION: "1", AUTH_DR_DRILL: "1" })).toThrow(
      /AUTH_DR_DECOMMISSION: a real restore is decommissioned on its own, never with AUTH_DR_DRILL=1/,
    );
    expect(() => restoreModeFrom({ AUTH_DR_DECOMMISSION: "1" })).toThrow(/only take effect with AUTH_DR_RESTORE=1/);
  });

  test("Redis comes up empty, as a cache, with its own AUTH token secret and rotation in the DR region", () => {
    const group = latest.resource("aws_elasticache_replication_group");
    expect(group).toMatchObject({
      replication_group_id: "auth-production-dr-redis",
      transit_encryption_enabled: true,
      at_rest_encryption_enabled: "true",
    });
    expect(group.snapshot_arns).toBeUndefined();
    expect(group.snapshot_name).toBeUndefined();
    const tokenRotation = latest.named("aws_secretsmanager_secret_rotation", "redis-auth-rotation");
    expect(tokenRotation.secret_id).toBe(
      referenceTo(latest, "aws_secretsmanager_secret", latest.resource("aws_secretsmanager_secret"), "arn"),
    );
    for (const fn of latest.resourceList("aws_lambda_function"))
      expect(fn.function_name).toMatch(/^auth-production-dr-/);
  });

  describe("the promoted secrets rotate in the DR region, and their first rotation points them at the restored database", () => {
    const outputs = latest.outputs();
    const rotationOf = (stack: Synthesized, secretArn: string) =>
      stack.resourceList("aws_secretsmanager_secret_rotation").filter((rotation) => rotation.secret_id === secretArn);
    const functionOf = (rotation: Block) => {
      const name = /^\$\{aws_lambda_function\.([\w-]+)\.arn\}$/.exec(rotation.rotation_lambda_arn)![1];
      return latest.resources("aws_lambda_function")[name];
    };
    const primaryOutput = (output: string) =>
      expect.stringMatching(
        new RegExp(`^\\$\\{data\\.terraform_remote_state\\.primary-data_state_\\w+\\.outputs\\.${output}\\}$`),
      );
    const [serviceRotation] = rotationOf(latest, outputs.db_service_secret_arn.value);
    const [appRotation] = rotationOf(latest, outputs.app_secret_arn.value);

    test("each promoted secret the app reads has rotation on, by a function restore mode deploys here, rotating at once", () => {
      for (const [rotation, days] of [
        [serviceRotation, production.data.postgres.serviceCredentialRotationDays],
        [appRotation, production.data.secrets.appSecretRotationDays],
      ] as const) {
        expect(rotation).toBeDefined();
        expect(rotation.rotation_rules).toEqual({ automatically_after_days: days });
        // The provider's rotate_immediately defaults to true: the first rotation runs at deploy.
        expect(rotation.rotate_immediately).not.toBe(false);
        expect(functionOf(rotation).function_name).toMatch(/^auth-production-dr-/);
      }
      expect(functionOf(appRotation).function_name).toBe("auth-production-dr-app-secret-rotation");
    });

    test("the login's function writes the restored database's host and master secret, and adopts only the primary's master secret", () => {
      const fn = functionOf(serviceRotation);
      expect(fn.function_name).toBe("auth-production-dr-db-service-rotation");
      expect(fn.environment.variables).toMatchObject({
        DB_HOST: referenceTo(latest, "aws_db_instance", database, "address"),
        DB_PORT: referenceTo(latest, "aws_db_instance", database, "port"),
        MASTER_SECRET_ARN: referenceTo(latest, "aws_db_instance", database, "master_user_secret[0].secret_arn"),
        ADOPTABLE_MASTER_SECRET_ARNS: primaryOutput("db_master_secret_arn"),
        DB_NAME: production.data.postgres.databaseName,
        DB_USERNAME: production.data.postgres.serviceUsername,
      });
      expect(fn.vpc_config.security_group_ids).toEqual([
        expect.stringMatching(/terraform_remote_state\.network.*\.outputs\.db_rotation_security_group_id/),
      ]);
      // Its first rotation logs in to the restored instance: created after it.
      expect(serviceRotation.depends_on).toContain(
        `aws_db_instance.${Object.keys(latest.resources("aws_db_instance"))[0]}`,
      );
    });

    test("each function may rotate only its promoted secret and read only the restored master secret", () => {
      // Each function's inline policy carries its name (NodeFunction).
      const policyOf = (rotation: Block) =>
        latest.policyDocument(
          latest
            .resourceList("aws_iam_role_policy")
            .find((policy) => policy.name === functionOf(rotation).function_name)!.policy,
        );
      const service = Object.fromEntries(
        policyOf(serviceRotation).statement.map((statement: any) => [statement.sid, statement.resources]),
      );
      expect(service.RotateServiceSecret).toEqual([outputs.db_service_secret_arn.value]);
      expect(service.ReadMasterSecret).toEqual([
        referenceTo(latest, "aws_db_instance", database, "master_user_secret[0].secret_arn"),
      ]);
      const app = Object.fromEntries(
        policyOf(appRotation).statement.map((statement: any) => [statement.sid, statement.resources]),
      );
      expect(app.RotateThisSecretOnly).toEqual([outputs.app_secret_arn.value]);
    });

    test("no value of a promoted secret is written by Terraform: only the restored Redis token's secret is a secret resource here", () => {
      expect(latest.resourceList("aws_secretsmanager_secret").map((secret) => secret.name)).toEqual([
        "auth-production-dr-redis/auth-token",
      ]);
      for (const version of latest.resourceList("aws_secretsmanager_secret_version"))
        expect(version.secret_id).not.toMatch(/primary-data/);
    });

    test("a drill, which never promotes, deploys the functions but turns rotation on for no replica (a replica cannot rotate)", () => {
      const drill = restored({ drill: true });
      expect(rotationOf(drill, drill.outputs().db_service_secret_arn.value)).toEqual([]);
      expect(rotationOf(drill, drill.outputs().app_secret_arn.value)).toEqual([]);
      expect(drill.resourceList("aws_lambda_function").map((fn) => fn.function_name)).toEqual(
        expect.arrayContaining(["auth-production-dr-db-service-rotation", "auth-production-dr-app-secret-rotation"]),
      );
    });
  });

  test("hands the app the data contract: restored endpoints, and the replicated secrets' ARNs in the DR region", () => {
    const outputs = latest.outputs();
    for (const output of ["db_service_secret_arn", "app_secret_arn"]) {
      expect(outputs[output].value).toBe(
        `\${replace(data.terraform_remote_state.${/primary-data_state_\w+/.exec(outputs[output].value)![0]}.outputs.${output}, ":${production.aws.region}:", ":${production.aws.drRegion}:")}`,
      );
    }
    expect(outputs.db_endpoint.value).toBe(referenceTo(latest, "aws_db_instance", database, "address"));
    expect(outputs.data_kms_key_arn.value).toBe(database.kms_key_id);
  });
});

describe("restore mode switches", () => {
  test("off unless AUTH_DR_RESTORE=1; a time or drill switch alone is refused", () => {
    expect(restoreModeFrom({})).toBeUndefined();
    expect(() => restoreModeFrom({ AUTH_DR_RESTORE_TIME: "2026-11-30T03:15:00Z" })).toThrow(
      /only take effect with AUTH_DR_RESTORE=1/,
    );
  });

  test("latest restorable time by default, a given UTC time, a drill", () => {
    expect(restoreModeFrom({ AUTH_DR_RESTORE: "1" })).toEqual({ pointInTime: undefined, drill: false });
    expect(
      restoreModeFrom({ AUTH_DR_RESTORE: "1", AUTH_DR_RESTORE_TIME: "2026-11-30T03:15:00Z", AUTH_DR_DRILL: "1" }),
    ).toEqual({ pointInTime: "2026-11-30T03:15:00Z", drill: true });
  });

  test.each(["2026-11-30 03:15", "2026-11-30T03:15:00+01:00", "2026-13-40T03:15:00Z"])(
    "rejects the time %s with one line naming the switch",
    (time) => {
      expect(() => restoreModeFrom({ AUTH_DR_RESTORE: "1", AUTH_DR_RESTORE_TIME: time })).toThrow(
        /^Invalid configuration:\n {2}- AUTH_DR_RESTORE_TIME: must be a UTC time/,
      );
    },
  );
});
