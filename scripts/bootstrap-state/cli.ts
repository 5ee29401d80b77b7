/**
 * npm run bootstrap -- --env ENV              first apply of auth-ENV-bootstrap, state in .bootstrap-state/
 * npm run bootstrap -- --env ENV --migrate    move that state into the bucket the first apply created
 */
import { execFile, spawn } from "child_process";
import { join } from "path";
import { promisify } from "util";
import { environments } from "../../src/config";
import { selectEnvironments, validateConfigs, ConfigError } from "../../src/config/rules/validate";
import { projectRoot } from "../../src/project-root";
import { stackName } from "../../src/config/naming";
import { LOCAL_STATE_FOLDER, localStateFile } from "../../src/stacks/shared/local-state";
import { EXIT, UsageError, main, parseCommandLine } from "../cli/command-line";
import { migrateLocalState } from "./migrate";

const USAGE = `usage: npm run bootstrap -- --env ENV [--migrate]
  Without --migrate: the first apply of auth-ENV-bootstrap (the state bucket and CI roles), keeping
  that stack's state in ${LOCAL_STATE_FOLDER}/auth-ENV-bootstrap.tfstate (git-ignored, outside cdktf.out,
  so no synth can delete it). Needs AWS credentials for the environment's account.
  With --migrate: synthesizes the stack with the S3 backend and pushes that local state into the
  bucket (terraform init + state push + state list), then renames the local file to *.migrated.
  Refuses (exit 1) when the bucket already holds state for the stack.`;

const run = promisify(execFile);

function cdktf(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, [join(projectRoot(), "scripts", "cdktf.mjs"), ...args], {
    stdio: "inherit",
    env,
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? EXIT.interrupted)));
}

async function bootstrap(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, { env: { type: "string" }, migrate: { type: "boolean" } });
  if (!values.env) throw new UsageError("--env is required");
  try {
    selectEnvironments(validateConfigs(environments), values.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.problems.join("; "));
    throw error;
  }
  const stack = stackName(values.env, "bootstrap");
  const localFile = localStateFile(join(projectRoot(), LOCAL_STATE_FOLDER), stack);
  const env = { ...process.env, AUTH_ENV: values.env };

  if (!values.migrate) {
    console.log(`bootstrap: first apply of ${stack}, state kept in ${localFile}`);
    return cdktf(["deploy", "--env", values.env, stack], { ...env, AUTH_BOOTSTRAP_LOCAL_STATE: "1" });
  }
  const synthesized = await cdktf(["synth", "--env", values.env], { ...env, AUTH_BOOTSTRAP_LOCAL_STATE: "" });
  if (synthesized !== 0) return synthesized;
  const stackDir = join(projectRoot(), "cdktf.out", "stacks", stack);
  const terraform = async (...args: string[]) =>
    (
      await run(process.env.TERRAFORM_BINARY ?? "terraform", args, {
        cwd: stackDir,
        env: { ...env, CHECKPOINT_DISABLE: "1" },
        maxBuffer: 64 << 20,
      })
    ).stdout;
  const outcome = await migrateLocalState(localFile, terraform, (line) => console.log(`bootstrap: ${line}`));
  if (outcome.kind === "refused") {
    console.error(`bootstrap: refused: ${outcome.reason}`);
    return EXIT.refused;
  }
  console.log(
    `bootstrap: ${outcome.resources} resource instances now in the bucket; the local file is kept as ${outcome.keptAs}`,
  );
  return EXIT.ok;
}

main({ name: "bootstrap", usage: USAGE, run: bootstrap });
