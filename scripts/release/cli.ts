/** npm run release: the thin shell around orchestrator.ts. See USAGE in arguments.ts. */
import { hostname, userInfo } from "os";
import { randomUUID } from "crypto";
import { environments } from "../../src/config";
import { validateConfigs } from "../../src/config/rules/validate";
import { alarmPrefix } from "../../src/constructs/monitoring/alarm-names";
import { appHandover } from "../../src/stacks/app/app-handover";
import { readHandover } from "../../src/stacks/shared/handover";
import { stackName } from "../../src/config/naming";
import { EXIT, main, UsageError } from "../cli/command-line";
import { imageRegions } from "../../src/release/image-protection";
import { parseReleaseArguments, USAGE } from "./arguments";
import { RequestError, runRelease } from "./orchestrator";
import { httpSmokeTest } from "./smoke";
import { appStackDirectory } from "./terraform-deployer";

/** Longer than any release (the CI job's timeout is 150 minutes). */
const LEASE_SECONDS = 3 * 3600;

async function run(argv: string[]): Promise<number> {
  const configs = validateConfigs(environments);
  // The environment comes from --env only: an AUTH_ENV left in the shell must not pick another one.
  const args = parseReleaseArguments(
    argv,
    configs.map((config) => config.environment),
  );
  const config = configs.find((candidate) => candidate.environment === args.environment)!;
  // The AWS SDK loads only once the arguments are known to be good: usage errors and --help stay fast.
  const [
    { al2023Ami, awsFleet, cloudWatchAlarms, ecrImages, ecrRepositoryTags },
    { dynamoDbItemApi, dynamoDbStore },
    { releaseTagger },
  ] = await Promise.all([import("./aws"), import("./dynamodb-store"), import("./release-tags")]);
  const log = (line: string) => console.log(`[release ${config.environment}] ${line}`);
  const region = config.aws.region;

  const stack = appStackDirectory(config.environment, log);
  log("synthesize and read the app stack's outputs");
  await stack.synth();
  const outputs = readHandover(stackName(config.environment, "app"), appHandover, await stack.outputs());

  const controller = new AbortController();
  const onSignal = (name: string) => () => {
    if (controller.signal.aborted) return log(`${name} again: still rolling back, please wait`);
    log(`${name}: stopping; traffic goes back to the old colour`);
    controller.abort();
  };
  process.on("SIGINT", onSignal("SIGINT"));
  process.on("SIGTERM", onSignal("SIGTERM"));

  // In CI: the job's run URL, attempt and job name, so a later step of the same job can reclaim the lease.
  const runUrl = process.env.GITHUB_RUN_ID
    ? `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}/attempts/${process.env.GITHUB_RUN_ATTEMPT} ${process.env.GITHUB_JOB}`
    : undefined;
  try {
    const result = await runRelease(
      args.request,
      { environment: config.environment, capacity: config.app.capacity, scanGate: config.registry.scanGate },
      {
        store: dynamoDbStore(dynamoDbItemApi(config.environment, region), config.environment),
        deployer: stack.deployer,
        fleet: awsFleet(outputs.target_group_arns, outputs.group_names, region),
        alarms: cloudWatchAlarms(`${alarmPrefix(config.environment)}-`, region),
        images: ecrImages(config.registry.repositoryName, region),
        releaseTags: releaseTagger(
          config.environment,
          imageRegions(config).map((imageRegion) => ecrRepositoryTags(config.registry.repositoryName, imageRegion)),
        ),
        ami: al2023Ami(region),
        smoke: httpSmokeTest(outputs.test_listener_url, [
          { path: config.app.healthCheckPath, status: 200 },
          ...args.checks,
        ]),
        clock: {
          now: () => new Date(),
          sleep: (milliseconds, signal) =>
            new Promise((resolve, reject) => {
              const timer = setTimeout(resolve, milliseconds);
              signal.addEventListener("abort", () => (clearTimeout(timer), reject(new Error("interrupted"))), {
                once: true,
              });
            }),
        },
        log,
      },
      {
        runId: randomUUID(),
        holder: runUrl ?? `${userInfo().username}@${hostname()}`,
        leaseSeconds: LEASE_SECONDS,
        takeOverStaleLease: args.takeOverStaleLease,
      },
      controller.signal,
    );
    (result.exitCode === EXIT.ok ? console.log : console.error)(`release: ${result.message}`);
    return result.exitCode;
  } catch (error) {
    if (error instanceof RequestError) throw new UsageError(error.message);
    throw error;
  }
}

main({ name: "release", usage: USAGE, run });
