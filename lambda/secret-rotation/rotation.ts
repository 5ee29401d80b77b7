import type { SecretsManagerAdapter } from "../shared/secrets-manager";

/**
 * Secrets Manager rotation of key rings (the app's signing key and session secret). For every key
 * the secret holds `<key>` (used to sign), `<key>_previous` and `<key>_next` (also accepted). A
 * rotation shifts each ring: next becomes current, current becomes previous, and a new next is
 * generated. So an instance still on the old version (it signs with the old current and accepts
 * the new current as its next) and one on the new version (it signs with the new current and
 * accepts the old current as its previous) accept each other's signatures until the instance
 * refresh after the rotation has replaced the old ones. Nothing outside the secret holds these
 * values, so setSecret has nothing to update.
 */

/** The Secrets Manager calls this rotation makes (lambda/shared/secrets-manager.ts binds them). */
export interface SecretsManager extends Omit<SecretsManagerAdapter, "getRandomPassword"> {
  getRandomPassword(length: number, excludeCharacters: string): Promise<string>;
}

export interface SecretShape {
  readonly keys: string[];
  readonly length: number;
  readonly excludeCharacters: string;
}

export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: string;
}

export async function rotate(event: RotationEvent, secretsManager: SecretsManager, shape: SecretShape): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const metadata = await secretsManager.describeSecret(secretId);
  if (!metadata.RotationEnabled) throw new Error(`rotation is not enabled for ${secretId}`);
  const stages = metadata.VersionIdsToStages?.[token];
  if (!stages) throw new Error(`version ${token} of ${secretId} is not part of a rotation`);
  if (stages.includes("AWSCURRENT")) return; // a retry after finishSecret already succeeded
  if (!stages.includes("AWSPENDING")) throw new Error(`version ${token} of ${secretId} is not AWSPENDING`);

  switch (step) {
    case "createSecret":
      return createSecret(secretId, token, secretsManager, shape);
    case "setSecret":
      return; // no downstream system holds these values
    case "testSecret":
      return testSecret(secretId, token, secretsManager, shape);
    case "finishSecret":
      return finishSecret(secretId, token, secretsManager, metadata.VersionIdsToStages ?? {});
    default:
      throw new Error(`unknown rotation step ${step}`);
  }
}

function isNotFound(error: unknown): boolean {
  return (error as { name?: string }).name === "ResourceNotFoundException";
}

async function createSecret(
  secretId: string,
  token: string,
  secretsManager: SecretsManager,
  shape: SecretShape,
): Promise<void> {
  try {
    await secretsManager.getSecretValue(secretId, "AWSPENDING", token);
    return; // created by an earlier attempt of this rotation
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const current = await currentValue(secretId, secretsManager);
  const value: Record<string, string> = {};
  for (const key of shape.keys) {
    const fresh = () => secretsManager.getRandomPassword(shape.length, shape.excludeCharacters);
    value[key] = current[`${key}_next`] ?? (await fresh());
    value[`${key}_previous`] = current[key] ?? value[key];
    value[`${key}_next`] = await fresh();
  }
  await secretsManager.putSecretValue(secretId, token, JSON.stringify(value), ["AWSPENDING"]);
}

async function currentValue(secretId: string, secretsManager: SecretsManager): Promise<Record<string, string>> {
  try {
    return JSON.parse((await secretsManager.getSecretValue(secretId, "AWSCURRENT")).SecretString ?? "{}");
  } catch (error) {
    if (isNotFound(error)) return {};
    throw error;
  }
}

async function testSecret(
  secretId: string,
  token: string,
  secretsManager: SecretsManager,
  shape: SecretShape,
): Promise<void> {
  const { SecretString } = await secretsManager.getSecretValue(secretId, "AWSPENDING", token);
  const value: Record<string, unknown> = JSON.parse(SecretString ?? "{}");
  const fields = shape.keys.flatMap((key) => [key, `${key}_previous`, `${key}_next`]);
  const missing = fields.filter((field) => {
    const entry = value[field];
    return typeof entry !== "string" || entry.length < shape.length;
  });
  if (missing.length > 0) throw new Error(`pending version of ${secretId} lacks ${missing.join(", ")}`);
}

async function finishSecret(
  secretId: string,
  token: string,
  secretsManager: SecretsManager,
  versions: Record<string, string[]>,
): Promise<void> {
  const current = Object.keys(versions).find((version) => versions[version].includes("AWSCURRENT"));
  if (current === token) return;
  await secretsManager.updateSecretVersionStage(secretId, "AWSCURRENT", token, current);
}
