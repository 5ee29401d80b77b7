/**
 * A fake AWS account for the release tool: the release item of a DynamoDB table with its
 * documented conditional-update rules (fake-release-item.ts), an app stack whose "infrastructure" is the release state it last applied,
 * and scriptable fleet, alarms, registry, AMI, smoke test and clock. A run can be made to die
 * at its n-th write or apply, as a killed process would: nothing after that happens.
 */
import { EnvironmentFacts, ReleasePorts } from "../../scripts/release/orchestrator";
import type { Finding } from "../../scripts/release/scan-gate";
import { dynamoDbStore } from "../../scripts/release/dynamodb-store";
import {
  Colour,
  COLOURS,
  parseReleaseState,
  ReleaseState,
  seedReleaseState,
  serializeReleaseState,
} from "../../src/release/release-state";
import { RELEASE_ITEM, seededReleaseItem } from "../../src/release/release-store";
import { FakeReleaseItem } from "./fake-release-item";

/** Died: what a port call of a killed run throws. */
export class ProcessDied extends Error {}

export const DIGEST = {
  old: `sha256:${"0a".repeat(32)}`,
  next: `sha256:${"1b".repeat(32)}`,
  vulnerable: `sha256:${"2c".repeat(32)}`,
};
export const AMI = { old: "ami-00000000000000001", latest: "ami-00000000000000002" };

export const FACTS: EnvironmentFacts = {
  environment: "staging",
  capacity: { desired: 2, max: 4 },
  scanGate: { failAt: "HIGH", exceptions: [] },
};

/** Blue live with the old image at 100%, green idle at 0 instances. */
export function blueLive(): ReleaseState {
  return { ...seedReleaseState(AMI.old), blue: { digest: DIGEST.old, amiId: AMI.old } };
}

export interface RunHooks {
  /** The run dies at its n-th write or apply (1-based), before it takes effect. */
  readonly dieAt?: number;
  /** Called at each bake, with the share on the new colour. */
  readonly onBake?: (percent: number) => void | Promise<void>;
  /** waitHealthy rejects for this colour. */
  readonly unhealthy?: Colour;
  readonly smokeFails?: boolean;
  /** Awaited before each state write reaches the table (a test pauses the run here). */
  readonly beforeWrite?: (state: ReleaseState) => Promise<void>;
}

export class ReleaseWorld {
  /** The release item of the environment's DynamoDB table. */
  readonly table = new FakeReleaseItem();
  /** Release states the app stack was applied with, in order: the infrastructure's history. */
  readonly applied: ReleaseState[] = [];
  /** Everything that happened, in order, for assertions about ordering. */
  readonly events: string[] = [];
  now = new Date("2026-01-01T10:00:00Z");
  firing: string[] = [];
  missingAlarms: string[] = [];
  /** Digests carrying a protecting tag (the tagging itself is proven in the simulated-clock harness). */
  readonly protectedDigests = new Set<string>();
  /** App stack changes no deploy has applied (what a preflight plan would show). */
  unappliedChanges: string[] = [];
  readonly images = new Map<string, Finding[]>([
    [DIGEST.old, []],
    [DIGEST.next, [{ name: "CVE-2024-0001", severity: "LOW" }]],
    [
      DIGEST.vulnerable,
      [
        { name: "CVE-2024-9999", severity: "HIGH" },
        { name: "CVE-2024-0002", severity: "MEDIUM" },
      ],
    ],
  ]);

  constructor(initial: ReleaseState = blueLive()) {
    this.table.item = seededReleaseItem(serializeReleaseState(initial));
    this.applied.push(initial);
  }

  state(): ReleaseState {
    return parseReleaseState(this.table.item![RELEASE_ITEM.state].S!);
  }

  /** The infrastructure now: the state last applied. */
  live(): ReleaseState {
    return this.applied.at(-1)!;
  }

  leaseHeld(): boolean {
    return this.table.item![RELEASE_ITEM.holder] !== undefined;
  }

  /** Ports of one run of the tool. */
  ports(hooks: RunHooks = {}, log: string[] = []): ReleasePorts {
    let mutations = 0;
    let dead = false;
    const alive = () => {
      if (dead) throw new ProcessDied("the process is gone");
    };
    const mutation = () => {
      alive();
      mutations += 1;
      if (hooks.dieAt === mutations) {
        dead = true;
        throw new ProcessDied(`killed at mutation ${mutations}`);
      }
    };
    const store = dynamoDbStore(this.table, "staging");
    return {
      store: {
        read: async () => (alive(), store.read()),
        write: async (state, lease) => {
          mutation();
          await hooks.beforeWrite?.(state);
          alive();
          await store.write(state, lease);
        },
        acquire: async (lease) => (alive(), store.acquire(lease)),
        release: async (lease) => (alive(), store.release(lease)),
        breakStale: async (lease) => (alive(), store.breakStale(lease)),
      },
      deployer: {
        pendingChanges: async () => (alive(), [...this.unappliedChanges]),
        apply: async () => {
          mutation();
          const state = this.state();
          this.applied.push(state);
          this.events.push(`apply green=${state.greenTrafficPercent} idle=${state.idleCapacity}`);
        },
      },
      fleet: {
        waitHealthy: async (colour, count) => {
          alive();
          this.events.push(`healthy ${colour} ${count}`);
          if (hooks.unhealthy === colour) throw new Error("0 of 2 healthy after 15 minutes");
        },
        desiredCapacity: async () => (alive(), 3),
      },
      alarms: {
        firing: async () => (alive(), [...this.firing]),
        missing: async (names) => (alive(), names.filter((name) => this.missingAlarms.includes(name))),
      },
      images: {
        exists: async (digest) => (alive(), this.images.has(digest)),
        findings: async (digest) => {
          alive();
          const findings = this.images.get(digest);
          if (!findings) throw new Error("ScanNotFoundException");
          return findings;
        },
      },
      releaseTags: {
        protect: async (digests) => {
          alive();
          digests.forEach((digest) => this.protectedDigests.add(digest));
        },
        prune: async (keep) => {
          alive();
          const removed = [...this.protectedDigests].filter((digest) => !keep.includes(digest));
          removed.forEach((digest) => this.protectedDigests.delete(digest));
          return removed;
        },
      },
      ami: { latest: async () => (alive(), AMI.latest) },
      smoke: {
        run: async () => {
          alive();
          this.events.push("smoke");
          if (hooks.smokeFails) throw new Error("/health answered 503, expected 200");
        },
      },
      clock: {
        now: () => this.now,
        sleep: async (_milliseconds, signal) => {
          alive();
          const share = this.state().inFlight ? this.state().greenTrafficPercent : 0;
          await hooks.onBake?.(share);
          if (signal.aborted) throw new Error("interrupted");
        },
      },
      log: (line) => log.push(line),
    };
  }
}

/** Every applied change kept the rule: a colour's image or AMI changes only while it takes no traffic. */
export function neverChangedALiveColour(applied: readonly ReleaseState[]): string[] {
  const problems: string[] = [];
  for (let index = 1; index < applied.length; index++) {
    const [before, after] = [applied[index - 1], applied[index]];
    for (const colour of COLOURS) {
      const share = (state: ReleaseState) =>
        colour === "green" ? state.greenTrafficPercent : 100 - state.greenTrafficPercent;
      const changed = before[colour].digest !== after[colour].digest || before[colour].amiId !== after[colour].amiId;
      if (changed && (share(before) > 0 || share(after) > 0) && before[colour].digest !== "")
        problems.push(`apply ${index}: ${colour} changed while taking traffic`);
    }
  }
  return problems;
}
