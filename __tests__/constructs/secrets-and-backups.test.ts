import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecretConvergence } from "../../src/constructs/compute/secret-convergence";
import { APP_SECRET_FIELDS, AppSecret } from "../../src/constructs/data/app-secret";
import { DatabaseBackupPlan } from "../../src/constructs/data/database-backup-plan";
import {
  DatabaseServiceCredentials,
  INITIAL_VERSION_LABEL,
  LAMBDA_RUNTIME_CA_BUNDLE,
} from "../../src/constructs/data/database-service-credentials";
import { GeneratedSecret } from "../../src/constructs/data/generated-secret";
import { RedisAuthRotation } from "../../src/constructs/data/redis-auth-rotation";
import { AlarmFactory } from "../../src/constructs/monitoring/alarm-factory";
import { EPHEMERAL_PASSWORD_TYPE } from "../../src/constructs/security/ephemeral-password";
import { constructStack, synthAlone } from "../support/construct-stack";
import { Synthesized } from "../support/synth";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/k";

describe("GeneratedSecret alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new GeneratedSecret(stack, "secret", {
      name: "svc/app",
      description: "App secret",
      kmsKeyArn: KEY,
      fields: ["api_key", "token"],
    });
    json = synthAlone(stack);
  });

  test.each([["value"], ["secret"], ["api-key"]])(
    "a field whose password would take the id of another child (%s) is refused, naming it",
    (field) => {
      const build = () =>
        new GeneratedSecret(constructStack(), "secret", {
          name: "svc/clash",
          description: "Clash",
          kmsKeyArn: KEY,
          fields: ["api_key", field],
        });
      expect(build).toThrow(`GeneratedSecret svc/clash: field ${field} repeats a field or is reserved (secret, value)`);
    },
  );

  test("encrypted with the given key, restorable for 30 days by default", () => {
    expect(json.resource("aws_secretsmanager_secret")).toMatchObject({
      name: "svc/app",
      kms_key_id: KEY,
      recovery_window_in_days: 30,
    });
  });

  test("one ephemeral 64-character password per field, never a value in the configuration", () => {
    const passwords = json.json.ephemeral[EPHEMERAL_PASSWORD_TYPE];
    expect(Object.keys(passwords)).toHaveLength(2);
    for (const password of Object.values<Record<string, unknown>>(passwords)) {
      expect(password).toEqual({ password_length: 64, require_each_included_type: true });
    }
  });

  test("the first version goes through the write-only attribute, once, and Terraform leaves the rotation's stages alone", () => {
    const version = json.resource("aws_secretsmanager_secret_version");
    expect(version.secret_string).toBeUndefined();
    expect(version.secret_string_wo).toMatch(
      /jsonencode\(\{.*"api_key" = ephemeral\.aws_secretsmanager_random_password\..*"token" = ephemeral\./,
    );
    expect(version.secret_string_wo_version).toBe(1);
    expect(version.lifecycle).toEqual({ ignore_changes: ["version_stages"] });
  });

  test("the first version carries a label of its own that no rotation moves, so it never becomes deprecated", () => {
    expect(json.resource("aws_secretsmanager_secret_version").version_stages).toEqual([
      "AWSCURRENT",
      INITIAL_VERSION_LABEL,
    ]);
  });

  test("another length, excluded characters and a recovery window when asked", () => {
    const stack = constructStack();
    new GeneratedSecret(stack, "secret", {
      name: "n",
      description: "d",
      kmsKeyArn: KEY,
      fields: ["password"],
      length: 32,
      excludeCharacters: "/@",
      recoveryWindowDays: 7,
    });
    const custom = synthAlone(stack);
    expect(custom.resource("aws_secretsmanager_secret").recovery_window_in_days).toBe(7);
    expect(Object.values(custom.json.ephemeral[EPHEMERAL_PASSWORD_TYPE])).toEqual([
      { password_length: 32, exclude_characters: "/@", require_each_included_type: true },
    ]);
  });
});

describe("DatabaseBackupPlan alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    const dr = new AwsProvider(stack, "dr", { region: "eu-central-1", alias: "dr" });
    new DatabaseBackupPlan(stack, "backup", {
      name: "t",
      resourceArns: ["arn:aws:rds:eu-west-1:111122223333:db:t"],
      kmsKeyArn: KEY,
      schedule: "cron(0 3 * * ? *)",
      retentionDays: 35,
      disasterRecovery: { provider: dr, kmsKeyArn: "arn:aws:kms:eu-central-1:111122223333:key/dr", retentionDays: 14 },
    });
    json = synthAlone(stack);
  });

  test("an encrypted vault here and one in the DR region, through the DR provider", () => {
    expect(json.named("aws_backup_vault", /^backup_vault_/)).toMatchObject({ name: "t-backups", kms_key_arn: KEY });
    expect(json.named("aws_backup_vault", "dr-vault")).toMatchObject({
      name: "t-backups-dr",
      kms_key_arn: "arn:aws:kms:eu-central-1:111122223333:key/dr",
      provider: "aws.dr",
    });
  });

  test("one daily rule: start within an hour, finish within four, keep here and copy to DR with their own retention", () => {
    const [rule] = json.resource("aws_backup_plan").rule;
    expect(rule).toMatchObject({
      schedule: "cron(0 3 * * ? *)",
      start_window: 60,
      completion_window: 240,
      lifecycle: { delete_after: 35 },
    });
    expect(rule.copy_action).toEqual([
      { destination_vault_arn: expect.stringMatching(/dr-vault.*\.arn\}$/), lifecycle: { delete_after: 14 } },
    ]);
  });

  test("AWS Backup's role backs up and restores the selected resources only", () => {
    expect(json.policyDocument(json.resource("aws_iam_role").assume_role_policy).statement[0].principals).toEqual([
      { type: "Service", identifiers: ["backup.amazonaws.com"] },
    ]);
    expect(
      json
        .resourceList("aws_iam_role_policy_attachment")
        .map((attachment) => attachment.policy_arn)
        .sort(),
    ).toEqual([
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]);
    expect(json.resource("aws_backup_selection").resources).toEqual(["arn:aws:rds:eu-west-1:111122223333:db:t"]);
  });
});

const NETWORK = { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-rotation"] };
const sidsOf = (json: Synthesized) =>
  json
    .policyDocument(json.resource("aws_iam_role_policy").policy)
    .statement.map((statement: { sid: string }) => statement.sid);

describe("AppSecret alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new AppSecret(stack, "app", { name: "t", kmsKeyArn: KEY, rotationDays: 30, logRetentionDays: 14 });
    json = synthAlone(stack);
  });

  test("a key ring per key, generated without entering state, restorable for 30 days by default", () => {
    expect(json.resource("aws_secretsmanager_secret")).toMatchObject({
      name: "t/app",
      kms_key_id: KEY,
      recovery_window_in_days: 30,
    });
    expect(Object.keys(json.json.ephemeral[EPHEMERAL_PASSWORD_TYPE])).toHaveLength(APP_SECRET_FIELDS.length);
    expect(APP_SECRET_FIELDS).toEqual([
      "signing_key",
      "signing_key_previous",
      "signing_key_next",
      "session_secret",
      "session_secret_previous",
      "session_secret_next",
    ]);
    expect(json.resource("aws_secretsmanager_secret_version").secret_string).toBeUndefined();
  });

  test("rotated on schedule by its own function, which Secrets Manager may invoke for this secret only", () => {
    expect(json.resource("aws_secretsmanager_secret_rotation").rotation_rules).toEqual({
      automatically_after_days: 30,
    });
    expect(json.resource("aws_lambda_permission")).toMatchObject({
      principal: "secretsmanager.amazonaws.com",
      source_arn: expect.stringContaining("aws_secretsmanager_secret."),
    });
    expect(sidsOf(json)).toEqual(["WriteOwnLogs", "RotateThisSecretOnly", "GenerateValues", "UseDataKey"]);
  });
});

describe("DatabaseServiceCredentials alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new DatabaseServiceCredentials(stack, "db", {
      name: "t",
      kmsKeyArn: KEY,
      masterSecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:master",
      host: "db.internal",
      port: 5432,
      databaseName: "auth",
      username: "auth_service",
      schema: "auth",
      rotationDays: 30,
      network: NETWORK,
      logRetentionDays: 14,
    });
    json = synthAlone(stack);
  });

  test("the first version says where and as whom, never a password, and keeps its label once rotation owns it", () => {
    const version = json.resource("aws_secretsmanager_secret_version");
    expect(version.secret_string).toBe(
      '${jsonencode({"engine" = "postgres", "host" = "db.internal", "port" = 5432, "dbname" = "auth", "username" = "auth_service", "masterarn" = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:master"})}',
    );
    expect(version.version_stages).toEqual(["AWSCURRENT", INITIAL_VERSION_LABEL]);
    expect(version.lifecycle).toEqual({ ignore_changes: ["secret_string", "version_stages"] });
    expect(json.resource("aws_secretsmanager_secret").recovery_window_in_days).toBe(30);
  });

  test("the rotation function runs in the VPC, 60 s, verifying the server against Lambda's CA bundle by default", () => {
    const lambda = json.resource("aws_lambda_function");
    expect(lambda.timeout).toBe(60);
    expect(lambda.vpc_config).toEqual({ subnet_ids: NETWORK.subnetIds, security_group_ids: NETWORK.securityGroupIds });
    expect(lambda.environment.variables.DB_CA_BUNDLE).toBe(LAMBDA_RUNTIME_CA_BUNDLE);
    expect(sidsOf(json)).toEqual(
      expect.arrayContaining(["RotateServiceSecret", "ReadMasterSecret", "UseDataKeyThroughSecretsManager"]),
    );
  });
});

describe("RedisAuthRotation alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new RedisAuthRotation(stack, "redis", {
      name: "t",
      region: "eu-west-1",
      accountId: "111122223333",
      secretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:redis",
      replicationGroupId: "t-redis",
      redisHost: "redis.internal",
      redisPort: 6379,
      rotationDays: 30,
      kmsKeyArn: KEY,
      logRetentionDays: 14,
      network: NETWORK,
      dependsOn: [],
    });
    json = synthAlone(stack);
  });

  test("the function has time for two token changes and may change only this group's token", () => {
    const lambda = json.resource("aws_lambda_function");
    expect(lambda).toMatchObject({ function_name: "t-redis-auth-rotation", timeout: 900 });
    expect(lambda.environment.variables).toMatchObject({
      REPLICATION_GROUP_ID: "t-redis",
      TOKEN_LENGTH: "64",
      WAIT_SECONDS: "600",
    });
    const statements = json.policyDocument(json.resource("aws_iam_role_policy").policy).statement;
    expect(
      statements.find((statement: { sid: string }) => statement.sid === "ChangeThisGroupsToken").resources,
    ).toEqual([
      "arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:t-redis",
      "arn:aws:elasticache:eu-west-1:111122223333:cluster:t-redis-*",
    ]);
  });

  test("Secrets Manager rotates the given secret on schedule and may invoke the function for it only", () => {
    expect(json.resource("aws_secretsmanager_secret_rotation")).toMatchObject({
      secret_id: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:redis",
      rotation_rules: { automatically_after_days: 30 },
    });
    expect(json.resource("aws_lambda_permission").source_arn).toBe(
      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:redis",
    );
  });
});

const SECRETS = [
  "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app",
  "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db",
];
const MASTER_SECRET = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-0a1b2c3d-AbCdEf";
const GROUPS = [
  { name: "t-blue", arn: "arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:1:autoScalingGroupName/t-blue" },
  {
    name: "t-green",
    arn: "arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:2:autoScalingGroupName/t-green",
  },
];

describe("SecretConvergence alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new SecretConvergence(stack, "convergence", {
      name: "t",
      region: "eu-west-1",
      accountId: "111122223333",
      secretArns: SECRETS,
      masterSecretArn: MASTER_SECRET,
      groups: GROUPS,
      redis: {
        secretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:redis",
        rotationFunctionName: "t-redis-auth-rotation",
      },
      alarms: new AlarmFactory(
        stack,
        "t",
        "arn:aws:sns:eu-west-1:111122223333:alerts",
        "https://example.com/docs/how-to/runbooks.md",
      ),
      kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k",
      logRetentionDays: 14,
    });
    json = synthAlone(stack);
  });

  test("a successful rotation of any service secret invokes the refresh function, which outlasts its 840 s wait", () => {
    const rule = json.named("aws_cloudwatch_event_rule", "rotation-succeeded");
    expect(rule.name).toBe("t-secret-rotated");
    expect(rule.event_pattern).toContain('"eventName" = ["RotationSucceeded"]');
    for (const secret of SECRETS) expect(rule.event_pattern).toContain(secret);
    expect(json.resource("aws_lambda_function")).toMatchObject({ function_name: "t-secret-convergence", timeout: 900 });
    expect(json.resource("aws_lambda_function_event_invoke_config")).toMatchObject({
      maximum_retry_attempts: 2,
      maximum_event_age_in_seconds: 10800,
    });
  });

  test("the function may refresh only the service's groups and invoke only the Redis rotation function", () => {
    const statements = json.policyDocument(json.resource("aws_iam_role_policy").policy).statement;
    const bySid = (sid: string) => statements.find((statement: { sid: string }) => statement.sid === sid);
    expect(bySid("RefreshServiceGroups").resources).toEqual(GROUPS.map((group) => group.arn));
    expect(bySid("RetireOldRedisToken").resources).toEqual([
      "arn:aws:lambda:eu-west-1:111122223333:function:t-redis-auth-rotation",
    ]);
  });

  test("each rule may invoke the function, and failed rotations, refreshes, convergence and Redis retirement each alarm", () => {
    expect(json.resourceList("aws_lambda_permission").map((permission) => permission.principal)).toEqual(
      Array(4).fill("events.amazonaws.com"),
    );
    expect(
      json
        .resourceList("aws_cloudwatch_metric_alarm")
        .map((alarm) => alarm.alarm_name)
        .sort(),
    ).toEqual([
      "t-instance-refresh-failed",
      "t-master-secret-rotation-failed",
      "t-redis-token-retirement-failed",
      "t-secret-convergence-failed",
      "t-secret-rotation-failed",
    ]);
  });
});

describe("the RDS-managed master secret's rotation is watched apart from the service's secrets", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new SecretConvergence(stack, "convergence", {
      name: "t",
      region: "eu-west-1",
      accountId: "111122223333",
      secretArns: SECRETS,
      masterSecretArn: MASTER_SECRET,
      groups: GROUPS,
      redis: {
        secretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:redis",
        rotationFunctionName: "t-redis-auth-rotation",
      },
      alarms: new AlarmFactory(
        stack,
        "t",
        "arn:aws:sns:eu-west-1:111122223333:alerts",
        "https://example.com/docs/how-to/runbooks.md",
      ),
      kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k",
      logRetentionDays: 14,
    });
    json = synthAlone(stack);
  });

  test("a rule of its own matches RotationFailed of the master secret, and its alarm reads that rule", () => {
    const rule = json.named("aws_cloudwatch_event_rule", "master-rotation-failed");
    expect(rule.name).toBe("t-master-secret-rotation-failed");
    expect(rule.event_pattern).toContain('"eventName" = ["RotationFailed"]');
    expect(rule.event_pattern).toContain(MASTER_SECRET);
    const alarm = json
      .resourceList("aws_cloudwatch_metric_alarm")
      .find((candidate) => candidate.alarm_name === "t-master-secret-rotation-failed");
    expect(alarm).toMatchObject({
      namespace: "AWS/Events",
      metric_name: "TriggeredRules",
      threshold: 0,
      comparison_operator: "GreaterThanThreshold",
    });
    expect(alarm!.dimensions.RuleName).toContain("master-rotation-failed");
  });

  test("a master rotation never refreshes the fleet: the RotationSucceeded rule does not name it", () => {
    const succeeded = json.named("aws_cloudwatch_event_rule", "rotation-succeeded");
    expect(succeeded.event_pattern).not.toContain(MASTER_SECRET);
    expect(json.named("aws_cloudwatch_event_rule", /^convergence_rotation-failed/).event_pattern).not.toContain(
      MASTER_SECRET,
    );
  });
});
