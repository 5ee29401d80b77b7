import { APP_SECRET_FIELDS } from "../src/constructs/data/app-secret";
import { CONNECTION_FIELDS } from "../src/constructs/data/database-service-credentials";
import { EPHEMERAL_PASSWORD_TYPE } from "../src/constructs/security/ephemeral-password";
import { Block, ENVIRONMENTS, LAYERS, Synthesized, referenceTo, synthEnvironment, validConfig } from "./support/synth";

/** Attributes whose value is a secret wherever they appear. */
const SECRET_ATTRIBUTE =
  /^(secret_string|secret_string_wo|secret_binary|auth_token|password|password_wo|master_password|master_password_wo|private_key|token)$/;

/**
 * The service DB login's first version: connection fields only, no password (the rotation function
 * generates it), in the shape RDS rotation secrets take. Not a secret, so Terraform may keep it.
 */
function isConnectionFieldsOnly(value: unknown): boolean {
  const match = /^\$\{jsonencode\(\{([\s\S]*)\}\)\}$/.exec(String(value));
  if (!match) return false;
  const keys = [...match[1].matchAll(/"(\w+)" = /g)].map((key) => key[1]);
  return keys.length > 0 && keys.every((key) => (CONNECTION_FIELDS as readonly string[]).includes(key));
}

/** Every (path, value) under a block, depth first. */
function* attributes(value: unknown, path: string[] = []): Generator<[string[], unknown]> {
  if (Array.isArray(value))
    for (const [index, item] of value.entries()) yield* attributes(item, [...path, String(index)]);
  else if (value && typeof value === "object")
    for (const [key, child] of Object.entries(value)) {
      yield [[...path, key], child];
      yield* attributes(child, [...path, key]);
    }
}

describe.each(ENVIRONMENTS)("secrets of %s: no value in code, state or plans", (env) => {
  const stacks = synthEnvironment(env);

  test.each(LAYERS)("no secret attribute of the %s stack holds a literal value", (layer) => {
    const json = stacks[layer].json;
    const found = [
      ...attributes({ resource: json.resource, data: json.data, ephemeral: json.ephemeral, output: json.output }),
    ].filter(([path]) => SECRET_ATTRIBUTE.test(path[path.length - 1]));
    for (const [path, value] of found) {
      if (path[path.length - 1] === "secret_string" && isConnectionFieldsOnly(value)) continue;
      // A Terraform expression, and no quoted literal assigned anywhere inside it.
      expect({ path: path.join("."), value }).toEqual({
        path: path.join("."),
        value: expect.stringMatching(/^\$\{[\s\S]*\}$/),
      });
      expect(String(value)).not.toMatch(/=\s*"/);
    }
  });

  test("no resource keeps a secret in state: secrets are written through secret_string_wo only", () => {
    for (const layer of LAYERS) {
      for (const version of stacks[layer].resourceList("aws_secretsmanager_secret_version")) {
        if (version.secret_string !== undefined)
          expect({
            connectionFieldsOnly: isConnectionFieldsOnly(version.secret_string),
            value: version.secret_string,
          }).toMatchObject({ connectionFieldsOnly: true });
        expect(version.secret_binary).toBeUndefined();
      }
      expect(stacks[layer].resources("random_password")).toEqual({});
    }
  });
});

describe.each(ENVIRONMENTS)("app secret of %s: key rings generated ephemerally, rotated on a schedule", (env) => {
  const config = validConfig(env);
  const json = synthEnvironment(env).data;
  const secret = json
    .resourceList("aws_secretsmanager_secret")
    .find((candidate) => candidate.name === `auth-${env}/app`)!;
  const version = json
    .resourceList("aws_secretsmanager_secret_version")
    .find((candidate) => candidate.secret_id.includes("app-secret"))!;
  const ephemeral: Record<string, Block> = json.json.ephemeral?.[EPHEMERAL_PASSWORD_TYPE] ?? {};

  test("its first version is written once through secret_string_wo from ephemeral passwords, one per ring member", () => {
    expect(secret).toMatchObject({
      kms_key_id: expect.stringMatching(/aws_kms_key\.data-key/),
      recovery_window_in_days: config.data.secrets.recoveryWindowDays,
    });
    expect(version.secret_string_wo_version).toBe(1);
    expect(version.lifecycle).toEqual({ ignore_changes: ["version_stages"] });
    const fields = [
      ...version.secret_string_wo.matchAll(
        /"(\w+)" = ephemeral\.aws_secretsmanager_random_password\.([\w-]+)\.random_password/g,
      ),
    ];
    expect(fields.map(([, field]) => field).sort()).toEqual([...APP_SECRET_FIELDS].sort());
    for (const [, , name] of fields)
      expect(ephemeral[name]).toMatchObject({ password_length: 64, require_each_included_type: true });
    expect(APP_SECRET_FIELDS).toEqual(
      expect.arrayContaining(["signing_key", "signing_key_previous", "signing_key_next"]),
    );
  });

  test(`rotates every ${config.data.secrets.appSecretRotationDays} days on nodejs22.x, with rights on this secret only`, () => {
    const rotation = json
      .resourceList("aws_secretsmanager_secret_rotation")
      .find((candidate) => candidate.secret_id.includes("app-secret"))!;
    const fn = json.named("aws_lambda_function", "app-secret");
    expect(rotation).toMatchObject({
      rotation_rules: { automatically_after_days: config.data.secrets.appSecretRotationDays },
      rotation_lambda_arn: referenceTo(json, "aws_lambda_function", fn, "arn"),
    });
    expect(fn.runtime).toBe("nodejs22.x");
    const policy = json.policyDocument(json.named("aws_iam_role_policy", "app-secret").policy);
    const byId = Object.fromEntries(policy.statement.map((statement: any) => [statement.sid, statement]));
    expect(byId.RotateThisSecretOnly.resources).toEqual([
      referenceTo(json, "aws_secretsmanager_secret", secret, "arn"),
    ]);
    expect(byId.GenerateValues).toMatchObject({ actions: ["secretsmanager:GetRandomPassword"], resources: ["*"] });
  });
});

describe.each(ENVIRONMENTS)("Redis AUTH token of %s: rotated with ROTATE then SET", (env) => {
  const config = validConfig(env);
  const json: Synthesized = synthEnvironment(env).data;
  const group = json.resource("aws_elasticache_replication_group");
  const secret = json
    .resourceList("aws_secretsmanager_secret")
    .find((candidate) => candidate.name === `auth-${env}-redis/auth-token`)!;
  const fn = json.named("aws_lambda_function", "redis-auth-rotation");

  test("an environment deployed by the first wave keeps its secret, and the token its instances hold: moved, not replaced", () => {
    const name = Object.entries(json.resources("aws_secretsmanager_secret")).find(
      ([, candidate]) => candidate === secret,
    )![0];
    expect(json.json.moved).toContainEqual({
      from: "aws_secretsmanager_secret.redis_auth-token_secret_8A9E6815",
      to: `aws_secretsmanager_secret.${name}`,
    });
  });

  test("the group's bootstrap token is computed at apply time (never in a plan) and then owned by the rotation", () => {
    expect(group.auth_token).toBe("${uuid()}");
    expect(group.lifecycle).toEqual({ ignore_changes: ["auth_token"] });
    // The bootstrap token is never written to the secret: the secret's versions come from the rotation.
    expect(
      json.resourceList("aws_secretsmanager_secret_version").filter((version) => version.secret_id.includes("redis")),
    ).toEqual([]);
    expect(secret).toMatchObject({ kms_key_id: expect.stringMatching(/aws_kms_key\.data-key/) });
  });

  test(`rotates every ${config.data.redis.authTokenRotationDays} days, starting once the group exists`, () => {
    const rotation = json
      .resourceList("aws_secretsmanager_secret_rotation")
      .find((candidate) => candidate.secret_id.includes("redis"))!;
    expect(rotation).toMatchObject({
      secret_id: referenceTo(json, "aws_secretsmanager_secret", secret, "arn"),
      rotation_lambda_arn: referenceTo(json, "aws_lambda_function", fn, "arn"),
      rotation_rules: { automatically_after_days: config.data.redis.authTokenRotationDays },
    });
    expect(rotation.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_elasticache_replication_group\./),
        expect.stringMatching(/^aws_lambda_permission\./),
      ]),
    );
  });

  test("the function runs in the private subnets and may reach Redis, which accepts it", () => {
    expect(fn).toMatchObject({
      function_name: `auth-${env}-redis-auth-rotation`,
      runtime: "nodejs22.x",
      timeout: 900,
      // Its group lives in the network stack, with the rules to Redis and the Secrets Manager endpoint
      // (network.test.ts: "functions in the VPC ... reach what they call").
      vpc_config: {
        subnet_ids: expect.stringMatching(/private_subnet_ids/),
        security_group_ids: [expect.stringMatching(/outputs\.cache_rotation_security_group_id/)],
      },
      environment: { variables: { REPLICATION_GROUP_ID: `auth-${env}-redis`, REDIS_PORT: "6379" } },
    });
    expect(json.resources("aws_security_group")).toEqual({});
  });

  test("the function may change this group's token and touch this secret only", () => {
    const policy = json.policyDocument(json.named("aws_iam_role_policy", "redis-auth-rotation").policy);
    const byId = Object.fromEntries(policy.statement.map((statement: any) => [statement.sid, statement]));
    expect(byId.RotateThisSecretOnly.resources).toEqual([
      referenceTo(json, "aws_secretsmanager_secret", secret, "arn"),
    ]);
    expect(byId.ChangeThisGroupsToken).toMatchObject({
      actions: ["elasticache:DescribeReplicationGroups", "elasticache:ModifyReplicationGroup"],
      resources: [
        `arn:aws:elasticache:${config.aws.region}:${config.aws.accountId}:replicationgroup:auth-${env}-redis`,
        expect.stringContaining(`cluster:auth-${env}-redis-*`),
      ],
    });
    // Describing network interfaces and generating tokens are not resource-scoped actions.
    for (const statement of policy.statement)
      if (!["GenerateTokens", "DescribeNetworkInterfaces"].includes(statement.sid))
        expect([statement.resources].flat()).not.toContain("*");
  });
});

describe.each(ENVIRONMENTS)("convergence in %s: a rotation refreshes the instances; failures raise alarms", (env) => {
  const json = synthEnvironment(env).app;
  const fn = json.named("aws_lambda_function", "secret-convergence");
  const rules = json.resources("aws_cloudwatch_event_rule");
  const rule = (fragment: string | RegExp) => json.named("aws_cloudwatch_event_rule", fragment);
  const secretOutputs = ["db_service_secret_arn", "redis_auth_secret_arn", "app_secret_arn"];

  test("RotationSucceeded of any secret the instances read triggers the convergence function", () => {
    const succeeded = rule("rotation-succeeded");
    expect(succeeded.event_pattern).toContain('"source" = ["aws.secretsmanager"]');
    expect(succeeded.event_pattern).toContain('"detail-type" = ["AWS Service Event via CloudTrail"]');
    expect(succeeded.event_pattern).toContain('"eventName" = ["RotationSucceeded"]');
    for (const output of secretOutputs)
      expect(succeeded.event_pattern).toMatch(
        new RegExp(`"SecretId" = \\[.*data\\.terraform_remote_state\\.[\\w-]+\\.outputs\\.${output}`),
      );
    const name = Object.entries(rules).find(([, candidate]) => candidate === succeeded)![0];
    const target = json
      .resourceList("aws_cloudwatch_event_target")
      .find((candidate) => candidate.rule === `\${aws_cloudwatch_event_rule.${name}.name}`);
    expect(target).toMatchObject({ arn: referenceTo(json, "aws_lambda_function", fn, "arn") });
    const permission = json
      .resourceList("aws_lambda_permission")
      .find((candidate) => candidate.source_arn === `\${aws_cloudwatch_event_rule.${name}.arn}`);
    expect(permission).toMatchObject({
      principal: "events.amazonaws.com",
      action: "lambda:InvokeFunction",
      function_name: referenceTo(json, "aws_lambda_function", fn, "function_name"),
    });
  });

  test("the function knows both colours and the Redis rotation, and may refresh only the service's groups", () => {
    const groups = json.resources("aws_autoscaling_group");
    expect(fn.runtime).toBe("nodejs22.x");
    expect(fn.timeout).toBeGreaterThan(Number(fn.environment.variables.WAIT_SECONDS));
    for (const name of Object.keys(groups))
      expect(fn.environment.variables.GROUP_NAMES).toContain(`aws_autoscaling_group.${name}.name`);
    expect(fn.environment.variables.REDIS_ROTATION_FUNCTION).toBe(`auth-${env}-redis-auth-rotation`);
    const policy = json.policyDocument(json.named("aws_iam_role_policy", "secret-convergence").policy);
    const byId = Object.fromEntries(policy.statement.map((statement: any) => [statement.sid, statement]));
    expect(byId.RefreshServiceGroups).toEqual(
      expect.objectContaining({
        actions: ["autoscaling:StartInstanceRefresh"],
        resources: Object.keys(groups).map((name) => `\${aws_autoscaling_group.${name}.arn}`),
      }),
    );
    expect(byId.RetireOldRedisToken.resources).toEqual([
      expect.stringMatching(new RegExp(`:function:auth-${env}-redis-auth-rotation$`)),
    ]);
  });

  test("a failed rotation (the RDS master secret's included), a failed refresh and a failing convergence or Redis retirement alarm on the alert topic", () => {
    expect(rule(/^secret-convergence_rotation-failed/).event_pattern).toContain('"eventName" = ["RotationFailed"]');
    expect(rule("master-rotation-failed").event_pattern).toMatch(
      /"eventName" = \["RotationFailed"\].*outputs\.db_master_secret_arn/,
    );
    expect(rule("refresh-failed").event_pattern).toContain(
      '"detail-type" = ["EC2 Auto Scaling Instance Refresh Failed"]',
    );
    const alarms = json.resourceList("aws_cloudwatch_metric_alarm");
    for (const suffix of [
      "secret-rotation-failed",
      "master-secret-rotation-failed",
      "instance-refresh-failed",
      "secret-convergence-failed",
      "redis-token-retirement-failed",
    ]) {
      const alarm = alarms.find((candidate) => candidate.alarm_name === `auth-${env}-${suffix}`);
      expect(alarm).toMatchObject({
        statistic: "Sum",
        threshold: 0,
        comparison_operator: "GreaterThanThreshold",
        alarm_actions: [expect.stringMatching(/alert_topic_arn/)],
        treat_missing_data: "notBreaching",
      });
    }
  });
});
