// @ts-check
"use strict";

/**
 * Secrets Manager rotation of a JSON secret whose fields are all generated values (the app's
 * signing key and session secret). Nothing outside the secret holds these values, so setSecret
 * has nothing to update; running containers pick up the new AWSCURRENT value when they next
 * start, and AWSPREVIOUS stays readable for verifying what the old value signed.
 *
 * @typedef {{
 *   describeSecret(secretId: string): Promise<{ RotationEnabled?: boolean, VersionIdsToStages?: Record<string, string[]> }>,
 *   getSecretValue(secretId: string, stage: string, versionId?: string): Promise<{ SecretString?: string }>,
 *   putSecretValue(secretId: string, token: string, value: string, stages: string[]): Promise<unknown>,
 *   updateSecretVersionStage(secretId: string, stage: string, moveTo: string, removeFrom?: string): Promise<unknown>,
 *   getRandomPassword(length: number, excludeCharacters: string): Promise<string>,
 * }} SecretsManager
 * @typedef {{ fields: string[], length: number, excludeCharacters: string }} SecretShape
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
  /** @type {Record<string, string>} */
  const value = {};
  for (const field of shape.fields) value[field] = await secretsManager.getRandomPassword(shape.length, shape.excludeCharacters);
  await secretsManager.putSecretValue(secretId, token, JSON.stringify(value), ["AWSPENDING"]);
}

/** @param {string} secretId @param {string} token @param {SecretsManager} secretsManager @param {SecretShape} shape */
async function testSecret(secretId, token, secretsManager, shape) {
  const { SecretString } = await secretsManager.getSecretValue(secretId, "AWSPENDING", token);
  const value = JSON.parse(SecretString ?? "{}");
  const missing = shape.fields.filter((field) => typeof value[field] !== "string" || value[field].length < shape.length);
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
