// @ts-check
"use strict";

/**
 * Secrets Manager rotation of key rings (the app's signing key and session secret). For every key
 * the secret holds `<key>` (used to sign), `<key>_previous` and `<key>_next` (also accepted). A
 * rotation shifts each ring: next becomes current, current becomes previous, and a new next is
 * generated. So an instance still on the old version (it signs with the old current and accepts
 * the new current as its next) and one on the new version (it signs with the new current and
 * accepts the old current as its previous) accept each other's signatures until the instance
 * refresh after the rotation has replaced the old ones. Nothing outside the secret holds these
 * values, so setSecret has nothing to update.
 *
 * @typedef {{
 *   describeSecret(secretId: string): Promise<{ RotationEnabled?: boolean, VersionIdsToStages?: Record<string, string[]> }>,
 *   getSecretValue(secretId: string, stage: string, versionId?: string): Promise<{ SecretString?: string }>,
 *   putSecretValue(secretId: string, token: string, value: string, stages: string[]): Promise<unknown>,
 *   updateSecretVersionStage(secretId: string, stage: string, moveTo: string, removeFrom?: string): Promise<unknown>,
 *   getRandomPassword(length: number, excludeCharacters: string): Promise<string>,
 * }} SecretsManager
 * @typedef {{ keys: string[], length: number, excludeCharacters: string }} SecretShape
 * @typedef {{ SecretId: string, ClientRequestToken: string, Step: string }} RotationEvent
 */

/**
 * @param {RotationEvent} event
 * @param {SecretsManager} secretsManager
 * @param {SecretShape} shape
 */
async function rotate(event, secretsManager, shape) {
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

/** @param {string} secretId @param {string} token @param {SecretsManager} secretsManager @param {SecretShape} shape */
async function createSecret(secretId, token, secretsManager, shape) {
  try {
    await secretsManager.getSecretValue(secretId, "AWSPENDING", token);
    return; // created by an earlier attempt of this rotation
  } catch (error) {
    if (/** @type {{ name?: string }} */ (error).name !== "ResourceNotFoundException") throw error;
  }
  const current = await currentValue(secretId, secretsManager);
  /** @type {Record<string, string>} */
  const value = {};
  for (const key of shape.keys) {
    const fresh = () => secretsManager.getRandomPassword(shape.length, shape.excludeCharacters);
    value[key] = current[`${key}_next`] ?? (await fresh());
    value[`${key}_previous`] = current[key] ?? value[key];
    value[`${key}_next`] = await fresh();
  }
  await secretsManager.putSecretValue(secretId, token, JSON.stringify(value), ["AWSPENDING"]);
}

/** @param {string} secretId @param {SecretsManager} secretsManager @returns {Promise<Record<string, string>>} */
async function currentValue(secretId, secretsManager) {
  try {
    return JSON.parse((await secretsManager.getSecretValue(secretId, "AWSCURRENT")).SecretString ?? "{}");
  } catch (error) {
    if (/** @type {{ name?: string }} */ (error).name === "ResourceNotFoundException") return {};
    throw error;
  }
}

/** @param {string} secretId @param {string} token @param {SecretsManager} secretsManager @param {SecretShape} shape */
async function testSecret(secretId, token, secretsManager, shape) {
  const { SecretString } = await secretsManager.getSecretValue(secretId, "AWSPENDING", token);
  const value = JSON.parse(SecretString ?? "{}");
  const fields = shape.keys.flatMap((key) => [key, `${key}_previous`, `${key}_next`]);
  const missing = fields.filter((field) => typeof value[field] !== "string" || value[field].length < shape.length);
  if (missing.length > 0) throw new Error(`pending version of ${secretId} lacks ${missing.join(", ")}`);
}

/**
 * @param {string} secretId @param {string} token @param {SecretsManager} secretsManager
 * @param {Record<string, string[]>} versions
 */
async function finishSecret(secretId, token, secretsManager, versions) {
  const current = Object.keys(versions).find((version) => versions[version].includes("AWSCURRENT"));
  if (current === token) return;
  await secretsManager.updateSecretVersionStage(secretId, "AWSCURRENT", token, current);
}

module.exports = { rotate };
