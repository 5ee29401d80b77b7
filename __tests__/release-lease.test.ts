/**
 * The fenced release lease: state, lease and fencing token in one DynamoDB item, every change
 * one conditional UpdateItem (scripts/release/dynamodb-store.ts), against a fake that applies
 * DynamoDB's documented conditional-update rules (support/fake-release-item.ts).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { dynamoDbItemApi, dynamoDbStore } from "../scripts/release/dynamodb-store";
import { runRelease, RunOptions } from "../scripts/release/orchestrator";
import { LeaseLostError, LeaseRecord } from "../scripts/release/ports";
import { EXIT } from "../scripts/cli/command-line";
import { serializeReleaseState } from "../src/release/release-state";
import { RELEASE_ITEM, RELEASE_STORE_ACTIONS, seededReleaseItem } from "../src/release/release-store";
import { blueLive, DIGEST, FACTS, ReleaseWorld } from "./support/release-world";
import { FakeReleaseItem } from "./support/fake-release-item";

const lease = (runId: string, expiresAt = "2026-01-01T11:00:00Z"): LeaseRecord => ({
  runId,
  holder: `holder of ${runId}`,
  acquiredAt: "2026-01-01T10:00:00Z",
  expiresAt,
});

describe("the release store: one item, conditional writes only", () => {
  test("each acquisition raises the fencing token; a second holder is refused and told who holds it", async () => {
    const table = new FakeReleaseItem(seededReleaseItem(serializeReleaseState(blueLive())));
    const store = dynamoDbStore(table, "staging");
    const first = await store.acquire(lease("a"));
    expect(first).toEqual({ acquired: true, held: { ...lease("a"), fence: 1 } });
    expect(await store.acquire(lease("b"))).toEqual({ acquired: false, heldBy: lease("a") });
    if (!first.acquired) throw new Error("unreachable");
    await store.release(first.held);
    expect(await store.acquire(lease("b"))).toMatchObject({ acquired: true, held: { runId: "b", fence: 2 } });
  });

  test("a write with a stale token fails with LeaseLostError and leaves the item exactly as it was, even under the same run id", async () => {
    const table = new FakeReleaseItem(seededReleaseItem(serializeReleaseState(blueLive())));
    const store = dynamoDbStore(table, "staging");
    const attempt = await store.acquire(lease("a"));
    if (!attempt.acquired) throw new Error("not acquired");
    const before = structuredClone(table.item);
    await expect(
      store.write({ ...blueLive(), greenTrafficPercent: 50 }, { ...attempt.held, fence: attempt.held.fence - 1 }),
    ).rejects.toThrow(LeaseLostError);
    await expect(
      store.write({ ...blueLive(), greenTrafficPercent: 50 }, { ...attempt.held, runId: "someone-else" }),
    ).rejects.toThrow(/lost the lease of staging to holder of a/);
    expect(table.item).toEqual(before);
    await store.write({ ...blueLive(), idleCapacity: 1 }, attempt.held);
    expect(table.item![RELEASE_ITEM.revision]).toEqual({ N: "1" });
  });

  test("release and breakStale remove only the lease they name; a released lease cannot write", async () => {
    const table = new FakeReleaseItem(seededReleaseItem(serializeReleaseState(blueLive())));
    const store = dynamoDbStore(table, "staging");
    const a = await store.acquire(lease("a"));
    if (!a.acquired) throw new Error("not acquired");
    await store.breakStale(lease("not-the-holder"));
    await store.release({ ...lease("not-the-holder"), fence: a.held.fence });
    expect(table.item![RELEASE_ITEM.holder]).toEqual({ S: "a" });
    await store.release(a.held);
    expect(table.item![RELEASE_ITEM.holder]).toBeUndefined();
    await expect(store.write(blueLive(), a.held)).rejects.toThrow(LeaseLostError);
  });

  test("a table the registry stack has not seeded: acquire says which stack to deploy and creates nothing", async () => {
    const table = new FakeReleaseItem();
    const store = dynamoDbStore(table, "staging");
    await expect(store.acquire(lease("a"))).rejects.toThrow(
      "auth-staging-release holds no release item: deploy auth-staging-registry first",
    );
    await expect(store.read()).rejects.toThrow("deploy auth-staging-registry first");
    expect(table.item).toBeUndefined();
  });
});

describe("the release tool's AWS calls", () => {
  test("are exactly RELEASE_STORE_ACTIONS.releaseTool, each on the environment's release table, reads strongly consistent", async () => {
    const sent: { action: string; input: any }[] = [];
    const table = new FakeReleaseItem(seededReleaseItem(serializeReleaseState(blueLive())));
    // The SDK client with its transport replaced: each command goes to the fake, by the IAM action it needs.
    const send = jest.spyOn(DynamoDBClient.prototype, "send").mockImplementation((async (command: any) => {
      const action = `dynamodb:${command.constructor.name.replace(/Command$/, "")}`;
      sent.push({ action, input: command.input });
      if (action === "dynamodb:GetItem") return { Item: await table.get() };
      return { Attributes: await table.update(command.input) };
    }) as any);
    try {
      const store = dynamoDbStore(dynamoDbItemApi("staging", "eu-west-1"), "staging");
      const attempt = await store.acquire(lease("a"));
      if (!attempt.acquired) throw new Error("not acquired");
      await store.write(await store.read(), attempt.held);
      await store.breakStale(lease("b"));
      await store.release(attempt.held);
    } finally {
      send.mockRestore();
    }
    expect([...new Set(sent.map((call) => call.action))].sort()).toEqual([...RELEASE_STORE_ACTIONS.releaseTool].sort());
    for (const { input } of sent)
      expect(input).toMatchObject({ TableName: "auth-staging-release", Key: { id: { S: "release" } } });
    expect(
      sent.filter((call) => call.action === "dynamodb:GetItem").every((call) => call.input.ConsistentRead === true),
    ).toBe(true);
  });
});

describe("a paused holder whose lease expired and was taken over", () => {
  const options = (runId: string, extra: Partial<RunOptions> = {}): RunOptions => ({
    runId,
    holder: `tester ${runId}`,
    leaseSeconds: 3600,
    ...extra,
  });

  test("resumes, fails at its next write, and rolls nothing forward: the state and the infrastructure stay as the new holder left them", async () => {
    const world = new ReleaseWorld();
    let resume!: () => void;
    let paused!: () => void;
    const pausedAtShift = new Promise<void>((resolve) => (paused = resolve));
    // Holder A pauses just before writing the 50% shift (a stopped runner, a long GC pause).
    const holderA = runRelease(
      { action: "release", digest: DIGEST.next, steps: [10, 50, 100], bakeMilliseconds: 1000 },
      FACTS,
      world.ports({
        beforeWrite: async (state) => {
          if (state.greenTrafficPercent !== 50) return;
          paused();
          await new Promise<void>((resolve) => (resume = resolve));
        },
      }),
      options("a"),
      new AbortController().signal,
    );
    await pausedAtShift;
    expect(world.state().greenTrafficPercent).toBe(10);

    // Its lease expires; B takes it over and rolls the release back.
    world.now = new Date(world.now.getTime() + 2 * 3600_000);
    const log: string[] = [];
    const holderB = await runRelease(
      { action: "rollback" },
      FACTS,
      world.ports({}, log),
      options("b", { takeOverStaleLease: true }),
      new AbortController().signal,
    );
    expect(holderB).toMatchObject({
      exitCode: EXIT.ok,
      message: `rolled back: blue runs ${DIGEST.old} with all traffic`,
    });
    expect(log[0]).toMatch(/^taking over the lease of tester a/);
    const afterB = { state: world.state(), applied: world.applied.length, item: structuredClone(world.table.item) };
    expect(afterB.state).toEqual(blueLive());

    // A wakes up with its 50% write: refused, and it applies nothing, writes nothing, rolls nothing back.
    resume();
    const outcomeA = await holderA;
    expect(outcomeA.exitCode).toBe(EXIT.failed);
    expect(outcomeA.message).toMatch(
      /^lost the lease of staging to nobody \(fencing token 1 is stale\); not writing the release state; stopped without rolling anything forward or back$/,
    );
    expect(world.state()).toEqual(afterB.state);
    expect(world.applied).toHaveLength(afterB.applied);
    expect(world.table.item).toEqual(afterB.item);
    expect(world.leaseHeld()).toBe(false);
  });

  test("the same pause while B still runs: A's write is refused and B's release finishes on B's token", async () => {
    const world = new ReleaseWorld();
    let resume!: () => void;
    let paused!: () => void;
    const pausedAtShift = new Promise<void>((resolve) => (paused = resolve));
    const holderA = runRelease(
      { action: "release", digest: DIGEST.next, steps: [10, 50, 100], bakeMilliseconds: 1000 },
      FACTS,
      world.ports({
        beforeWrite: async (state) => {
          if (state.greenTrafficPercent !== 50) return;
          paused();
          await new Promise<void>((resolve) => (resume = resolve));
        },
      }),
      options("a"),
      new AbortController().signal,
    );
    await pausedAtShift;
    world.now = new Date(world.now.getTime() + 2 * 3600_000);
    let outcomeA: Awaited<typeof holderA> | undefined;
    // A resumes while B bakes at 10%, before B writes anything.
    const holderB = await runRelease(
      { action: "resume", bakeMilliseconds: 1000 },
      FACTS,
      world.ports({
        onBake: async (share) => void (share === 10 && !outcomeA && (resume(), (outcomeA = await holderA))),
      }),
      options("b", { takeOverStaleLease: true }),
      new AbortController().signal,
    );
    expect(outcomeA).toMatchObject({
      exitCode: EXIT.failed,
      message: expect.stringMatching(/^lost the lease of staging to tester b \(fencing token 1 is stale\)/),
    });
    expect(holderB).toMatchObject({ exitCode: EXIT.ok, message: `released ${DIGEST.next} on green` });
    expect(world.table.item![RELEASE_ITEM.fence]).toEqual({ N: "2" });
    expect(world.leaseHeld()).toBe(false);
  });
});
