/**
 * The offline Terraform proof suite: synthesizes every stack of every environment, then runs
 * the real `terraform init`, `validate` and `plan` on a copy of each stack directory, against
 * the provider mirror, with local stand-ins for what needs AWS. Exit code 1 on any failure.
 */
import { execFile } from "child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { promisify } from "util";
import type { Layer } from "../../src/stacks/auth-stack";
import {
  TerraformJson,
  backendOverride,
  providerOverride,
  remoteStateOverride,
  standInRandomProvider,
  stateWithOutputs,
} from "./overrides";

const run = promisify(execFile);
const TERRAFORM = process.env.TERRAFORM_BINARY ?? "/usr/local/bin/terraform";
const MIRROR = process.env.TERRAFORM_PROVIDER_MIRROR ?? "/opt/tf-plugins";
const PARALLELISM = Number(process.env.PROOF_PARALLELISM ?? 2);

interface StackResult {
  readonly stack: string;
  readonly ok: boolean;
  readonly line: string;
  readonly detail?: string;
}

function missingToolchain(): string | undefined {
  if (!existsSync(TERRAFORM)) return `terraform not found at ${TERRAFORM}`;
  if (!existsSync(join(MIRROR, "registry.terraform.io/hashicorp/aws"))) return `no hashicorp/aws provider in the mirror at ${MIRROR}`;
  return undefined;
}

function cliConfig(path: string): void {
  writeFileSync(
    path,
    `provider_installation {
  filesystem_mirror {
    path    = "${MIRROR}"
    include = ["registry.terraform.io/hashicorp/*"]
  }
}
`,
  );
}

async function terraform(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(TERRAFORM, [...args, "-no-color"], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error: any) {
    throw new Error(`terraform ${args[0]} failed:\n${error.stderr || error.stdout || error.message}`);
  }
}

async function proveStack(stack: string, synthesizedDir: string, workDir: string, stateDir: string, env: NodeJS.ProcessEnv): Promise<StackResult> {
  const dir = join(workDir, stack);
  cpSync(synthesizedDir, dir, { recursive: true });
  const original: TerraformJson = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
  const standIns = ["local backend", "mock credentials"];

  const { stack: json, replaced } = standInRandomProvider(original);
  if (replaced.length > 0) {
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json, null, 2));
    standIns.push(`random_password -> terraform_data (${replaced.length}; hashicorp/random is not mirrored)`);
  }
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

  try {
    await terraform(dir, env, "init", "-input=false");
    await terraform(dir, env, "validate");
    const plan = await terraform(dir, env, "plan", "-input=false", "-lock=false", "-refresh=false");
    const summary = /Plan: .*$/m.exec(plan)?.[0] ?? "No changes.";
    return { stack, ok: true, line: `ok    ${stack}: validated and planned (${summary}); stood in: ${standIns.join(", ")}` };
  } catch (error) {
    return { stack, ok: false, line: `FAIL  ${stack}`, detail: (error as Error).message };
  }
}

async function main(): Promise<void> {
  const missing = missingToolchain();
  if (missing) {
    if (process.env.CI === "true") {
      console.error(`terraform proof: cannot run: ${missing}. CI must have Terraform and the provider mirror.`);
      process.exit(1);
    }
    console.log(`terraform proof: SKIPPED: ${missing} (set CI=true to make this an error)`);
    return;
  }

  const root = mkdtempSync(join(tmpdir(), "auth-terraform-proof-"));
  const outdir = join(root, "cdktf.out");
  const workDir = join(root, "work");
  const stateDir = join(root, "upstream-state");
  mkdirSync(workDir);
  mkdirSync(stateDir);
  // Loaded only now, so a missing toolchain is reported without loading the whole app.
  const [{ buildApp }, { handovers }] = await Promise.all([import("../../src/app"), import("../../src/stacks/handovers")]);
  buildApp({ outdir }).synth();

  for (const [layer, spec] of Object.entries(handovers)) {
    if (spec) writeFileSync(join(stateDir, `${layer as Layer}.tfstate`), JSON.stringify(stateWithOutputs(spec)));
  }
  const cliConfigPath = join(root, "terraform.rc");
  cliConfig(cliConfigPath);
  const env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfigPath, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };

  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  const stacks = Object.values<any>(manifest.stacks).map((entry) => ({
    name: entry.name as string,
    dir: resolve(outdir, entry.workingDirectory),
  }));
  console.log(`terraform proof: ${stacks.length} stacks, terraform ${TERRAFORM}, provider mirror ${MIRROR}`);

  const results: StackResult[] = [];
  const queue = [...stacks];
  await Promise.all(
    Array.from({ length: PARALLELISM }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const result = await proveStack(next.name, next.dir, workDir, stateDir, env);
        console.log(result.line);
        if (result.detail) console.log(result.detail.replace(/^/gm, "      "));
        results.push(result);
      }
    }),
  );

  const failed = results.filter((result) => !result.ok).length;
  if (failed === 0 && !process.env.PROOF_KEEP) rmSync(root, { recursive: true, force: true });
  console.log(`terraform-proof: ${results.length - failed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
