import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse } from "yaml";
import { environments } from "../src/config";
import { LAYERS } from "../src/config/naming";

/** The registered environments in promotion order (src/config/index.ts): the matrices are generated from them. */
const ENVIRONMENTS = Object.keys(environments);

const read = (path: string) => readFileSync(join(__dirname, "..", path), "utf8");
const workflow = parse(read(".github/workflows/terraform-cloud.yml"));
const runs = (job: any) => job.steps.map((step: any) => step.run ?? "").join("\n");

describe("Terraform Cloud workflow (CLI-driven)", () => {
  test("runs only when the repository selects Terraform Cloud, and synthesizes once on Node 22", () => {
    expect(workflow.jobs.synth.if).toBe("${{ vars.STATE_BACKEND == 'terraform-cloud' }}");
    const node = workflow.jobs.synth.steps.find((step: any) => step.uses?.startsWith("actions/setup-node"));
    expect(node.with["node-version"]).toBe(22);
    expect(runs(workflow.jobs.synth)).toContain("npm run synth");
  });

  test("pull requests get a speculative plan of every stack in its workspace, with the token from a secret", () => {
    const plan = workflow.jobs["speculative-plan"];
    expect(plan.if).toBe("${{ github.event_name == 'pull_request' }}");
    expect(plan.strategy.matrix).toEqual({ environment: ENVIRONMENTS, layer: [...LAYERS] });
    const terraform = plan.steps.find((step: any) => step.uses?.startsWith("hashicorp/setup-terraform"));
    expect(terraform.with.cli_config_credentials_token).toBe("${{ secrets.TF_API_TOKEN }}");
    expect(runs(plan)).toContain(
      'scripts/terraform-cloud-run.sh plan "auth-${{ matrix.environment }}-${{ matrix.layer }}"',
    );
  });

  test("main applies the environments in promotion order, each environment's stacks in deploy order, never two at once", () => {
    const apply = workflow.jobs.apply;
    expect(apply.if).toBe("${{ github.event_name != 'pull_request' }}");
    expect(apply.strategy).toMatchObject({
      "fail-fast": true,
      "max-parallel": 1,
      matrix: { environment: ENVIRONMENTS },
    });
    expect(apply.environment).toBe("${{ matrix.environment }}");
    expect(apply.concurrency["cancel-in-progress"]).toBe(false);
    expect(runs(apply)).toContain(`apply ${LAYERS.map((layer) => `"auth-$AUTH_ENV-${layer}"`).join(" ")}`);
  });

  test("the run script is valid bash, refuses bad usage, and refuses a stack without a cloud block", () => {
    expect(spawnSync("bash", ["-n", "scripts/terraform-cloud-run.sh"]).status).toBe(0);
    expect(spawnSync("bash", ["scripts/terraform-cloud-run.sh", "destroy", "x"]).status).toBe(2);
    const script = read("scripts/terraform-cloud-run.sh");
    expect(script).toContain("plan -input=false");
    expect(script).toContain("apply -input=false -auto-approve");
    expect(script).toContain("has no cloud block");
  });

  test("a speculative plan of a stack with secret versions skips refresh (the plan role cannot read secret values); the others refresh", () => {
    const dir = mkdtempSync(join(tmpdir(), "tfc-run-"));
    const fakeBin = join(dir, "bin");
    mkdirSync(fakeBin);
    // A stand-in terraform that records its arguments: the script's choice is what is under test.
    writeFileSync(join(fakeBin, "terraform"), `#!/usr/bin/env bash\necho "terraform $*" >> "${dir}/calls"\n`, {
      mode: 0o755,
    });
    const stack = (name: string, resource: object) => {
      mkdirSync(join(dir, "cdktf.out", "stacks", name), { recursive: true });
      writeFileSync(
        join(dir, "cdktf.out", "stacks", name, "cdk.tf.json"),
        JSON.stringify({ terraform: { cloud: {} }, resource }),
      );
    };
    stack("auth-staging-data", { aws_secretsmanager_secret_version: { v: {} } });
    stack("auth-staging-network", { aws_vpc: { v: {} } });
    const result = spawnSync(
      "bash",
      [join(__dirname, "..", "scripts", "terraform-cloud-run.sh"), "plan", "auth-staging-data", "auth-staging-network"],
      {
        cwd: dir,
        env: { ...process.env, PATH: `${fakeBin}:${process.env.PATH}` },
        encoding: "utf8",
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("auth-staging-data: planned without refresh");
    const plans = readFileSync(join(dir, "calls"), "utf8")
      .split("\n")
      .filter((line) => line.includes(" plan "));
    expect(plans).toEqual([
      "terraform -chdir=cdktf.out/stacks/auth-staging-data plan -input=false -refresh=false",
      "terraform -chdir=cdktf.out/stacks/auth-staging-network plan -input=false",
    ]);
  });

  test("the cdktn comparison is an optional, manual workflow (it needs the npm registry)", () => {
    const cdktn = parse(read(".github/workflows/cdktn-compare.yml"));
    expect(Object.keys(cdktn.on)).toEqual(["workflow_dispatch"]);
    expect(runs(cdktn.jobs.compare)).toContain("npm run cdktn:compare");
  });
});
