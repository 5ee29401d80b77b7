import { spawnSync } from "child_process";
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { dataLoss, parsePlan, renderReport } from "../../scripts/plan-report/report";
import { missingToolchain, offlineEnvironment, planAsJson } from "../../scripts/terraform-proof/terraform";

const FIXTURES = join(__dirname, "..", "fixtures", "plans");
const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`plan report tests need Terraform: ${missing}`);
if (missing) console.log(`plan report tests SKIPPED: ${missing}`);

/** Plans a fixture for real: its config against its hand-made prior state, without refresh. */
async function realPlan(fixture: string): Promise<{ path: string; json: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), `plan-${fixture}-`));
  cpSync(join(FIXTURES, fixture, "main.tf.json"), join(dir, "main.tf.json"));
  cpSync(join(FIXTURES, fixture, "prior-state.json"), join(dir, "terraform.tfstate"));
  const { json } = await planAsJson(dir, offlineEnvironment(join(dir, "terraform.rc")));
  const path = join(dir, `${fixture}.json`);
  writeFileSync(path, json);
  return { path, json: JSON.parse(json) };
}

function planReport(...args: string[]) {
  return spawnSync(process.execPath, [join("node_modules", "tsx", "dist", "cli.mjs"), join("scripts", "plan-report", "cli.ts"), ...args], { encoding: "utf8" });
}

(missing ? describe.skip : describe)("plan report and data-loss guard on real Terraform plans", () => {
  const plans: Record<string, { path: string; json: unknown }> = {};
  beforeAll(async () => {
    const fixtures = readdirSync(FIXTURES);
    const planned = await Promise.all(fixtures.map(realPlan));
    fixtures.forEach((fixture, index) => (plans[fixture] = planned[index]));
  });

  test("an in-place update passes the guard and is reported as a change", () => {
    const plan = parsePlan("auth-staging-app", plans["update-in-place"].json as object);
    expect(plan.changes).toEqual([{ address: "aws_cloudwatch_log_group.service", type: "aws_cloudwatch_log_group", action: "update", replacePaths: [] }]);
    const result = planReport(`auth-staging-app=${plans["update-in-place"].path}`);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("| auth-staging-app | 0 | 1 | 0 | 0 | ok |");
    expect(result.stdout).toContain("Verdict: Safe: creates and updates only.");
  });

  test("replacing the database fails the guard and names the attribute that forces it", () => {
    const plan = parsePlan("auth-staging-data", plans["replace-database"].json as object);
    expect(plan.changes).toEqual([{ address: "aws_db_instance.postgres", type: "aws_db_instance", action: "replace", replacePaths: ["kms_key_id"] }]);
    expect(plan.outputChanges).toEqual([{ name: "db_endpoint", action: "update" }]);
    const result = planReport(`auth-staging-data=${plans["replace-database"].path}`);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("| replace | `aws_db_instance.postgres` | `kms_key_id` |");
    expect(result.stdout).toContain("Output changes: `db_endpoint` (update).");
    expect(result.stdout).toContain("`aws_db_instance.postgres` (aws_db_instance) would be replaced: the old one and its data are deleted.");
  });

  test("an explicit allow lets the named replacement through", () => {
    const result = planReport("--allow", "aws_db_instance.postgres", `auth-staging-data=${plans["replace-database"].path}`);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Verdict: Allowed data loss: replace aws_db_instance.postgres.");
  });

  test("destroying a secret fails the guard", () => {
    const plan = parsePlan("auth-staging-data", plans["destroy-secret"].json as object);
    expect(dataLoss([plan])).toEqual([{ stack: "auth-staging-data", address: "aws_secretsmanager_secret.retired", type: "aws_secretsmanager_secret", action: "destroy" }]);
    const result = planReport(`auth-staging-data=${plans["destroy-secret"].path}`);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("would be destroyed");
  });

  test("a downstream stack is marked when its upstream stack still has changes", () => {
    const upstream = parsePlan("auth-staging-data", plans["replace-database"].json as object);
    const downstream = parsePlan("auth-staging-app", plans["update-in-place"].json as object);
    expect(renderReport([upstream, downstream], ["aws_db_instance.postgres"])).toContain(
      "> Depends on undeployed changes in auth-staging-data: this plan reads their current state",
    );
  });
});
