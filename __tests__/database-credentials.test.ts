import { execFileSync } from "child_process";
import { builtinModules } from "module";
import { join } from "path";
import { Testing, TerraformStack } from "cdktf";
import { bundleFunction } from "../src/constructs/compute/lambda-bundle";
import { NodeFunction } from "../src/constructs/compute/node-function";
import { LAMBDA_NODE_RUNTIME } from "../src/constructs/compute/lambda-runtime";
import { INITIAL_VERSION_LABEL, LAMBDA_RUNTIME_CA_BUNDLE } from "../src/constructs/data/database-service-credentials";
import { ConfigError, validateConfigs } from "../src/config/rules/validate";
import { editedConfig, ENVIRONMENTS, referenceTo, SYNTH_DIR, synthEnvironment, validConfig } from "./support/synth";

// The service logs in to PostgreSQL with its own rotated credentials (lambda/postgres-rotation,
// whose behaviour against a real server is __tests__/integration/database-rotation.test.ts);
// this file checks the wiring Terraform gets.

describe.each(ENVIRONMENTS)("database credentials in %s", (env) => {
  const config = validConfig(env);
  const { postgres: db } = config.data;
  const stacks = synthEnvironment(env);
  const data = stacks.data;
  const secret = data
    .resourceList("aws_secretsmanager_secret")
    .find((candidate) => candidate.name === `auth-${env}/db-service`)!;
  const secretArn = referenceTo(data, "aws_secretsmanager_secret", secret, "arn");
  const rotationFunction = data
    .resourceList("aws_lambda_function")
    .find((candidate) => candidate.function_name === `auth-${env}-db-service-rotation`)!;
  const functionArn = referenceTo(data, "aws_lambda_function", rotationFunction, "arn");
  const rds = `aws_db_instance.${Object.keys(data.resources("aws_db_instance"))[0]}`;
  const masterSecretArn = `\${${rds}.master_user_secret[0].secret_arn}`;

  describe("the service secret", () => {
    const version = data
      .resourceList("aws_secretsmanager_secret_version")
      .find((candidate) => candidate.secret_id.includes("db-service-credentials"))!;

    test("is encrypted with the data key and restorable for the configured window", () => {
      const dataKey = data.named("aws_kms_key", /^data-key_/);
      expect(secret).toMatchObject({
        kms_key_id: referenceTo(data, "aws_kms_key", dataKey, "arn"),
        recovery_window_in_days: config.data.secrets.recoveryWindowDays,
      });
    });

    test("starts with where to connect and as whom: no password, which only the rotation generates", () => {
      expect(version.secret_string).toBe(
        `\${jsonencode({"engine" = "postgres", "host" = ${rds}.address, "port" = ${rds}.port, "dbname" = "${db.databaseName}", "username" = "${db.serviceUsername}", "masterarn" = ${rds}.master_user_secret[0].secret_arn})}`,
      );
      expect(version.secret_string).not.toMatch(/password|random_/);
      expect(version.secret_string_wo).toBeUndefined();
    });

    test("keeps its first version labelled, so Secrets Manager never deletes it and Terraform never writes it again", () => {
      expect(version.version_stages).toEqual(["AWSCURRENT", INITIAL_VERSION_LABEL]);
      expect(version.lifecycle).toEqual({ ignore_changes: ["secret_string", "version_stages"] });
    });

    test(`rotates every ${db.serviceCredentialRotationDays} days (data.postgres.serviceCredentialRotationDays) through the rotation function`, () => {
      const rotation = data
        .resourceList("aws_secretsmanager_secret_rotation")
        .find((candidate) => candidate.secret_id === secretArn);
      expect(rotation).toMatchObject({
        rotation_lambda_arn: functionArn,
        rotation_rules: { automatically_after_days: db.serviceCredentialRotationDays },
      });
      // Secrets Manager rotates at once: the first version and the function's rights come first.
      expect(rotation!.depends_on).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^aws_lambda_permission\.db-service-credentials/),
          expect.stringMatching(/^aws_secretsmanager_secret_version\.db-service-credentials/),
          expect.stringMatching(/^aws_iam_role_policy\.db-service-credentials_rotation/),
        ]),
      );
      expect(data.named("aws_lambda_permission", "db-service-credentials")).toMatchObject({
        principal: "secretsmanager.amazonaws.com",
        action: "lambda:InvokeFunction",
        source_arn: secretArn,
      });
    });

    test("is what the data stack hands to the app stack", () => {
      expect(data.outputs().db_service_secret_arn.value).toBe(secretArn);
    });
  });

  describe("the rotation function", () => {
    const policy = data.policyDocument(data.named("aws_iam_role_policy", "db-service-credentials_rotation").policy);
    const bySid = Object.fromEntries(policy.statement.map((statement: any) => [statement.sid, statement]));

    test(`every function of every stack runs on ${LAMBDA_NODE_RUNTIME}, the one runtime constant`, () => {
      const functions = Object.values(stacks).flatMap((stack) => stack.resourceList("aws_lambda_function"));
      expect(functions.length).toBeGreaterThanOrEqual(1);
      for (const fn of functions) expect(fn.runtime).toBe(LAMBDA_NODE_RUNTIME);
      expect(LAMBDA_NODE_RUNTIME).toBe("nodejs22.x");
    });

    test("runs in the private subnets with the rotation security group, and waits for its network rights", () => {
      expect(rotationFunction.vpc_config).toEqual({
        subnet_ids: expect.stringMatching(/terraform_remote_state\.network.*\.outputs\.private_subnet_ids/),
        security_group_ids: [
          expect.stringMatching(/terraform_remote_state\.network.*\.outputs\.db_rotation_security_group_id/),
        ],
      });
      expect(rotationFunction.depends_on).toEqual(
        expect.arrayContaining([expect.stringMatching(/^aws_iam_role_policy\.db-service-credentials_rotation/)]),
      );
    });

    test("is configured with the database, the service user and schema, the master secret and the RDS CA bundle", () => {
      expect(rotationFunction.environment.variables).toEqual({
        MASTER_SECRET_ARN: masterSecretArn,
        DB_HOST: `\${${rds}.address}`,
        DB_PORT: `\${${rds}.port}`,
        DB_NAME: db.databaseName,
        DB_USERNAME: db.serviceUsername,
        DB_SCHEMA: db.serviceSchema,
        DB_CA_BUNDLE: LAMBDA_RUNTIME_CA_BUNDLE,
      });
      expect(LAMBDA_RUNTIME_CA_BUNDLE).toBe("/var/runtime/ca-cert.pem");
    });

    test("may rotate the service secret, read the master secret, use the data key only through Secrets Manager, and manage its network interfaces", () => {
      expect(bySid.RotateServiceSecret).toMatchObject({
        actions: [
          "secretsmanager:DescribeSecret",
          "secretsmanager:GetSecretValue",
          "secretsmanager:PutSecretValue",
          "secretsmanager:UpdateSecretVersionStage",
        ],
        resources: [secretArn],
      });
      expect(bySid.ReadMasterSecret).toMatchObject({
        actions: ["secretsmanager:GetSecretValue"],
        resources: [masterSecretArn],
      });
      expect(bySid.UseDataKeyThroughSecretsManager.condition).toEqual([
        { test: "StringLike", variable: "kms:ViaService", values: ["secretsmanager.*.amazonaws.com"] },
      ]);
      // Network interfaces only in the function's own subnets and group; only the Describe actions on "*".
      expect(bySid.CreateNetworkInterfacesInOwnSubnets.actions).toEqual(["ec2:CreateNetworkInterface"]);
      expect(bySid.CreateNetworkInterfacesInOwnSubnets.resources).toMatch(
        /formatlist\("arn:aws:ec2:\*:\*:subnet\/%s", data\.terraform_remote_state\.[\w-]+\.outputs\.private_subnet_ids\)/,
      );
      expect(bySid.CreateNetworkInterfacesInOwnSubnets.resources).toMatch(
        /security-group\/%s", \[data\.terraform_remote_state\.[\w-]+\.outputs\.db_rotation_security_group_id\]/,
      );
      expect(bySid.ManageOwnNetworkInterfaces.resources).toEqual(["arn:aws:ec2:*:*:network-interface/*"]);
      expect(bySid.DescribeNetworkInterfaces).toMatchObject({
        actions: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
        resources: ["*"],
      });
      expect(Object.keys(bySid).sort()).toEqual([
        "CreateNetworkInterfacesInOwnSubnets",
        "DescribeNetworkInterfaces",
        "ManageOwnNetworkInterfaces",
        "ReadMasterSecret",
        "RotateServiceSecret",
        "UseDataKeyThroughSecretsManager",
        "WriteOwnLogs",
      ]);
    });

    test("ships as one bundled index.js with pg inside and only the runtime's modules outside", () => {
      const zip = join(SYNTH_DIR, "stacks", `auth-${env}-data`, rotationFunction.filename);
      const listing = execFileSync("python3", [
        "-c",
        "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.namelist()); sys.stdout.write(z.read('index.js').decode())",
        zip,
      ]).toString();
      const [names, code] = [listing.slice(0, listing.indexOf("\n")), listing.slice(listing.indexOf("\n") + 1)];
      expect(names).toBe("['index.js']");
      expect(code).toContain("node_modules/pg/lib/client.js");
      const required = new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]));
      const allowed = new Set([...builtinModules, "@aws-sdk/client-secrets-manager", "pg-native"]);
      expect([...required].filter((name) => !allowed.has(name))).toEqual([]);
    });
  });

  describe("the network path", () => {
    const network = stacks.network;
    const groups = network.resources("aws_security_group");
    const groupRef = (tier: string) =>
      `\${aws_security_group.${Object.entries(groups).find(([, group]) => group.name === `auth-${env}-${tier}`)![0]}.id}`;
    const rules = (direction: "ingress" | "egress", tier: string) =>
      network
        .resourceList(`aws_vpc_security_group_${direction}_rule`)
        .filter((rule) => rule.security_group_id === groupRef(tier))
        .map((rule) => `${rule.from_port} ${rule.referenced_security_group_id ?? rule.cidr_ipv4}`)
        .sort();

    test("Secrets Manager answers through an interface endpoint in every private subnet, with private DNS", () => {
      const endpoint = network.named("aws_vpc_endpoint", "secretsmanager");
      expect(endpoint).toMatchObject({
        service_name: `com.amazonaws.${config.aws.region}.secretsmanager`,
        vpc_endpoint_type: "Interface",
        private_dns_enabled: true,
        security_group_ids: [groupRef("api-endpoints")],
      });
      expect(endpoint.subnet_ids).toHaveLength(config.network.availabilityZones.length);
      for (const subnet of endpoint.subnet_ids) expect(subnet).toMatch(/aws_subnet\.network_private-subnet/);
    });

    test("the rotation function reaches PostgreSQL and the endpoint, and nothing else", () => {
      expect(rules("egress", "db-rotation")).toEqual([`443 ${groupRef("api-endpoints")}`, `5432 ${groupRef("db")}`]);
      expect(rules("ingress", "db-rotation")).toEqual([]);
      expect(rules("ingress", "db")).toContain(`5432 ${groupRef("db-rotation")}`);
    });

    test("the endpoint accepts HTTPS from the app tier and the rotation functions only", () => {
      expect(rules("ingress", "api-endpoints")).toEqual(
        [`443 ${groupRef("app")}`, `443 ${groupRef("cache-rotation")}`, `443 ${groupRef("db-rotation")}`].sort(),
      );
      expect(rules("egress", "api-endpoints")).toEqual([]);
    });

    test("the rotation security group is handed to the data stack", () => {
      expect(network.outputs().db_rotation_security_group_id.value).toBe(groupRef("db-rotation"));
    });
  });

  describe("the app instances", () => {
    const app = stacks.app;

    test("read the service secret and never the master secret", () => {
      const policy = app.policyDocument(app.named("aws_iam_role_policy", "instance-role").policy);
      const read = policy.statement.find((statement: any) => statement.sid === "ReadServiceSecrets");
      expect(read.resources).toContainEqual(expect.stringMatching(/outputs\.db_service_secret_arn/));
      // The master secret appears only in the event rule that alerts on its failed rotations.
      const { aws_cloudwatch_event_rule: rules, ...rest } = app.json.resource;
      expect(JSON.stringify({ ...app.json, resource: rest })).not.toContain("db_master_secret_arn");
      const naming = Object.values<any>(rules).filter((rule) => rule.event_pattern.includes("db_master_secret_arn"));
      expect(naming.map((rule) => rule.name)).toEqual([`auth-${env}-master-secret-rotation-failed`]);
      for (const template of app.resourceList("aws_launch_template")) {
        expect(template.user_data).toMatch(
          /"db_secret_arn" = data\.terraform_remote_state\.data.*\.outputs\.db_service_secret_arn/,
        );
      }
    });
  });
});

describe("database credentials config", () => {
  const problemsOf = (edit: (config: any) => unknown): string[] => {
    try {
      validateConfigs({ staging: editedConfig("staging", edit) });
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return [...error.problems];
      throw error;
    }
  };

  test.each([
    [
      "the master user as the service user",
      (c: any) => (c.data.postgres.serviceUsername = "auth_admin"),
      /^staging: data\.postgres\.serviceUsername: must differ from masterUsername \(auth_admin\)/,
    ],
    [
      "a service user too long for its _clone",
      (c: any) => (c.data.postgres.serviceUsername = `a${"b".repeat(57)}`),
      /^staging: data\.postgres\.serviceUsername: must be a PostgreSQL identifier of 1-57/,
    ],
    [
      "a rotation period of 0 days",
      (c: any) => (c.data.postgres.serviceCredentialRotationDays = 0),
      /^staging: data\.postgres\.serviceCredentialRotationDays: /,
    ],
    [
      "no rotation period",
      (c: any) => delete c.data.postgres.serviceCredentialRotationDays,
      /^staging: data\.postgres\.serviceCredentialRotationDays: /,
    ],
  ])("rejects %s, naming the field", (_, edit, expected) => {
    const problems = problemsOf(edit);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });
});

describe("rotation function bundle", () => {
  test("is byte-for-byte what another process (the synth) built: plans change only when the code does", () => {
    const rotationFunction = synthEnvironment("staging")
      .data.resourceList("aws_lambda_function")
      .find((fn) => fn.function_name === "auth-staging-db-service-rotation")!;
    const zip = join(SYNTH_DIR, "stacks", "auth-staging-data", rotationFunction.filename);
    const shipped = execFileSync("python3", [
      "-c",
      "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('index.js'))",
      zip,
    ]);
    expect(bundleFunction("lambda/postgres-rotation/index.ts").equals(shipped)).toBe(true);
  }, 15_000);

  test("a function takes exactly one source: a directory to zip or an entry point to bundle", () => {
    const stack = new TerraformStack(Testing.app(), "functions");
    const props = {
      functionName: "auth-test-fn",
      description: "test",
      permissions: [],
      logRetentionDays: 1,
      kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/x",
    };
    expect(() => new NodeFunction(stack, "neither", props)).toThrow(
      /auth-test-fn: set exactly one of sourceDirectory or bundleEntryPoint/,
    );
    expect(
      () =>
        new NodeFunction(stack, "both", {
          ...props,
          sourceDirectory: "lambda/secret-rotation",
          bundleEntryPoint: "lambda/postgres-rotation/index.ts",
        }),
    ).toThrow(/exactly one of/);
  });
});
