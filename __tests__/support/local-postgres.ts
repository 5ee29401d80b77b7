import { ChildProcess, execFileSync, spawn } from "child_process";
import { randomBytes } from "crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { createServer } from "net";
import { tmpdir } from "os";
import { join } from "path";
import { Client } from "pg";
import { scramSha256Verifier } from "../../lambda/postgres-rotation/scram";

/** A PostgreSQL 16 server on 127.0.0.1 that only speaks TLS, with a certificate from a test CA. */
export interface LocalPostgres {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** The CA that signed the server's certificate (PEM). */
  readonly caBundle: string;
  /** A CA that did not: a client trusting only this one must refuse the server. */
  readonly unrelatedCaBundle: string;
  readonly superuserPassword: string;
  /**
   * A database of its own for one test, on this one server: created from template0, owned by a new
   * login role that alone may connect to it (CONNECT revoked from PUBLIC). Starting a server costs
   * seconds; a database, milliseconds.
   */
  freshDatabase(): Promise<TestDatabase>;
  /** Everything the server logged, every statement included (read it before stop(), which removes it). */
  serverLog(): string;
  stop(): Promise<void>;
}

/** One test's database and the role that owns it. */
export interface TestDatabase {
  readonly database: string;
  readonly user: string;
  readonly password: string;
}

const READY_TIMEOUT_MS = 45_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A CA and a server certificate for 127.0.0.1, made with openssl in `directory`. */
function makeCertificates(directory: string): {
  certificate: string;
  key: string;
  caBundle: string;
  unrelatedCaBundle: string;
} {
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: directory, stdio: "pipe" });
  const ca = (name: string) =>
    run(
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${name}`,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.pem`,
    );
  ca("test-ca");
  ca("unrelated-ca");
  run(
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
  );
  execFileSync("sh", ["-c", "printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > server.ext"], {
    cwd: directory,
  });
  run(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "test-ca.pem",
    "-CAkey",
    "test-ca.key",
    "-CAcreateserial",
    "-days",
    "1",
    "-extfile",
    "server.ext",
    "-out",
    "server.crt",
  );
  return {
    certificate: join(directory, "server.crt"),
    key: join(directory, "server.key"),
    caBundle: readFileSync(join(directory, "test-ca.pem"), "utf8"),
    unrelatedCaBundle: readFileSync(join(directory, "unrelated-ca.pem"), "utf8"),
  };
}

/**
 * Starts the server in a child process (__tests__/support/postgres-server.mjs). Call stop() in
 * afterAll; should the test process die first, the child sees its stdin close and stops the
 * server itself.
 */
export async function startLocalPostgres(): Promise<LocalPostgres> {
  const directory = mkdtempSync(join(tmpdir(), "auth-pg-"));
  // As root the server runs as the unprivileged "postgres" user and must reach its files in here
  // (postgres-server.mjs also links the binaries in here when node_modules is out of its reach).
  chmodSync(directory, 0o755);
  const certificates = makeCertificates(directory);
  const port = await freePort();
  const superuserPassword = randomBytes(18).toString("base64url");
  const logFile = join(directory, "server.log");
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(__dirname, "postgres-server.mjs"),
      JSON.stringify({ directory, port, certificate: certificates.certificate, key: certificates.key, logFile }),
    ],
    { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, POSTGRES_SUPERUSER_PASSWORD: superuserPassword } },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    child.stdin?.end();
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
    rmSync(directory, { recursive: true, force: true });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`PostgreSQL did not start within ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      child.stdout?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`PostgreSQL helper exited with ${code}: ${stderr.trim()}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }

  let databases = 0;
  const freshDatabase = async (): Promise<TestDatabase> => {
    const name = `test_${++databases}_${randomBytes(3).toString("hex")}`;
    const password = randomBytes(18).toString("base64url");
    const client = new Client({
      host: "127.0.0.1",
      port,
      database: "postgres",
      user: "postgres",
      password: superuserPassword,
      ssl: { ca: certificates.caBundle },
    });
    await client.connect();
    try {
      // The SCRAM verifier, not the password: the server logs every statement.
      await client.query(
        `CREATE ROLE ${name} WITH LOGIN PASSWORD ${client.escapeLiteral(scramSha256Verifier(password))}`,
      );
      await client.query(`CREATE DATABASE ${name} OWNER ${name} TEMPLATE template0`);
      await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${name} FROM PUBLIC`);
    } finally {
      await client.end();
    }
    return { database: name, user: name, password };
  };

  return {
    host: "127.0.0.1",
    port,
    caBundle: certificates.caBundle,
    unrelatedCaBundle: certificates.unrelatedCaBundle,
    superuserPassword,
    freshDatabase,
    serverLog: () => readFileSync(logFile, "utf8"),
    stop,
  };
}
