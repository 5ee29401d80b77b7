import { randomBytes } from "crypto";
import {
  canLogIn,
  cloneUsername,
  Login,
  passwordAccepted,
  ServerTrust,
  ServiceRoleShape,
  servicePrivileges,
  setServicePassword,
} from "./database";

/**
 * Secrets Manager rotation of the service's PostgreSQL login with alternating users, after AWS's
 * multi-user rotation (aws-samples/aws-secrets-manager-rotation-lambdas,
 * SecretsManagerRDSPostgreSQLRotationMultiUser): each rotation sets a new password on the user that
 * is NOT current (auth_app, then auth_app_clone, then auth_app again...), so the credentials every
 * running instance holds keep working until the rotation after next.
 *
 * Unlike the sample, the first version of the secret holds no password (Terraform never sees
 * one): the first rotation, which Secrets Manager runs when rotation is configured, creates the
 * base user itself. And the function only ever uses the master secret, database and role names it
 * was configured with, whatever a secret version claims (no confused deputy).
 */

export interface SecretsManagerPort {
  describeSecret(
    secretId: string,
  ): Promise<{ RotationEnabled?: boolean; VersionIdsToStages?: Record<string, string[]> }>;
  getSecretValue(secretId: string, stage: string, versionId?: string): Promise<{ SecretString?: string }>;
  putSecretValue(secretId: string, token: string, value: string, stages: string[]): Promise<unknown>;
  updateSecretVersionStage(secretId: string, stage: string, moveTo: string, removeFrom?: string): Promise<unknown>;
}

export interface RotationSettings extends ServiceRoleShape {
  /** The RDS-managed master secret ({ username, password }); the only one the function logs in with. */
  readonly masterSecretArn: string;
  /**
   * Master secrets of another database whose versions this function may adopt, never log in with:
   * a secret promoted in the DR region still names the primary's master secret (and host) until
   * its first rotation there rewrites both from this configuration. @default none
   */
  readonly adoptableMasterSecretArns?: readonly string[];
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
  readonly trust: ServerTrust;
}

/** Log lines carry names and steps, never a secret value. */
export type Log = (message: string, fields?: Record<string, string | number | boolean>) => void;

export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: string;
}

/** The secret's JSON, in the shape of Secrets Manager's RDS secrets. */
export interface ServiceCredentials {
  readonly engine: "postgres";
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
  readonly username: string;
  /** Absent only in the first version, which Terraform writes. */
  readonly password?: string;
  readonly masterarn: string;
}

const PASSWORD_BYTES = 30;

/** 40 characters of [A-Za-z0-9_-]: safe unquoted in env files, shells and connection URLs. */
export function generatePassword(): string {
  return randomBytes(PASSWORD_BYTES).toString("base64url");
}

export async function rotate(
  event: RotationEvent,
  secretsManager: SecretsManagerPort,
  settings: RotationSettings,
  log: Log,
): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const metadata = await secretsManager.describeSecret(secretId);
  if (metadata.RotationEnabled === false) throw new Error(`rotation is not enabled for ${secretId}`);
  const stages = metadata.VersionIdsToStages?.[token];
  if (!stages) throw new Error(`version ${token} of ${secretId} is not part of a rotation`);
  if (stages.includes("AWSCURRENT")) {
    log("version is already AWSCURRENT: nothing to do", { step, version: token });
    return;
  }
  if (!stages.includes("AWSPENDING")) throw new Error(`version ${token} of ${secretId} is not AWSPENDING`);

  const rotation = new Rotation(secretId, token, secretsManager, settings, (message, fields) =>
    log(message, { step, version: token, ...fields }),
  );
  switch (step) {
    case "createSecret":
      return rotation.createSecret();
    case "setSecret":
      return rotation.setSecret();
    case "testSecret":
      return rotation.testSecret();
    case "finishSecret":
      return rotation.finishSecret(metadata.VersionIdsToStages ?? {});
    default:
      throw new Error(`unknown rotation step ${step}`);
  }
}

class Rotation {
  constructor(
    private readonly secretId: string,
    private readonly token: string,
    private readonly secretsManager: SecretsManagerPort,
    private readonly settings: RotationSettings,
    private readonly log: Log,
  ) {}

  /** A new AWSPENDING version for the user that is not current; kept as it is when a retry finds it. */
  async createSecret(): Promise<void> {
    const current = await this.credentials("AWSCURRENT");
    if (await this.pendingExists()) {
      this.log("pending version already exists");
      return;
    }
    // Connection fields come from this function's configuration, so a moved endpoint heals at the next rotation.
    const { host, port, dbname, masterSecretArn } = this.settings;
    const pending: ServiceCredentials = {
      engine: "postgres",
      host,
      port,
      dbname,
      username: this.pendingUsername(current),
      password: generatePassword(),
      masterarn: masterSecretArn,
    };
    await this.secretsManager.putSecretValue(this.secretId, this.token, JSON.stringify(pending), ["AWSPENDING"]);
    this.log("created pending version", { username: pending.username });
  }

  /** Sets the pending password in PostgreSQL, as the master user; a retry that can already log in stops early. */
  async setSecret(): Promise<void> {
    const current = await this.credentials("AWSCURRENT");
    const pending = await this.credentials("AWSPENDING", this.token);
    const password = requirePassword(pending, "pending");
    if (pending.username !== this.pendingUsername(current)) {
      throw new Error(`pending user ${pending.username} is not the alternate of current user ${current.username}`);
    }
    if (await canLogIn(this.login(pending.username, password), this.settings.trust)) {
      this.log("pending password is already set", { username: pending.username });
      return;
    }
    // As in AWS's sample: the credentials being rotated must work before the master user acts on
    // them. The very first version has no password; it only names the base user. An adopted version
    // (a promoted secret naming another database) is exempt: its password was set on that database,
    // and a copy restored from before the last rotation there never saw it. The master user of this
    // database sets the alternate user's password, which repairs exactly that.
    const adopted = this.adopted(current);
    if (adopted)
      this.log("adopting a version that names another database's master secret", { username: current.username });
    if (
      !adopted &&
      current.password !== undefined &&
      !(await passwordAccepted(this.login(current.username, current.password), this.settings.trust))
    ) {
      throw new Error(
        `current credentials of ${this.secretId} (${current.username}) do not log in; refusing to rotate`,
      );
    }
    const master = await this.masterLogin();
    await setServicePassword(master, this.settings.trust, this.settings, pending.username, password);
    this.log("set pending password", { username: pending.username });
  }

  /** Logs in with the pending credentials and checks they have the service's rights and no more. */
  async testSecret(): Promise<void> {
    const pending = await this.credentials("AWSPENDING", this.token);
    const privileges = await servicePrivileges(
      this.login(pending.username, requirePassword(pending, "pending")),
      this.settings.trust,
      this.settings.schema,
    );
    const problems = [
      privileges.sessionUser !== pending.username && `logged in as ${privileges.sessionUser}`,
      privileges.currentUser !== this.settings.baseUsername &&
        `acts as ${privileges.currentUser}, not ${this.settings.baseUsername}`,
      privileges.elevated && "has superuser, CREATEROLE, CREATEDB, replication or BYPASSRLS",
      !privileges.canConnect && `cannot connect to ${this.settings.dbname}`,
      !privileges.canUseSchema && `cannot use schema ${this.settings.schema}`,
      !privileges.canCreateInSchema && `cannot create in schema ${this.settings.schema}`,
    ].filter((problem): problem is string => typeof problem === "string");
    if (problems.length > 0) throw new Error(`pending user ${pending.username}: ${problems.join("; ")}`);
    this.log("pending credentials log in with the service's privileges", { username: pending.username });
  }

  /** Moves AWSCURRENT to the pending version; Secrets Manager moves AWSPREVIOUS along. */
  async finishSecret(versions: Record<string, string[]>): Promise<void> {
    const current = Object.keys(versions).find((version) => versions[version].includes("AWSCURRENT"));
    await this.secretsManager.updateSecretVersionStage(this.secretId, "AWSCURRENT", this.token, current);
    this.log("moved AWSCURRENT to the pending version", { previous: current ?? "none" });
  }

  /** Alternating users: base -> clone -> base ... The very first version names the base user and has no password yet. */
  private pendingUsername(current: ServiceCredentials): string {
    const base = this.settings.baseUsername;
    if (current.password === undefined) return base;
    return current.username === base ? cloneUsername(base) : base;
  }

  /** A version written for another database (a promoted replica's), which this function's configuration replaces. */
  private adopted(credentials: ServiceCredentials): boolean {
    return credentials.masterarn !== this.settings.masterSecretArn;
  }

  private async pendingExists(): Promise<boolean> {
    try {
      await this.secretsManager.getSecretValue(this.secretId, "AWSPENDING", this.token);
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === "ResourceNotFoundException") return false;
      throw error;
    }
  }

  /**
   * A version of the service secret, refused unless it names the configured users and master
   * secret (or a master secret configured as adoptable). Its host, port and dbname are never used:
   * the function connects where it is configured to.
   */
  private async credentials(stage: string, versionId?: string): Promise<ServiceCredentials> {
    const { SecretString } = await this.secretsManager.getSecretValue(this.secretId, stage, versionId);
    const value = JSON.parse(SecretString ?? "{}") as Partial<ServiceCredentials>;
    const { settings } = this;
    const users = [settings.baseUsername, cloneUsername(settings.baseUsername)];
    const mismatches = [
      value.engine !== "postgres" && "engine",
      !users.includes(value.username ?? "") && "username",
      ![settings.masterSecretArn, ...(settings.adoptableMasterSecretArns ?? [])].includes(value.masterarn ?? "") &&
        "masterarn",
      value.password !== undefined && typeof value.password !== "string" && "password",
    ].filter((field): field is string => typeof field === "string");
    if (mismatches.length > 0) {
      throw new Error(
        `${stage} version of ${this.secretId} does not match this function's configuration (${mismatches.join(", ")}); refusing to use it`,
      );
    }
    return value as ServiceCredentials;
  }

  /** The RDS-managed master secret holds only username and password; where it applies is this function's configuration. */
  private async masterLogin(): Promise<Login> {
    const { SecretString } = await this.secretsManager.getSecretValue(this.settings.masterSecretArn, "AWSCURRENT");
    const master = JSON.parse(SecretString ?? "{}") as { username?: string; password?: string };
    if (typeof master.username !== "string" || typeof master.password !== "string") {
      throw new Error(`master secret ${this.settings.masterSecretArn} lacks username or password`);
    }
    return this.login(master.username, master.password);
  }

  private login(username: string, password: string): Login {
    const { host, port, dbname } = this.settings;
    return { host, port, dbname, username, password };
  }
}

function requirePassword(credentials: ServiceCredentials, which: string): string {
  if (typeof credentials.password !== "string" || credentials.password.length === 0)
    throw new Error(`${which} version has no password`);
  return credentials.password;
}
