import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync } from "fs";
import { createServer, Server } from "tls";
import { tmpdir } from "os";
import { join } from "path";
import { FakeElastiCache } from "./support/fake-elasticache";
import { FakeSingleSecret } from "./support/fake-single-secret";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rotate } = require("../lambda/redis-auth-rotation/rotation");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { redisProbe } = require("../lambda/redis-auth-rotation/probe");

const SECRET = "arn:aws:secretsmanager:eu-west-1:222222222222:secret:auth-production-redis/auth-token-AbCdEf";
const GROUP = "auth-production-redis";
const BOOTSTRAP = "bootstrap-token-from-terraform-state";
const STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
const settings = { replicationGroupId: GROUP, tokenLength: 64, waitSeconds: 60, pollSeconds: 5 };

/** The rotation's world: a Secrets Manager secret, the replication group, Redis, and a clock that never really waits. */
function world(initialToken = BOOTSTRAP) {
  const secretsManager = new FakeSingleSecret(SECRET);
  const elastiCache = new FakeElastiCache(GROUP, initialToken);
  let now = 0;
  const ports = {
    secretsManager,
    elastiCache,
    redis: { accepts: async (token: string) => elastiCache.accepts(token) },
    clock: { now: () => now, sleep: async (ms: number) => void (now += ms) },
  };
  let rotations = 0;
  const tokenOf = (value: string | undefined) => (value ? JSON.parse(value).auth_token : undefined);
  return {
    secretsManager,
    elastiCache,
    ports,
    current: () => tokenOf(secretsManager.current()),
    step: (step: string, token: string) =>
      rotate({ SecretId: SECRET, ClientRequestToken: token, Step: step }, ports, settings),
    retire: () => rotate({ SecretId: SECRET, Action: "retirePreviousToken" }, ports, settings),
    /** What Secrets Manager does on a schedule: a new pending version, then the four steps. */
    async rotation() {
      const token = `version-${++rotations}`;
      secretsManager.startRotation(token);
      for (const step of STEPS)
        await rotate({ SecretId: SECRET, ClientRequestToken: token, Step: step }, ports, settings);
      return tokenOf(secretsManager.values[token]) as string;
    },
  };
}

describe("Redis AUTH token rotation: ROTATE, converge, then SET", () => {
  test("the first rotation, at creation, retires the bootstrap token Terraform had to set", async () => {
    const w = world();
    const first = await w.rotation();
    expect(w.elastiCache.tokens).toEqual([first]);
    expect(w.elastiCache.accepts(BOOTSTRAP)).toBe(false);
    expect(w.elastiCache.modifications).toEqual(["ROTATE", "SET"]);
    expect(w.current()).toBe(first);
    expect(first).toMatch(/^[A-Za-z0-9]{64}$/);
  });

  test("a later rotation keeps the old token valid until the fleet has converged, then retires it", async () => {
    const w = world();
    const first = await w.rotation();
    const second = await w.rotation();
    // Instances that booted before the rotation still hold the first token; new ones get the second.
    expect(w.current()).toBe(second);
    expect(w.elastiCache.accepts(first)).toBe(true);
    expect(w.elastiCache.accepts(second)).toBe(true);
    // The convergence function calls this once the instance refresh replaced every instance.
    await w.retire();
    expect(w.elastiCache.tokens).toEqual([second]);
    await w.retire();
    expect(w.elastiCache.modifications).toEqual(["ROTATE", "SET", "ROTATE", "SET"]);
  });

  test("without a retirement, the next rotation retires the oldest token first: never more than two are live", async () => {
    const w = world();
    const first = await w.rotation();
    const second = await w.rotation();
    const third = await w.rotation();
    expect(w.elastiCache.tokens).toEqual([second, third]);
    expect(w.elastiCache.accepts(first)).toBe(false);
    expect(w.elastiCache.modifications.slice(2)).toEqual(["ROTATE", "SET", "ROTATE"]);
  });

  test("during a rotation both the current and the pending token authenticate (testSecret checks both)", async () => {
    const w = world();
    const first = await w.rotation();
    w.secretsManager.startRotation("next");
    await w.step("createSecret", "next");
    await w.step("setSecret", "next");
    const pending = JSON.parse(w.secretsManager.values.next).auth_token;
    expect(w.elastiCache.tokens).toEqual([first, pending]);
    await expect(w.step("testSecret", "next")).resolves.toBeUndefined();
    expect(w.current()).toBe(first);
  });

  test("testSecret fails when the current token no longer works, so AWSCURRENT never moves onto a broken state", async () => {
    const w = world();
    await w.rotation();
    w.secretsManager.startRotation("next");
    await w.step("createSecret", "next");
    await w.step("setSecret", "next");
    w.elastiCache.tokens = w.elastiCache.tokens.slice(1); // someone ran SET by hand too early
    await expect(w.step("testSecret", "next")).rejects.toThrow(
      /refuses the current AUTH token .* running instances would lose Redis/,
    );
  });
});

describe("Redis AUTH token rotation: Secrets Manager retries every step", () => {
  test.each(STEPS)("repeating %s changes nothing", async (repeated) => {
    const w = world();
    const first = await w.rotation();
    w.secretsManager.startRotation("next");
    for (const step of STEPS) {
      await w.step(step, "next");
      if (step === repeated) await w.step(step, "next");
    }
    const second = JSON.parse(w.secretsManager.values.next).auth_token;
    expect(w.elastiCache.tokens).toEqual([first, second]);
    expect(w.elastiCache.modifications).toEqual(["ROTATE", "SET", "ROTATE"]);
    expect(w.secretsManager.calls.filter((call) => call.startsWith("put"))).toHaveLength(2);
    expect(w.current()).toBe(second);
  });

  test("a first rotation interrupted between ROTATE and SET still retires the bootstrap token when retried", async () => {
    const w = world();
    w.secretsManager.startRotation("first");
    await w.step("createSecret", "first");
    const pending = JSON.parse(w.secretsManager.values.first).auth_token;
    await w.ports.elastiCache.modifyAuthToken(GROUP, pending, "ROTATE"); // the attempt died after this call
    await w.step("setSecret", "first");
    expect(w.elastiCache.tokens).toEqual([pending]);
  });
});

describe("Redis AUTH token rotation: replication group states that refuse ModifyReplicationGroup", () => {
  test("waits while the group is snapshotting, then rotates", async () => {
    const w = world();
    await w.rotation();
    w.elastiCache.busyFor("snapshotting", 3);
    await w.rotation();
    expect(w.elastiCache.tokens).toHaveLength(2);
  });

  test("a group that turns busy between the check and the call is retried after it is available again", async () => {
    const w = world();
    await w.rotation();
    w.elastiCache.raceOnNextModify = 1;
    const second = await w.rotation();
    expect(w.elastiCache.accepts(second)).toBe(true);
  });

  test("a group that stays busy fails the step with a clear message; the retried rotation then completes", async () => {
    const w = world();
    const first = await w.rotation();
    w.elastiCache.busyFor("modifying", 1000);
    w.secretsManager.startRotation("next");
    await w.step("createSecret", "next");
    await expect(w.step("setSecret", "next")).rejects.toThrow(
      `replication group ${GROUP} is still modifying after 60 s; Secrets Manager retries the rotation`,
    );
    expect(w.elastiCache.tokens).toEqual([first]);
    w.elastiCache.busyFor("available", 0);
    for (const step of STEPS) await w.step(step, "next");
    expect(w.elastiCache.tokens).toHaveLength(2);
    expect(w.elastiCache.modifications.filter((strategy) => strategy === "ROTATE")).toHaveLength(2);
  });

  test("other refusals are not retried: they fail the rotation, which raises the rotation-failed alarm", async () => {
    const w = world();
    await w.rotation();
    w.ports.elastiCache.modifyAuthToken = async () => {
      throw Object.assign(new Error("Invalid AuthToken provided."), { name: "InvalidParameterValueException" });
    };
    w.secretsManager.startRotation("next");
    await w.step("createSecret", "next");
    await expect(w.step("setSecret", "next")).rejects.toThrow("Invalid AuthToken provided.");
  });
});

describe("Redis AUTH token rotation: no token in any log line or error", () => {
  test("a whole rotation, failures included, writes no token anywhere", async () => {
    const lines: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((method) =>
      jest
        .spyOn(console, method)
        .mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" "))),
    );
    try {
      const w = world();
      const errors: string[] = [];
      await w.rotation();
      await w.rotation();
      w.elastiCache.busyFor("modifying", 1000);
      w.secretsManager.startRotation("next");
      await w.step("createSecret", "next");
      await w.step("setSecret", "next").catch((error: Error) => errors.push(error.message));
      await w.step("testSecret", "next").catch((error: Error) => errors.push(error.message));
      const tokens = Object.values(w.secretsManager.values).map((value) => JSON.parse(value).auth_token as string);
      expect(errors).toHaveLength(2);
      for (const text of [...lines, ...errors])
        for (const token of [...tokens, BOOTSTRAP]) expect(text).not.toContain(token);
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
  });
});

describe("Redis probe: AUTH against a real TLS server on loopback", () => {
  let server: Server;
  let port: number;
  let ca: Buffer;
  const LIVE = "the-live-token-0123456789";

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "redis-tls-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    ca = readFileSync(join(dir, "cert.pem"));
    // Answers AUTH the way Redis 7 does.
    server = createServer({ key: readFileSync(join(dir, "key.pem")), cert: ca }, (socket) => {
      let request = "";
      socket.on("data", (chunk) => {
        request += chunk.toString();
        const parts = request.split("\r\n");
        if (parts.length < 6) return;
        socket.end(
          parts[2] === "AUTH" && parts[4] === LIVE
            ? "+OK\r\n"
            : "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  }, 10_000);
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("a live token is accepted, another one refused", async () => {
    const probe = redisProbe({ host: "localhost", port, timeoutMs: 2000, ca });
    await expect(probe.accepts(LIVE)).resolves.toBe(true);
    await expect(probe.accepts("a-retired-token-0123456789")).resolves.toBe(false);
  }, 10_000);

  test("an unreachable Redis is an error, never a 'refused'", async () => {
    const probe = redisProbe({ host: "localhost", port: 1, timeoutMs: 2000, ca });
    await expect(probe.accepts(LIVE)).rejects.toThrow(/Redis at localhost:1: .*ECONNREFUSED/);
  }, 10_000);

  test("a server whose certificate is not trusted is an error", async () => {
    const probe = redisProbe({ host: "localhost", port, timeoutMs: 2000 });
    await expect(probe.accepts(LIVE)).rejects.toThrow(/self-signed|self signed/);
  }, 10_000);
});
