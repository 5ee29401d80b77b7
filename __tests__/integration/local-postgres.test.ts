import { Client } from "pg";
import { LocalPostgres, TestDatabase, startLocalPostgres } from "../support/local-postgres";

// One server per suite, one database per test (__tests__/support/local-postgres.ts): cheap only if
// a test's database is really its own.

let server: LocalPostgres;

async function connect(as: TestDatabase, database = as.database): Promise<Client> {
  const client = new Client({
    host: server.host,
    port: server.port,
    database,
    user: as.user,
    password: as.password,
    ssl: { ca: server.caBundle },
    connectionTimeoutMillis: 5000,
  });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** "ok", or the SQLSTATE PostgreSQL refused with. */
async function attempt(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

beforeAll(async () => {
  server = await startLocalPostgres();
}, 90_000);

afterAll(async () => {
  await server?.stop();
}, 30_000);

describe("a fresh database per test on one server", () => {
  let first: TestDatabase;
  let second: TestDatabase;

  beforeEach(async () => {
    [first, second] = [await server.freshDatabase(), await server.freshDatabase()];
  });

  test("each test gets a new, empty database and a role of its own", async () => {
    expect(first.database).not.toBe(second.database);
    expect(first.user).not.toBe(second.user);
    const client = await connect(first);
    try {
      const { rows } = await client.query(
        "SELECT current_database() AS database, current_user AS user, (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')::int AS tables",
      );
      expect(rows[0]).toEqual({ database: first.database, user: first.user, tables: 0 });
    } finally {
      await client.end();
    }
  }, 30_000);

  test("what one test writes, another database does not see, and its role cannot even connect there", async () => {
    const writer = await connect(first);
    try {
      await writer.query("CREATE TABLE sessions (id int); INSERT INTO sessions VALUES (1)");
    } finally {
      await writer.end();
    }
    const reader = await connect(second);
    try {
      expect(await attempt(() => reader.query("SELECT * FROM sessions"))).toBe("42P01"); // undefined_table
    } finally {
      await reader.end();
    }
    // CONNECT is revoked from PUBLIC: a role reaches its own database only (42501: insufficient privilege).
    expect(await attempt(async () => (await connect(first, second.database)).end())).toBe("42501");
    expect(await attempt(async () => (await connect(second, first.database)).end())).toBe("42501");
  }, 30_000);

  test("no password of a test database reaches the server's statement log", () => {
    const log = server.serverLog();
    expect(log).toMatch(/CREATE ROLE test_/);
    for (const password of [first.password, second.password, server.superuserPassword])
      expect(log.includes(password)).toBe(false);
  });
});
