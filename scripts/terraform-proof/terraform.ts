/** Running the real Terraform offline, against the provider mirror. */
import { execFile } from "child_process";
import { createHash } from "crypto";
import { cpSync, existsSync, mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { promisify } from "util";
import { backendOverride } from "./overrides";

const run = promisify(execFile);
export const TERRAFORM = process.env.TERRAFORM_BINARY ?? "/usr/local/bin/terraform";
export const MIRROR = process.env.TERRAFORM_PROVIDER_MIRROR ?? "/opt/tf-plugins";

/** Why Terraform cannot run here, or undefined when it can. */
export function missingToolchain(): string | undefined {
  if (!existsSync(TERRAFORM)) return `terraform not found at ${TERRAFORM}`;
  if (!existsSync(join(MIRROR, "registry.terraform.io/hashicorp/aws")))
    return `no hashicorp/aws provider in the mirror at ${MIRROR}`;
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
    throw new Error(`terraform ${args[0]} failed:\n${error.stderr || error.stdout || error.message}`, { cause: error });
  }
}

/**
 * init (unless the folder is already initialized), then a plan without refresh saved as JSON
 * (`terraform show -json`); returns the plan JSON text.
 */
export async function planAsJson(
  dir: string,
  env: NodeJS.ProcessEnv,
  options: { initialized?: boolean } = {},
): Promise<{ json: string; summary: string }> {
  if (!options.initialized) await terraform(dir, env, "init", "-input=false");
  const plan = await terraform(dir, env, "plan", "-input=false", "-lock=false", "-refresh=false", "-out=plan.bin");
  const json = await terraform(dir, env, "show", "-json", "plan.bin");
  return { json, summary: /Plan: .*$/m.exec(plan)?.[0] ?? "No changes." };
}

/**
 * `terraform init` once per distinct provider set and backend, then its working data (`.terraform`,
 * whose provider entries are links into the mirror, and the one lock file) copied into every
 * directory that needs the same. Terraform documents its plugin cache as unsafe for concurrent
 * `init` (https://developer.hashicorp.com/terraform/cli/config/config-file#provider-plugin-cache),
 * so the inits run one after another, before the directories validate and plan in parallel.
 * A configuration with modules is initialized in its own directory: its modules are not shared.
 */
export class SharedInit {
  private readonly prepared = new Map<string, Promise<string>>();
  private queue: Promise<unknown> = Promise.resolve();
  /** How many times Terraform's init actually ran. */
  inits = 0;

  constructor(
    private readonly root: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Initializes `dir`, whose configuration requires `requiredProviders`, with the local backend or none. */
  async install(
    dir: string,
    requiredProviders: unknown,
    options: { backend: boolean; hasModules?: boolean },
  ): Promise<void> {
    if (options.hasModules) {
      await this.serialized(() =>
        terraform(dir, this.env, "init", "-input=false", ...(options.backend ? [] : ["-backend=false"])),
      );
      return;
    }
    const key = JSON.stringify({ requiredProviders, backend: options.backend });
    if (!this.prepared.has(key))
      this.prepared.set(
        key,
        this.serialized(() => this.initTemplate(key, requiredProviders, options.backend)),
      );
    const template = await this.prepared.get(key)!;
    cpSync(join(template, ".terraform"), join(dir, ".terraform"), { recursive: true, verbatimSymlinks: true });
    cpSync(join(template, ".terraform.lock.hcl"), join(dir, ".terraform.lock.hcl"));
  }

  private serialized<T>(step: () => Promise<T>): Promise<T> {
    const result = this.queue.then(step);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async initTemplate(key: string, requiredProviders: unknown, backend: boolean): Promise<string> {
    const dir = join(
      this.root,
      `init-${this.prepared.size}-${createHash("sha256").update(key).digest("hex").slice(0, 8)}`,
    );
    mkdirSync(dir, { recursive: true });
    // The same backend block the proof's override writes, so the copied backend state matches it.
    const terraformBlock = { required_providers: requiredProviders, ...(backend ? backendOverride().terraform : {}) };
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: terraformBlock }));
    await terraform(dir, this.env, "init", "-input=false", ...(backend ? [] : ["-backend=false"]));
    this.inits++;
    return dir;
  }
}
