import { spawnSync } from "child_process";
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { environments } from "../src/config";
import {
  ALL_LAYERS,
  applyingIdentity,
  LAYERS,
  PILOT_LIGHT_LAYERS,
  PLATFORM_LAYERS,
  RESTORE_LAYERS,
} from "../src/config/naming";

const WORKFLOWS = join(__dirname, "..", ".github", "workflows");
/** The registered environments, in promotion order: what the generated jobs and matrices list. */
const ENVIRONMENTS = Object.keys(environments);

const files = readdirSync(WORKFLOWS).map((name) => ({ name, text: readFileSync(join(WORKFLOWS, name), "utf8") }));
const workflows = Object.fromEntries(files.map(({ name, text }) => [name, parse(text)]));
const steps = (workflow: any) => Object.values<any>(workflow.jobs).flatMap((job) => job.steps ?? []);

describe("GitHub Actions workflows", () => {
  // actionlint over these workflows is the workflow-lint stage of `npm test` (npm run lint); that it
  // catches a broken workflow is proven in __tests__/integration/workflow-lint.test.ts (its
  // WebAssembly start-up costs seconds, which the unit budget cannot carry).
  test.each(files.map(({ name }) => name))("%s pins every action to a full commit SHA", (name) => {
    for (const step of steps(workflows[name]).filter((candidate: any) => candidate.uses)) {
      expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    }
  });

  test.each(files.map(({ name }) => name))("%s grants only read access to contents by default", (name) => {
    expect(workflows[name].permissions).toEqual({ contents: "read" });
  });

  test.each(files.map(({ name }) => name))("%s runs Node 22", (name) => {
    for (const step of steps(workflows[name]).filter((candidate: any) =>
      candidate.uses?.startsWith("actions/setup-node"),
    )) {
      expect(step.with["node-version"]).toBe(22);
    }
  });

  test("OIDC tokens only where AWS is called; PR comments only in the report job", () => {
    const pr = workflows["pull-request.yml"].jobs;
    expect(pr.test.permissions).toBeUndefined();
    expect(pr["security-scan"].permissions).toBeUndefined();
    expect(pr.plan.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(pr.report.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const deploy = workflows["deploy.yml"].jobs;
    expect(deploy.plan.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(deploy.apply.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  describe("nothing that leaves a job holds a plan", () => {
    const uploadPaths = (job: any) =>
      (job.steps ?? [])
        .filter((step: any) => step.uses?.startsWith("actions/upload-artifact"))
        .flatMap((step: any) =>
          String(step.with.path)
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean),
        );

    test("jobs that plan upload only the redacted summaries and Markdown", () => {
      const planning = Object.values<any>(workflows)
        .flatMap((workflow) => Object.values<any>(workflow.jobs))
        .filter((job) => JSON.stringify(job.steps ?? []).includes("plan-job"));
      expect(planning).toHaveLength(2);
      for (const job of planning) expect(uploadPaths(job)).toEqual(["plan-review/*.summary.json", "plan-review/*.md"]);
    });

    test("no workflow uploads plan JSON, a binary plan or state", () => {
      for (const workflow of Object.values<any>(workflows)) {
        for (const job of Object.values<any>(workflow.jobs)) {
          for (const path of uploadPaths(job)) {
            expect(path).not.toMatch(/\.tfplan|plan\.(bin|json)|\.tfstate|\.terraform\b|^\.plans/);
            if (/plan/.test(path)) expect(path).toMatch(/^plan-review\/\*\.(summary\.json|md)$/);
          }
        }
      }
    });

    test("no workflow writes plan JSON itself; the plan job's script does, in memory", () => {
      const text = files.map((file) => file.text).join("\n");
      expect(text).not.toMatch(/terraform[^\n]*show -json/);
      expect(text).not.toMatch(/plan\.json|plan\.bin|\.tfplan/);
    });
  });

  describe("state locks", () => {
    const runs = (workflow: string, job: string) =>
      workflows[workflow].jobs[job].steps.map((step: any) => step.run ?? "").join("\n");

    test("pull request plans never take the lock", () => {
      expect(runs("pull-request.yml", "plan")).toContain(
        'npm run --silent plan-job -- --stack "$STACK" --out-dir plan-review --no-lock',
      );
    });

    test("deploy plans, applies and release deploys wait for it", () => {
      expect(runs("deploy.yml", "plan")).toContain("--lock-timeout 10m");
      expect(readFileSync(join("scripts", "guarded-apply.sh"), "utf8")).toContain(
        "apply -input=false -lock-timeout=10m",
      );
      // The release tool applies the app stack itself, with the same lock timeout.
      expect(readFileSync(join("scripts", "release", "terraform-deployer.ts"), "utf8")).toContain(
        '"apply", "-input=false", "-auto-approve", `-lock-timeout=${LOCK_TIMEOUT}`',
      );
    });
  });

  describe("pull requests", () => {
    const pr = workflows["pull-request.yml"];

    test("plan every stack of both environments under the plan role, in the plan environment", () => {
      const plan = pr.jobs.plan;
      expect(plan.strategy.matrix).toEqual({
        environment: [...ENVIRONMENTS],
        layer: [...LAYERS, ...PILOT_LIGHT_LAYERS],
      });
      // An environment without a pilot light has no dr-network stack: its job says so and plans nothing.
      expect(plan.steps.find((step: any) => step.run?.includes("plan-job")).run).toContain(
        'if [ ! -d "cdktf.out/stacks/$STACK" ]; then',
      );
      const reportStep = pr.jobs.report.steps.find((step: any) => step.id === "report");
      // The stacks the report expects: every layer of every environment, from the generated lists.
      expect(reportStep.env).toMatchObject({ ENVIRONMENTS: ENVIRONMENTS.join(" "), LAYERS: LAYERS.join(" ") });
      expect(reportStep.run).toContain(
        'for environment in $ENVIRONMENTS; do\n  for layer in $LAYERS; do expect+=(--expect "auth-$environment-$layer"); done',
      );
      const report = pr.jobs.report.steps.map((step: any) => step.run ?? "").join("\n");
      expect(report).toContain(
        'if [ -d "cdktf.out/stacks/auth-$environment-dr-network" ]; then expect+=(--expect "auth-$environment-dr-network"); fi',
      );
      expect(plan.environment).toBe("${{ matrix.environment }}-plan");
      const credentials = plan.steps.find((step: any) =>
        step.uses?.startsWith("aws-actions/configure-aws-credentials"),
      );
      // The PR plan role: reads, never locks or saves a plan (auth-<env>-ci-plan-pr).
      expect(credentials.with["role-to-assume"]).toBe("${{ vars.PLAN_PR_ROLE_ARN }}");
    });

    test("forks get tests, synth and the security scan, and a line saying plans were skipped", () => {
      const fork = "${{ github.event.pull_request.head.repo.full_name != github.repository }}";
      const sameRepository = "github.event.pull_request.head.repo.full_name == github.repository";
      expect(pr.jobs.test.if).toBeUndefined();
      expect(pr.jobs["security-scan"].if).toBeUndefined();
      expect(pr.jobs.plan.if).toBe(`\${{ ${sameRepository} }}`);
      expect(pr.jobs.report.if).toContain(sameRepository);
      const notice = pr.jobs.test.steps.find((step: any) => step.name === "Plans skipped for forks");
      expect(notice.if).toBe(fork);
      expect(notice.run).toContain("GITHUB_STEP_SUMMARY");
    });

    test("editing the description does not re-run the plans", () => {
      expect(pr.on.pull_request.types).toEqual(["opened", "synchronize", "reopened"]);
    });

    test("the security scan runs the compliance pack on the synth output, npm audit and actionlint", () => {
      const scan = pr.jobs["security-scan"];
      expect(scan.needs).toBe("test");
      const commands: string[] = scan.steps.map((step: any) => step.run).filter(Boolean);
      expect(commands.map((command) => command.trim().split("\n")[0])).toEqual([
        "npm ci",
        "status=0",
        "npm audit --omit=dev --audit-level=high",
        "npx tsx scripts/lint-workflows.ts",
      ]);
      // The pack's report goes to the run summary; its exit status (1 on open findings) fails the job.
      expect(commands[1]).toContain("npm run compliance -- --out compliance-report.md cdktf.out || status=$?");
      expect(commands[1]).toContain('>> "$GITHUB_STEP_SUMMARY"');
      expect(commands[1].trim().split("\n").at(-1)).toBe('exit "$status"');
    });

    test("one report comment, found by marker and author, with the commit and run; the guard or a missing plan fails the run", () => {
      const report = pr.jobs.report;
      const script = report.steps.find((step: any) => step.uses?.startsWith("actions/github-script")).with.script;
      expect(script).toContain("updateComment");
      expect(script).toContain("<!-- auth-infra-plan-report -->");
      expect(script).toContain('comment.user?.login === "github-actions[bot]"');
      const guard = report.steps.find((step: any) => step.id === "report");
      expect(guard.run).toContain("--expect");
      expect(guard.run).toContain('--allow-from "$RUNNER_TEMP/description.txt"');
      expect(guard.run).toContain('--commit "$HEAD_SHA" --run-url "$RUN_URL"');
      expect(guard.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
      expect(report.steps.at(-1)).toMatchObject({ if: "${{ steps.report.outputs.guard != '0' }}" });
    });
  });

  describe("deploys", () => {
    test("main deploys every environment in promotion order (src/config), one run at a time, and not for documentation-only pushes", () => {
      const main = workflows["main.yml"];
      expect(Object.keys(main.jobs)).toEqual([...ENVIRONMENTS]);
      ENVIRONMENTS.forEach((environment, index) => {
        expect(main.jobs[environment]).toEqual({
          ...(index > 0 ? { needs: ENVIRONMENTS[index - 1] } : {}),
          uses: "./.github/workflows/deploy.yml",
          permissions: { contents: "read", "id-token": "write" },
          with: { environment, allow_data_loss: "${{ inputs.allow_data_loss }}" },
        });
      });
      expect(main.concurrency).toEqual({ group: "main-deploy", "cancel-in-progress": false });
      expect(main.on.push["paths-ignore"]).toEqual(expect.arrayContaining(["**/*.md", "docs/**"]));
    });

    test("a plan job under the plan role puts the guarded report in the run summary", () => {
      const plan = workflows["deploy.yml"].jobs.plan;
      expect(plan.environment).toBe("${{ inputs.environment }}-plan");
      expect(plan.steps.find((step: any) => step.uses?.startsWith("aws-actions/")).with["role-to-assume"]).toBe(
        "${{ vars.PLAN_ROLE_ARN }}",
      );
      const runs = plan.steps.map((step: any) => step.run ?? "").join("\n");
      expect(runs).toContain(`for layer in ${LAYERS.join(" ")}; do`);
      expect(runs).toContain('if [ -d "cdktf.out/stacks/auth-$AUTH_ENV-dr-network" ]; then');
      expect(runs).not.toMatch(/dr-data|AUTH_DR_RESTORE/);
      expect(runs).toContain('--save-plan "plans/$GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT"');
      expect(runs).toContain(
        'npm run --silent plan-report -- "${allow[@]}" --out plan-review/report.md plan-review/*.summary.json',
      );
      expect(runs).toContain('>> "$GITHUB_STEP_SUMMARY"');
    });

    test("then the platform's own reviewers gate a job that applies bootstrap and security under the platform role", () => {
      const platform = workflows["deploy.yml"].jobs["apply-platform"];
      expect(platform.needs).toBe("plan");
      expect(platform.environment).toBe("${{ inputs.environment }}-platform");
      expect(platform.concurrency).toEqual({ group: "deploy-${{ inputs.environment }}", "cancel-in-progress": false });
      expect(platform.steps.find((step: any) => step.uses?.startsWith("aws-actions/")).with["role-to-assume"]).toBe(
        "${{ vars.PLATFORM_ROLE_ARN }}",
      );
      const runs = platform.steps.map((step: any) => step.run ?? "").join("\n");
      expect(runs).toContain(
        `scripts/guarded-apply.sh plan-review ${PLATFORM_LAYERS.map((layer) => `"auth-$AUTH_ENV-${layer}"`).join(" ")}`,
      );
      // Output changes stop the workload layers, as between stacks in guarded-apply.sh.
      expect(runs).toContain("map(.outputChanges | length) | add");
    });

    test("then an approval-gated job applies exactly the other layers' saved plans under the deploy role, never releases, and never overlaps another deploy", () => {
      const apply = workflows["deploy.yml"].jobs.apply;
      expect(apply.needs).toBe("apply-platform");
      expect(apply.environment).toBe("${{ inputs.environment }}");
      expect(apply.concurrency).toEqual({ group: "deploy-${{ inputs.environment }}", "cancel-in-progress": false });
      expect(apply.steps.find((step: any) => step.uses?.startsWith("aws-actions/")).with["role-to-assume"]).toBe(
        "${{ vars.DEPLOY_ROLE_ARN }}",
      );
      expect(apply.steps.find((step: any) => step.uses?.startsWith("actions/download-artifact")).with.name).toBe(
        "plan-review-${{ inputs.environment }}",
      );
      const runs = apply.steps.map((step: any) => step.run ?? "").join("\n");
      expect(runs).toContain("scripts/guarded-apply.sh plan-review");
      expect(runs).not.toMatch(/terraform (plan|apply)|cdktf deploy/);
      // Every workload layer in deploy order, the pilot light (where the plan job planned one) in its place; never a platform layer.
      const deployed = ALL_LAYERS.filter(
        (layer) => !(RESTORE_LAYERS as readonly string[]).includes(layer) && applyingIdentity(layer) === "deploy",
      );
      expect(runs).toContain(
        deployed
          .map((layer) => (layer === "dr-network" ? '"${pilot_light[@]}"' : `"auth-$AUTH_ENV-${layer}"`))
          .join(" "),
      );
      for (const layer of PLATFORM_LAYERS) expect(runs).not.toContain(`auth-$AUTH_ENV-${layer}`);
      expect(runs).toContain(
        'if [ -f "plan-review/auth-$AUTH_ENV-dr-network.summary.json" ]; then pilot_light=("auth-$AUTH_ENV-dr-network"); fi',
      );
      // Releases are release.yml's: a deploy never changes which image runs.
      expect(runs).not.toContain("release");
      expect(JSON.stringify(workflows["main.yml"])).not.toMatch(/image_tag|RELEASE_IMAGE_TAG/);
    });
  });

  test("promotion: each environment releases exactly the digest the one before it released, handed over as its output", () => {
    const { jobs } = workflows["release.yml"];
    expect(workflows["release.yml"].on.workflow_dispatch.inputs.digest).toMatchObject({
      required: true,
      type: "string",
    });
    expect(Object.keys(jobs)).toEqual([...ENVIRONMENTS]);
    ENVIRONMENTS.forEach((environment, index) => {
      const previous = ENVIRONMENTS[index - 1];
      expect(jobs[environment]).toEqual({
        ...(previous ? { needs: previous } : {}),
        uses: "./.github/workflows/release-environment.yml",
        permissions: { contents: "read", "id-token": "write" },
        with: { environment, digest: previous ? `\${{ needs.${previous}.outputs.digest }}` : "${{ inputs.digest }}" },
      });
    });
    // Follow the output back: workflow output -> job output -> the step after the release, which echoes the job's input.
    const reusable = workflows["release-environment.yml"];
    expect(reusable.on.workflow_call.outputs.digest.value).toBe("${{ jobs.release.outputs.digest }}");
    const job = reusable.jobs.release;
    expect(job.outputs.digest).toBe("${{ steps.released.outputs.digest }}");
    expect(job.env.DIGEST).toBe("${{ inputs.digest }}");
    const releaseIndex = job.steps.findIndex((step: any) =>
      /scripts\/release\/cli\.ts --env "\$RELEASE_ENV" --digest "\$DIGEST"/.test(step.run ?? ""),
    );
    const released = job.steps.findIndex((step: any) => step.id === "released");
    expect(releaseIndex).toBeGreaterThan(0);
    // Right after the release and only on its success (no `if`): a failed staging release hands nothing on.
    expect(released).toBe(releaseIndex + 1);
    expect(job.steps[released]).toEqual({
      name: expect.any(String),
      id: "released",
      run: 'echo "digest=$DIGEST" >> "$GITHUB_OUTPUT"',
    });
    expect(JSON.stringify(workflows["release.yml"]) + JSON.stringify(reusable)).not.toMatch(
      /vars\.[A-Z_]*(IMAGE_TAG|DIGEST)/,
    );
  });

  test("a release runs the tool with exec (it gets the cancel signal), shares the deploy lock, and cleans up with --abort", () => {
    const job = workflows["release-environment.yml"].jobs.release;
    expect(job.concurrency).toEqual({ group: "deploy-${{ inputs.environment }}", "cancel-in-progress": false });
    expect(job.environment).toBe("${{ inputs.environment }}");
    const release = job.steps.find((step: any) => /--digest/.test(step.run ?? ""));
    expect(release.run).toMatch(/^exec node_modules\/\.bin\/tsx scripts\/release\/cli\.ts /);
    expect(job.steps.at(-1)).toMatchObject({
      if: "${{ failure() || cancelled() }}",
      run: 'exec node_modules/.bin/tsx scripts/release/cli.ts --env "$RELEASE_ENV" --abort --take-over-stale-lease',
    });
    const setupNode = job.steps.find((step: any) => step.uses?.startsWith("actions/setup-node"));
    expect(setupNode.with["node-version"]).toBe(22);
  });

  test("Dependabot keeps the actions and the npm packages current", () => {
    const dependabot = parse(readFileSync(join(WORKFLOWS, "..", "dependabot.yml"), "utf8"));
    expect(dependabot.updates.map((update: any) => update["package-ecosystem"]).sort()).toEqual([
      "github-actions",
      "npm",
    ]);
  });

  test.each(["guarded-apply.sh"])("scripts/%s is valid bash", (script) => {
    expect(spawnSync("bash", ["-n", join("scripts", script)]).status).toBe(0);
  });
});
