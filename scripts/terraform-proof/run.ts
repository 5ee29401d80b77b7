/**
 * The offline Terraform proof suite: synthesizes every stack of every environment, then runs
 * the real `terraform init`, `validate` and `plan` on a copy of each stack directory, against
 * the provider mirror, with local stand-ins for what needs AWS. Exit code 1 on any failure.
 */
const USAGE = `usage: npm run validate -- [STACK]...
  Proves every synthesized stack offline (terraform init, validate, plan against the provider
  mirror, with local stand-ins for AWS), or only the STACKs named, e.g. auth-staging-data,
  auth-staging-data@hcl (synthesized as HCL: validated, and planned the same as its JSON) or
  auth-staging-data@terraform-cloud (cloud block kept: init -backend=false and validate only).
  Exit 0 all proven, 1 a stack failed, 2 usage (unknown stack), 3 unexpected failure.
  Environment: TERRAFORM_BINARY, TERRAFORM_PROVIDER_MIRROR, PROOF_PARALLELISM (default 2),
  PROOF_KEEP=1 keeps the work folder.`;
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { execFile } from "child_process";
import { tmpdir } from "os";
import { promisify } from "util";
import { pathToFileURL } from "url";
import { join, resolve } from "path";
import type { Layer } from "../../src/stacks/auth-stack";
import { dataLoss, parsePlan, renderReport, StackPlan } from "../plan-report/report";
import {
  TerraformJson,
  backendOverride,
  providerOverride,
  remoteStateOverride,
  standInRandomProvider,
  standInRandomProviderHcl,
  stateWithOutputs,
} from "./overrides";
import { PlannedChanges, planDifferences, plannedChanges } from "./plan-equivalence";
import { MIRROR, TERRAFORM, missingToolchain, offlineEnvironment, planAsJson, terraform } from "./terraform";
import { EXIT, UsageError, main as runAsTool, parseCommandLine } from "../cli/command-line";

const run = promisify(execFile);
const PARALLELISM = Number(process.env.PROOF_PARALLELISM ?? 2);

/** An environment's config with its state in Terraform Cloud instead of S3. */
function withTerraformCloud<T extends object>(config: T): T {
  return {
    ...config,
    state: { ...(config as any).state, backend: "terraform-cloud", terraformCloud: { organization: "example-org", hostname: "app.terraform.io", workspacePrefix: "" } },
  };
}

/**
 * How a stack is proven: `json` and `hcl` (the same stack synthesized as HCL) with the S3 backend
 * and remote state stood in, then planned; `terraform-cloud` with its cloud block and remote-state
 * sources kept, which Terraform can only initialize without a backend and validate offline.
 */
type Variant = "json" | "hcl" | "terraform-cloud";

interface StackJob {
  readonly name: string;
  readonly stack: string;
  readonly variant: Variant;
  readonly dir: string;
  /** The stack's cdk.tf.json as synthesized with the S3 backend: what the overrides are built from. */
  readonly jsonTwin: string;
}

interface StackResult {
  readonly job: StackJob;
  /** Seconds this stack's Terraform runs took. */
  readonly seconds?: number;
  readonly ok: boolean;
  readonly line: string;
  readonly detail?: string;
  readonly plan?: StackPlan;
  readonly changes?: PlannedChanges;
}

/** Copies a synthesized stack and stands in, in the copy only, what hashicorp/random would create. */
function copyWithRandomStandIn(job: StackJob, dir: string, standIns: string[]): TerraformJson {
  cpSync(job.dir, dir, { recursive: true });
  const note = (count: number) => standIns.push(`random_password -> terraform_data (${count}; hashicorp/random is not mirrored)`);
  if (job.variant === "hcl") {
    const { hcl, replaced } = standInRandomProviderHcl(readFileSync(join(dir, "cdk.tf"), "utf8"));
    if (replaced.length > 0) {
      writeFileSync(join(dir, "cdk.tf"), hcl);
      note(replaced.length);
    }
    return JSON.parse(readFileSync(job.jsonTwin, "utf8"));
  }
  const { stack: json, replaced } = standInRandomProvider(JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")));
  if (replaced.length > 0) {
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json, null, 2));
    note(replaced.length);
  }
  return json;
}

async function proveStack(job: StackJob, workDir: string, stateDir: string, env: NodeJS.ProcessEnv): Promise<StackResult> {
  const dir = join(workDir, job.name.replace("@", "--"));
  const standIns: string[] = [];
  const json = copyWithRandomStandIn(job, dir, standIns);
  try {
    if (job.variant === "terraform-cloud") {
      await terraform(dir, env, "init", "-input=false", "-backend=false");
      await terraform(dir, env, "validate");
      const kept = `cloud block (${json.terraform.cloud.organization}/${json.terraform.cloud.workspaces.name}) and remote-state sources kept`;
      return { job, ok: true, line: `ok    ${job.name}: initialized without backend, validated; ${kept}${standIns.length ? `; stood in: ${standIns.join(", ")}` : ""}` };
    }
    standIns.unshift("local backend", "mock credentials");
    // The harness's overrides are JSON files: Terraform merges them into an HCL configuration just the same.
    writeFileSync(join(dir, "backend_override.tf.json"), JSON.stringify(backendOverride()));
    writeFileSync(join(dir, "provider_override.tf.json"), JSON.stringify(providerOverride(json)));
    const producers = new Set<string>();
    const remoteState = remoteStateOverride(json, (layer) => {
      producers.add(layer);
      return join(stateDir, `${layer}.tfstate`);
    });
    if (remoteState) {
      writeFileSync(join(dir, "remote_state_override.tf.json"), JSON.stringify(remoteState));
      standIns.push(`upstream outputs of ${[...producers].join(", ")} from handover examples`);
    }
    await terraform(dir, env, "init", "-input=false");
    await terraform(dir, env, "validate");
    const { json: planJson, summary } = await planAsJson(dir, env, { initialized: true });
    const plan = JSON.parse(planJson);
    return {
      job,
      ok: true,
      line: `ok    ${job.name}: validated and planned (${summary}); stood in: ${standIns.join(", ")}`,
      plan: parsePlan(job.stack, plan),
      changes: plannedChanges(plan),
    };
  } catch (error) {
    return { job, ok: false, line: `FAIL  ${job.name}`, detail: (error as Error).message };
  }
}

/** An HCL stack passes only when its plan proposes exactly what its JSON twin's plan does. */
function compareWithJson(hcl: StackResult, results: readonly StackResult[]): StackResult {
  const json = results.find((result) => result.job.variant === "json" && result.job.stack === hcl.job.stack);
  if (!hcl.changes || !json?.changes) return hcl;
  const differences = planDifferences(json.changes, hcl.changes, ["JSON", "HCL"]);
  if (differences.length > 0) return { ...hcl, ok: false, line: `FAIL  ${hcl.job.name}: plans differently from its JSON`, detail: differences.slice(0, 20).join("\n") };
  const counts = `${Object.keys(hcl.changes.resources).length} resource changes, ${Object.keys(hcl.changes.outputs).length} outputs`;
  return { ...hcl, line: `ok    ${hcl.job.name}: plans the same as its JSON (${counts})` };
}

async function prove(argv: string[]): Promise<number> {
  const { positionals: only } = parseCommandLine(argv, {}, true);
  const missing = missingToolchain();
  if (missing) {
    if (process.env.CI === "true") {
      console.error(`terraform proof: cannot run: ${missing}. CI must have Terraform and the provider mirror.`);
      return EXIT.refused;
    }
    console.log(`terraform proof: SKIPPED: ${missing} (set CI=true to make this an error)`);
    return EXIT.ok;
  }

  const root = mkdtempSync(join(tmpdir(), "auth-terraform-proof-"));
  const outdir = join(root, "cdktf.out");
  const workDir = join(root, "work");
  const stateDir = join(root, "upstream-state");
  mkdirSync(workDir);
  mkdirSync(stateDir);
  console.log("terraform proof: synthesizing every environment...");
  // Loaded only now, so a missing toolchain is reported without loading the whole app.
  const [{ buildApp }, { handovers }] = await Promise.all([import("../../src/app"), import("../../src/stacks/handovers")]);
  buildApp({ outdir }).synth();
  // The same app as HCL, the way `cdktf synth --hcl` makes it: the bundle run with SYNTH_HCL_OUTPUT
  // (cdktf 0.21 reads it when each stack is created; App's hclOutput option only renames the file).
  const hclOutdir = join(root, "cdktf.out-hcl");
  await synthesizeHcl(hclOutdir);
  // And with Terraform Cloud as the state home.
  const cloudOutdir = join(root, "cdktf.out-terraform-cloud");
  const { environments } = await import("../../src/config");
  buildApp({ outdir: cloudOutdir, configs: { staging: withTerraformCloud(environments.staging) } }).synth();

  for (const [layer, spec] of Object.entries(handovers)) {
    if (spec) writeFileSync(join(stateDir, `${layer as Layer}.tfstate`), JSON.stringify(stateWithOutputs(spec)));
  }
  const env = offlineEnvironment(join(root, "terraform.rc"));

  const jobsOf = (directory: string, variant: Variant): StackJob[] =>
    Object.values<any>(JSON.parse(readFileSync(join(directory, "manifest.json"), "utf8")).stacks).map((entry) => ({
      name: variant === "json" ? entry.name : `${entry.name}@${variant}`,
      stack: entry.name,
      variant,
      dir: resolve(directory, entry.workingDirectory),
      jsonTwin: join(outdir, "stacks", entry.name, "cdk.tf.json"),
    }));
  const everyJob = [...jobsOf(outdir, "json"), ...jobsOf(hclOutdir, "hcl"), ...jobsOf(cloudOutdir, "terraform-cloud")];
  const unknown = only.filter((name) => !everyJob.some((job) => job.name === name));
  if (unknown.length > 0) throw new UsageError(`unknown stack ${unknown.join(", ")} (known: ${everyJob.map((job) => job.name).join(", ")})`);
  // An HCL stack is compared with its JSON twin's plan, so naming one proves the twin too.
  const wanted = new Set(only.flatMap((name) => (name.endsWith("@hcl") ? [name, name.slice(0, -"@hcl".length)] : [name])));
  const jobs = only.length > 0 ? everyJob.filter((job) => wanted.has(job.name)) : everyJob;
  for (const job of jobs) if (!existsSync(job.jsonTwin)) throw new Error(`${job.name}: no JSON twin at ${job.jsonTwin}`);
  console.log(`terraform proof: ${jobs.length} stacks, ${PARALLELISM} at a time, terraform ${TERRAFORM}, provider mirror ${MIRROR}`);

  const finished: StackResult[] = [];
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: PARALLELISM }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        console.log(`...   ${next.name}: ${next.variant === "terraform-cloud" ? "init -backend=false, validate" : "init, validate, plan"}`);
        const started = Date.now();
        const result = { ...(await proveStack(next, workDir, stateDir, env)), seconds: (Date.now() - started) / 1000 };
        if (next.variant !== "hcl" || !result.ok) printResult(result);
        finished.push(result);
      }
    }),
  );
  const stackTime = (variant: Variant) => Math.round(finished.filter((result) => result.job.variant === variant).reduce((sum, result) => sum + (result.seconds ?? 0), 0));
  console.log(`terraform proof: Terraform time per variant (summed over stacks, ${PARALLELISM} at a time): JSON ${stackTime("json")} s, HCL ${stackTime("hcl")} s, Terraform Cloud ${stackTime("terraform-cloud")} s`);
  const compared = finished.filter((result) => result.job.variant === "hcl" && result.ok).map((result) => compareWithJson(result, finished));
  compared.forEach(printResult);
  const results = [...finished.filter((result) => !(result.job.variant === "hcl" && result.ok)), ...compared];

  // The plan report over every create-only plan: the guard must let a fresh environment through.
  const plans = results.flatMap((result) => (result.plan && result.job.variant === "json" ? [result.plan] : []));
  const reportPath = join(root, "plan-report.md");
  writeFileSync(reportPath, renderReport(plans));
  const losses = dataLoss(plans);
  console.log(`${losses.length === 0 ? "ok  " : "FAIL"}  plan report over ${plans.length} plans: ${losses.length} stateful replacements or deletions`);

  const failed = results.filter((result) => !result.ok).length + (losses.length > 0 ? 1 : 0);
  if (failed === 0 && !process.env.PROOF_KEEP) rmSync(root, { recursive: true, force: true });
  console.log(`terraform-proof: ${results.length + 1 - failed} passed, ${failed} failed`);
  return failed > 0 ? EXIT.refused : EXIT.ok;
}

async function synthesizeHcl(outdir: string): Promise<void> {
  const build = await import(pathToFileURL(join(__dirname, "..", "build.mjs")).href);
  if (build.bundleIsStale()) await build.bundle();
  await run(process.execPath, [build.entryPath], {
    env: { ...process.env, SYNTH_HCL_OUTPUT: "true", CDKTF_OUTDIR: outdir, AUTH_ENV: "", CDKTF_CONTEXT_JSON: "" },
  });
  // The CLI formats what the app wrote; the random stand-in relies on that layout.
  await run(TERRAFORM, ["fmt", "-recursive", outdir]);
}

function printResult(result: StackResult): void {
  console.log(result.line);
  if (result.detail) console.log(result.detail.replace(/^/gm, "      "));
}

runAsTool({ name: "validate", usage: USAGE, run: prove });
