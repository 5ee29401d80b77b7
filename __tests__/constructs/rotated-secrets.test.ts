import { AppSecret, APP_SECRET_FIELDS } from "../../src/constructs/data/app-secret";
import { DatabaseServiceCredentials, INITIAL_VERSION_LABEL, LAMBDA_RUNTIME_CA_BUNDLE } from "../../src/constructs/data/database-service-credentials";
import { RedisAuthRotation } from "../../src/constructs/data/redis-auth-rotation";
import { EPHEMERAL_PASSWORD_TYPE } from "../../src/constructs/security/ephemeral-password";
import { Synthesized } from "../support/synth";
import { constructStack, synthAlone } from "../support/construct-stack";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/k";
const NETWORK = { subnetIds: ["subnet-a", "subnet-b"], securityGroupIds: ["sg-rotation"] };
const sidsOf = (json: Synthesized) => json.policyDocument(json.resource("aws_iam_role_policy").policy).statement.map((statement: { sid: string }) => statement.sid);

describe("AppSecret alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new AppSecret(stack, "app", { name: "t", kmsKeyArn: KEY, rotationDays: 30, logRetentionDays: 14 });
    json = synthAlone(stack);
  });

  test("a key ring per key, generated without entering state, restorable for 30 days by default", () => {
    expect(json.resource("aws_secretsmanager_secret")).toMatchObject({ name: "t/app", kms_key_id: KEY, recovery_window_in_days: 30 });
    expect(Object.keys(json.json.ephemeral[EPHEMERAL_PASSWORD_TYPE])).toHaveLength(APP_SECRET_FIELDS.length);
    expect(APP_SECRET_FIELDS).toEqual(["signing_key", "signing_key_previous", "signing_key_next", "session_secret", "session_secret_previous", "session_secret_next"]);
    expect(json.resource("aws_secretsmanager_secret_version").secret_string).toBeUndefined();
  });

  test("rotated on schedule by its own function, which Secrets Manager may invoke for this secret only", () => {
    expect(json.resource("aws_secretsmanager_secret_rotation").rotation_rules).toEqual({ automatically_after_days: 30 });
    expect(json.resource("aws_lambda_permission")).toMatchObject({ principal: "secretsmanager.amazonaws.com", source_arn: expect.stringContaining("aws_secretsmanager_secret.") });
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
    expect(sidsOf(json)).toEqual(expect.arrayContaining(["RotateServiceSecret", "ReadMasterSecret", "UseDataKeyThroughSecretsManager"]));
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
    expect(lambda.environment.variables).toMatchObject({ REPLICATION_GROUP_ID: "t-redis", TOKEN_LENGTH: "64", WAIT_SECONDS: "600" });
    const statements = json.policyDocument(json.resource("aws_iam_role_policy").policy).statement;
    expect(statements.find((statement: { sid: string }) => statement.sid === "ChangeThisGroupsToken").resources).toEqual([
      "arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:t-redis",
      "arn:aws:elasticache:eu-west-1:111122223333:cluster:t-redis-*",
    ]);
  });

  test("Secrets Manager rotates the given secret on schedule and may invoke the function for it only", () => {
    expect(json.resource("aws_secretsmanager_secret_rotation")).toMatchObject({ secret_id: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:redis", rotation_rules: { automatically_after_days: 30 } });
    expect(json.resource("aws_lambda_permission").source_arn).toBe("arn:aws:secretsmanager:eu-west-1:111122223333:secret:redis");
  });
});
