// npm run synth | deploy | diff | list | output -- [--env ENV] [cdktf arguments]
//
// Runs the project's cdktf CLI the way every command here should run it: config validated
// first (one message, exit 2, before the CLI spends 3 s starting), no HashiCorp checkpoint
// calls or version checks, no NODE_OPTIONS warning, and the CLI's V8 code cache preloaded.
import { spawn, spawnSync } from "child_process";
import { existsSync } from "fs";
import { dirname, join, resolve } from "path";
import { fileURLToPath } from "url";
import { bundle, bundleIsStale, configCheckPath } from "./build.mjs";
import { directSynthArguments, synthDirect } from "./synth-direct.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const COMMANDS = ["synth", "deploy", "diff", "list", "output", "destroy"];
/** The only stacks destroy takes: a DR drill's restore stacks, named one by one (npm run dr:teardown). */
const DESTROYABLE = /^auth-[a-z0-9]+-dr-(data|app)$/;
/** The only stack a DNS cutover deploys (npm run dr:cutover): the DR app, which then owns the alias records. */
const CUTOVER_STACK = /^auth-[a-z0-9]+-dr-app$/;
/** Lets `cdktf deploy` apply named stacks without also naming every stack they depend on. */
const IGNORE_DEPENDENCIES = "--ignore-missing-stack-dependencies";
const USAGE = `usage: npm run <synth|deploy|diff|list|output|dr:cutover|dr:teardown> -- [--env ENV] [cdktf arguments]
  --env ENV   narrow the run to one environment (same as AUTH_ENV=ENV)
examples:
  npm run synth -- --env staging
  npm run deploy -- --env staging auth-staging-network
  npm run diff -- --env staging auth-staging-data`;

/** The environment the cdktf CLI and the app run with. */
export function cdktfEnvironment(base = process.env) {
  const env = { ...base, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1" };
  // cdktf only leaves NODE_OPTIONS alone, silently, when it already sets the heap size.
  const codeCache = `--require=${join(root, "scripts", "cli-code-cache.cjs")}`;
  env.NODE_OPTIONS = [
    base.NODE_OPTIONS,
    codeCache,
    "--max-old-space-size=4096",
    "--disable-warning=ExperimentalWarning",
  ]
    .filter(Boolean)
    .join(" ");
  // Terraform warns on every call (and cdktf repeats it as an error) when this names a missing file.
  if (env.TF_CLI_CONFIG_FILE && !existsSync(env.TF_CLI_CONFIG_FILE)) delete env.TF_CLI_CONFIG_FILE;
  return env;
}

/** Splits `--env ENV` off the arguments meant for cdktf. */
export function parseArguments(argv, env = process.env) {
  const [command, ...rest] = argv;
  const passThrough = [];
  let environment;
  for (let index = 0; index < rest.length; index++) {
    if (rest[index] === "--env") {
      environment = rest[++index];
      if (!environment) throw new Error("--env needs an environment name");
    } else if (rest[index].startsWith("--env=")) {
      environment = rest[index].slice("--env=".length);
    } else passThrough.push(rest[index]);
  }
  if (!COMMANDS.includes(command))
    throw new Error(`unknown command "${command ?? ""}" (one of ${COMMANDS.join(", ")})`);
  const stacks = passThrough.filter((argument) => !argument.startsWith("-"));
  if (command === "destroy" && (stacks.length === 0 || !stacks.every((stack) => DESTROYABLE.test(stack)))) {
    throw new Error(
      "destroy only takes the DR restore stacks by name (auth-ENV-dr-app auth-ENV-dr-data): use npm run dr:teardown (a drill) or dr:decommission (a real restore, after fail back)",
    );
  }
  if (env.AUTH_DR_CUTOVER === "1" && (command !== "deploy" || stacks.length !== 1 || !CUTOVER_STACK.test(stacks[0]))) {
    throw new Error(
      "a cutover (AUTH_DR_CUTOVER=1) deploys exactly one stack, auth-ENV-dr-app: npm run dr:cutover -- --env ENV auth-ENV-dr-app",
    );
  }
  // The stacks read each other through remote state, so cdktf's dependency check only restates the
  // deploy order: naming stacks (after the ones they read from are applied) is the operator's order.
  if (
    command === "deploy" &&
    stacks.length > 0 &&
    !stacks.some((stack) => stack.includes("*")) &&
    !passThrough.includes(IGNORE_DEPENDENCIES)
  ) {
    passThrough.push(IGNORE_DEPENDENCIES);
  }
  return { command, environment, passThrough };
}

async function main(argv) {
  if (argv.includes("--help") || argv.includes("-h") || argv.length === 0) {
    console.log(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  let parsed;
  try {
    parsed = parseArguments(argv);
  } catch (error) {
    console.error(`cdktf: ${error.message} (see --help)`);
    return 2;
  }
  const env = cdktfEnvironment();
  if (parsed.environment) env.AUTH_ENV = parsed.environment;
  // synth runs the app in this process, as `cdktf synth` would run it, without the CLI's start-up;
  // options only the CLI knows (and CDKTF_SYNTH_VIA_CLI=1) go to the CLI.
  const direct =
    parsed.command === "synth" && env.CDKTF_SYNTH_VIA_CLI !== "1" && directSynthArguments(parsed.passThrough);
  if (direct) return synthDirect({ root, outdir: resolve(root, direct.output), hcl: direct.hcl, env });
  if (bundleIsStale()) await bundle();
  const check = spawnSync(process.execPath, [configCheckPath], { cwd: root, env, stdio: "inherit" });
  if (check.status !== 0) return 2;

  const cli = spawn(join(root, "node_modules", ".bin", "cdktf"), [parsed.command, ...parsed.passThrough], {
    cwd: root,
    env,
    stdio: "inherit",
  });
  // CI cancels by signalling this process: pass it on so cdktf and Terraform can release locks.
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => cli.kill(signal));
  return new Promise((resolve) => cli.on("exit", (code, signal) => resolve(code ?? (signal === "SIGINT" ? 130 : 143))));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
