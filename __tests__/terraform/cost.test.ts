import { execFileSync } from "child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { costTool } from "../../scripts/cost/cli";
import { terraformCli } from "../../scripts/plan-job/adapters";
import { runPlanJob } from "../../scripts/plan-job/job";
import { planReportTool } from "../../scripts/plan-report/cli";
import { DEFAULT_POLICY } from "../../scripts/plan-report/guard";
import { missingToolchain, offlineEnvironment, planAsJson, TERRAFORM } from "../../scripts/terraform-proof/terraform";
import { planCost } from "../../src/cost/plan-delta";
import { environments, validateConfigs } from "../../src/config";
import { CATALOGUE_READ_ON, unitPrice } from "../../src/cost/catalogue";
import { estimateEnvironment } from "../../src/cost/estimate";
import { FREE_TYPES } from "../../src/cost/free-types";
import { PRICED_TYPES } from "../../src/cost/price-resource";
import { runCapturing } from "../support/run-tool";

const FIXTURE = join(__dirname, "..", "fixtures", "cost-plans", "add-nat-remove-alarm");
const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`cost plan tests need Terraform: ${missing}`);

(missing ? describe.skip : describe)("the plan report prices a real plan", () => {
  const stack = "auth-staging-network";
  const dir = mkdtempSync(join(tmpdir(), "cost-plan-"));
  const out = mkdtempSync(join(tmpdir(), "cost-plan-out-"));
  let summaryPath: string;
  let reportPath: string;

  beforeAll(async () => {
    cpSync(join(FIXTURE, "main.tf.json"), join(dir, "main.tf.json"));
    cpSync(join(FIXTURE, "prior-state.json"), join(dir, "terraform.tfstate"));
    const terraform = terraformCli(TERRAFORM, offlineEnvironment(join(dir, "terraform.rc")));
    // A pull-request plan: priced in the job from the plan in memory, and never stored.
    ({ summaryPath, reportPath } = await runPlanJob(
      { stack, stackDir: dir, outDir: out, lock: { kind: "none" }, refresh: false, policy: DEFAULT_POLICY },
      terraform,
      { put: () => Promise.reject(new Error("a pull request plan is never stored")) },
    ));
  }, 120_000);
  afterAll(() => [dir, out].forEach((path) => rmSync(path, { recursive: true, force: true })));

  test("adding a NAT gateway and removing an alarm: the delta worked out by hand", () => {
    const price = (key: string) => unitPrice(key, "eu-west-1").usd;
    const usage = validateConfigs({ staging: environments.staging })[0].cost.usage;
    const nat = 730 * price("nat:hour") + usage.natGbPerGatewayPerMonth * price("nat:gb"); // 35.04 + 0.48
    const eip = 730 * price("ipv4:hour"); // 3.65
    const alarm = price("cloudwatch:alarm"); // 0.10
    const { cost } = JSON.parse(readFileSync(summaryPath, "utf8"));
    expect(cost.catalogueDate).toBe(CATALOGUE_READ_ON);
    expect(cost.changes).toEqual([
      {
        address: "aws_cloudwatch_metric_alarm.nat-a-port-allocation",
        type: "aws_cloudwatch_metric_alarm",
        action: "destroy",
        before: 0.1,
        after: 0,
        delta: -0.1,
      },
      { address: "aws_eip.nat-eip-b", type: "aws_eip", action: "create", before: 0, after: 3.65, delta: 3.65 },
      {
        address: "aws_nat_gateway.nat-gateway-b",
        type: "aws_nat_gateway",
        action: "create",
        before: 0,
        after: 35.52,
        delta: 35.52,
      },
    ]);
    expect(cost.delta).toBeCloseTo(nat + eip - alarm, 2);
  });

  test("the job's report and the PR report carry the section, marked as an estimate with the catalogue's date", async () => {
    const run = await runCapturing(planReportTool, [summaryPath]);
    expect(run.code).toBe(0);
    for (const report of [readFileSync(reportPath, "utf8"), run.out]) {
      expect(report).toContain("### Cost estimate (monthly, USD)");
      expect(report).toContain(
        `**Estimate**, not a bill: AWS on-demand list prices from the offline price catalogue of ${CATALOGUE_READ_ON}`,
      );
      expect(report).toContain("| staging | +$39.07 |");
      expect(report).toContain(
        "| auth-staging-network | create | `aws_nat_gateway.nat-gateway-b` | $0.00 | $35.52 | +$35.52 |",
      );
      expect(report).toContain(
        "| auth-staging-network | destroy | `aws_cloudwatch_metric_alarm.nat-a-port-allocation` | $0.10 | $0.00 | -$0.10 |",
      );
    }
  });
});

(missing ? describe.skip : describe)("a replacement is priced before and after", () => {
  test("replacing the staging database (the plan report's replace-database fixture, planned for real)", async () => {
    const fixture = join(__dirname, "..", "fixtures", "plans", "replace-database");
    const dir = mkdtempSync(join(tmpdir(), "cost-replace-"));
    try {
      cpSync(join(fixture, "main.tf.json"), join(dir, "main.tf.json"));
      cpSync(join(fixture, "prior-state.json"), join(dir, "terraform.tfstate"));
      const { json } = await planAsJson(dir, offlineEnvironment(join(dir, "terraform.rc")));
      // db.t3.micro Single-AZ: 730 h x $0.018 = $13.14, plus 20 GB gp3 x $0.127 = $2.54.
      const database = Math.round((730 * 0.018 + 20 * 0.127) * 100) / 100;
      const cost = planCost("auth-staging-data", JSON.parse(json));
      expect(cost.changes).toEqual([
        {
          address: "aws_db_instance.postgres",
          type: "aws_db_instance",
          action: "replace",
          before: database,
          after: database,
          delta: 0,
        },
      ]);
      expect(cost.delta).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("restore mode: every type priced, the restore priced per day", () => {
  const synthDir = mkdtempSync(join(tmpdir(), "cost-restore-synth-"));
  beforeAll(() => {
    execFileSync(process.execPath, [join("scripts", "synth.mjs")], {
      env: { ...process.env, AUTH_ENV: "", AUTH_DR_RESTORE: "1", CDKTF_OUTDIR: synthDir, CDKTF_CONTEXT_JSON: "" },
      stdio: "ignore",
    });
  }, 120_000);
  afterAll(() => rmSync(synthDir, { recursive: true, force: true }));

  test("every resource type of every environment, restore stacks included, is priced or free with a reason", () => {
    const stacks = readdirSync(join(synthDir, "stacks"));
    expect(stacks).toEqual(expect.arrayContaining(["auth-production-dr-data", "auth-production-dr-app"]));
    const types = new Set(
      stacks.flatMap((stack) =>
        Object.keys(JSON.parse(readFileSync(join(synthDir, "stacks", stack, "cdk.tf.json"), "utf8")).resource ?? {}),
      ),
    );
    expect(
      [...types].filter((type) => !(PRICED_TYPES as readonly string[]).includes(type) && !FREE_TYPES[type]),
    ).toEqual([]);
  });

  test("npm run cost shows the restore stacks per day of a restore, apart from the monthly total", async () => {
    const run = await runCapturing(costTool, ["--env", "production", "--format", "json", "--synth-dir", synthDir]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.out);
    expect(json.restore.stacks).toEqual(["auth-production-dr-app", "auth-production-dr-data"]);
    expect(json.items.some((item: { stack: string }) => json.restore.stacks.includes(item.stack))).toBe(false);
    const restoreMonthly = json.restore.items.reduce((sum: number, item: { monthly: number }) => sum + item.monthly, 0);
    expect(json.restore.perDay).toBeCloseTo((restoreMonthly / 730) * 24, 1);
    const [production] = validateConfigs({ production: environments.production });
    expect(() => estimateEnvironment(production, {})).toThrow(/no stack of environment production/);
  });
});
