import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";

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
    expect(plan.strategy.matrix).toEqual({ environment: ["staging", "production"], layer: ["bootstrap", "network", "data", "app"] });
    const terraform = plan.steps.find((step: any) => step.uses?.startsWith("hashicorp/setup-terraform"));
    expect(terraform.with.cli_config_credentials_token).toBe("${{ secrets.TF_API_TOKEN }}");
    expect(runs(plan)).toContain('scripts/terraform-cloud-run.sh plan "auth-${{ matrix.environment }}-${{ matrix.layer }}"');
  });

  test("main applies staging before production, each environment's stacks in deploy order, never two at once", () => {
    const apply = workflow.jobs.apply;
    expect(apply.if).toBe("${{ github.event_name != 'pull_request' }}");
    expect(apply.strategy).toMatchObject({ "fail-fast": true, "max-parallel": 1, matrix: { environment: ["staging", "production"] } });
    expect(apply.environment).toBe("${{ matrix.environment }}");
    expect(apply.concurrency["cancel-in-progress"]).toBe(false);
    expect(runs(apply)).toContain('apply "auth-$AUTH_ENV-bootstrap" "auth-$AUTH_ENV-network" "auth-$AUTH_ENV-data" "auth-$AUTH_ENV-app"');
  });

  test("the run script is valid bash, refuses bad usage, and refuses a stack without a cloud block", () => {
    expect(spawnSync("bash", ["-n", "scripts/terraform-cloud-run.sh"]).status).toBe(0);
    expect(spawnSync("bash", ["scripts/terraform-cloud-run.sh", "destroy", "x"]).status).toBe(2);
    const script = read("scripts/terraform-cloud-run.sh");
    expect(script).toContain("plan -input=false");
    expect(script).toContain("apply -input=false -auto-approve");
    expect(script).toContain("has no cloud block");
  });

  test("the cdktn comparison is an optional, manual workflow (it needs the npm registry)", () => {
    const cdktn = parse(read(".github/workflows/cdktn-compare.yml"));
    expect(Object.keys(cdktn.on)).toEqual(["workflow_dispatch"]);
    expect(runs(cdktn.jobs.compare)).toContain("npm run cdktn:compare");
  });
});
