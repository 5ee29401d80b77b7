// @ts-check
"use strict";
// Lambda entry point: binds the Redis AUTH token rotation to the AWS SDK the Node.js runtime ships.
const { rotate } = require("./rotation");
const { redisProbe } = require("./probe");

/** @type {import("./rotation").Ports | undefined} */
let ports;

function bind() {
  if (ports) return ports;
  /* eslint-disable @typescript-eslint/no-require-imports */
  // @ts-expect-error -- shipped by the Lambda runtime, deliberately not a dependency of this project.
  const sm = require("@aws-sdk/client-secrets-manager");
  // @ts-expect-error -- shipped by the Lambda runtime, deliberately not a dependency of this project.
  const ec = require("@aws-sdk/client-elasticache");
  const secrets = new sm.SecretsManagerClient({});
  const elastiCache = new ec.ElastiCacheClient({});
  ports = {
    secretsManager: {
      describeSecret: (SecretId) => secrets.send(new sm.DescribeSecretCommand({ SecretId })),
      getSecretValue: (SecretId, VersionId) => secrets.send(new sm.GetSecretValueCommand({ SecretId, VersionId })),
      getPendingValue: (SecretId, VersionId) => secrets.send(new sm.GetSecretValueCommand({ SecretId, VersionId, VersionStage: "AWSPENDING" })),
      putSecretValue: (SecretId, ClientRequestToken, SecretString, VersionStages) =>
        secrets.send(new sm.PutSecretValueCommand({ SecretId, ClientRequestToken, SecretString, VersionStages })),
      updateSecretVersionStage: (SecretId, VersionStage, MoveToVersionId, RemoveFromVersionId) =>
        secrets.send(new sm.UpdateSecretVersionStageCommand({ SecretId, VersionStage, MoveToVersionId, RemoveFromVersionId })),
      getRandomAlphanumeric: async (PasswordLength) =>
        (await secrets.send(new sm.GetRandomPasswordCommand({ PasswordLength, ExcludePunctuation: true, RequireEachIncludedType: true }))).RandomPassword ?? "",
    },
    elastiCache: {
      describeReplicationGroup: async (ReplicationGroupId) =>
        (await elastiCache.send(new ec.DescribeReplicationGroupsCommand({ ReplicationGroupId }))).ReplicationGroups?.[0] ?? {},
      modifyAuthToken: (ReplicationGroupId, AuthToken, AuthTokenUpdateStrategy) =>
        elastiCache.send(new ec.ModifyReplicationGroupCommand({ ReplicationGroupId, AuthToken, AuthTokenUpdateStrategy, ApplyImmediately: true })),
    },
    redis: redisProbe({ host: env("REDIS_HOST"), port: Number(env("REDIS_PORT")), timeoutMs: 5000 }),
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
  };
  return ports;
}

/** @param {string} name */
function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** @param {import("./rotation").RotationEvent | import("./rotation").RetireEvent} event */
exports.handler = (event) =>
  rotate(event, bind(), {
    replicationGroupId: env("REPLICATION_GROUP_ID"),
    tokenLength: Number(process.env.TOKEN_LENGTH ?? 64),
    waitSeconds: Number(process.env.WAIT_SECONDS ?? 600),
    pollSeconds: 15,
  });
