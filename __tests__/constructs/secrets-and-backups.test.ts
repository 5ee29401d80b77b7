import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DatabaseBackupPlan } from "../../src/constructs/data/database-backup-plan";
import { GeneratedSecret } from "../../src/constructs/data/generated-secret";
import { EPHEMERAL_PASSWORD_TYPE } from "../../src/constructs/security/ephemeral-password";
import { Synthesized } from "../support/synth";
import { constructStack, synthAlone } from "../support/construct-stack";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/k";

describe("GeneratedSecret alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new GeneratedSecret(stack, "secret", { name: "svc/app", description: "App secret", kmsKeyArn: KEY, fields: ["api_key", "token"] });
    json = synthAlone(stack);
  });

  test("encrypted with the given key, restorable for 30 days by default", () => {
    expect(json.resource("aws_secretsmanager_secret")).toMatchObject({ name: "svc/app", kms_key_id: KEY, recovery_window_in_days: 30 });
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
    expect(version.secret_string_wo).toMatch(/jsonencode\(\{.*"api_key" = ephemeral\.aws_secretsmanager_random_password\..*"token" = ephemeral\./);
    expect(version.secret_string_wo_version).toBe(1);
    expect(version.lifecycle).toEqual({ ignore_changes: ["version_stages"] });
  });

  test("another length, excluded characters and a recovery window when asked", () => {
    const stack = constructStack();
    new GeneratedSecret(stack, "secret", { name: "n", description: "d", kmsKeyArn: KEY, fields: ["password"], length: 32, excludeCharacters: "/@", recoveryWindowDays: 7 });
    const custom = synthAlone(stack);
    expect(custom.resource("aws_secretsmanager_secret").recovery_window_in_days).toBe(7);
    expect(Object.values(custom.json.ephemeral[EPHEMERAL_PASSWORD_TYPE])).toEqual([{ password_length: 32, exclude_characters: "/@", require_each_included_type: true }]);
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
    expect(json.named("aws_backup_vault", "dr-vault")).toMatchObject({ name: "t-backups-dr", kms_key_arn: "arn:aws:kms:eu-central-1:111122223333:key/dr", provider: "aws.dr" });
  });

  test("one daily rule: start within an hour, finish within four, keep here and copy to DR with their own retention", () => {
    const [rule] = json.resource("aws_backup_plan").rule;
    expect(rule).toMatchObject({ schedule: "cron(0 3 * * ? *)", start_window: 60, completion_window: 240, lifecycle: { delete_after: 35 } });
    expect(rule.copy_action).toEqual([{ destination_vault_arn: expect.stringMatching(/dr-vault.*\.arn\}$/), lifecycle: { delete_after: 14 } }]);
  });

  test("AWS Backup's role backs up and restores the selected resources only", () => {
    expect(json.policyDocument(json.resource("aws_iam_role").assume_role_policy).statement[0].principals).toEqual([{ type: "Service", identifiers: ["backup.amazonaws.com"] }]);
    expect(json.resourceList("aws_iam_role_policy_attachment").map((attachment) => attachment.policy_arn).sort()).toEqual([
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]);
    expect(json.resource("aws_backup_selection").resources).toEqual(["arn:aws:rds:eu-west-1:111122223333:db:t"]);
  });
});
