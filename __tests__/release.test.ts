import { createServer, Server } from "http";
import { AddressInfo } from "net";
import { parseReleaseArguments } from "../scripts/release/arguments";
import { ReleaseRequest, RequestError, RunOptions, runRelease } from "../scripts/release/orchestrator";
import { scanGate } from "../scripts/release/scan-gate";
import { httpSmokeTest, parseCheck } from "../scripts/release/smoke";
import { EXIT } from "../scripts/cli/command-line";
import type { HeldLease } from "../scripts/release/ports";
import { referencedDigests } from "../src/release/image-protection";
import { idleColourOf, ReleaseState, seedReleaseState } from "../src/release/release-state";
import { AMI, blueLive, DIGEST, FACTS, neverChangedALiveColour, ReleaseWorld, RunHooks } from "./support/release-world";

let runs = 0;
const options = (extra: Partial<RunOptions> = {}): RunOptions => ({
  runId: `run-${++runs}`,
  holder: `tester-${runs}`,
  leaseSeconds: 3600,
  ...extra,
});
const release = (digest = DIGEST.next, steps = [10, 50, 100]): ReleaseRequest => ({
  action: "release",
  digest,
  steps,
  bakeMilliseconds: 1000,
});
const resume: ReleaseRequest = { action: "resume", bakeMilliseconds: 1000 };
const rollback: ReleaseRequest = { action: "rollback" };

async function run(
  world: ReleaseWorld,
  request: ReleaseRequest,
  hooks: RunHooks = {},
  extra: Partial<RunOptions> = {},
  signal = new AbortController().signal,
) {
  const log: string[] = [];
  const outcome = await runRelease(request, FACTS, world.ports(hooks, log), options(extra), signal);
  return { ...outcome, log };
}

/** What a finished release of DIGEST.next from blue to green leaves behind. */
const releasedOnGreen = {
  ...blueLive(),
  green: { digest: DIGEST.next, amiId: AMI.latest },
  greenTrafficPercent: 100,
  idleCapacity: 0,
  inFlight: null,
};
const greenShares = (world: ReleaseWorld) => world.applied.slice(1).map((state) => state.greenTrafficPercent);

describe("release: the normal path", () => {
  test("idle green gets the digest and the newest AMI at the live colour's capacity, is checked, takes 10 -> 50 -> 100%, blue scales down", async () => {
    const world = new ReleaseWorld();
    const outcome = await run(world, release());
    expect(outcome).toMatchObject({ exitCode: EXIT.ok, message: `released ${DIGEST.next} on green` });
    expect(world.state()).toEqual(releasedOnGreen);
    expect(world.live()).toMatchObject({
      green: { digest: DIGEST.next, amiId: AMI.latest },
      greenTrafficPercent: 100,
      idleCapacity: 0,
    });
    expect(world.events).toEqual([
      "apply green=0 idle=3",
      "healthy green 3",
      "smoke",
      "apply green=10 idle=3",
      "apply green=50 idle=3",
      "apply green=100 idle=3",
      "apply green=100 idle=0",
    ]);
    expect(neverChangedALiveColour(world.applied)).toEqual([]);
    expect(world.leaseHeld()).toBe(false);
  });

  test("the next release goes the other way: blue takes the digest, traffic 90 -> 50 -> 0% on green", async () => {
    const world = new ReleaseWorld(releasedOnGreen);
    expect((await run(world, release(DIGEST.old))).exitCode).toBe(EXIT.ok);
    expect(greenShares(world)).toEqual([100, 90, 50, 0, 0]);
    expect(world.state().blue).toEqual({ digest: DIGEST.old, amiId: AMI.latest });
  });

  test("the same digest released twice: the second run exits 0 with nothing to do and changes nothing", async () => {
    const world = new ReleaseWorld();
    await run(world, release());
    const applies = world.applied.length;
    const outcome = await run(world, release());
    expect(outcome).toMatchObject({
      exitCode: EXIT.ok,
      message: `nothing to do: ${DIGEST.next} is live on green with all traffic`,
    });
    expect(world.applied.length).toBe(applies);
    expect(world.table.item!.revision.N).toBe("6");
  });

  test("first deploy with no image: both colours ran nothing; the first release moves all traffic in one step", async () => {
    const world = new ReleaseWorld(seedReleaseState(AMI.old));
    const outcome = await run(world, release());
    expect(outcome.exitCode).toBe(EXIT.ok);
    expect(greenShares(world)).toEqual([0, 100, 100]);
    expect(world.state()).toMatchObject({
      blue: { digest: "" },
      green: { digest: DIGEST.next },
      greenTrafficPercent: 100,
      idleCapacity: 0,
    });
  });

  test("an idle colour that still runs instances is emptied first, so only new-image targets count as healthy", async () => {
    const world = new ReleaseWorld({ ...blueLive(), idleCapacity: 2 });
    await run(world, release());
    expect(world.applied[1]).toMatchObject({ green: { digest: "" }, idleCapacity: 0 });
    expect(world.applied[2]).toMatchObject({ green: { digest: DIGEST.next }, idleCapacity: 3 });
  });
});

describe("release: the images a release state references carry a protecting tag", () => {
  /** Ports that record, at every state write, whether each digest the state names was tagged by then. */
  const recordingPorts = (world: ReleaseWorld, log: string[] = []) => {
    const ports = world.ports({}, log);
    const writes: boolean[] = [];
    return {
      writes,
      ports: {
        ...ports,
        store: {
          ...ports.store,
          write: async (state: ReleaseState, held: HeldLease) => (
            writes.push(referencedDigests(state).every((digest) => world.protectedDigests.has(digest))),
            ports.store.write(state, held)
          ),
        },
      },
    };
  };

  test("every digest is tagged before any state names it; once done, only live and idle keep their tags", async () => {
    const world = new ReleaseWorld(releasedOnGreen);
    world.protectedDigests.add(DIGEST.vulnerable); // left by an earlier release
    const { ports, writes } = recordingPorts(world);
    expect(
      (await runRelease(release(DIGEST.old), FACTS, ports, options(), new AbortController().signal)).exitCode,
    ).toBe(EXIT.ok);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every(Boolean)).toBe(true);
    expect([...world.protectedDigests].sort()).toEqual([DIGEST.old, DIGEST.next].sort());
  });

  test("a rolled-back release untags the image it brought and keeps the two it returns to", async () => {
    const world = new ReleaseWorld(releasedOnGreen);
    const brought = `sha256:${"3d".repeat(32)}`;
    world.images.set(brought, []);
    expect((await run(world, release(brought), { smokeFails: true })).exitCode).toBe(EXIT.refused);
    expect(world.state()).toMatchObject({ blue: { digest: DIGEST.old }, green: { digest: DIGEST.next } });
    expect([...world.protectedDigests].sort()).toEqual([DIGEST.old, DIGEST.next].sort());
  });

  test("an untagging failure is logged, never fails a finished release (--protect-images retries it)", async () => {
    const world = new ReleaseWorld();
    const log: string[] = [];
    const ports = world.ports({}, log);
    const failing = {
      ...ports,
      releaseTags: { ...ports.releaseTags, prune: async () => Promise.reject(new Error("AccessDeniedException")) },
    };
    expect((await runRelease(release(), FACTS, failing, options(), new AbortController().signal)).exitCode).toBe(
      EXIT.ok,
    );
    expect(log).toContainEqual(
      expect.stringContaining(
        "could not untag superseded releases (npm run release -- --protect-images retries): AccessDeniedException",
      ),
    );
  });

  test("--protect-images tags what an environment deployed before protection references, and untags the rest", async () => {
    const world = new ReleaseWorld(releasedOnGreen);
    world.protectedDigests.add(DIGEST.vulnerable);
    const outcome = await run(world, { action: "protect-images" });
    expect(outcome).toMatchObject({
      exitCode: EXIT.ok,
      message: `protected ${[DIGEST.old, DIGEST.next].sort().join(", ")}`,
    });
    expect([...world.protectedDigests].sort()).toEqual([DIGEST.old, DIGEST.next].sort());
    expect(world.applied.length).toBe(1);
    expect(parseReleaseArguments(["--env", "staging", "--protect-images"], ["staging"]).request).toEqual({
      action: "protect-images",
    });
  });
});

describe("release: failures roll back", () => {
  test("a failed smoke test moves no traffic, restores the state from before and exits 1", async () => {
    const world = new ReleaseWorld();
    const outcome = await run(world, release(), { smokeFails: true });
    expect(outcome).toMatchObject({
      exitCode: EXIT.refused,
      message: "smoke test failed: /health answered 503, expected 200; rolled back",
    });
    expect(world.applied.every((state) => state.greenTrafficPercent === 0)).toBe(true);
    expect(world.state()).toEqual(blueLive());
    expect(world.live()).toEqual(blueLive());
  });

  test("the new colour's own alarm mid-shift sends all traffic back, even if it was already firing when the release began", async () => {
    const world = new ReleaseWorld();
    world.firing = ["auth-staging-green-5xx-rate", "auth-staging-db-cpu"];
    const outcome = await run(world, release());
    expect(outcome).toMatchObject({
      exitCode: EXIT.refused,
      message: "alarms firing at 10%: auth-staging-green-5xx-rate; rolled back",
    });
    expect(greenShares(world)).toEqual([0, 10, 0, 0]);
  });

  test("alarms of others that were already firing before the release do not stop it; new ones do", async () => {
    const world = new ReleaseWorld();
    world.firing = ["auth-staging-db-cpu"];
    expect((await run(world, release())).exitCode).toBe(EXIT.ok);
    const next = new ReleaseWorld();
    const outcome = await run(next, release(), {
      onBake: (share) => void (share === 50 && next.firing.push("auth-staging-alb-p99-latency")),
    });
    expect(outcome.message).toBe("alarms firing at 50%: auth-staging-alb-p99-latency; rolled back");
  });

  test("refuses, before any change, when the new colour's target-group alarms do not exist", async () => {
    const world = new ReleaseWorld();
    world.missingAlarms = ["auth-staging-green-p99-latency"];
    expect(await run(world, release())).toMatchObject({
      exitCode: EXIT.refused,
      message: expect.stringContaining("auth-staging-green-p99-latency"),
    });
    expect(world.applied).toHaveLength(1);
  });

  test("refuses, before any change, when the app stack has infrastructure changes no reviewed deploy applied", async () => {
    const world = new ReleaseWorld();
    const before = world.applied.length;
    world.unappliedChanges = [
      "aws_wafv2_web_acl.edge_waf_1A2B3C4D",
      "aws_iam_role_policy.instance-role_policy_5E6F7A8B",
    ];
    expect(await run(world, release())).toMatchObject({
      exitCode: EXIT.refused,
      message: expect.stringMatching(
        /^the app stack has changes no deploy has applied \(aws_wafv2_web_acl\.edge_waf_1A2B3C4D, aws_iam_role_policy\.instance-role_policy_5E6F7A8B\): deploy them/,
      ),
    });
    expect(world.applied).toHaveLength(before);
  });

  test("refuses a digest the registry does not hold", async () => {
    const world = new ReleaseWorld();
    const missing = `sha256:${"9f".repeat(32)}`;
    expect(await run(world, release(missing))).toMatchObject({
      exitCode: EXIT.refused,
      message: `${missing} is not in the repository: push it first`,
    });
  });
});

describe("release: signals", () => {
  test.each(["SIGTERM", "SIGINT"])(
    "%s in the middle of the traffic shift: traffic back to blue, state restored, lease released, exit 130",
    async () => {
      const world = new ReleaseWorld();
      const controller = new AbortController();
      const outcome = await run(
        world,
        release(),
        { onBake: (share) => void (share === 50 && controller.abort()) },
        {},
        controller.signal,
      );
      expect(outcome).toMatchObject({ exitCode: EXIT.interrupted, message: "interrupted; rolled back" });
      expect(greenShares(world)).toEqual([0, 10, 50, 0, 0]);
      expect(world.state()).toEqual(blueLive());
      expect(world.leaseHeld()).toBe(false);
      expect(neverChangedALiveColour(world.applied)).toEqual([]);
    },
  );
});

describe("release: a crash at each step, then a resume", () => {
  // A full release makes 11 writes and applies; the run dies instead of making the n-th.
  test.each(Array.from({ length: 11 }, (_, index) => index + 1))(
    "killed at write/apply %i: a later run with --resume (taking over the stale lease) finishes the release",
    async (dieAt) => {
      const world = new ReleaseWorld();
      await run(world, release(), { dieAt });
      expect(world.leaseHeld()).toBe(true);
      // A dead holder's lease blocks everyone until it expires; then it may be taken over, explicitly.
      expect((await run(world, resume)).message).toMatch(/holds the lease: tester-\d+ since .* \(until /);
      world.now = new Date(world.now.getTime() + 2 * 3600_000);
      expect((await run(world, resume)).message).toMatch(
        /\(expired .*; if that run is dead, add --take-over-stale-lease\)$/,
      );
      // Never the colour carrying traffic as idle: a new release is refused while one is recorded.
      const recorded = world.state().inFlight;
      if (recorded)
        expect(await run(world, release(DIGEST.old), {}, { takeOverStaleLease: true })).toMatchObject({
          exitCode: EXIT.refused,
          message: expect.stringContaining("--resume or --rollback"),
        });
      const finish = recorded
        ? await run(world, resume, {}, { takeOverStaleLease: true })
        : await run(world, release(), {}, { takeOverStaleLease: true });
      expect(finish.exitCode).toBe(EXIT.ok);
      expect(world.state()).toEqual(releasedOnGreen);
      expect(world.live()).toMatchObject({ green: releasedOnGreen.green, greenTrafficPercent: 100, idleCapacity: 0 });
      expect(neverChangedALiveColour(world.applied)).toEqual([]);
      expect(world.leaseHeld()).toBe(false);
    },
  );

  test("--resume at a split bakes and checks the current share before moving on", async () => {
    const world = new ReleaseWorld();
    await run(world, release(), { dieAt: 5 });
    expect(world.state()).toMatchObject({ greenTrafficPercent: 10 });
    expect(idleColourOf(world.state())).toBe("green");
    const bakes: number[] = [];
    world.now = new Date(world.now.getTime() + 2 * 3600_000);
    await run(world, resume, { onBake: (share) => void bakes.push(share) }, { takeOverStaleLease: true });
    expect(bakes).toEqual([10, 50, 100]);
  });

  test("--rollback of a release killed after blue was scaled down restores blue's capacity (healthy) before moving any traffic", async () => {
    const world = new ReleaseWorld();
    await run(world, release(), { dieAt: 11 });
    expect(world.live()).toMatchObject({ greenTrafficPercent: 100, idleCapacity: 0 });
    world.events.length = 0;
    world.now = new Date(world.now.getTime() + 2 * 3600_000);
    const outcome = await run(world, rollback, {}, { takeOverStaleLease: true });
    expect(outcome).toMatchObject({
      exitCode: EXIT.ok,
      message: `rolled back: blue runs ${DIGEST.old} with all traffic`,
    });
    expect(world.events).toEqual([
      "apply green=100 idle=3",
      "healthy blue 3",
      "apply green=0 idle=3",
      "apply green=0 idle=0",
    ]);
    expect(world.state()).toEqual(blueLive());
  });
});

describe("release: CI clean-up after a cancelled job", () => {
  test("--abort by a later step of the same job reclaims the lease its killed release step left and rolls back", async () => {
    const world = new ReleaseWorld();
    const job = "https://github.com/o/r/actions/runs/1/attempts/1 release";
    await run(world, release(), { dieAt: 6 }, { holder: job });
    expect(
      (await run(world, { action: "abort" }, {}, { holder: "someone-else", takeOverStaleLease: true })).exitCode,
    ).toBe(EXIT.refused);
    const outcome = await run(world, { action: "abort" }, {}, { holder: job, takeOverStaleLease: true });
    expect(outcome).toMatchObject({
      exitCode: EXIT.ok,
      message: `rolled back: blue runs ${DIGEST.old} with all traffic`,
    });
    expect(world.state()).toEqual(blueLive());
  });

  test("--abort with nothing interrupted changes nothing (a finished release is never rolled back by the clean-up)", async () => {
    const world = new ReleaseWorld(releasedOnGreen);
    expect(await run(world, { action: "abort" })).toMatchObject({
      exitCode: EXIT.ok,
      message: "nothing to abort: no interrupted release is recorded",
    });
    expect(world.applied).toHaveLength(1);
  });
});

describe("release: the lease", () => {
  test("two concurrent releases of one environment: the second is refused while the first runs, and the first finishes", async () => {
    const world = new ReleaseWorld();
    let second: Awaited<ReturnType<typeof run>> | undefined;
    const first = await run(world, release(), {
      onBake: async (share) => void (share === 10 && (second = await run(world, release(DIGEST.old)))),
    });
    expect(second).toMatchObject({
      exitCode: EXIT.refused,
      message: expect.stringContaining("another release of staging holds the lease"),
    });
    expect(first.exitCode).toBe(EXIT.ok);
    expect(world.leaseHeld()).toBe(false);
  });

  test("a run whose stale lease was taken over cannot write the state any more", async () => {
    const world = new ReleaseWorld();
    let takenOver = false;
    const outcome = await run(world, release(), {
      onBake: async (share) => {
        if (share !== 10 || takenOver) return;
        takenOver = true;
        world.now = new Date(world.now.getTime() + 2 * 3600_000);
        await run(world, resume, {}, { takeOverStaleLease: true });
      },
    });
    expect(outcome.message).toMatch(/lost the lease of staging/);
  });

  test("--rollback with no earlier release, and --resume with nothing interrupted, are request errors; the lease is released", async () => {
    const world = new ReleaseWorld(seedReleaseState(AMI.old));
    await expect(run(world, rollback)).rejects.toThrow(new RequestError("there is no earlier release to roll back to"));
    await expect(run(world, resume)).rejects.toThrow("there is no interrupted release to resume");
    expect(world.leaseHeld()).toBe(false);
  });

  test("--rollback after a finished release goes back to the previous digest, without the scan gate", async () => {
    const world = new ReleaseWorld(releasedOnGreen);
    world.images.set(DIGEST.old, [{ name: "CVE-2025-1111", severity: "CRITICAL" }]);
    expect((await run(world, rollback)).exitCode).toBe(EXIT.ok);
    expect(world.state()).toMatchObject({
      blue: { digest: DIGEST.old },
      greenTrafficPercent: 0,
      idleCapacity: 0,
      inFlight: null,
    });
  });
});

describe("scan gate", () => {
  const policy = {
    failAt: "HIGH" as const,
    exceptions: [{ finding: "CVE-2024-9999", reason: "not reachable: the vulnerable parser is never loaded" }],
  };

  test("findings at or above the configured severity block; lower ones do not; unrated ones block", () => {
    expect(
      scanGate(
        [
          { name: "a", severity: "MEDIUM" },
          { name: "b", severity: "HIGH" },
          { name: "c", severity: "CRITICAL" },
          { name: "d", severity: "UNDEFINED" },
        ],
        { failAt: "HIGH", exceptions: [] },
      ).blocking.map((finding) => finding.name),
    ).toEqual(["b", "c", "d"]);
  });

  test("a listed exception lets its finding through, with its reason", () => {
    expect(scanGate([{ name: "CVE-2024-9999", severity: "HIGH" }], policy)).toEqual({
      blocking: [],
      accepted: [{ finding: { name: "CVE-2024-9999", severity: "HIGH" }, reason: policy.exceptions[0].reason }],
    });
  });

  test("the release refuses an image with a HIGH finding before any change, and takes it once excepted", async () => {
    const world = new ReleaseWorld();
    expect(await run(world, release(DIGEST.vulnerable))).toMatchObject({
      exitCode: EXIT.refused,
      message: "scan gate: 1 finding(s) at or above HIGH: CVE-2024-9999 (HIGH)",
    });
    expect(world.applied).toHaveLength(1);
    const log: string[] = [];
    const outcome = await runRelease(
      release(DIGEST.vulnerable),
      { ...FACTS, scanGate: policy },
      world.ports({}, log),
      options(),
      new AbortController().signal,
    );
    expect(outcome.exitCode).toBe(EXIT.ok);
    expect(log).toContain(`scan: CVE-2024-9999 (HIGH) accepted: ${policy.exceptions[0].reason}`);
  });

  test("an image without a complete scan is refused", async () => {
    const world = new ReleaseWorld();
    world.images.delete(DIGEST.next);
    world.images.set(DIGEST.next, undefined as never);
    expect((await run(world, release())).message).toMatch(/^scan gate: no complete scan/);
  });
});

describe("release: arguments", () => {
  const known = ["staging", "production"];
  const digest = DIGEST.next;

  test.each([
    [["--digest", digest], "--env is required"],
    [["--env", "prod", "--digest", digest], '--env: unknown environment "prod" (known: staging, production)'],
    [["--env", "staging", "--digest", "1.5.0"], '--digest must be sha256:<64 lowercase hex digits>, got "1.5.0"'],
    [["--env", "staging", "--digest", digest, "--steps", "10,50"], "--steps must end at 100, got 10,50"],
    [
      ["--env", "staging", "--digest", digest, "--steps", "50,10,100"],
      "--steps must be strictly increasing, got 50,10,100",
    ],
    [["--env", "staging", "--digest", digest, "--steps", "0,100"], "--steps must be at least 1, got 0"],
    [
      ["--env", "staging", "--digest", digest, "--bake-seconds", "abc"],
      '--bake-seconds must be a whole number, got "abc"',
    ],
    [["--env", "staging", "--digest", digest, "--bake-seconds", "0"], "--bake-seconds must be at least 1, got 0"],
    [["--env", "staging", "--resume", "--rollback"], "--resume and --rollback exclude each other"],
    [["--env", "staging"], "--digest is required (or --resume / --rollback / --abort / --protect-images)"],
    [
      ["--env", "staging", "--rollback", "--digest", digest],
      "--rollback takes no --digest or --steps: the recorded release decides",
    ],
    [
      ["--env", "staging", "--digest", digest, "--check", "health"],
      '--check: bad check "health": expected /path or /path=STATUS',
    ],
    [["--env", "staging", "--image-tag", "1.5.0"], "Unknown option '--image-tag'"],
  ])("%j -> %s", (argv, message) => {
    expect(() => parseReleaseArguments(argv, known)).toThrow(message);
  });

  test("good arguments become a request", () => {
    expect(
      parseReleaseArguments(
        [
          "--env",
          "production",
          "--digest",
          digest,
          "--steps",
          "25,100",
          "--bake-seconds",
          "60",
          "--check",
          "/login=200",
        ],
        known,
      ),
    ).toEqual({
      environment: "production",
      checks: [{ path: "/login", status: 200 }],
      takeOverStaleLease: false,
      request: { action: "release", digest, steps: [25, 100], bakeMilliseconds: 60_000 },
    });
  });
});

describe("smoke test through the test listener", () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((server) => server.close()));

  /** A local HTTP server standing in for the ALB test listener. */
  async function testListener(statusOf: (path: string) => number): Promise<{ url: string; paths: string[] }> {
    const paths: string[] = [];
    const server = createServer((request, response) => {
      paths.push(request.url ?? "");
      response.statusCode = statusOf(request.url ?? "");
      response.end("ok");
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
  }

  test("every check passes: each path is asked once", async () => {
    const listener = await testListener(() => 200);
    await httpSmokeTest(listener.url, [parseCheck("/health"), parseCheck("/login=200")], {
      attempts: 2,
      pauseMs: 10,
    }).run(new AbortController().signal);
    expect(listener.paths).toEqual(["/health", "/login"]);
  });

  test("a failing check is retried, then reported with what it answered", async () => {
    const listener = await testListener((path) => (path === "/health" ? 503 : 200));
    await expect(
      httpSmokeTest(listener.url, [parseCheck("/health")], { attempts: 2, pauseMs: 10 }).run(
        new AbortController().signal,
      ),
    ).rejects.toThrow("/health answered 503, expected 200");
    expect(listener.paths).toEqual(["/health", "/health"]);
  });

  test("checks are parsed as /path or /path=STATUS", () => {
    expect(parseCheck("/ready")).toEqual({ path: "/ready", status: 200 });
    expect(parseCheck("/admin=403")).toEqual({ path: "/admin", status: 403 });
    expect(() => parseCheck("health")).toThrow(/bad check/);
  });
});
