import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runScript } from "../support/run-process";
import { missingToolchain } from "../../scripts/terraform-proof/terraform";

const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`the proof's parallel run needs Terraform: ${missing}`);
if (missing) console.log(`proof in parallel SKIPPED: ${missing}`);

// A JSON stack, its HCL twin (compared with the JSON plan) and its Terraform Cloud variant (init
// without backend): each way a stack is proven, and the shared init both backends use.
const STACKS = ["auth-staging-registry@hcl", "auth-staging-registry@terraform-cloud"];

async function proveWith(parallelism: number): Promise<{ status: number | null; verdicts: unknown[]; stdout: string }> {
  const results = join(mkdtempSync(join(tmpdir(), "proof-results-")), "results.json");
  const run = await runScript(join("scripts", "terraform-proof", "run.ts"), STACKS, {
    PROOF_PARALLELISM: String(parallelism),
    PROOF_RESULTS: results,
    CHECKPOINT_DISABLE: "1",
  });
  // Timings differ from run to run; the stacks, their verdicts and what each line says must not.
  const verdicts = JSON.parse(readFileSync(results, "utf8")).map(
    ({ stack, ok, line }: { stack: string; ok: boolean; line: string }) => ({ stack, ok, line }),
  );
  return { status: run.status, verdicts, stdout: run.stdout };
}

(missing ? describe.skip : describe)("the Terraform proof, serial and in parallel", () => {
  test("proves the same stacks with the same verdicts, one init per provider set and backend", async () => {
    const [serial, parallel] = await Promise.all([proveWith(1), proveWith(3)]);
    expect(serial.status).toBe(0);
    expect(parallel.verdicts).toEqual(serial.verdicts);
    expect(serial.verdicts.map((verdict: any) => verdict.stack)).toEqual([
      "auth-staging-registry",
      "auth-staging-registry@terraform-cloud",
      "auth-staging-registry@hcl",
    ]);
    for (const run of [serial, parallel])
      expect(run.stdout).toMatch(/ 2 terraform init \(one per provider set and backend\)/);
  }, 900_000);
});
