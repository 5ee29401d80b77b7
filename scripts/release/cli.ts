/**
 * npm run release -- --env ENV --image-tag TAG [--steps 10,50,100] [--bake-seconds 300] [--check /path[=STATUS]]...
 *
 * Blue/green release of the app stack: deploy the idle colour with the new tag at full capacity,
 * wait for healthy targets, smoke-test it through the test listener, shift traffic in steps with
 * a bake and an alarm check after each, then scale the old colour down. Any failure (or Ctrl-C)
 * sends all traffic back to the old colour. Exit codes: see EXIT in orchestrator.ts.
 */
import { environments } from "../../src/config";
import { selectEnvironments, validateConfigs } from "../../src/config/validate";
import { cdktfDeployer, cloudWatchAlarms, targetHealthFleet } from "./aws";
import { EXIT, release } from "./orchestrator";
import { httpSmokeTest, parseCheck, SmokeCheck } from "./smoke";

function option(args: string[], name: string): string[] {
  return args.flatMap((argument, index) => (argument === name && args[index + 1] ? [args[index + 1]] : []));
}

async function main(args: string[]): Promise<number> {
  const [environment] = option(args, "--env");
  const [imageTag] = option(args, "--image-tag");
  if (!environment || !imageTag) {
    console.error("usage: npm run release -- --env ENV --image-tag TAG [--steps 10,50,100] [--bake-seconds 300] [--check /path[=STATUS]]...");
    return 1;
  }
  const [config] = selectEnvironments(validateConfigs(environments), environment);
  const steps = (option(args, "--steps")[0] ?? "10,50,100").split(",").map(Number);
  const bakeSeconds = Number(option(args, "--bake-seconds")[0] ?? 300);
  const checks: SmokeCheck[] = [{ path: config.app.healthCheckPath, status: 200 }, ...option(args, "--check").map(parseCheck)];
  const stack = `auth-${config.environment}-app`;
  const log = (line: string) => console.log(`[release ${config.environment}] ${line}`);

  const deployer = cdktfDeployer(stack, log);
  const outputs = await deployer.outputs();
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  process.once("SIGTERM", () => controller.abort());
  const outcome = await release(
    { imageTag, steps, bakeMilliseconds: bakeSeconds * 1000, fullCapacity: config.app.capacity.desired },
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
