import { Client } from "pg";
import { scramSha256Verifier } from "./scram";

/** Where and as whom to log in. */
export interface Login {
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
  readonly username: string;
  readonly password: string;
}

/** How the server proves who it is: the CA bundle (PEM) its certificate must chain to. */
export interface ServerTrust {
  readonly caBundle: string | Buffer;
  /** @default 5000 */
  readonly connectTimeoutMillis?: number;
}

/** What the service role may do, and nothing more. */
export interface ServiceRoleShape {
  /** The role the service logs in as (e.g. auth_app); the clone is a member of it. */
  readonly baseUsername: string;
  /** The only schema the service uses; the service may create objects in it. */
  readonly schema: string;
}

/** SQLSTATE 28P01: wrong password, or no such role (PostgreSQL does not say which). */
const INVALID_PASSWORD = "28P01";

/**
 * Runs `work` on a connection that verifies the server's certificate like libpq's
 * sslmode=verify-full: the chain must end in `caBundle`, and the certificate must name the host
 * (Node checks the name whenever rejectUnauthorized is on). No fallback to plain text.
 */
export async function withConnection<T>(
  login: Login,
  trust: ServerTrust,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({
    host: login.host,
    port: login.port,
    database: login.dbname,
    user: login.username,
    password: login.password,
    ssl: { ca: trust.caBundle, rejectUnauthorized: true },
    connectionTimeoutMillis: trust.connectTimeoutMillis ?? 5000,
    application_name: "secrets-manager-rotation",
  });
  // A connection error after connect would otherwise be an unhandled 'error' event.
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * True when the credentials log in, false when the server rejects the password. Anything else
 * (an untrusted certificate, a timeout) is an error: it must not read as "password not set yet".
 */
export async function canLogIn(login: Login, trust: ServerTrust): Promise<boolean> {
  try {
    await withConnection(login, trust, (client) => client.query("SELECT 1"));
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === INVALID_PASSWORD) return false;
    throw error;
  }
}

/** SQLSTATE 42501 at connect: the password was accepted, then CONNECT on the database was refused. */
const INSUFFICIENT_PRIVILEGE = "42501";

/**
 * True when the server accepts the password, even if the user then lacks CONNECT (PostgreSQL
 * authenticates before it checks the database privilege): credentials whose grants drifted away
 * are still the ones to rotate, and the rotation repairs the grants.
 */
export async function passwordAccepted(login: Login, trust: ServerTrust): Promise<boolean> {
  try {
    return await canLogIn(login, trust);
  } catch (error) {
    if ((error as { code?: string }).code === INSUFFICIENT_PRIVILEGE) return true;
    throw error;
  }
}

/** The clone's name in the alternating-users scheme (`<base>_clone`, as AWS's multi-user rotation names it). */
export function cloneUsername(baseUsername: string): string {
  return `${baseUsername}_clone`;
}

async function roleExists(client: Client, username: string): Promise<boolean> {
  const { rowCount } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [username]);
  return rowCount === 1;
}

/**
 * Creates `username` or sets its password, with the attributes of a plain application login (no
 * superuser, CREATEROLE, CREATEDB, replication or RLS bypass: those are PostgreSQL's defaults for
 * CREATE ROLE, and only a superuser may set the last three). The password travels as a SCRAM
 * verifier, never as plain text.
 */
async function upsertLogin(client: Client, username: string, password: string): Promise<void> {
  const role = client.escapeIdentifier(username);
  const verifier = client.escapeLiteral(scramSha256Verifier(password));
  if (await roleExists(client, username)) {
    await client.query(`ALTER ROLE ${role} WITH LOGIN NOCREATEDB NOCREATEROLE INHERIT PASSWORD ${verifier}`);
  } else {
    await client.query(`CREATE ROLE ${role} WITH LOGIN NOCREATEDB NOCREATEROLE INHERIT PASSWORD ${verifier}`);
  }
}

/**
 * Sets the pending user's password, logged in as the master user, in one transaction. The base
 * user gets the service's grants (re-applied on every rotation, so drift is repaired); the clone
 * becomes a member of the base user, so it has exactly the same rights, and every session it opens
 * runs as the base user, so tables it creates are owned by the base user and the two users never
 * lock each other out of their own objects.
 */
export async function setServicePassword(
  master: Login,
  trust: ServerTrust,
  shape: ServiceRoleShape,
  username: string,
  password: string,
): Promise<void> {
  const base = shape.baseUsername;
  if (username !== base && username !== cloneUsername(base))
    throw new Error(`refusing to manage ${username}: not ${base} or its clone`);
  await withConnection(master, trust, async (client) => {
    const id = (name: string) => client.escapeIdentifier(name);
    await client.query("BEGIN");
    try {
      if (username !== base && !(await roleExists(client, base)))
        throw new Error(`${base} does not exist yet; the first rotation creates it`);
      await upsertLogin(client, username, password);
      // Every rotation, of either user, repairs the base user's grants and the clone's membership:
      // a clone rotation that skipped them would leave a lost privilege lost for good.
      // CONNECT is granted to PUBLIC by default; only named roles may connect to the service's database.
      await client.query(`REVOKE ALL ON DATABASE ${id(master.dbname)} FROM PUBLIC`);
      await client.query(`GRANT CONNECT ON DATABASE ${id(master.dbname)} TO ${id(base)}`);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${id(shape.schema)}`);
      await client.query(`GRANT USAGE, CREATE ON SCHEMA ${id(shape.schema)} TO ${id(base)}`);
      const clone = cloneUsername(base);
      if (await roleExists(client, clone)) {
        await client.query(`GRANT ${id(base)} TO ${id(clone)}`);
        await client.query(`ALTER ROLE ${id(clone)} SET role = ${client.escapeLiteral(base)}`);
      }
      await client.query(`ALTER ROLE ${id(username)} SET search_path = ${id(shape.schema)}`);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
  });
}

/** The privileges a service login must have, and the ones it must not. */
export interface ServicePrivileges {
  readonly sessionUser: string;
  readonly currentUser: string;
  readonly elevated: boolean;
  readonly canConnect: boolean;
  /** USAGE and CREATE are checked apart: has_schema_privilege with both is true when either is held. */
  readonly canUseSchema: boolean;
  readonly canCreateInSchema: boolean;
}

/** What the logged-in service user may do, as PostgreSQL sees it. */
export async function servicePrivileges(login: Login, trust: ServerTrust, schema: string): Promise<ServicePrivileges> {
  return withConnection(login, trust, async (client) => {
    const { rows } = await client.query(
      `SELECT session_user AS session_user, current_user AS current_user,
              bool_or(r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls) AS elevated,
              has_database_privilege(current_database(), 'CONNECT') AS can_connect,
              has_schema_privilege($1, 'USAGE') AS can_use_schema,
              has_schema_privilege($1, 'CREATE') AS can_create_in_schema
         FROM pg_roles r WHERE r.rolname IN (session_user, current_user)`,
      [schema],
    );
    const row = rows[0];
    return {
      sessionUser: row.session_user,
      currentUser: row.current_user,
      elevated: row.elevated,
      canConnect: row.can_connect,
      canUseSchema: row.can_use_schema,
      canCreateInSchema: row.can_create_in_schema,
    };
  });
}
