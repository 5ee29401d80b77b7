/**
 * The blue/green release as a state machine over the release state in AWS. Every effect goes
 * through the ports, so each path (first release, same digest twice, crash and resume, signals,
 * a held lease, the scan gate) is tested with fakes.
 *
 * Each step writes the state first and then applies the app stack, and every step can be
 * repeated: a run that dies anywhere leaves a state from which `--resume` or `--rollback` goes on.
 */
import { targetGroupAlarmName, TARGET_GROUP_ALARMS } from "../../src/constructs/monitoring/alarm-names";
import {
  Colour,
  greenPercentFor,
  InFlightRelease,
  isSplit,
  liveColourOf,
  otherColour,
  ReleaseState,
  trafficOf,
} from "../../src/release/release-state";
import { referencedDigests } from "../../src/release/image-protection";
import { EXIT, ExitCode } from "../cli/command-line";
import type {
  AlarmWatch,
  AmiSource,
  Clock,
  Deployer,
  Fleet,
  ImageRegistry,
  LeaseRecord,
  ReleaseStore,
  ReleaseTags,
  SmokeTest,
} from "./ports";
import { HeldLease, LeaseLostError } from "./ports";
import { scanGate, ScanGatePolicy } from "./scan-gate";

export interface ReleasePorts {
  readonly store: ReleaseStore;
  readonly deployer: Deployer;
  readonly fleet: Fleet;
  readonly alarms: AlarmWatch;
  readonly images: ImageRegistry;
  readonly releaseTags: ReleaseTags;
  readonly ami: AmiSource;
  readonly smoke: SmokeTest;
  readonly clock: Clock;
  readonly log: (line: string) => void;
}

export interface EnvironmentFacts {
  /** Environment name (alarm names). */
  readonly environment: string;
  /** Capacity of a colour taking traffic. */
  readonly capacity: { readonly desired: number; readonly max: number };
  readonly scanGate: ScanGatePolicy;
}

/** What the operator asked for. */
export type ReleaseRequest =
  | {
      readonly action: "release";
      /** The image, by digest. */
      readonly digest: string;
      /** Share of traffic on the new colour after each step, strictly increasing, ending at 100; no default here (the CLI's --steps has one). */
      readonly steps: readonly number[];
      /** How long each step watches the alarms before the next. */
      readonly bakeMilliseconds: number;
    }
  | { readonly action: "resume"; readonly bakeMilliseconds: number }
  | { readonly action: "rollback" }
  /** Roll back an interrupted release if one is recorded, nothing otherwise: CI's clean-up after a cancel. */
  | { readonly action: "abort" }
  /** Tag what the recorded state references and untag the rest: the first run after lifecycle protection arrives, or a retry of a failed tidy-up. */
  | { readonly action: "protect-images" };

export interface RunOptions {
  /** Unique id of this run and who runs it (CI run URL or user@host). */
  readonly runId: string;
  readonly holder: string;
  /** How long the lease is valid; longer than any release. */
  readonly leaseSeconds: number;
  /**
   * Take over a lease whose expiry has passed (its holder died), or one held under this run's
   * own holder name: in CI the holder is the job's run URL and attempt, and steps run one after
   * another, so such a lease was left by an earlier step of this job that was killed.
   */
  readonly takeOverStaleLease?: boolean;
}

export interface ReleaseOutcome {
  readonly exitCode: ExitCode;
  readonly message: string;
}

/** A problem with the request given the current state: exit 2. */
export class RequestError extends Error {}

/** A release that must stop; traffic goes back to the old colour. */
class Stop extends Error {}

const outcome = (exitCode: ExitCode, message: string): ReleaseOutcome => ({ exitCode, message });

/** Runs one request under the environment's lease. */
export async function runRelease(
  request: ReleaseRequest,
  facts: EnvironmentFacts,
  ports: ReleasePorts,
  options: RunOptions,
  signal: AbortSignal,
): Promise<ReleaseOutcome> {
  const { store, clock, log } = ports;
  const now = clock.now();
  const lease: LeaseRecord = {
    runId: options.runId,
    holder: options.holder,
    acquiredAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + options.leaseSeconds * 1000).toISOString(),
  };
  let attempt = await store.acquire(lease);
  if (
    !attempt.acquired &&
    options.takeOverStaleLease &&
    (Date.parse(attempt.heldBy.expiresAt) <= now.getTime() || attempt.heldBy.holder === options.holder)
  ) {
    log(
      `taking over the lease of ${attempt.heldBy.holder} (acquired ${attempt.heldBy.acquiredAt}, expires ${attempt.heldBy.expiresAt})`,
    );
    await store.breakStale(attempt.heldBy);
    attempt = await store.acquire(lease);
  }
  if (!attempt.acquired) {
    const { holder, acquiredAt, expiresAt } = attempt.heldBy;
    const stale = Date.parse(expiresAt) <= now.getTime();
    return outcome(
      EXIT.refused,
      `another release of ${facts.environment} holds the lease: ${holder} since ${acquiredAt}` +
        (stale ? ` (expired ${expiresAt}; if that run is dead, add --take-over-stale-lease)` : ` (until ${expiresAt})`),
    );
  }
  const held = attempt.held;
  try {
    return await new Run(facts, ports, held, signal).execute(request);
  } catch (error) {
    // Whoever took the lease over owns the release now: this run stops where it is.
    if (error instanceof LeaseLostError)
      return outcome(EXIT.failed, `${error.message}; stopped without rolling anything forward or back`);
    throw error;
  } finally {
    await store.release(held).catch((error) => log(`!! could not release the lease: ${(error as Error).message}`));
  }
}

class Run {
  private readonly log: (line: string) => void;
  /** Digests this run has already tagged in every repository. */
  private readonly protectedDigests = new Set<string>();

  constructor(
    private readonly facts: EnvironmentFacts,
    private readonly ports: ReleasePorts,
    private readonly lease: HeldLease,
    private readonly signal: AbortSignal,
  ) {
    this.log = ports.log;
  }

  async execute(request: ReleaseRequest): Promise<ReleaseOutcome> {
    const state = await this.ports.store.read();
    switch (request.action) {
      case "release":
        return this.start(state, request);
      case "resume":
        if (!state.inFlight) throw new RequestError("there is no interrupted release to resume");
        this.log(
          `resume the release of ${state.inFlight.digest} to ${state.inFlight.to} (${trafficOf(state, state.inFlight.to)}% of traffic on it)`,
        );
        return this.guarded(state.inFlight, () => this.proceed(state.inFlight!, request.bakeMilliseconds, true));
      case "rollback":
        if (state.inFlight) return this.finishRollback(state.inFlight, "requested");
        return this.rollBackFinished(state);
      case "abort":
        if (state.inFlight) return this.finishRollback(state.inFlight, "the run was interrupted");
        return outcome(EXIT.ok, "nothing to abort: no interrupted release is recorded");
      case "protect-images": {
        const digests = referencedDigests(state);
        await this.ports.releaseTags.protect(digests);
        await this.prune(state);
        return outcome(
          EXIT.ok,
          `protected ${digests.length > 0 ? digests.join(", ") : "nothing (no release recorded)"}`,
        );
      }
    }
  }

  /** A new release: refuses on a split or interrupted state, does nothing when the digest is live. */
  private async start(
    state: ReleaseState,
    request: Extract<ReleaseRequest, { action: "release" }>,
    scan = true,
  ): Promise<ReleaseOutcome> {
    if (state.inFlight) {
      const { digest, to } = state.inFlight;
      return outcome(
        EXIT.refused,
        `a release of ${digest} to ${to} was interrupted with ${trafficOf(state, to)}% of traffic on ${to}: run again with --resume or --rollback`,
      );
    }
    if (isSplit(state)) {
      return outcome(
        EXIT.refused,
        `traffic is split (${state.greenTrafficPercent}% on green) with no release recorded: set greenTrafficPercent to 0 or 100 by hand first`,
      );
    }
    const live = liveColourOf(state);
    const next = otherColour(live);
    if (state[live].digest === request.digest) {
      return outcome(EXIT.ok, `nothing to do: ${request.digest} is live on ${live} with all traffic`);
    }

    if (!(await this.ports.images.exists(request.digest)))
      return outcome(EXIT.refused, `${request.digest} is not in the repository: push it first`);
    if (scan) {
      const refusal = await this.scanGate(request.digest);
      if (refusal) return refusal;
    }
    const missing = await this.ports.alarms.missing(this.colourAlarms(next));
    if (missing.length > 0)
      return outcome(
        EXIT.refused,
        `the ${next} colour's alarms do not exist (${missing.join(", ")}): deploy the app stack first`,
      );
    // A release applies the app stack; anything else that stack would change skipped plan review.
    const pending = await this.ports.deployer.pendingChanges();
    if (pending.length > 0) {
      const shown = pending.slice(0, 5).join(", ") + (pending.length > 5 ? ` and ${pending.length - 5} more` : "");
      return outcome(
        EXIT.refused,
        `the app stack has changes no deploy has applied (${shown}): deploy them through the reviewed plan first; a release applies release settings only`,
      );
    }

    const amiId = await this.ports.ami.latest();
    const liveDesired = state[live].digest === "" ? 0 : await this.ports.fleet.desiredCapacity(live);
    // The new colour must carry what the live one carries now, not just the configured desired.
    const fullCapacity = Math.min(this.facts.capacity.max, Math.max(this.facts.capacity.desired, liveDesired));
    // With no image live there is no traffic to protect: the first release moves it in one step.
    const steps = state[live].digest === "" ? [100] : [...request.steps];
    const inFlight: InFlightRelease = {
      to: next,
      digest: request.digest,
      steps,
      fullCapacity,
      startedAt: this.ports.clock.now().toISOString(),
      startedBy: this.lease.holder,
      alarmsFiringAtStart: await this.ports.alarms.firing(),
      before: {
        blue: state.blue,
        green: state.green,
        greenTrafficPercent: state.greenTrafficPercent,
        idleCapacity: state.idleCapacity,
      },
    };
    this.log(
      `release ${request.digest}: ${live} is live, ${next} takes the new image on ${amiId} at ${fullCapacity} instances; steps ${steps.join(", ")}%`,
    );
    return this.guarded(inFlight, async () => {
      if (state.idleCapacity > 0) {
        // Otherwise instances of the old image would count as healthy targets of the new one.
        await this.commit(
          { ...state, idleCapacity: 0, inFlight },
          `1/6 empty ${next} first (it still runs ${state[next].digest || "nothing"})`,
        );
      }
      await this.commit(
        { ...state, [next]: { digest: request.digest, amiId }, idleCapacity: fullCapacity, inFlight },
        `1/6 deploy ${next} with ${request.digest} at ${fullCapacity} instances`,
      );
      return this.proceed(inFlight, request.bakeMilliseconds, false);
    });
  }

  /** Refuses an image whose scan has findings at or above the configured severity, unless excepted. */
  private async scanGate(digest: string): Promise<ReleaseOutcome | undefined> {
    let findings;
    try {
      findings = await this.ports.images.findings(digest);
    } catch (error) {
      return outcome(EXIT.refused, `scan gate: no complete scan of ${digest}: ${(error as Error).message}`);
    }
    const verdict = scanGate(findings, this.facts.scanGate);
    for (const { finding, reason } of verdict.accepted)
      this.log(`scan: ${finding.name} (${finding.severity}) accepted: ${reason}`);
    if (verdict.blocking.length === 0) return undefined;
    const list = verdict.blocking.map((finding) => `${finding.name} (${finding.severity})`).join(", ");
    return outcome(
      EXIT.refused,
      `scan gate: ${verdict.blocking.length} finding(s) at or above ${this.facts.scanGate.failAt}: ${list}`,
    );
  }

  /** From wherever the release stands: health and smoke test at 0%, the remaining steps, then finish. */
  private async proceed(
    inFlight: InFlightRelease,
    bakeMilliseconds: number,
    resuming: boolean,
  ): Promise<ReleaseOutcome> {
    const { to } = inFlight;
    let state = await this.ports.store.read();
    if (resuming) await this.apply("converge the stack on the recorded state");
    let share = trafficOf(state, to);
    if (share === 0) {
      this.stopIfInterrupted();
      this.log(`-> 2/6 wait for ${inFlight.fullCapacity} healthy ${to} targets`);
      await this.ports.fleet
        .waitHealthy(to, inFlight.fullCapacity, this.signal)
        .catch((error) => this.fail(`${to} targets did not become healthy: ${error.message}`));
      this.log("-> 3/6 smoke-test through the test listener");
      await this.ports.smoke.run(this.signal).catch((error) => this.fail(`smoke test failed: ${error.message}`));
    } else if (resuming && share < 100) {
      await this.bake(inFlight, share, bakeMilliseconds);
    }
    for (const percent of inFlight.steps.filter((step) => step > share)) {
      this.stopIfInterrupted();
      state = await this.commit(
        { ...state, greenTrafficPercent: greenPercentFor(to, percent) },
        `4/6 shift ${percent}% of traffic to ${to}`,
      );
      share = percent;
      await this.bake(inFlight, percent, bakeMilliseconds);
    }
    const old = otherColour(to);
    if (state.idleCapacity !== 0)
      state = await this.commit({ ...state, idleCapacity: 0 }, `5/6 scale ${old} down to 0`);
    await this.ports.store.write({ ...state, inFlight: null }, this.lease);
    this.log(`6/6 done: ${to} runs ${inFlight.digest} with all traffic`);
    await this.prune({ ...state, inFlight: null });
    return outcome(EXIT.ok, `released ${inFlight.digest} on ${to}`);
  }

  private async bake(inFlight: InFlightRelease, percent: number, bakeMilliseconds: number): Promise<void> {
    this.log(`   bake ${Math.round(bakeMilliseconds / 1000)} s at ${percent}%, then check alarms`);
    await this.ports.clock.sleep(bakeMilliseconds, this.signal).catch(() => this.stopIfInterrupted());
    this.stopIfInterrupted();
    const own = new Set(this.colourAlarms(inFlight.to));
    const ignored = new Set(inFlight.alarmsFiringAtStart);
    // The new colour's own alarms always count; others only when they started firing during the release.
    const firing = (await this.ports.alarms.firing()).filter((name) => own.has(name) || !ignored.has(name));
    if (firing.length > 0) this.fail(`alarms firing at ${percent}%: ${firing.join(", ")}`);
  }

  /** Runs `body`; on any failure or signal, rolls back and reports why. */
  private async guarded(inFlight: InFlightRelease, body: () => Promise<ReleaseOutcome>): Promise<ReleaseOutcome> {
    try {
      return await body();
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      const interrupted = this.signal.aborted;
      const reason = interrupted ? "interrupted" : (error as Error).message;
      this.log(`!! ${reason}`);
      const rolledBack = await this.finishRollback(inFlight, reason);
      if (rolledBack.exitCode !== EXIT.ok) return rolledBack;
      return outcome(
        interrupted ? EXIT.interrupted : error instanceof Stop ? EXIT.refused : EXIT.failed,
        `${reason}; rolled back`,
      );
    }
  }

  /**
   * Back to the state from before `inFlight`: the old colour's capacity first (and its targets
   * healthy), then all traffic, then the rest. Runs to the end even after a signal.
   */
  private async finishRollback(inFlight: InFlightRelease, reason: string): Promise<ReleaseOutcome> {
    const old = otherColour(inFlight.to);
    const { before } = inFlight;
    const noSignal = new AbortController().signal;
    try {
      let state = await this.ports.store.read();
      this.log(`<- roll back (${reason}): ${old} takes all traffic again`);
      const oldCapacity = trafficOf(state, old) > 0 ? inFlight.fullCapacity : state.idleCapacity;
      if (before[old].digest !== "" && oldCapacity < inFlight.fullCapacity) {
        state = await this.commit(
          { ...state, idleCapacity: inFlight.fullCapacity },
          `<- restore ${old} to ${inFlight.fullCapacity} instances before moving traffic`,
          noSignal,
        );
        await this.ports.fleet.waitHealthy(old, inFlight.fullCapacity, noSignal);
      }
      if (state.greenTrafficPercent !== before.greenTrafficPercent) {
        state = await this.commit(
          { ...state, greenTrafficPercent: before.greenTrafficPercent },
          `<- all traffic to ${old}`,
          noSignal,
        );
      }
      state = await this.commit(
        { version: 1, ...before, inFlight: null },
        `<- ${inFlight.to} back to ${before[inFlight.to].digest || "no image"}, idle capacity ${before.idleCapacity}`,
        noSignal,
      );
      await this.prune(state);
      return outcome(EXIT.ok, `rolled back: ${old} runs ${before[old].digest || "nothing"} with all traffic`);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      return outcome(
        EXIT.failed,
        `rollback failed: ${(error as Error).message}; the release is still recorded, run again with --rollback`,
      );
    }
  }

  /** --rollback after a finished release: release the previous digest, still recorded on the idle colour. */
  private async rollBackFinished(state: ReleaseState): Promise<ReleaseOutcome> {
    const idle = otherColour(liveColourOf(state));
    if (isSplit(state) || state[idle].digest === "")
      throw new RequestError("there is no earlier release to roll back to");
    this.log(`roll back to the previous release ${state[idle].digest} (on ${idle})`);
    // It ran before, so no scan gate: a new finding must not block the way back.
    return this.start(
      state,
      { action: "release", digest: state[idle].digest, steps: [100], bakeMilliseconds: 0 },
      false,
    );
  }

  /**
   * Tags the images the state references, writes the state, then applies the stack: the order
   * that makes every step repeatable, and no state ever names an image a lifecycle rule may expire.
   */
  private async commit(state: ReleaseState, what: string, signal = this.signal): Promise<ReleaseState> {
    this.log(`-> ${what}`);
    const unprotected = referencedDigests(state).filter((digest) => !this.protectedDigests.has(digest));
    if (unprotected.length > 0) {
      await this.ports.releaseTags.protect(unprotected);
      unprotected.forEach((digest) => this.protectedDigests.add(digest));
    }
    await this.ports.store.write(state, this.lease);
    await this.apply(what, signal);
    return state;
  }

  /** Untags what `state` no longer references; a failure only costs storage, so it is logged, not fatal. */
  private async prune(state: ReleaseState): Promise<void> {
    try {
      for (const line of await this.ports.releaseTags.prune(referencedDigests(state)))
        this.log(`untagged superseded ${line}`);
    } catch (error) {
      this.log(
        `!! could not untag superseded releases (npm run release -- --protect-images retries): ${(error as Error).message}`,
      );
    }
  }

  private async apply(what: string, signal = this.signal): Promise<void> {
    try {
      await this.ports.deployer.apply(signal);
    } catch (error) {
      throw new Error(`apply failed (${what}): ${(error as Error).message}`, { cause: error });
    }
  }

  private colourAlarms(colour: Colour): string[] {
    return TARGET_GROUP_ALARMS.map((alarm) => targetGroupAlarmName(this.facts.environment, colour, alarm));
  }

  private stopIfInterrupted(): void {
    if (this.signal.aborted) throw new Stop("interrupted");
  }

  private fail(message: string): never {
    if (this.signal.aborted) throw new Stop("interrupted");
    throw new Stop(message);
  }
}
