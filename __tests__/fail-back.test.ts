import { Testing } from "cdktf";
import { environments } from "../src/config";
import { withFailBack } from "../src/config/environments/fail-back-example";
import { RESTORE_CREATE_TIMEOUT_MINUTES } from "../src/config/restore-budget";
import { validateConfigs } from "../src/config/rules/validate";
import { DataStack } from "../src/stacks/data/data-stack";
import { Block, Synthesized, editedConfig, referenceTo, synthEnvironment } from "./support/synth";

// Fail back: the primary database restored from a snapshot copied back from the DR region, as a
// new instance beside the old one, which Terraform forgets and never destroys.

const synthData = (input: ReturnType<typeof withFailBack>) => {
  const stack = new DataStack(Testing.app(), validateConfigs({ production: input })[0]);
  // What cdktf runs at synth: the compliance pack passes.
  stack.runAllValidations();
  return Synthesized.of(stack);
};
const failBackInput = withFailBack(environments.production);
const config = validateConfigs({ production: failBackInput })[0];
const failBack = config.dr.failBack!;
const before = synthEnvironment("production").data;
const after = synthData(failBackInput);
const addressOf = (stack: Synthesized, type: string, block: Block) => referenceTo(stack, type, block, "x").slice(2, -3);

describe("fail back: the restored primary (dr.failBack)", () => {
  const restored = after.resource("aws_db_instance");

  test("is a new instance, auth-<env>-postgres-<generation>, restored from the snapshot, with the restore's create timeout", () => {
    expect(restored).toMatchObject({
      identifier: `auth-production-postgres-${failBack.generation}`,
      snapshot_identifier: failBack.snapshot,
      timeouts: { create: `${RESTORE_CREATE_TIMEOUT_MINUTES}m` },
      final_snapshot_identifier: `auth-production-postgres-${failBack.generation}-final`,
      manage_master_user_password: true,
      storage_encrypted: true,
    });
    // The snapshot carries the database and its master user.
    expect(restored.db_name).toBeUndefined();
    expect(restored.username).toBeUndefined();
    expect(restored.restore_to_point_in_time).toBeUndefined();
  });

  test("keeps production's protections", () => {
    expect(restored).toMatchObject({
      deletion_protection: config.data.postgres.deletionProtection,
      lifecycle: { prevent_destroy: config.data.postgres.preventDestroy },
    });
  });

  test("the old instance and what belongs to it alone are forgotten (removed, destroy = false), never destroyed; nothing the new one declares is", () => {
    const forgotten = (after.json.removed as Array<{ from: string; lifecycle: unknown }>).map((block) => {
      expect(block.lifecycle).toEqual({ destroy: false });
      return block.from;
    });
    const oldInstance = addressOf(before, "aws_db_instance", before.resource("aws_db_instance"));
    expect(forgotten).toContain(oldInstance);
    expect(forgotten).toEqual(
      expect.arrayContaining(
        Object.keys(before.resources("aws_cloudwatch_log_group"))
          .filter((name) => name.startsWith("postgres_"))
          .map((name) => `aws_cloudwatch_log_group.${name}`),
      ),
    );
    expect(forgotten).toEqual(
      expect.arrayContaining(
        Object.keys(before.resources("aws_db_instance_automated_backups_replication")).map(
          (name) => `aws_db_instance_automated_backups_replication.${name}`,
        ),
      ),
    );
    const declared = Object.entries(after.json.resource as Record<string, Record<string, unknown>>).flatMap(
      ([type, blocks]) => Object.keys(blocks).map((name) => `${type}.${name}`),
    );
    expect(forgotten.filter((address) => declared.includes(address))).toEqual([]);
    // Every address the old stack had is still declared or forgotten: the plan destroys nothing.
    const beforeAddresses = Object.entries(before.json.resource as Record<string, Record<string, unknown>>).flatMap(
      ([type, blocks]) => Object.keys(blocks).map((name) => `${type}.${name}`),
    );
    expect(beforeAddresses.filter((address) => !declared.includes(address) && !forgotten.includes(address))).toEqual(
      [],
    );
  });

  test("the subnet group, parameter group and monitoring role are shared; the role trusts both instances while the old one is kept", () => {
    for (const type of ["aws_db_subnet_group", "aws_db_parameter_group", "aws_iam_role"]) {
      expect(Object.keys(after.resources(type)).filter((name) => name.startsWith("postgres_"))).toEqual(
        Object.keys(before.resources(type)).filter((name) => name.startsWith("postgres_")),
      );
    }
    expect(restored.db_subnet_group_name).toBe(
      referenceTo(after, "aws_db_subnet_group", after.resource("aws_db_subnet_group"), "name"),
    );
    const trust = JSON.stringify(after.dataSources("aws_iam_policy_document"));
    expect(trust).toContain(`db:auth-production-postgres"`);
    expect(trust).toContain(`db:auth-production-postgres-${failBack.generation}"`);
  });

  test("the handover follows the new instance: endpoint and master secret, so the app stack picks it up", () => {
    const outputs = after.outputs();
    expect(outputs.db_endpoint.value).toBe(referenceTo(after, "aws_db_instance", restored, "address"));
    expect(outputs.db_master_secret_arn.value).toBe(
      referenceTo(after, "aws_db_instance", restored, "master_user_secret[0].secret_arn"),
    );
    expect(outputs.db_backups_replica_arn.value).toBe(
      referenceTo(
        after,
        "aws_db_instance_automated_backups_replication",
        after.resource("aws_db_instance_automated_backups_replication"),
        "id",
      ),
    );
  });

  test("alarms watch the new instance", () => {
    const dimensions = after
      .resourceList("aws_cloudwatch_metric_alarm")
      .map((alarm) => alarm.dimensions?.DBInstanceIdentifier)
      .filter(Boolean);
    expect(dimensions.length).toBeGreaterThan(0);
    expect(new Set(dimensions)).toEqual(new Set([`auth-production-postgres-${failBack.generation}`]));
  });

  test("the service login's rotation logs in to the new instance and adopts the versions naming the replaced master secret", () => {
    const rotation = after.named("aws_lambda_function", "db-service-credentials");
    expect(rotation.environment.variables).toMatchObject({
      DB_HOST: referenceTo(after, "aws_db_instance", restored, "address"),
      MASTER_SECRET_ARN: referenceTo(after, "aws_db_instance", restored, "master_user_secret[0].secret_arn"),
      ADOPTABLE_MASTER_SECRET_ARNS: failBack.previousMasterSecretArn,
    });
  });

  test("no secret replica is declared while the promoted secrets exist in the DR region; they return once deleted", () => {
    expect(after.resourceList("aws_secretsmanager_secret").filter((secret) => secret.replica)).toEqual([]);
    const done = synthData(withFailBack(environments.production, true));
    expect(done.resourceList("aws_secretsmanager_secret").filter((secret) => secret.replica).length).toBe(
      before.resourceList("aws_secretsmanager_secret").filter((secret) => secret.replica).length,
    );
    expect(done.resourceList("aws_secretsmanager_secret").filter((secret) => secret.replica).length).toBeGreaterThan(0);
  });
});

describe("fail back config (dr.failBack)", () => {
  const problems = (edit: (failBack: any) => void) => {
    try {
      validateConfigs({
        production: editedConfig("production", (input: any) => edit((input.dr = withFailBack(input).dr).failBack)),
      });
      return [];
    } catch (error) {
      return (error as { problems: string[] }).problems;
    }
  };

  test("a snapshot in another region is refused: it must be copied back first", () => {
    expect(
      problems(
        (failBack) =>
          (failBack.snapshot = failBack.snapshot.replace(`:${config.aws.region}:`, `:${config.aws.drRegion}:`)),
      ),
    ).toEqual([expect.stringMatching(/dr\.failBack\.snapshot: must be a snapshot in aws\.region/)]);
  });

  test("generation 1 is the original instance, and the previous master secret must be an RDS-managed one", () => {
    expect(problems((failBack) => (failBack.generation = 1))).toEqual([
      expect.stringMatching(/dr\.failBack\.generation: must be at least 2/),
    ]);
    expect(
      problems(
        (failBack) =>
          (failBack.previousMasterSecretArn =
            "arn:aws:secretsmanager:eu-west-1:111111111111:secret:auth-production/db-service-AbCdEf"),
      ),
    ).toEqual([
      expect.stringMatching(/dr\.failBack\.previousMasterSecretArn: must be the ARN of an RDS-managed master secret/),
    ]);
  });
});
