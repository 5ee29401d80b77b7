import { createServer, Server } from "http";
import { AddressInfo } from "net";
import { EXIT, ReleasePorts, ReleaseSettings, release, rollback } from "../scripts/release/orchestrator";
import { httpSmokeTest, parseCheck } from "../scripts/release/smoke";

/** A local HTTP server standing in for the ALB test listener; `status` decides what /health answers. */
async function testListener(statusOf: (path: string) => number): Promise<{ url: string; server: Server; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? "");
    response.statusCode = statusOf(request.url ?? "");
    response.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, paths };
}

const blueLive: ReleaseSettings = { blueImageTag: "1.4.0", greenImageTag: "1.4.0", greenTrafficPercent: 0, idleCapacity: 0 };

function fakes(options: { firingAfterDeploys?: number; initial?: ReleaseSettings; onBake?: () => void; alwaysFiring?: string[] } = {}) {
  const deployed: ReleaseSettings[] = [];
  const log: string[] = [];
  const remembered: ReleaseSettings[] = [];
  const ports = (smokeUrl: string): ReleasePorts => ({
    deployer: {
      current: async () => options.initial ?? blueLive,
      deploy: async (settings) => void deployed.push(settings),
    },
    fleet: { waitHealthy: async () => undefined },
    alarms: {
      firing: async () => [
        ...(options.alwaysFiring ?? []),
        ...(options.firingAfterDeploys !== undefined && deployed.length >= options.firingAfterDeploys ? ["auth-staging-alb-5xx-rate"] : []),
      ],
    },
    smoke: httpSmokeTest(smokeUrl, [parseCheck("/health"), parseCheck("/login=200")], { attempts: 2, pauseMs: 10 }),
    sleep: async () => options.onBake?.(),
    log: (line) => log.push(line),
    remember: (before) => void remembered.push(before),
  });
  return { deployed, log, ports, remembered };
}

const plan = { imageTag: "1.5.0", steps: [10, 50, 100], bakeMilliseconds: 1000, fullCapacity: 2 };

describe("blue/green release", () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((server) => server.close()));

  test("success: idle colour at full capacity, smoke-tested, traffic 10 -> 50 -> 100, old colour scaled down", async () => {
    const listener = await testListener(() => 200);
    servers.push(listener.server);
    const { deployed, log, ports } = fakes();
    const outcome = await release(plan, ports(listener.url), new AbortController().signal);
    expect(outcome).toEqual({ exitCode: EXIT.ok, reason: "released" });
    expect(deployed).toEqual([
      { ...blueLive, greenImageTag: "1.5.0", idleCapacity: 2 },
      { ...blueLive, greenImageTag: "1.5.0", idleCapacity: 2, greenTrafficPercent: 10 },
      { ...blueLive, greenImageTag: "1.5.0", idleCapacity: 2, greenTrafficPercent: 50 },
      { ...blueLive, greenImageTag: "1.5.0", idleCapacity: 2, greenTrafficPercent: 100 },
      { ...blueLive, greenImageTag: "1.5.0", idleCapacity: 0, greenTrafficPercent: 100 },
    ]);
    expect(listener.paths).toEqual(["/health", "/login"]);
    expect(log.filter((line) => line.startsWith("->")).map((line) => line.slice(3, 6))).toEqual(["1/6", "2/6", "3/6", "4/6", "4/6", "4/6", "5/6"]);
  });

  test("the next release goes the other way: green is live, blue takes the new tag", async () => {
    const listener = await testListener(() => 200);
    servers.push(listener.server);
    const greenLive = { ...blueLive, greenImageTag: "1.5.0", greenTrafficPercent: 100 };
    const { deployed, ports } = fakes({ initial: greenLive });
    await release({ ...plan, imageTag: "1.6.0" }, ports(listener.url), new AbortController().signal);
    expect(deployed.map((settings) => [settings.blueImageTag, settings.greenTrafficPercent, settings.idleCapacity])).toEqual([
      ["1.6.0", 100, 2],
      ["1.6.0", 90, 2],
      ["1.6.0", 50, 2],
      ["1.6.0", 0, 2],
      ["1.6.0", 0, 0],
    ]);
  });

  test("a failed smoke test moves no traffic, rolls back and exits non-zero", async () => {
    const listener = await testListener((path) => (path === "/health" ? 503 : 200));
    servers.push(listener.server);
    const { deployed, log, ports } = fakes();
    const outcome = await release(plan, ports(listener.url), new AbortController().signal);
    expect(outcome.exitCode).toBe(EXIT.smokeFailed);
    expect(outcome.reason).toBe("smoke test failed: /health answered 503, expected 200");
    expect(deployed.every((settings) => settings.greenTrafficPercent === 0)).toBe(true);
    expect(deployed.at(-1)).toEqual({ ...blueLive, greenImageTag: "1.5.0" });
    expect(log).toContain("<- rolled back: blue takes all traffic again");
  });

  test("an alarm mid-shift sends all traffic back to the old colour", async () => {
    const listener = await testListener(() => 200);
    servers.push(listener.server);
    const { deployed, ports } = fakes({ firingAfterDeploys: 3 });
    const outcome = await release(plan, ports(listener.url), new AbortController().signal);
    expect(outcome).toEqual({ exitCode: EXIT.alarm, reason: "alarms firing at 50%: auth-staging-alb-5xx-rate" });
    expect(deployed.map((settings) => settings.greenTrafficPercent)).toEqual([0, 10, 50, 0]);
  });

  test("an interrupted run (Ctrl-C during a bake) rolls traffic back", async () => {
    const listener = await testListener(() => 200);
    servers.push(listener.server);
    const controller = new AbortController();
    const { deployed, ports } = fakes({ onBake: () => controller.abort() });
    const outcome = await release(plan, ports(listener.url), controller.signal);
    expect(outcome).toEqual({ exitCode: EXIT.interrupted, reason: "interrupted" });
    expect(deployed.map((settings) => settings.greenTrafficPercent)).toEqual([0, 10, 0]);
  });

  test("alarms already firing before the release do not stop it", async () => {
    const listener = await testListener(() => 200);
    servers.push(listener.server);
    const { ports } = fakes({ alwaysFiring: ["auth-staging-db-cpu"] });
    expect((await release(plan, ports(listener.url), new AbortController().signal)).exitCode).toBe(EXIT.ok);
  });

  test("an idle colour that still runs instances is emptied first, so only new-image targets count as healthy", async () => {
    const listener = await testListener(() => 200);
    servers.push(listener.server);
    const { deployed, ports, remembered } = fakes({ initial: { ...blueLive, idleCapacity: 2 } });
    await release(plan, ports(listener.url), new AbortController().signal);
    expect(deployed[0]).toEqual({ ...blueLive, idleCapacity: 0 });
    expect(deployed[1]).toEqual({ ...blueLive, greenImageTag: "1.5.0", idleCapacity: 2 });
    expect(remembered).toEqual([{ ...blueLive, idleCapacity: 2 }]);
  });

  test("a separate rollback run restores traffic and idle capacity from before the release", async () => {
    const deployed: ReleaseSettings[] = [];
    const midRelease = { ...blueLive, greenImageTag: "1.5.0", greenTrafficPercent: 50, idleCapacity: 2 };
    await rollback(blueLive, { current: async () => midRelease, deploy: async (settings) => void deployed.push(settings) }, () => undefined);
    expect(deployed).toEqual([{ ...midRelease, greenTrafficPercent: 0, idleCapacity: 0 }]);
  });

  test("checks are parsed as /path or /path=STATUS", () => {
    expect(parseCheck("/ready")).toEqual({ path: "/ready", status: 200 });
    expect(parseCheck("/admin=403")).toEqual({ path: "/admin", status: 403 });
    expect(() => parseCheck("health")).toThrow(/bad check/);
  });
});
