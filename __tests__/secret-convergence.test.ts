import { FakeAutoScaling } from "./support/fake-auto-scaling";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handle } = require("../lambda/secret-convergence/convergence");

const APP_SECRET = "arn:aws:secretsmanager:eu-west-1:222222222222:secret:auth-production/app-AbCdEf";
const REDIS_SECRET = "arn:aws:secretsmanager:eu-west-1:222222222222:secret:auth-production-redis/auth-token-AbCdEf";
const GROUPS = ["auth-production-blue", "auth-production-green"];
const settings = {
  groupNames: GROUPS,
  redisSecretArn: REDIS_SECRET,
  redisRotationFunction: "auth-production-redis-auth-rotation",
  waitSeconds: 600,
  pollSeconds: 20,
};

/** A rotation as EventBridge delivers it from CloudTrail (https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html). */
const rotationEvent = (eventName: string, secretId: string, at: number) => ({
  "detail-type": "AWS Service Event via CloudTrail",
  source: "aws.secretsmanager",
  time: new Date(at).toISOString(),
  detail: { eventSource: "secretsmanager.amazonaws.com", eventName, additionalEventData: { SecretId: secretId } },
});

function world(live: { blue: number; green: number } = { blue: 2, green: 0 }) {
  let now = Date.parse("2026-11-30T03:00:00Z");
  let secret = "v1";
  const autoScaling = new FakeAutoScaling(
    () => secret,
    () => now,
  );
  autoScaling.addGroup(GROUPS[0], live.blue);
  autoScaling.addGroup(GROUPS[1], live.green);
  const invocations: Array<[string, object]> = [];
  const logs: string[] = [];
  const ports = {
    autoScaling,
    lambda: { invokeAsync: async (name: string, payload: object) => void invocations.push([name, payload]) },
    clock: { now: () => now, sleep: async (ms: number) => void (now += ms) },
    log: (level: string, message: string, fields: object) => logs.push(`${level} ${message} ${JSON.stringify(fields)}`),
  };
  return {
    autoScaling,
    invocations,
    logs,
    ports,
    /** Secrets Manager rotates: instances booting from now on read the new value. */
    rotate(value: string) {
      secret = value;
      return now;
    },
    later: (ms: number) => (now += ms),
    secretsHeld: () =>
      Object.values(autoScaling.groups).flatMap((group) => group.instances.map((instance) => instance.secret)),
  };
}

describe("convergence: after a rotation every running instance gets the new value", () => {
  test("a rotation refreshes the live colour at 100 % minimum / 200 % maximum healthy, and every instance then holds the new value", async () => {
    const w = world();
    const at = w.rotate("v2");
    await handle(rotationEvent("RotationSucceeded", APP_SECRET, at), w.ports, settings);
    expect(w.autoScaling.started).toEqual([
      { group: GROUPS[0], preferences: { MinHealthyPercentage: 100, MaxHealthyPercentage: 200 } },
    ]);
    await w.autoScaling.describeInstanceRefreshes(GROUPS[0]);
    await w.autoScaling.describeInstanceRefreshes(GROUPS[0]);
    expect(w.secretsHeld()).toEqual(["v2", "v2"]);
  });

  test("mid-release, the idle colour's running instances are refreshed too; an empty colour is left alone", async () => {
    const w = world({ blue: 2, green: 2 });
    await handle(rotationEvent("RotationSucceeded", APP_SECRET, w.rotate("v2")), w.ports, settings);
    expect(w.autoScaling.started.map((start) => start.group)).toEqual(GROUPS);
    const idle = world({ blue: 0, green: 2 });
    await handle(rotationEvent("RotationSucceeded", APP_SECRET, idle.rotate("v2")), idle.ports, settings);
    expect(idle.autoScaling.started.map((start) => start.group)).toEqual([GROUPS[1]]);
  });

  test("a refresh that started after the rotation is adopted instead of refused (InstanceRefreshInProgress)", async () => {
    const w = world();
    const at = w.rotate("v2");
    const release = w.autoScaling.startedElsewhere(GROUPS[0], at + 1000);
    const result = await handle(rotationEvent("RotationSucceeded", APP_SECRET, at), w.ports, settings);
    expect(result.refreshed).toEqual([{ group: GROUPS[0], refresh: release }]);
    expect(w.autoScaling.started).toEqual([]);
  });

  test("a refresh that started before the rotation is waited for, then a new one replaces what it launched", async () => {
    const w = world();
    w.autoScaling.refreshDescribes = 3;
    w.autoScaling.startedElsewhere(GROUPS[0], Date.parse("2026-11-30T02:50:00Z"));
    const at = w.rotate("v2");
    await handle(rotationEvent("RotationSucceeded", APP_SECRET, at), w.ports, settings);
    expect(w.autoScaling.started.map((start) => start.group)).toEqual([GROUPS[0]]);
    for (let i = 0; i < 3; i++) await w.autoScaling.describeInstanceRefreshes(GROUPS[0]);
    expect(w.secretsHeld()).toEqual(["v2", "v2"]);
  });

  test("an older refresh that never ends fails the invocation with the group named (alarmed, and retried by Lambda)", async () => {
    const w = world();
    w.autoScaling.refreshDescribes = 10_000;
    w.autoScaling.startedElsewhere(GROUPS[0], Date.parse("2026-11-30T02:50:00Z"));
    await expect(
      handle(rotationEvent("RotationSucceeded", APP_SECRET, w.rotate("v2")), w.ports, settings),
    ).rejects.toThrow("auth-production-blue: an earlier instance refresh is still running after 600 s");
  });
});

describe("convergence: the old Redis token is retired only once every instance runs with the new one", () => {
  test("after the refresh succeeded, the Redis rotation function is asked to retire the old token", async () => {
    const w = world();
    await handle(rotationEvent("RotationSucceeded", REDIS_SECRET, w.rotate("token-2")), w.ports, settings);
    expect(w.secretsHeld()).toEqual(["token-2", "token-2"]);
    expect(w.invocations).toEqual([
      ["auth-production-redis-auth-rotation", { SecretId: REDIS_SECRET, Action: "retirePreviousToken" }],
    ]);
  });

  test("a failed refresh keeps the old token valid and fails the invocation", async () => {
    const w = world();
    const at = w.rotate("token-2");
    w.autoScaling.startedElsewhere(GROUPS[0], at + 1000, { fail: true });
    await expect(handle(rotationEvent("RotationSucceeded", REDIS_SECRET, at), w.ports, settings)).rejects.toThrow(
      /auth-production-blue: instance refresh refresh-\d+ ended Failed \(Instances failed to become healthy\.\); the old Redis token stays valid/,
    );
    expect(w.invocations).toEqual([]);
  });

  test("other secrets never touch Redis", async () => {
    const w = world();
    await handle(rotationEvent("RotationSucceeded", APP_SECRET, w.rotate("v2")), w.ports, settings);
    expect(w.invocations).toEqual([]);
  });
});

describe("convergence: failures are reported", () => {
  test("a failed rotation is logged as an error and starts no refresh", async () => {
    const w = world();
    await handle(rotationEvent("RotationFailed", APP_SECRET, w.rotate("v1")), w.ports, settings);
    expect(w.autoScaling.started).toEqual([]);
    expect(w.logs).toEqual([
      `error secret rotation failed: see the rotation function's logs {"secretId":"${APP_SECRET}"}`,
    ]);
  });

  test("a failed refresh is logged as an error", async () => {
    const w = world();
    await handle(
      {
        "detail-type": "EC2 Auto Scaling Instance Refresh Failed",
        detail: { AutoScalingGroupName: GROUPS[0], InstanceRefreshId: "r-1" },
      },
      w.ports,
      settings,
    );
    expect(w.logs[0]).toMatch(/^error instance refresh failed/);
  });
});
