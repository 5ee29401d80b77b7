/** Running the real Terraform offline, against the provider mirror. */
import { execFile } from "child_process";
import { existsSync, writeFileSync } from "fs";
import { join } from "path";
import { promisify } from "util";

const run = promisify(execFile);
export const TERRAFORM = process.env.TERRAFORM_BINARY ?? "/usr/local/bin/terraform";
export const MIRROR = process.env.TERRAFORM_PROVIDER_MIRROR ?? "/opt/tf-plugins";

/** Why Terraform cannot run here, or undefined when it can. */
export function missingToolchain(): string | undefined {
  if (!existsSync(TERRAFORM)) return `terraform not found at ${TERRAFORM}`;
  if (!existsSync(join(MIRROR, "registry.terraform.io/hashicorp/aws"))) return `no hashicorp/aws provider in the mirror at ${MIRROR}`;
  return undefined;
}

/** Writes a CLI config that installs providers from the mirror only, and returns the environment using it. */
export function offlineEnvironment(cliConfigPath: string): NodeJS.ProcessEnv {
  writeFileSync(
    cliConfigPath,
    `provider_installation {
  filesystem_mirror {
    path    = "${MIRROR}"
    include = ["registry.terraform.io/hashicorp/*"]
  }
}
`,
  );
  return { ...process.env, TF_CLI_CONFIG_FILE: cliConfigPath, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
}

/** Runs one Terraform command; a failure carries Terraform's own error output. */
export async function terraform(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(TERRAFORM, [...args, "-no-color"], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error: any) {
    throw new Error(`terraform ${args[0]} failed:\n${error.stderr || error.stdout || error.message}`);
  }
}

/**
 * init (unless the folder is already initialized), then a plan without refresh saved as JSON
 * (`terraform show -json`); returns the plan JSON text.
 */
export async function planAsJson(dir: string, env: NodeJS.ProcessEnv, options: { initialized?: boolean } = {}): Promise<{ json: string; summary: string }> {
  if (!options.initialized) await terraform(dir, env, "init", "-input=false");
  const plan = await terraform(dir, env, "plan", "-input=false", "-lock=false", "-refresh=false", "-out=plan.bin");
  const json = await terraform(dir, env, "show", "-json", "plan.bin");
  return { json, summary: /Plan: .*$/m.exec(plan)?.[0] ?? "No changes." };
}
