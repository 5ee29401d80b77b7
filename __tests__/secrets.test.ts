import { APP_SECRET_FIELDS } from "../src/constructs/data/app-secret";
import { EPHEMERAL_PASSWORD_TYPE } from "../src/constructs/security/ephemeral-password";
import { Block, ENVIRONMENTS, LAYERS, Synthesized, referenceTo, synthEnvironment, validConfig } from "./support/synth";

/** Attributes whose value is a secret wherever they appear. */
const SECRET_ATTRIBUTE = /^(secret_string|secret_string_wo|secret_binary|auth_token|password|password_wo|master_password|master_password_wo|private_key|token)$/;

/** Every (path, value) under a block, depth first. */
function* attributes(value: unknown, path: string[] = []): Generator<[string[], unknown]> {
  if (Array.isArray(value)) for (const [index, item] of value.entries()) yield* attributes(item, [...path, String(index)]);
  else if (value && typeof value === "object") for (const [key, child] of Object.entries(value)) {
    yield [[...path, key], child];
    yield* attributes(child, [...path, key]);
  }
}

describe.each(ENVIRONMENTS)("secrets of %s: no value in code, state or plans", (env) => {
  const stacks = synthEnvironment(env);

  test.each(LAYERS)("no secret attribute of the %s stack holds a literal value", (layer) => {
    const json = stacks[layer].json;
    const found = [...attributes({ resource: json.resource, data: json.data, ephemeral: json.ephemeral, output: json.output })].filter(([path]) =>
      SECRET_ATTRIBUTE.test(path[path.length - 1]),
    );
    for (const [path, value] of found) {
      // A Terraform expression, and no quoted literal assigned anywhere inside it.
      expect({ path: path.join("."), value }).toEqual({ path: path.join("."), value: expect.stringMatching(/^\$\{[\s\S]*\}$/) });
      expect(String(value)).not.toMatch(/=\s*"/);
    }
  });

  test("no resource keeps a secret in state: secrets are written through secret_string_wo only", () => {
    for (const layer of LAYERS) {
      for (const version of stacks[layer].resourceList("aws_secretsmanager_secret_version")) {
        expect(version.secret_string).toBeUndefined();
        expect(version.secret_binary).toBeUndefined();
      }
      expect(stacks[layer].resources("random_password")).toEqual({});
    }
  });
});

describe.each(ENVIRONMENTS)("app secret of %s: key rings generated ephemerally, rotated on a schedule", (env) => {
  const config = validConfig(env);
  const json = synthEnvironment(env).data;
  const secret = json.resourceList("aws_secretsmanager_secret").find((candidate) => candidate.name === `auth-${env}/app`)!;
  const version = json.resourceList("aws_secretsmanager_secret_version").find((candidate) => candidate.secret_id.includes("app-secret"))!;
  const ephemeral: Record<string, Block> = json.json.ephemeral?.[EPHEMERAL_PASSWORD_TYPE] ?? {};

  test("its first version is written once through secret_string_wo from ephemeral passwords, one per ring member", () => {
    expect(secret).toMatchObject({ kms_key_id: expect.stringMatching(/aws_kms_key\.data-key/), recovery_window_in_days: config.data.secrets.recoveryWindowDays });
    expect(version.secret_string_wo_version).toBe(1);
    expect(version.lifecycle).toEqual({ ignore_changes: ["version_stages"] });
    const fields = [...version.secret_string_wo.matchAll(/"(\w+)" = ephemeral\.aws_secretsmanager_random_password\.([\w-]+)\.random_password/g)];
    expect(fields.map(([, field]) => field).sort()).toEqual([...APP_SECRET_FIELDS].sort());
    for (const [, , name] of fields) expect(ephemeral[name]).toMatchObject({ password_length: 64, require_each_included_type: true });
    expect(APP_SECRET_FIELDS).toEqual(expect.arrayContaining(["signing_key", "signing_key_previous", "signing_key_next"]));
  });

  test(`rotates every ${config.data.secrets.appSecretRotationDays} days on nodejs22.x, with rights on this secret only`, () => {
    const rotation = json.resourceList("aws_secretsmanager_secret_rotation").find((candidate) => candidate.secret_id.includes("app-secret"))!;
    const fn = json.named("aws_lambda_function", "app-secret");
    expect(rotation).toMatchObject({
      rotation_rules: { automatically_after_days: config.data.secrets.appSecretRotationDays },
      rotation_lambda_arn: referenceTo(json, "aws_lambda_function", fn, "arn"),
    });
    expect(fn.runtime).toBe("nodejs22.x");
    const policy = json.policyDocument(json.named("aws_iam_role_policy", "app-secret").policy);
    const byId = Object.fromEntries(policy.statement.map((statement: any) => [statement.sid, statement]));
    expect(byId.RotateThisSecretOnly.resources).toEqual([referenceTo(json, "aws_secretsmanager_secret", secret, "arn")]);
    expect(byId.GenerateValues).toMatchObject({ actions: ["secretsmanager:GetRandomPassword"], resources: ["*"] });
  });
});

describe.each(ENVIRONMENTS)("Redis AUTH token of %s: rotated with ROTATE then SET", (env) => {
  const config = validConfig(env);
  const json: Synthesized = synthEnvironment(env).data;
  const group = json.resource("aws_elasticache_replication_group");
  const secret = json.resourceList("aws_secretsmanager_secret").find((candidate) => candidate.name === `auth-${env}-redis/auth-token`)!;
  const fn = json.named("aws_lambda_function", "redis-auth-rotation");

  test("the group's bootstrap token is computed at apply time (never in a plan) and then owned by the rotation", () => {
    expect(group.auth_token).toBe("${uuid()}");
    expect(group.lifecycle).toEqual({ ignore_changes: ["auth_token"] });
    // The bootstrap token is never written to the secret: the secret's versions come from the rotation.
    expect(json.resourceList("aws_secretsmanager_secret_version").filter((version) => version.secret_id.includes("redis"))).toEqual([]);
    expect(secret).toMatchObject({ kms_key_id: expect.stringMatching(/aws_kms_key\.data-key/) });
  });

  test(`rotates every ${config.data.redis.authTokenRotationDays} days, starting once the group exists`, () => {
    const rotation = json.resourceList("aws_secretsmanager_secret_rotation").find((candidate) => candidate.secret_id.includes("redis"))!;
    expect(rotation).toMatchObject({
      secret_id: referenceTo(json, "aws_secretsmanager_secret", secret, "arn"),
      rotation_lambda_arn: referenceTo(json, "aws_lambda_function", fn, "arn"),
      rotation_rules: { automatically_after_days: config.data.redis.authTokenRotationDays },
    });
    expect(rotation.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_elasticache_replication_group\./), expect.stringMatching(/^aws_lambda_permission\./)]));
  });

  test("the function runs in the private subnets and may reach Redis, which accepts it", () => {
    expect(fn).toMatchObject({
      function_name: `auth-${env}-redis-auth-rotation`,
      runtime: "nodejs22.x",
      timeout: 900,
      vpc_config: { subnet_ids: expect.stringMatching(/private_subnet_ids/) },
      environment: { variables: { REPLICATION_GROUP_ID: `auth-${env}-redis`, REDIS_PORT: "6379" } },
    });
    const ingress = json.named("aws_vpc_security_group_ingress_rule", "redis-from-rotation");
    expect(ingress).toMatchObject({ security_group_id: expect.stringMatching(/cache_security_group_id/), from_port: 6379, to_port: 6379 });
    const egress = json.resourceList("aws_vpc_security_group_egress_rule").filter((rule) => rule.security_group_id === ingress.referenced_security_group_id);
    expect(egress.map((rule) => [rule.from_port, rule.referenced_security_group_id ?? rule.cidr_ipv4]).sort()).toEqual([
      [443, "0.0.0.0/0"],
      [6379, expect.stringMatching(/cache_security_group_id/)],
    ]);
  });

  test("the function may change this group's token and touch this secret only", () => {
    const policy = json.policyDocument(json.named("aws_iam_role_policy", "redis-auth-rotation").policy);
    const byId = Object.fromEntries(policy.statement.map((statement: any) => [statement.sid, statement]));
    expect(byId.RotateThisSecretOnly.resources).toEqual([referenceTo(json, "aws_secretsmanager_secret", secret, "arn")]);
    expect(byId.ChangeThisGroupsToken).toMatchObject({
      actions: ["elasticache:DescribeReplicationGroups", "elasticache:ModifyReplicationGroup"],
      resources: [`arn:aws:elasticache:${config.aws.region}:${config.aws.accountId}:replicationgroup:auth-${env}-redis`, expect.stringContaining(`cluster:auth-${env}-redis-*`)],
    });
    for (const statement of policy.statement) if (statement.sid !== "GenerateTokens") expect(statement.resources).not.toContain("*");
  });
});
