import { randomBytes } from "crypto";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Client } from "pg";
import { scramSha256Verifier } from "../../lambda/postgres-rotation/scram";
import { rotate, RotationSettings, ServiceCredentials } from "../../lambda/postgres-rotation/rotation";
import { FakeSecretsManager } from "../support/fake-secrets-manager";
import { LocalPostgres, startLocalPostgres } from "../support/local-postgres";

// The service's database credentials rotate with alternating users; here the real rotation code
// runs against a real PostgreSQL 16 (TLS only, like rds.force_ssl) and a Secrets Manager fake.

const MASTER_SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-0a1b2c3d-AbCdEf";
const SERVICE_SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:auth-staging/db-service-AbCdEf";
const STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
const MASTER_USER = "auth_admin";
const MASTER_PASSWORD = randomBytes(24).toString("base64url");

let server: LocalPostgres;
let secrets: FakeSecretsManager;
let settings: RotationSettings;
/** Every line the function logged, and everything anything wrote to the console meanwhile. */
const logLines: string[] = [];
const log = (message: string, fields?: Record<string, unknown>) =>
  logLines.push(JSON.stringify({ message, ...fields }));
/** The credentials AWSCURRENT held after each rotation; [0] is the version Terraform writes. */
const history: ServiceCredentials[] = [];

async function connect(username: string, password: string, database = "auth"): Promise<Client> {
  const client = new Client({
    host: server.host,
    port: server.port,
    database,
    user: username,
    password,
    ssl: { ca: server.caBundle },
    connectionTimeoutMillis: 5000,
  });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

async function run<T>(
  username: string,
  password: string,
  work: (client: Client) => Promise<T>,
  database?: string,
): Promise<T> {
  const client = await connect(username, password, database);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** "ok", or the SQLSTATE PostgreSQL refused the login with (28P01: wrong password). */
async function login(credentials: ServiceCredentials): Promise<string> {
  try {
    await run(credentials.username, credentials.password ?? "", (client) => client.query("SELECT 1"));
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** What a login may do, probed by trying: "ok" or the SQLSTATE of the refusal (42501: insufficient privilege). */
async function privilegesOf(credentials: ServiceCredentials) {
  return run(credentials.username, credentials.password ?? "", async (client) => {
    const attempt = async (sql: string) => {
      await client.query("SAVEPOINT probe");
      try {
        await client.query(sql);
        await client.query("RELEASE SAVEPOINT probe");
        return "ok";
      } catch (error) {
        await client.query("ROLLBACK TO SAVEPOINT probe");
        return (error as { code?: string }).code ?? "error";
      }
    };
    // CREATE DATABASE cannot run inside a transaction block, so it is tried first, on its own.
    const createDatabase = await client.query("CREATE DATABASE intruder").then(
      () => "ok",
      (error: { code?: string }) => error.code ?? "error",
    );
    await client.query("BEGIN");
    const { rows } = await client.query("SELECT current_user AS acting_as, current_schema() AS schema");
    const result = {
      actingAs: rows[0].acting_as,
      defaultSchema: rows[0].schema,
      createTableInOwnSchema: await attempt("CREATE TABLE auth.probe (id int)"),
      writeAndReadOwnTable: await attempt("INSERT INTO auth.probe VALUES (1); SELECT * FROM auth.probe"),
      readAnotherSchema: await attempt("SELECT * FROM billing.invoices"),
      createInPublicSchema: await attempt("CREATE TABLE public.probe (id int)"),
      createRole: await attempt("CREATE ROLE intruder"),
      createDatabase,
    };
    await client.query("ROLLBACK");
    return result;
  });
}

function credentialsAt(stage: string): ServiceCredentials {
  return JSON.parse(secrets.valueAt(SERVICE_SECRET, stage) ?? "null");
}

/** What Secrets Manager does on a schedule or on `aws secretsmanager rotate-secret`. */
async function rotateOnce(secretId = SERVICE_SECRET, using = settings): Promise<void> {
  const token = secrets.startRotation(secretId);
  for (const step of STEPS)
    await rotate({ SecretId: secretId, ClientRequestToken: token, Step: step }, secrets, using, log);
}

beforeAll(async () => {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    jest
      .spyOn(console, method)
      .mockImplementation((...args: unknown[]) => void logLines.push(args.map(String).join(" ")));
  }
  server = await startLocalPostgres();
  // The RDS master user is no superuser: CREATEROLE and CREATEDB, owner of the service's database.
  await run(
    "postgres",
    server.superuserPassword,
    async (client) => {
      await client.query(
        `CREATE ROLE ${MASTER_USER} WITH LOGIN CREATEROLE CREATEDB PASSWORD ${client.escapeLiteral(scramSha256Verifier(MASTER_PASSWORD))}`,
      );
      await client.query(`CREATE DATABASE auth OWNER ${MASTER_USER}`);
    },
    "postgres",
  );
  // Another team's data in the same database, which the service must not read.
  await run(MASTER_USER, MASTER_PASSWORD, (client) =>
    client.query(
      "CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int); INSERT INTO billing.invoices VALUES (1)",
    ),
  );

  secrets = new FakeSecretsManager();
  secrets.createSecret(MASTER_SECRET, JSON.stringify({ username: MASTER_USER, password: MASTER_PASSWORD }));
  // What Terraform writes: where to connect and as whom, no password.
  secrets.createSecret(
    SERVICE_SECRET,
    JSON.stringify({
      engine: "postgres",
      host: server.host,
      port: server.port,
      dbname: "auth",
      username: "auth_app",
      masterarn: MASTER_SECRET,
    }),
  );
  settings = {
    masterSecretArn: MASTER_SECRET,
    host: server.host,
    port: server.port,
    dbname: "auth",
    baseUsername: "auth_app",
    schema: "auth",
    trust: { caBundle: server.caBundle },
  };
  history.push(credentialsAt("AWSCURRENT"));
}, 90_000);

afterAll(async () => {
  jest.restoreAllMocks();
  await server?.stop();
}, 30_000);

describe("the first rotation (run by Secrets Manager when rotation is configured)", () => {
  test("creates auth_app with the service's privileges and stores its generated password", async () => {
    expect(history[0].password).toBeUndefined();
    await rotateOnce();
    const current = credentialsAt("AWSCURRENT");
    history.push(current);
    expect(current).toMatchObject({ username: "auth_app", dbname: "auth", masterarn: MASTER_SECRET });
    expect(current.password).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(credentialsAt("AWSPREVIOUS")).toEqual(history[0]);
    expect(await login(current)).toBe("ok");
    expect(await privilegesOf(current)).toEqual({
      actingAs: "auth_app",
      defaultSchema: "auth",
      createTableInOwnSchema: "ok",
      writeAndReadOwnTable: "ok",
      readAnotherSchema: "42501",
      createInPublicSchema: "42501",
      createRole: "42501",
      createDatabase: "42501",
    });
  }, 30_000);
});

describe("scheduled rotations alternate between auth_app and auth_app_clone", () => {
  test.each([
    [1, "auth_app_clone"],
    [2, "auth_app"],
    [3, "auth_app_clone"],
  ])(
    "rotation %i sets a new password on %s; the previous credentials keep working",
    async (rotation, user) => {
      await rotateOnce();
      const current = credentialsAt("AWSCURRENT");
      const previous = history[history.length - 1];
      history.push(current);
      expect(current.username).toBe(user);
      expect(credentialsAt("AWSPREVIOUS")).toEqual(previous);
      expect(await login(current)).toBe("ok");
      // What every running instance holds until it is refreshed: still valid for a whole period.
      expect(await login(previous)).toBe("ok");
      expect(await privilegesOf(current)).toEqual(await privilegesOf(previous));
      if (rotation >= 2) {
        // Two rotations ago is the same user as now, with the password this rotation replaced.
        const older = history[history.length - 3];
        expect(older.username).toBe(current.username);
        expect(older.password).not.toBe(current.password);
        expect(await login(older)).toBe("28P01");
      }
    },
    30_000,
  );

  test("both users act as auth_app, so objects either creates belong to auth_app", async () => {
    const [clone, base] = [credentialsAt("AWSCURRENT"), credentialsAt("AWSPREVIOUS")];
    expect([clone.username, base.username]).toEqual(["auth_app_clone", "auth_app"]);
    await run(clone.username, clone.password!, (client) => client.query("CREATE TABLE sessions (id int)"));
    const owner = await run(base.username, base.password!, async (client) => {
      const { rows } = await client.query(
        "SELECT tableowner FROM pg_tables WHERE schemaname = 'auth' AND tablename = 'sessions'",
      );
      await client.query("DROP TABLE sessions");
      return rows[0].tableowner;
    });
    expect(owner).toBe("auth_app");
  }, 30_000);
});

describe("drift: every rotation repairs the service's privileges", () => {
  /** What a privilege check with both names together would hide: has_schema_privilege is true when either is held. */
  const schemaPrivileges = (credentials: ServiceCredentials) =>
    run(credentials.username, credentials.password!, async (client) => {
      const { rows } = await client.query(
        "SELECT has_schema_privilege('auth', 'USAGE') AS usage, has_schema_privilege('auth', 'CREATE') AS create",
      );
      return rows[0];
    });

  test("CREATE revoked from auth_app: the rotation of the clone restores it", async () => {
    // The next rotation must be the clone's: after an odd number of scheduled ones, one more.
    if (credentialsAt("AWSCURRENT").username !== "auth_app") {
      await rotateOnce();
      history.push(credentialsAt("AWSCURRENT"));
    }
    expect(credentialsAt("AWSCURRENT").username).toBe("auth_app");
    await run(MASTER_USER, MASTER_PASSWORD, (client) => client.query("REVOKE CREATE ON SCHEMA auth FROM auth_app"));
    expect(await schemaPrivileges(credentialsAt("AWSCURRENT"))).toEqual({ usage: true, create: false });

    await rotateOnce();
    const clone = credentialsAt("AWSCURRENT");
    history.push(clone);
    expect(clone.username).toBe("auth_app_clone");
    expect(await schemaPrivileges(clone)).toEqual({ usage: true, create: true });
    expect((await privilegesOf(clone)).createTableInOwnSchema).toBe("ok");
  }, 30_000);

  test("the clone's membership revoked: the rotation of the base user restores it", async () => {
    const isMember = () =>
      run(
        MASTER_USER,
        MASTER_PASSWORD,
        async (client) =>
          (await client.query("SELECT pg_has_role('auth_app_clone', 'auth_app', 'MEMBER') AS member")).rows[0].member,
      );
    await run(MASTER_USER, MASTER_PASSWORD, (client) => client.query("REVOKE auth_app FROM auth_app_clone"));
    const clone = credentialsAt("AWSCURRENT");
    expect(clone.username).toBe("auth_app_clone");
    expect(await isMember()).toBe(false);
    // Without the membership the clone lacks CONNECT: its password is right, the database refuses it.
    expect(await login(clone)).toBe("42501");

    await rotateOnce();
    history.push(credentialsAt("AWSCURRENT"));
    expect(credentialsAt("AWSCURRENT").username).toBe("auth_app");
    expect(await isMember()).toBe(true);
    expect(await schemaPrivileges(clone)).toEqual({ usage: true, create: true });
  }, 30_000);

  test("the privilege check the test step runs sees CREATE missing while USAGE is held (checked apart)", async () => {
    const { servicePrivileges } = await import("../../lambda/postgres-rotation/database");
    await run(MASTER_USER, MASTER_PASSWORD, (client) => client.query("REVOKE CREATE ON SCHEMA auth FROM auth_app"));
    const current = credentialsAt("AWSCURRENT");
    const privileges = await servicePrivileges(
      { ...settings, username: current.username, password: current.password! },
      settings.trust,
      "auth",
    );
    expect(privileges).toMatchObject({ canUseSchema: true, canCreateInSchema: false });
    await run(MASTER_USER, MASTER_PASSWORD, (client) => client.query("GRANT CREATE ON SCHEMA auth TO auth_app"));
  }, 30_000);
});

describe("retries (Secrets Manager retries every step)", () => {
  test("each step can run again without changing the outcome", async () => {
    const previous = credentialsAt("AWSCURRENT");
    const token = secrets.startRotation(SERVICE_SECRET);
    const step = (name: string) =>
      rotate({ SecretId: SERVICE_SECRET, ClientRequestToken: token, Step: name }, secrets, settings, log);
    const callsBefore = secrets.calls.length;

    await step("createSecret");
    const pending = secrets.valueAt(SERVICE_SECRET, "AWSPENDING");
    await step("createSecret");
    await step("setSecret");
    await step("setSecret");
    await step("createSecret");
    await step("testSecret");
    await step("testSecret");
    expect(secrets.valueAt(SERVICE_SECRET, "AWSPENDING")).toBe(pending);
    await step("finishSecret");
    for (const name of STEPS) await step(name);

    const current = credentialsAt("AWSCURRENT");
    expect(JSON.stringify(current)).toBe(pending);
    expect(credentialsAt("AWSPREVIOUS")).toEqual(previous);
    expect(await login(current)).toBe("ok");
    expect(await login(previous)).toBe("ok");
    const writes = secrets.calls.slice(callsBefore).filter((call) => !/^(Get|Describe)/.test(call));
    expect(writes).toEqual([
      `PutSecretValue ${SERVICE_SECRET} ${token} AWSPENDING`,
      expect.stringMatching(new RegExp(`^UpdateSecretVersionStage ${SERVICE_SECRET} AWSCURRENT \\S+ -> ${token}$`)),
    ]);
  }, 60_000);
});

describe("the Lambda entry point", () => {
  test("configured through the environment Terraform sets, it rotates through the AWS SDK's commands", async () => {
    const caDirectory = mkdtempSync(join(tmpdir(), "auth-ca-"));
    writeFileSync(join(caDirectory, "ca.pem"), server.caBundle);
    const environment = {
      MASTER_SECRET_ARN: MASTER_SECRET,
      DB_HOST: server.host,
      DB_PORT: String(server.port),
      DB_NAME: "auth",
      DB_USERNAME: "auth_app",
      DB_SCHEMA: "auth",
      DB_CA_BUNDLE: join(caDirectory, "ca.pem"),
    };
    const saved = { ...process.env };
    Object.assign(process.env, environment);
    // The SDK the runtime ships, its commands answered by the fake (input names as in @aws-sdk/client-secrets-manager).
    type Input = Record<string, any>;
    const command = (run: (input: Input) => Promise<unknown>) =>
      class {
        constructor(readonly input: Input) {}
        run() {
          return run(this.input);
        }
      };
    jest.doMock(
      "@aws-sdk/client-secrets-manager",
      () => ({
        SecretsManagerClient: class {
          send(sent: { run(): Promise<unknown> }) {
            return sent.run();
          }
        },
        DescribeSecretCommand: command((input) => secrets.describeSecret(input.SecretId)),
        GetSecretValueCommand: command((input) =>
          secrets.getSecretValue(input.SecretId, input.VersionStage, input.VersionId),
        ),
        PutSecretValueCommand: command((input) =>
          secrets.putSecretValue(input.SecretId, input.ClientRequestToken, input.SecretString, input.VersionStages),
        ),
        UpdateSecretVersionStageCommand: command((input) =>
          secrets.updateSecretVersionStage(
            input.SecretId,
            input.VersionStage,
            input.MoveToVersionId,
            input.RemoveFromVersionId,
          ),
        ),
      }),
      { virtual: true },
    );
    try {
      let handler: (event: {
        SecretId: string;
        ClientRequestToken: string;
        Step: string;
      }) => Promise<void> = async () => undefined;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy per test, with the SDK mock above.
        handler = require("../../lambda/postgres-rotation/index").handler;
      });
      const previous = credentialsAt("AWSCURRENT");
      const linesBefore = logLines.length;
      const token = secrets.startRotation(SERVICE_SECRET);
      for (const step of STEPS) await handler({ SecretId: SERVICE_SECRET, ClientRequestToken: token, Step: step });

      const current = credentialsAt("AWSCURRENT");
      expect(current.username).not.toBe(previous.username);
      expect(await login(current)).toBe("ok");
      expect(await login(previous)).toBe("ok");
      // One JSON line per event, as Lambda's JSON log format keeps them.
      const lines = logLines.slice(linesBefore).map((line) => JSON.parse(line));
      expect(lines.map((line) => line.step)).toEqual([...STEPS]);
      expect(lines[0]).toMatchObject({
        message: "created pending version",
        version: token,
        username: current.username,
      });
    } finally {
      jest.dontMock("@aws-sdk/client-secrets-manager");
      process.env = saved;
      rmSync(caDirectory, { recursive: true, force: true });
    }
  }, 30_000);
});

describe("refusals", () => {
  test("a server whose certificate does not chain to the RDS CA bundle gets no password", async () => {
    const other = `${SERVICE_SECRET}-copy`;
    secrets.createSecret(other, secrets.valueAt(SERVICE_SECRET, "AWSCURRENT")!);
    const current = credentialsAt("AWSCURRENT");
    const untrusting = { ...settings, trust: { caBundle: server.unrelatedCaBundle } };
    await expect(rotateOnce(other, untrusting)).rejects.toThrow(/certificate/);
    expect(await login(current)).toBe("ok");
  }, 30_000);

  test("a secret version that names another master secret or user is not used", async () => {
    const forged = `${SERVICE_SECRET}-forged`;
    secrets.createSecret(
      forged,
      JSON.stringify({ ...credentialsAt("AWSCURRENT"), masterarn: `${MASTER_SECRET}-other`, username: "auth_admin" }),
    );
    await expect(rotateOnce(forged)).rejects.toThrow(
      /does not match this function's configuration \(username, masterarn\)/,
    );
    expect(secrets.valueAt(forged, "AWSPENDING")).toBeUndefined();
  }, 30_000);

  test("connection fields a version claims are never used; the next version carries the configured ones", async () => {
    const stale = `${SERVICE_SECRET}-stale`;
    const { password: _, ...first } = history[0];
    secrets.createSecret(stale, JSON.stringify({ ...first, host: "old-endpoint.example.com", port: 6543 }));
    const untrusting = { ...settings, trust: { caBundle: server.unrelatedCaBundle } };
    // Refused by certificate at 127.0.0.1, the configured host: the claimed host was never contacted.
    await expect(rotateOnce(stale, untrusting)).rejects.toThrow(/certificate/);
    expect(JSON.parse(secrets.valueAt(stale, "AWSPENDING")!)).toMatchObject({
      host: server.host,
      port: server.port,
      dbname: "auth",
    });
  }, 30_000);
});

describe("logs", () => {
  test("no secret value appears in any log line, the server's statement log included", () => {
    const generated = secrets
      .allValues(SERVICE_SECRET)
      .map((value) => (JSON.parse(value) as ServiceCredentials).password);
    const passwords = [MASTER_PASSWORD, server.superuserPassword, ...generated].filter(
      (password): password is string => typeof password === "string",
    );
    expect(passwords.length).toBeGreaterThanOrEqual(8);
    expect(logLines.length).toBeGreaterThan(0);
    const serverLog = server.serverLog();
    expect(serverLog).toMatch(/ALTER ROLE "auth_app" WITH LOGIN/); // the statements are there, only their passwords are not
    for (const password of passwords) {
      expect(logLines.filter((line) => line.includes(password))).toEqual([]);
      expect(serverLog.includes(password)).toBe(false);
    }
  });
});

describe("a secret promoted in the DR region (restore mode's rotation function adopts it)", () => {
  // What the replica holds after stop-replication-to-replica: the primary's host and master secret,
  // and a password that the restored copy never saw if the primary rotated after the restore point.
  const PRIMARY_MASTER = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-primary-XyZ012";
  const PROMOTED = "arn:aws:secretsmanager:eu-central-1:111111111111:secret:auth-staging/db-service-AbCdEf";
  const promotedAt = (stage: string): ServiceCredentials => JSON.parse(secrets.valueAt(PROMOTED, stage) ?? "null");
  const inDr = () => ({ ...settings, adoptableMasterSecretArns: [PRIMARY_MASTER] });

  beforeAll(() => {
    const current = credentialsAt("AWSCURRENT");
    secrets.createSecret(
      PROMOTED,
      JSON.stringify({
        ...current,
        host: "auth-staging-postgres.abc.eu-west-1.rds.amazonaws.com",
        port: 5432,
        password: "a-password-the-restored-copy-never-saw",
        masterarn: PRIMARY_MASTER,
      }),
    );
  });

  test("without the primary's master secret configured as adoptable, the function refuses the promoted version", async () => {
    await expect(rotateOnce(PROMOTED)).rejects.toThrow(/does not match this function's configuration \(masterarn\)/);
    expect(secrets.valueAt(PROMOTED, "AWSPENDING")).toBeUndefined();
  }, 30_000);

  test("the first rotation there points host and masterarn at the restored database and sets a password it knows", async () => {
    const promoted = promotedAt("AWSCURRENT");
    expect(await login(promoted)).toBe("28P01");
    // A fresh secret id: the refused attempt above left a pending version on the first one, as Secrets Manager would.
    const fresh = `${PROMOTED}-2`;
    secrets.createSecret(fresh, JSON.stringify(promoted));
    await rotateOnce(fresh, inDr());

    const current: ServiceCredentials = JSON.parse(secrets.valueAt(fresh, "AWSCURRENT")!);
    expect(current).toMatchObject({ host: server.host, port: server.port, dbname: "auth", masterarn: MASTER_SECRET });
    expect(current.username).not.toBe(promoted.username);
    expect(await login(current)).toBe("ok");
    expect((await privilegesOf(current)).createTableInOwnSchema).toBe("ok");
    expect(logLines.filter((line) => line.includes(current.password!))).toEqual([]);

    // From then on the secret names this database's master secret: a normal rotation, no adoption.
    const adoptions = logLines.filter((line) => line.includes("adopting")).length;
    await rotateOnce(fresh, inDr());
    const next: ServiceCredentials = JSON.parse(secrets.valueAt(fresh, "AWSCURRENT")!);
    expect(next.username).toBe(promoted.username);
    expect(await login(next)).toBe("ok");
    expect(await login(current)).toBe("ok");
    expect(logLines.filter((line) => line.includes("adopting")).length).toBe(adoptions);
  }, 60_000);
});
