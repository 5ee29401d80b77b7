/**
 * Fail back on a deployed database, planned by the real Terraform: the state holds the instance a
 * fail back replaces and what belongs to it alone (generation 1), the configuration is the
 * database at generation 2 restored from a snapshot, with the stack's forgetResources for the
 * previous generation (as DataStack wires it). Terraform must forget the old instance, create the
 * new one, and delete nothing: prevent_destroy would otherwise stop the plan, and without it the
 * old primary would be destroyed by surprise.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { backendOverride, providerOverride, TerraformJson } from "../../scripts/terraform-proof/overrides";
import { missingToolchain, offlineEnvironment, terraform } from "../../scripts/terraform-proof/terraform";
import {
  PER_INSTANCE_TYPES,
  PostgresDatabase,
  PostgresDatabaseProps,
} from "../../src/constructs/data/postgres-database";
import { forgetResources } from "../../src/stacks/shared/forget-resources";
import { addressesOf, deployedStateOf } from "../support/deployed-state";

const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`fail back tests need Terraform: ${missing}`);
if (missing) console.log(`fail back tests SKIPPED: ${missing}`);

const SNAPSHOT = "arn:aws:rds:eu-west-1:111111111111:snapshot:auth-production-failback";

function databaseStack(generation: number): TerraformJson {
  const stack = new TerraformStack(Testing.app(), "data");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const dr = new AwsProvider(stack, "aws-dr", { region: "eu-central-1", alias: "dr" });
  const props: PostgresDatabaseProps = {
    identifier: "auth-production-postgres",
    accountId: "111111111111",
    majorVersion: 16,
    instanceClass: "db.t3.micro",
    maxConnections: 81,
    allocatedStorageGb: 20,
    maxAllocatedStorageGb: 100,
    subnetIds: ["subnet-0a", "subnet-0b"],
    securityGroupIds: ["sg-0a"],
    kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/data",
    databaseName: "auth",
    masterUsername: "auth_admin",
    backupWindow: "02:00-03:00",
    maintenanceWindow: "sun:04:00-sun:05:00",
    logRetentionDays: 30,
    masterPasswordRotationDays: 30,
    crossRegionBackups: { provider: dr, kmsKeyArn: "arn:aws:kms:eu-central-1:111111111111:key/dr", retentionDays: 7 },
  };
  new PostgresDatabase(
    stack,
    "postgres",
    generation === 1
      ? props
      : { ...props, generation, restoreFrom: { snapshotIdentifier: SNAPSHOT }, createTimeoutMinutes: 150 },
  );
  if (generation > 1)
    forgetResources(
      stack,
      (scope: Construct) => new PostgresDatabase(scope, "postgres", { ...props, generation: generation - 1 }),
      PER_INSTANCE_TYPES,
    );
  return JSON.parse(Testing.synth(stack));
}

/** A deployed generation's state; the backup replication lives in the DR provider. */
const stateOf = (owned: readonly string[], schemaVersions: Record<string, number>) =>
  deployedStateOf(owned, schemaVersions, {
    lineage: "fail-back-test",
    providerOf: (type) =>
      type === "aws_db_instance_automated_backups_replication"
        ? 'provider["registry.terraform.io/hashicorp/aws"].dr'
        : 'provider["registry.terraform.io/hashicorp/aws"]',
  });

(missing ? describe.skip : describe)("fail back on a deployed database, planned by Terraform", () => {
  const dir = mkdtempSync(join(tmpdir(), "fail-back-"));
  const env = offlineEnvironment(join(dir, "terraform.rc"));
  const before = databaseStack(1);
  const after = databaseStack(2);
  const declared = new Set(addressesOf(after));
  // What generation 1 owned that generation 2 no longer declares: the deployed instance and its own resources.
  const replaced = addressesOf(before).filter((address) => !declared.has(address));
  let actions: Record<string, string[]> = {};
  let created: TerraformJson | undefined;

  beforeAll(async () => {
    const work = join(dir, "data");
    mkdirSync(work);
    writeFileSync(join(work, "cdk.tf.json"), JSON.stringify(after));
    writeFileSync(join(work, "backend_override.tf.json"), JSON.stringify(backendOverride()));
    writeFileSync(join(work, "provider_override.tf.json"), JSON.stringify(providerOverride(after)));
    await terraform(work, env, "init", "-input=false");
    const schema = JSON.parse(await terraform(work, env, "providers", "schema", "-json")).provider_schemas[
      "registry.terraform.io/hashicorp/aws"
    ].resource_schemas;
    const versions = Object.fromEntries(Object.entries<any>(schema).map(([type, block]) => [type, block.version ?? 0]));
    writeFileSync(join(work, "terraform.tfstate"), JSON.stringify(stateOf(replaced, versions)));
    await terraform(work, env, "plan", "-input=false", "-lock=false", "-refresh=false", "-out=plan.bin");
    const plan = JSON.parse(await terraform(work, env, "show", "-json", "plan.bin"));
    actions = Object.fromEntries(
      (plan.resource_changes ?? []).map((change: any) => [change.address, change.change.actions]),
    );
    created = plan.resource_changes.find(
      (change: any) => change.type === "aws_db_instance" && change.change.actions.includes("create"),
    )?.change.after;
  }, 900_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the state holds the old instance, its log groups, its master rotation and its backup replication", () => {
    expect(replaced.map((address) => address.split(".")[0]).sort()).toEqual(
      [
        "aws_cloudwatch_log_group",
        "aws_cloudwatch_log_group",
        "aws_db_instance",
        "aws_db_instance_automated_backups_replication",
        "aws_secretsmanager_secret_rotation",
      ].sort(),
    );
  });

  test("Terraform forgets each of them and deletes nothing", () => {
    expect(Object.fromEntries(replaced.map((address) => [address, actions[address]]))).toEqual(
      Object.fromEntries(replaced.map((address) => [address, ["forget"]])),
    );
    expect(Object.entries(actions).filter(([, planned]) => planned.includes("delete"))).toEqual([]);
  });

  test("and creates the restored instance from the snapshot, under the new identifier", () => {
    expect(created).toMatchObject({
      identifier: "auth-production-postgres-2",
      snapshot_identifier: SNAPSHOT,
      deletion_protection: true,
    });
  });
});
