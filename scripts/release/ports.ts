/** What the release orchestrator needs from the world. Real ones in aws.ts/dynamodb-store.ts/terraform-deployer.ts, fakes in the tests. */
import type { Colour, ReleaseState } from "../../src/release/release-state";
import type { Finding } from "./scan-gate";

/** Who holds the lease of an environment, as written into the lease parameter. */
export interface LeaseRecord {
  /** Unique per run; only the holder may write the state or release the lease. */
  readonly runId: string;
  /** CI run URL or user@host. */
  readonly holder: string;
  readonly acquiredAt: string;
  /** After this the lease is stale: its holder died without releasing it. */
  readonly expiresAt: string;
}

/** A lease this run holds, with the fencing token the store handed out when it was taken. */
export interface HeldLease extends LeaseRecord {
  /** Raised at every acquisition; a state write carrying an older token is refused. */
  readonly fence: number;
}

export type LeaseAttempt =
  { readonly acquired: true; readonly held: HeldLease } | { readonly acquired: false; readonly heldBy: LeaseRecord };

/** A state write refused because the run's lease was taken over: the store changed nothing. */
export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
}

/** The release state and its lease, stored in AWS. */
export interface ReleaseStore {
  read(): Promise<ReleaseState>;
  /** Writes the state in one conditional write; throws LeaseLostError, writing nothing, unless `lease` and its token are still current. */
  write(state: ReleaseState, lease: HeldLease): Promise<void>;
  /** Takes the lease unless someone holds it (a conditional write), with a new fencing token. */
  acquire(lease: LeaseRecord): Promise<LeaseAttempt>;
  /** Gives the lease back; a no-op when it is no longer ours. */
  release(lease: HeldLease): Promise<void>;
  /** Removes a lease that is `stale` (the same runId) and nothing else. */
  breakStale(stale: LeaseRecord): Promise<void>;
}

/** Applies the app stack, which reads the release state from AWS. */
export interface Deployer {
  apply(signal?: AbortSignal): Promise<void>;
  /**
   * Addresses the app stack would change with the release state as it is now: infrastructure
   * changes that no approved deploy has applied, which a release must never carry along.
   */
  pendingChanges(): Promise<string[]>;
}

export interface Fleet {
  /** Resolves once `count` targets of the colour are healthy; rejects on timeout or abort. */
  waitHealthy(colour: Colour, count: number, signal: AbortSignal): Promise<void>;
  /** Instances the colour's group wants now (target tracking may have scaled it out). */
  desiredCapacity(colour: Colour): Promise<number>;
}

export interface AlarmWatch {
  /** Names of the environment's alarms in ALARM state. */
  firing(): Promise<string[]>;
  /** Which of these alarm names do not exist. */
  missing(names: readonly string[]): Promise<string[]>;
}

export interface ImageRegistry {
  /** True when the repository holds an image with this digest. */
  exists(digest: string): Promise<boolean>;
  /** The image's scan findings; rejects while the scan is not complete. */
  findings(digest: string): Promise<Finding[]>;
}

/** The protecting tags that keep a release's images out of reach of the repositories' lifecycle rules. */
export interface ReleaseTags {
  /** Tags each digest in every repository the environment pulls from; rejects when one lacks the image. */
  protect(digests: readonly string[]): Promise<void>;
  /** Untags every other digest there, so superseded releases age out again; returns what it untagged. */
  prune(keep: readonly string[]): Promise<string[]>;
}

export interface AmiSource {
  /** The newest Amazon Linux 2023 AMI id. */
  latest(): Promise<string>;
}

export interface SmokeTest {
  /** Resolves when every check passes against the idle colour; rejects with what failed. */
  run(signal: AbortSignal): Promise<void>;
}

export interface Clock {
  now(): Date;
  /** Waits, or rejects when the signal aborts. */
  sleep(milliseconds: number, signal: AbortSignal): Promise<void>;
}
