/**
 * npm run release -- --env ENV --image-tag TAG [--steps 10,50,100] [--bake-seconds 300] [--check /path[=STATUS]]...
 * npm run release -- --env ENV --redeploy     deploy the app stack again with its current release settings
 * npm run release -- --env ENV --rollback     restore traffic as it was before the last release started
 *
 * Blue/green release of the app stack: deploy the idle colour with the new tag at full capacity,
 * wait for healthy targets, smoke-test it through the test listener, shift traffic in steps with
 * a bake and an alarm check after each, then scale the old colour down. Any failure (or Ctrl-C)
 * sends all traffic back to the old colour. Exit codes: see EXIT in orchestrator.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { environments } from "../../src/config";
import { selectEnvironments, validateConfigs } from "../../src/config/validate";
import { cdktfDeployer, cloudWatchAlarms, currentDesiredCapacity, targetHealthFleet } from "./aws";
import { EXIT, ReleaseSettings, release, rollback } from "./orchestrator";
import { httpSmokeTest, parseCheck, SmokeCheck } from "./smoke";

function option(args: string[], name: string): string[] {
  return args.flatMap((argument, index) => (argument === name && args[index + 1] ? [args[index + 1]] : []));
}

async function main(args: string[]): Promise<number> {
  const [environment] = option(args, "--env");
  const [imageTag] = option(args, "--image-tag");
  const mode = args.includes("--rollback") ? "rollback" : args.includes("--redeploy") ? "redeploy" : "release";
  if (!environment || (mode === "release" && !imageTag)) {
    console.error("usage: npm run release -- --env ENV (--image-tag TAG [--steps 10,50,100] [--bake-seconds 300] [--check /path[=STATUS]]... | --redeploy | --rollback)");
    return 1;
  }
  const [config] = selectEnvironments(validateConfigs(environments), environment);
  const stack = `auth-${config.environment}-app`;
  const log = (line: string) => console.log(`[release ${config.environment}] ${line}`);
  const { release: defaults } = config.app;
  const deployer = cdktfDeployer(stack, defaults, log);
  const memory = join(".release", `${config.environment}.json`);

  if (mode === "redeploy") {
    const current = await deployer.current();
    log(`redeploy with the current release settings ${JSON.stringify(current)}`);
    await deployer.deploy(current);
    return EXIT.ok;
  }
  if (mode === "rollback") {
    const before: ReleaseSettings = JSON.parse(readFileSync(memory, "utf8"));
    await rollback(before, deployer, log);
    return EXIT.ok;
  }

  const steps = (option(args, "--steps")[0] ?? "10,50,100").split(",").map(Number);
  const bakeSeconds = Number(option(args, "--bake-seconds")[0] ?? 300);
  const checks: SmokeCheck[] = [{ path: config.app.healthCheckPath, status: 200 }, ...option(args, "--check").map(parseCheck)];
  const outputs = await deployer.outputs();
  const current = await deployer.current();
  const liveGroup = outputs.group_names?.[current.greenTrafficPercent <= 50 ? "blue" : "green"];
  const liveDesired = liveGroup ? ((await currentDesiredCapacity(liveGroup, config.aws.region)) ?? 0) : 0;
  // The new colour must carry what the live one carries now, not just the configured desired.
  const fullCapacity = Math.min(config.app.capacity.max, Math.max(config.app.capacity.desired, liveDesired));

  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  process.once("SIGTERM", () => controller.abort());
  const outcome = await release(
    { imageTag, steps, bakeMilliseconds: bakeSeconds * 1000, fullCapacity },
    {
      deployer,
      fleet: targetHealthFleet(outputs.target_group_arns, config.aws.region),
      alarms: cloudWatchAlarms(`auth-${config.environment}-`, config.aws.region),
      smoke: httpSmokeTest(outputs.test_listener_url, checks),
      sleep: (milliseconds, signal) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, milliseconds);
          signal.addEventListener("abort", () => (clearTimeout(timer), reject(new Error("interrupted"))), { once: true });
        }),
      log,
      remember: (before) => {
        mkdirSync(".release", { recursive: true });
        writeFileSync(memory, JSON.stringify(before));
      },
    },
    controller.signal,
  );
  log(outcome.exitCode === EXIT.ok ? "released" : `failed (exit ${outcome.exitCode}): ${outcome.reason}`);
  return outcome.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
