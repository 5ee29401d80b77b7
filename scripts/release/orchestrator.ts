/**
 * The blue/green release, independent of AWS: every effect goes through the ports below, so
 * the sequence and its failure handling are tested with fakes and a local HTTP server.
 */

export type Colour = "blue" | "green";

/** The app stack's release variables. */
export interface ReleaseSettings {
  readonly blueImageTag: string;
  readonly greenImageTag: string;
  readonly greenTrafficPercent: number;
  readonly idleCapacity: number;
}

export interface Deployer {
  /** The settings the app stack is deployed with now. */
  current(): Promise<ReleaseSettings>;
  /** Deploys the app stack with these settings (cdktf deploy --var ...). */
  deploy(settings: ReleaseSettings): Promise<void>;
}

export interface Fleet {
  /** Resolves once `count` targets of the colour are healthy; rejects on timeout. */
  waitHealthy(colour: Colour, count: number, signal: AbortSignal): Promise<void>;
}

export interface AlarmWatch {
  /** Names of the environment's alarms in ALARM state. */
  firing(): Promise<string[]>;
}

export interface SmokeTest {
  /** Resolves when every check passes against the idle colour; rejects with what failed. */
  run(signal: AbortSignal): Promise<void>;
}

export interface ReleasePlan {
  readonly imageTag: string;
  /** Share of traffic on the new colour after each step. @default [10, 50, 100] */
  readonly steps: number[];
  /** Wait after each traffic step before checking alarms. */
  readonly bakeMilliseconds: number;
  /** Instances the new colour runs with while it is idle and being tested. */
  readonly fullCapacity: number;
}

export interface ReleasePorts {
  readonly deployer: Deployer;
  readonly fleet: Fleet;
  readonly alarms: AlarmWatch;
  readonly smoke: SmokeTest;
  readonly sleep: (milliseconds: number, signal: AbortSignal) => Promise<void>;
  readonly log: (line: string) => void;
  /** Keeps the settings from before the release, so a separate `--rollback` run can restore them. */
  readonly remember?: (before: ReleaseSettings) => void;
}

/** Exit codes CI reads. */
export const EXIT = { ok: 0, unhealthy: 2, smokeFailed: 3, alarm: 4, deployFailed: 5, interrupted: 130 } as const;

export interface ReleaseOutcome {
  readonly exitCode: number;
  readonly reason: string;
}

const idleColourOf = (settings: ReleaseSettings): Colour => (settings.greenTrafficPercent <= 50 ? "green" : "blue");
const tagKey = (colour: Colour) => (colour === "green" ? "greenImageTag" : "blueImageTag");
/** green_traffic_percent that puts `percent` of traffic on `colour`. */
const greenShare = (colour: Colour, percent: number) => (colour === "green" ? percent : 100 - percent);

class ReleaseFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export async function release(plan: ReleasePlan, ports: ReleasePorts, signal: AbortSignal): Promise<ReleaseOutcome> {
  const { deployer, log } = ports;
  const before = await deployer.current();
  ports.remember?.(before);
  // Alarms already firing are not the new release's doing; only new ones stop it.
  const alreadyFiring = new Set(await ports.alarms.firing());
  const next = idleColourOf(before);
  const previous: Colour = next === "green" ? "blue" : "green";
  let settings: ReleaseSettings = before;
  const deploy = async (change: Partial<ReleaseSettings>, what: string) => {
    settings = { ...settings, ...change };
    log(`-> ${what}`);
    try {
      await deployer.deploy(settings);
    } catch (error) {
      throw new ReleaseFailure(EXIT.deployFailed, `deploy failed (${what}): ${(error as Error).message}`);
    }
  };
  const stopIfInterrupted = () => {
    if (signal.aborted) throw new ReleaseFailure(EXIT.interrupted, "interrupted");
  };

  const liveShare = previous === "green" ? before.greenTrafficPercent : 100 - before.greenTrafficPercent;
  log(`release ${plan.imageTag}: ${previous} is live (${liveShare}% of traffic), ${next} takes the new image`);
  try {
    if (before.idleCapacity > 0) {
      // Otherwise instances of the old image would count as healthy targets of the new one.
      await deploy({ idleCapacity: 0 }, `0/6 empty ${next} first (it still runs ${settings[tagKey(next)]})`);
    }
    await deploy({ [tagKey(next)]: plan.imageTag, idleCapacity: plan.fullCapacity }, `1/6 deploy ${next} with ${plan.imageTag} at ${plan.fullCapacity} instances`);
    stopIfInterrupted();
    log(`-> 2/6 wait for ${plan.fullCapacity} healthy ${next} targets`);
    await ports.fleet.waitHealthy(next, plan.fullCapacity, signal).catch((error) => {
      throw signal.aborted ? new ReleaseFailure(EXIT.interrupted, "interrupted") : new ReleaseFailure(EXIT.unhealthy, `${next} targets did not become healthy: ${error.message}`);
    });
    log("-> 3/6 smoke-test through the test listener");
    await ports.smoke.run(signal).catch((error) => {
      throw signal.aborted ? new ReleaseFailure(EXIT.interrupted, "interrupted") : new ReleaseFailure(EXIT.smokeFailed, `smoke test failed: ${error.message}`);
    });
    for (const percent of plan.steps) {
      stopIfInterrupted();
      await deploy({ greenTrafficPercent: greenShare(next, percent) }, `4/6 shift ${percent}% of traffic to ${next}`);
      log(`   bake ${Math.round(plan.bakeMilliseconds / 1000)} s, then check alarms`);
      await ports.sleep(plan.bakeMilliseconds, signal).catch(() => stopIfInterrupted());
      stopIfInterrupted();
      const firing = (await ports.alarms.firing()).filter((name) => !alreadyFiring.has(name));
      if (firing.length > 0) throw new ReleaseFailure(EXIT.alarm, `alarms firing at ${percent}%: ${firing.join(", ")}`);
    }
    await deploy({ idleCapacity: 0 }, `5/6 scale ${previous} down to 0`);
    log(`6/6 done: ${next} runs ${plan.imageTag} with all traffic`);
    return { exitCode: EXIT.ok, reason: "released" };
  } catch (error) {
    const failure = error instanceof ReleaseFailure ? error : new ReleaseFailure(EXIT.deployFailed, (error as Error).message);
    log(`!! ${failure.message}`);
    log(`<- roll back: all traffic to ${previous}`);
    try {
      await deployer.deploy({ ...settings, greenTrafficPercent: before.greenTrafficPercent, idleCapacity: before.idleCapacity });
      log(`<- rolled back: ${previous} takes all traffic again`);
    } catch (rollbackError) {
      log(`!! rollback failed too: ${(rollbackError as Error).message}; set green_traffic_percent=${before.greenTrafficPercent} by hand`);
    }
    return { exitCode: failure.exitCode, reason: failure.message };
  }
}

/** Puts traffic and idle capacity back as they were before a release (tags stay as they are). */
export async function rollback(before: ReleaseSettings, deployer: Deployer, log: (line: string) => void): Promise<void> {
  const current = await deployer.current();
  log(`<- roll back to ${before.greenTrafficPercent}% on green, idle capacity ${before.idleCapacity}`);
  await deployer.deploy({ ...current, greenTrafficPercent: before.greenTrafficPercent, idleCapacity: before.idleCapacity });
}
