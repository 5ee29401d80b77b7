import { spawnSync } from "child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runCapturing } from "../support/run-tool";
import { planReportTool } from "../../scripts/plan-report/cli";
import { guardPolicyFor } from "../../scripts/plan-report/policy";
import { blockers, COMMENT_MARKER, parsePlan, renderComment, renderReport } from "../../scripts/plan-report/report";
import { missingToolchain, offlineEnvironment, planAsJson, terraform } from "../../scripts/terraform-proof/terraform";

const FIXTURES = join(__dirname, "..", "fixtures", "plans");
const MARKER = "MARKER-";
const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`plan report tests need Terraform: ${missing}`);
if (missing) console.log(`plan report tests SKIPPED: ${missing}`);

interface Planned {
  readonly dir: string;
  readonly path: string;
  readonly text: string;
  readonly json: any;
}

/** Plans a fixture for real: its config against its hand-made prior state, without refresh. */
async function realPlan(fixture: string): Promise<Planned> {
  const dir = mkdtempSync(join(tmpdir(), `plan-${fixture}-`));
  cpSync(join(FIXTURES, fixture, "main.tf.json"), join(dir, "main.tf.json"));
  cpSync(join(FIXTURES, fixture, "prior-state.json"), join(dir, "terraform.tfstate"));
  const { json } = await planAsJson(dir, offlineEnvironment(join(dir, "terraform.rc")));
  const path = join(dir, `${fixture}.json`);
  writeFileSync(path, json);
  return { dir, path, text: json, json: JSON.parse(json) };
}

/** The CLI as a process: exit code and output exactly as CI sees them. */
function planReportProcess(...args: string[]) {
  return spawnSync(
    process.execPath,
    [join("node_modules", "tsx", "dist", "cli.mjs"), join("scripts", "plan-report", "cli.ts"), ...args],
    { encoding: "utf8" },
  );
}

/** The same CLI shell in this process (what its main() runs), without a tsx start-up per call. */
async function planReport(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const { code, out, err } = await runCapturing(planReportTool, args);
  return {
    status: code,
    stdout: out,
    stderr: err
      .map(
        (line) => `${line}
`,
      )
      .join(""),
  };
}

(missing ? describe.skip : describe)("plan report and data-loss guard on real Terraform plans", () => {
  const plans: Record<string, Planned> = {};
  let scratch: string;
  beforeAll(async () => {
    const fixtures = readdirSync(FIXTURES);
    console.log(`plan-report: planning ${fixtures.length} fixtures with Terraform...`);
    const planned = await Promise.all(fixtures.map(realPlan));
    fixtures.forEach((fixture, index) => (plans[fixture] = planned[index]));
    scratch = mkdtempSync(join(tmpdir(), "plan-inputs-"));
  }, 180_000);

  describe("changes and replacements", () => {
    test("an in-place update passes the guard and shows its attribute diff", async () => {
      const plan = parsePlan("auth-staging-app", plans["update-in-place"].json);
      expect(plan.changes).toEqual([
        {
          address: "aws_cloudwatch_log_group.service",
          type: "aws_cloudwatch_log_group",
          action: "update",
          replacePaths: [],
          attributes: [{ path: "retention_in_days", before: "30", after: "90" }],
        },
      ]);
      const result = await planReport(`auth-staging-app=${plans["update-in-place"].path}`);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("| auth-staging-app | 0 | 1 | 0 | 0 | 0 | ok |");
      expect(result.stdout).toContain("| `retention_in_days` | `30` | `90` |");
      expect(result.stdout).toContain("Verdict: Safe: creates and updates only.");
    });

    test("replacing the database fails the guard and names the attribute that forces it", async () => {
      const plan = parsePlan("auth-staging-data", plans["replace-database"].json);
      expect(plan.changes.map(({ address, action, replacePaths }) => ({ address, action, replacePaths }))).toEqual([
        { address: "aws_db_instance.postgres", action: "replace", replacePaths: ["kms_key_id"] },
      ]);
      expect(plan.outputChanges).toEqual([{ name: "db_endpoint", action: "update" }]);
      const result = await planReport(`auth-staging-data=${plans["replace-database"].path}`);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain("| replace | `aws_db_instance.postgres` | `kms_key_id` |");
      expect(result.stdout).toContain("Output changes: `db_endpoint` (update).");
      expect(result.stdout).toContain(
        "`aws_db_instance.postgres` (aws_db_instance): replaced: the old one and its data are deleted.",
      );
    });

    test("an explicit allow lets the named replacement through", async () => {
      const result = await planReport(
        "--allow",
        "aws_db_instance.postgres",
        `auth-staging-data=${plans["replace-database"].path}`,
      );
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("Verdict: Allowed data loss: stateful-replace aws_db_instance.postgres.");
    });

    test("Allow-Data-Loss lines of a pull request description allow, CRLF line ends included", async () => {
      const description = join(scratch, "description.txt");
      writeFileSync(
        description,
        "Moves the database to the new key.\r\nAllow-Data-Loss: auth-staging-data:aws_db_instance.postgres\r\n",
      );
      expect(
        (await planReport("--allow-from", description, `auth-staging-data=${plans["replace-database"].path}`)).status,
      ).toBe(0);
    });

    test("destroying a secret fails the guard", async () => {
      const plan = parsePlan("auth-staging-data", plans["destroy-secret"].json);
      expect(blockers([plan])).toEqual([
        {
          stack: "auth-staging-data",
          address: "aws_secretsmanager_secret.retired",
          type: "aws_secretsmanager_secret",
          rule: "stateful-destroy",
          detail: "destroyed",
        },
      ]);
      expect((await planReport(`auth-staging-data=${plans["destroy-secret"].path}`)).status).toBe(1);
    });

    test("a downstream stack is marked when its upstream stack still has changes", async () => {
      const upstream = parsePlan("auth-staging-data", plans["replace-database"].json);
      const downstream = parsePlan("auth-staging-app", plans["update-in-place"].json);
      expect(renderReport([upstream, downstream], { allow: ["aws_db_instance.postgres"] })).toContain(
        "> Depends on undeployed changes in auth-staging-data: this plan reads their current state",
      );
    });
  });

  describe("guard rules beyond replace and destroy", () => {
    test("backups to 0 days, deletion protection off and skip_final_snapshot on are each blocked", async () => {
      const plan = parsePlan("auth-staging-data", plans["database-protections"].json);
      expect(plan.changes.map(({ address, action }) => ({ address, action }))).toEqual([
        { address: "aws_db_instance.postgres", action: "update" },
        { address: "aws_db_instance.reporting", action: "update" },
      ]);
      expect(plan.risks.filter((risk) => risk.address === "aws_db_instance.postgres").map((risk) => risk.rule)).toEqual(
        ["backup-retention", "deletion-protection", "skip-final-snapshot"],
      );
      const result = await planReport(`auth-staging-data=${plans["database-protections"].path}`);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain(
        "backup_retention_period 7 → 0: 0 turns automated backups off and deletes the existing ones",
      );
      expect(result.stdout).toContain("deletion_protection true → false");
      expect(result.stdout).toContain("skip_final_snapshot turned on");
    });

    test("backups below the environment's configured minimum are blocked there only", async () => {
      const path = plans["database-protections"].path;
      const reporting = (stack: string) =>
        parsePlan(stack, plans["database-protections"].json, guardPolicyFor(stack)).risks.filter(
          (risk) => risk.address === "aws_db_instance.reporting",
        );
      expect(reporting("auth-staging-data")).toEqual([]);
      expect(reporting("auth-production-data").map((risk) => risk.detail)).toEqual([
        "backup_retention_period 14 → 3: the environment's minimum is 7",
      ]);
      const production = await planReport("--allow", "aws_db_instance.postgres", `auth-production-data=${path}`);
      expect(production.status).toBe(1);
      expect(production.stdout).toContain("backup_retention_period 14 → 3: the environment's minimum is 7");
      expect((await planReport("--allow", "aws_db_instance.postgres", `auth-staging-data=${path}`)).status).toBe(0);
    });

    test("a KMS key disabled, or scheduled for deletion, and the state bucket's versioning suspended are blocked", async () => {
      const plan = parsePlan("auth-staging-bootstrap", plans["bootstrap-protections-off"].json);
      expect(plan.risks.map(({ address, rule }) => ({ address, rule }))).toEqual([
        { address: "aws_kms_key.data", rule: "key-disabled" },
        { address: "aws_kms_key.retired", rule: "key-deletion" },
        { address: "aws_s3_bucket_versioning.state", rule: "versioning-suspended" },
      ]);
      const result = await planReport(`auth-staging-bootstrap=${plans["bootstrap-protections-off"].path}`);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain("KMS key scheduled for deletion");
      expect(result.stdout).toContain(
        "versioning of bucket auth-staging-tfstate-111111111111 suspended (Enabled → Suspended)",
      );
    });

    test("forget actions are listed; forgetting a stateful resource is blocked, a stateless one is not", async () => {
      const plan = parsePlan("auth-staging-data", plans["forget-stateful"].json);
      expect(plan.changes.map(({ address, action }) => ({ address, action }))).toEqual([
        { address: "aws_db_instance.postgres", action: "forget" },
        { address: "aws_sns_topic.old", action: "forget" },
      ]);
      expect(blockers([plan]).map((blocker) => blocker.address)).toEqual(["aws_db_instance.postgres"]);
      const result = await planReport(`auth-staging-data=${plans["forget-stateful"].path}`);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain("| auth-staging-data | 0 | 0 | 0 | 0 | 2 | blocked |");
      expect(result.stdout).toContain("| forget | `aws_sns_topic.old` |  |");
      expect(result.stdout).toContain("forgotten (removed from state, not destroyed)");
    });
  });

  describe("sensitive values", () => {
    test("updates show attribute diffs; sensitive values are masked as Terraform masks them", async () => {
      const plan = parsePlan("auth-staging-app", plans["sensitive-marker"].json);
      const byAddress = Object.fromEntries(plan.changes.map((change) => [change.address, change]));
      expect(byAddress["aws_vpc_security_group_ingress_rule.https"].attributes).toEqual([
        { path: "cidr_ipv4", before: '"10.0.0.0/8"', after: '"0.0.0.0/0"' },
      ]);
      expect(byAddress["aws_secretsmanager_secret_version.app"].attributes).toContainEqual({
        path: "secret_string",
        before: "(sensitive value)",
        after: "(sensitive value)",
      });
      const result = await planReport(`auth-staging-app=${plans["sensitive-marker"].path}`);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('| `cidr_ipv4` | `"10.0.0.0/8"` | `"0.0.0.0/0"` |');
      expect(plans["sensitive-marker"].text).toContain(MARKER);
      expect(result.stdout + result.stderr).not.toContain(MARKER);
    });
  });

  describe("bad input exits 2 with one line, never a stack trace, never the input", () => {
    const inputs: Record<string, () => string> = {
      "a missing file": () => join(scratch, "absent.json"),
      "an empty object": () => write("empty.json", "{}"),
      "an array": () => write("array.json", "[]"),
      "a state file": () => join(FIXTURES, "sensitive-marker", "prior-state.json"),
      "a state in terraform show -json form": () => write("state-show.json", stateShow),
      "a truncated plan": () =>
        write(
          "truncated.json",
          plans["sensitive-marker"].text.slice(0, plans["sensitive-marker"].text.indexOf(MARKER) + 30),
        ),
      "an unsupported format version": () =>
        write(
          "future.json",
          plans["sensitive-marker"].text.replace(/"format_version":"1\.\d+"/, '"format_version":"2.0"'),
        ),
    };
    let stateShow = "";
    const write = (name: string, text: string) => {
      const path = join(scratch, name);
      writeFileSync(path, text);
      return path;
    };
    beforeAll(async () => {
      const { dir } = plans["sensitive-marker"];
      stateShow = await terraform(
        dir,
        offlineEnvironment(join(dir, "terraform.rc")),
        "show",
        "-json",
        "terraform.tfstate",
      );
    }, 60_000);

    test.each(Object.keys(inputs))("%s", async (name) => {
      const path = inputs[name]();
      const result = await planReport(`auth-staging-data=${path}`);
      expect(result.status).toBe(2);
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^plan-report: /);
      expect(result.stderr).not.toMatch(/\s+at .*:\d+/);
      expect(result.stdout + result.stderr).not.toContain(MARKER);
      expect(result.stdout).toBe("");
    });

    test("the reasons are specific", async () => {
      expect((await planReport(inputs["a state file"]())).stderr).toContain("a Terraform state file, not a plan");
      expect((await planReport(inputs["an unsupported format version"]())).stderr).toContain(
        "unsupported plan format version 2.0",
      );
      expect((await planReport(inputs["a missing file"]())).stderr).toContain("no such file");
    });

    test("as a process: --help exits 0 and prints the usage; bad input exits 2", () => {
      const result = planReportProcess("--help");
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("usage: npm run plan-report");
      const bad = planReportProcess(join(scratch, "absent.json"));
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    });
  });

  describe("the pull request comment", () => {
    test("carries the marker, the commit and the run link, names missing plans, and blocks on them", async () => {
      const comment = join(scratch, "comment.md");
      const result = await planReport(
        "--expect",
        "auth-staging-app",
        "--expect",
        "auth-production-app",
        "--comment",
        comment,
        "--commit",
        "0123456789abcdef0123456789abcdef01234567",
        "--run-url",
        "https://github.com/example-org/auth-infrastructure/actions/runs/42",
        `auth-staging-app=${plans["update-in-place"].path}`,
      );
      expect(result.status).toBe(1);
      const text = readFileSync(comment, "utf8");
      expect(text.startsWith(COMMENT_MARKER)).toBe(true);
      expect(text).toContain(
        "Plans for commit `0123456789ab` · [workflow run](https://github.com/example-org/auth-infrastructure/actions/runs/42)",
      );
      expect(text).toContain("**Missing plans**: auth-production-app.");
      expect(text).toContain("| auth-production-app | | | | | | missing |");
    });

    test("stays under GitHub's limit, with blockers first and a pointer to the run summary", async () => {
      const big = Array.from({ length: 400 }, (_, index) =>
        parsePlan(`auth-staging-app${index}`, plans["sensitive-marker"].json),
      );
      const blocked = parsePlan("auth-staging-data", plans["database-protections"].json);
      const report = renderReport([blocked, ...big]);
      expect(report.length).toBeGreaterThan(65_536);
      const comment = renderComment(report, { commit: "abc", runUrl: "https://example.test/run/1" });
      expect(comment.length).toBeLessThanOrEqual(65_000);
      expect(comment).toContain("backup_retention_period 7 → 0");
      expect(comment).toContain("**Truncated**");
      expect(comment).toContain("[run summary](https://example.test/run/1)");
    });
  });
});
