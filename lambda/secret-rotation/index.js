// @ts-check
"use strict";
// Lambda entry point: binds the rotation steps to the AWS SDK that the Node.js runtime ships.
const { rotate } = require("./rotation");

/** @type {import("./rotation").SecretsManager | undefined} */
let secretsManager;

function client() {
  if (secretsManager) return secretsManager;
  // @ts-expect-error -- shipped by the Lambda runtime, deliberately not a dependency of this project.
  const sdk = require("@aws-sdk/client-secrets-manager");
  const aws = new sdk.SecretsManagerClient({});
  secretsManager = {
    describeSecret: (SecretId) => aws.send(new sdk.DescribeSecretCommand({ SecretId })),
    getSecretValue: (SecretId, VersionStage, VersionId) => aws.send(new sdk.GetSecretValueCommand({ SecretId, VersionStage, VersionId })),
    putSecretValue: (SecretId, ClientRequestToken, SecretString, VersionStages) =>
      aws.send(new sdk.PutSecretValueCommand({ SecretId, ClientRequestToken, SecretString, VersionStages })),
    updateSecretVersionStage: (SecretId, VersionStage, MoveToVersionId, RemoveFromVersionId) =>
      aws.send(new sdk.UpdateSecretVersionStageCommand({ SecretId, VersionStage, MoveToVersionId, RemoveFromVersionId })),
    getRandomPassword: async (PasswordLength, ExcludeCharacters) =>
      (await aws.send(new sdk.GetRandomPasswordCommand({ PasswordLength, ExcludeCharacters }))).RandomPassword ?? "",
  };
  return secretsManager;
}

/** @param {import("./rotation").RotationEvent} event */
exports.handler = (event) =>
  rotate(event, client(), {
    keys: (process.env.SECRET_KEYS ?? "").split(",").filter(Boolean),
    length: Number(process.env.SECRET_LENGTH ?? 64),
    excludeCharacters: process.env.EXCLUDE_CHARACTERS ?? "",
  });
