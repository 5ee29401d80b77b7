/** The app stack, applied with plain Terraform from its synthesized directory. */
import { spawn } from "child_process";
import { join } from "path";
import { stackName } from "../../src/config/naming";
import type { Deployer } from "./ports";

/** How long an apply waits for another holder of the state lock (a plain deploy, say) before failing. */
export const LOCK_TIMEOUT = "10m";

function run(command: string, args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    // Own process group: a Ctrl-C or a CI cancel reaches the release tool, which lets a running
    // apply finish (and release the state lock) before it rolls back, instead of killing it.
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env, detached: true });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk) =>
      String(chunk)
        .split("\n")
        .filter(Boolean)
        .forEach((line) => log(`   ${line}`)),
    );
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args[0]} exited with ${code}`)),
    );
  });
}

/** Addresses a `terraform show -json` plan would change (reads and no-ops are not changes). */
export function pendingAddresses(plan: {
  resource_changes?: { address: string; change: { actions: string[] } }[];
}): string[] {
  return (plan.resource_changes ?? [])
    .filter(({ change }) => !change.actions.every((action) => action === "no-op" || action === "read"))
    .map(({ address }) => address);
}

export interface StackDirectory {
  /** Synthesizes the environment (AUTH_ENV set to it, whatever the caller's environment says). */
  synth(): Promise<void>;
  /** `terraform output -json` of the app stack. */
  outputs(): Promise<Record<string, { value: unknown }>>;
  readonly deployer: Deployer;
}

export function appStackDirectory(environment: string, log: (line: string) => void): StackDirectory {
  const stack = stackName(environment, "app");
  const dir = join("cdktf.out", "stacks", stack);
  const env = {
    ...process.env,
    AUTH_ENV: environment,
    CHECKPOINT_DISABLE: "1",
    DISABLE_VERSION_CHECK: "1",
    TF_IN_AUTOMATION: "1",
  };
  const terraform = (...args: string[]) => run("terraform", [`-chdir=${dir}`, ...args], env, log);
  let initialized = false;
  const init = async () => {
    if (!initialized) await terraform("init", "-input=false");
    initialized = true;
  };
  return {
    async synth() {
      await run("npm", ["run", "--silent", "synth"], env, log);
    },
    async outputs() {
      await init();
      return JSON.parse(await terraform("output", "-json"));
    },
    deployer: {
      async pendingChanges() {
        await init();
        // Read-only: the lease keeps other releases out and deploys share the release's concurrency group.
        await terraform("plan", "-input=false", "-lock=false", "-out=release-preflight.tfplan");
        const plan = JSON.parse(await terraform("show", "-json", "release-preflight.tfplan"));
        return pendingAddresses(plan);
      },
      async apply() {
        await init();
        log(`   terraform apply ${stack}`);
        await terraform("apply", "-input=false", "-auto-approve", `-lock-timeout=${LOCK_TIMEOUT}`);
      },
    },
  };
}
