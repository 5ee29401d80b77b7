import type { SecretsManagerAdapter } from "../shared/secrets-manager";

/**
 * Secrets Manager rotation of the Redis AUTH token of an ElastiCache replication group, with
 * ElastiCache's two-step token change (ROTATE, then SET) so that no running instance loses
 * Redis during a rotation:
 *
 *   createSecret  a new token as AWSPENDING.
 *   setSecret     ROTATE: ElastiCache accepts the pending token next to the current one.
 *                 Before that, a previous token that is still accepted is retired with SET,
 *                 because ElastiCache accepts at most two tokens at once.
 *   testSecret    both the pending and the current token authenticate.
 *   finishSecret  AWSCURRENT moves to the pending version; the RotationSucceeded event starts
 *                 an instance refresh, and every instance boots with the new token.
 *   retirePreviousToken (not a Secrets Manager step) SET: only the current token stays valid. The
 *                 convergence function calls it once the refresh has replaced every instance;
 *                 if it never does, the next rotation's setSecret retires the token first.
 *
 * The very first rotation runs when the secret is created, before any instance exists: the
 * bootstrap token Terraform had to give the group (it is in Terraform state) was never in the
 * secret, so nobody holds it, and setSecret retires it with SET straight after ROTATE.
 *
 * Secrets Manager retries every step, so each step first checks whether it already ran, against
 * Redis itself: a token that authenticates has been applied. No token is ever logged or put in
 * an error message.
 */

/** The Secrets Manager calls this rotation makes (lambda/shared/secrets-manager.ts binds them). */
export interface SecretsManager extends Pick<
  SecretsManagerAdapter,
  "describeSecret" | "putSecretValue" | "updateSecretVersionStage"
> {
  /** The version with this id, whatever its stage. */
  getSecretValue(secretId: string, versionId: string): Promise<{ SecretString?: string }>;
  /** The version with this id, only while it is AWSPENDING. */
  getPendingValue(secretId: string, versionId: string): Promise<{ SecretString?: string }>;
  getRandomAlphanumeric(length: number): Promise<string>;
}

export interface ReplicationGroup {
  readonly Status?: string;
  readonly AuthTokenEnabled?: boolean;
  readonly PendingModifiedValues?: { readonly AuthTokenStatus?: string };
}

export interface ElastiCache {
  describeReplicationGroup(id: string): Promise<ReplicationGroup>;
  modifyAuthToken(id: string, token: string, strategy: "ROTATE" | "SET"): Promise<unknown>;
}

export interface RedisProbe {
  accepts(token: string): Promise<boolean>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface Ports {
  readonly secretsManager: SecretsManager;
  readonly elastiCache: ElastiCache;
  readonly redis: RedisProbe;
  readonly clock: Clock;
}

export interface Settings {
  readonly replicationGroupId: string;
  readonly tokenLength: number;
  readonly waitSeconds: number;
  readonly pollSeconds: number;
}

export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: string;
}

export interface RetireEvent {
  readonly SecretId: string;
  readonly Action: "retirePreviousToken";
}

// ElastiCache accepts only letters, digits and !&#$^<>- in a token; letters and digits alone keep
// it valid everywhere (shell, env file, URL). 64 characters of 62 symbols is over 380 bits.
export const TOKEN_FIELD = "auth_token";
/** https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/CommonErrors.html: the group was busy. */
const GROUP_BUSY = "InvalidReplicationGroupStateFault";
const MODIFY_ATTEMPTS = 3;

export async function rotate(event: RotationEvent | RetireEvent, ports: Ports, settings: Settings): Promise<void> {
  if ("Action" in event) {
    if (event.Action !== "retirePreviousToken") throw new Error(`unknown action ${String(event.Action)}`);
    return retirePreviousToken(event.SecretId, ports, settings);
  }
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const metadata = await ports.secretsManager.describeSecret(secretId);
  if (!metadata.RotationEnabled) throw new Error(`rotation is not enabled for ${secretId}`);
  const versions = metadata.VersionIdsToStages ?? {};
  const stages = versions[token];
  if (!stages) throw new Error(`version ${token} of ${secretId} is not part of a rotation`);
  if (stages.includes("AWSCURRENT")) return; // a retry after finishSecret already succeeded
  if (!stages.includes("AWSPENDING")) throw new Error(`version ${token} of ${secretId} is not AWSPENDING`);

  switch (step) {
    case "createSecret":
      return createSecret(secretId, token, ports, settings);
    case "setSecret":
      return setSecret(secretId, token, versions, ports, settings);
    case "testSecret":
      return testSecret(secretId, token, versions, ports);
    case "finishSecret":
      return finishSecret(secretId, token, versions, ports);
    default:
      throw new Error(`unknown rotation step ${step}`);
  }
}

async function createSecret(
  secretId: string,
  token: string,
  { secretsManager }: Ports,
  settings: Settings,
): Promise<void> {
  try {
    await secretsManager.getPendingValue(secretId, token);
    return; // created by an earlier attempt of this rotation
  } catch (error) {
    if ((error as { name?: string }).name !== "ResourceNotFoundException") throw error;
  }
  const value = await secretsManager.getRandomAlphanumeric(settings.tokenLength);
  await secretsManager.putSecretValue(secretId, token, JSON.stringify({ [TOKEN_FIELD]: value }), ["AWSPENDING"]);
}

async function setSecret(
  secretId: string,
  token: string,
  versions: Record<string, string[]>,
  ports: Ports,
  settings: Settings,
): Promise<void> {
  const pending = await tokenOf(secretId, token, ports);
  const currentVersion = versionWith(versions, "AWSCURRENT");
  if (!currentVersion) {
    // First rotation: only the bootstrap token from Terraform is live, and no instance has it.
    if (!(await ports.redis.accepts(pending))) await modify(pending, "ROTATE", ports, settings);
    await modify(pending, "SET", ports, settings);
    return;
  }
  if (await ports.redis.accepts(pending)) return; // ROTATE applied by an earlier attempt
  const current = await tokenOf(secretId, currentVersion, ports);
  const previousVersion = versionWith(versions, "AWSPREVIOUS");
  if (previousVersion && (await ports.redis.accepts(await tokenOf(secretId, previousVersion, ports)))) {
    // The last rotation's old token was never retired; a third token would exceed ElastiCache's two.
    await modify(current, "SET", ports, settings);
  }
  await modify(pending, "ROTATE", ports, settings);
}

async function testSecret(
  secretId: string,
  token: string,
  versions: Record<string, string[]>,
  ports: Ports,
): Promise<void> {
  if (!(await ports.redis.accepts(await tokenOf(secretId, token, ports)))) {
    throw new Error(`Redis refuses the pending AUTH token of ${secretId}`);
  }
  const currentVersion = versionWith(versions, "AWSCURRENT");
  if (currentVersion && !(await ports.redis.accepts(await tokenOf(secretId, currentVersion, ports)))) {
    throw new Error(`Redis refuses the current AUTH token of ${secretId}: running instances would lose Redis`);
  }
}

async function finishSecret(
  secretId: string,
  token: string,
  versions: Record<string, string[]>,
  { secretsManager }: Ports,
): Promise<void> {
  const current = versionWith(versions, "AWSCURRENT");
  if (current === token) return;
  await secretsManager.updateSecretVersionStage(secretId, "AWSCURRENT", token, current);
}

/** SET with the current token, once every instance runs with it. */
async function retirePreviousToken(secretId: string, ports: Ports, settings: Settings): Promise<void> {
  const versions = (await ports.secretsManager.describeSecret(secretId)).VersionIdsToStages ?? {};
  const currentVersion = versionWith(versions, "AWSCURRENT");
  const previousVersion = versionWith(versions, "AWSPREVIOUS");
  if (!currentVersion || !previousVersion) return;
  if (!(await ports.redis.accepts(await tokenOf(secretId, previousVersion, ports)))) return; // already retired
  await modify(await tokenOf(secretId, currentVersion, ports), "SET", ports, settings);
}

/**
 * Applies a token change immediately and waits until the group has applied it. ElastiCache refuses
 * ModifyReplicationGroup unless the group is available, so this waits for that first, and once
 * more if the group got busy (a snapshot, maintenance) between the check and the call.
 */
async function modify(authToken: string, strategy: "ROTATE" | "SET", ports: Ports, settings: Settings): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await waitUntilAvailable(ports, settings);
    try {
      await ports.elastiCache.modifyAuthToken(settings.replicationGroupId, authToken, strategy);
      break;
    } catch (error) {
      if ((error as { name?: string }).name !== GROUP_BUSY || attempt >= MODIFY_ATTEMPTS) throw error;
    }
  }
  await waitUntilAvailable(ports, settings);
}

async function waitUntilAvailable({ elastiCache, clock }: Ports, settings: Settings): Promise<void> {
  const deadline = clock.now() + settings.waitSeconds * 1000;
  for (;;) {
    const group = await elastiCache.describeReplicationGroup(settings.replicationGroupId);
    const tokenChange = group.PendingModifiedValues?.AuthTokenStatus;
    if (group.Status === "available" && !tokenChange) return;
    if (clock.now() >= deadline) {
      throw new Error(
        `replication group ${settings.replicationGroupId} is still ${group.Status}${tokenChange ? ` (AUTH token ${tokenChange})` : ""} ` +
          `after ${settings.waitSeconds} s; Secrets Manager retries the rotation`,
      );
    }
    await clock.sleep(settings.pollSeconds * 1000);
  }
}

async function tokenOf(secretId: string, versionId: string, { secretsManager }: Ports): Promise<string> {
  const { SecretString } = await secretsManager.getSecretValue(secretId, versionId);
  const token = JSON.parse(SecretString ?? "{}")[TOKEN_FIELD];
  if (typeof token !== "string" || token.length < 16)
    throw new Error(`version ${versionId} of ${secretId} holds no usable ${TOKEN_FIELD}`);
  return token;
}

function versionWith(versions: Record<string, string[]>, stage: string): string | undefined {
  return Object.keys(versions).find((version) => versions[version].includes(stage));
}
