import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ModifyReplicationGroupCommand,
} from "@aws-sdk/client-elasticache";
import { secretsManagerAdapter } from "../shared/secrets-manager";
import { redisProbe } from "./probe";
import { Ports, RetireEvent, rotate, RotationEvent } from "./rotation";

/** Lambda entry point: binds the Redis AUTH token rotation to the shared Secrets Manager adapter, ElastiCache and Redis. */

let ports: Ports | undefined;

function bind(): Ports {
  if (ports) return ports;
  const secrets = secretsManagerAdapter();
  const elastiCache = new ElastiCacheClient({});
  ports = {
    secretsManager: {
      describeSecret: secrets.describeSecret,
      getSecretValue: (secretId, versionId) => secrets.getSecretValue(secretId, undefined, versionId),
      getPendingValue: (secretId, versionId) => secrets.getSecretValue(secretId, "AWSPENDING", versionId),
      putSecretValue: secrets.putSecretValue,
      updateSecretVersionStage: secrets.updateSecretVersionStage,
      getRandomAlphanumeric: (PasswordLength) =>
        secrets.getRandomPassword({ PasswordLength, ExcludePunctuation: true, RequireEachIncludedType: true }),
    },
    elastiCache: {
      describeReplicationGroup: async (ReplicationGroupId) =>
        (await elastiCache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId }))).ReplicationGroups?.[0] ??
        {},
      modifyAuthToken: (ReplicationGroupId, AuthToken, AuthTokenUpdateStrategy) =>
        elastiCache.send(
          new ModifyReplicationGroupCommand({
            ReplicationGroupId,
            AuthToken,
            AuthTokenUpdateStrategy,
            ApplyImmediately: true,
          }),
        ),
    },
    redis: redisProbe({ host: env("REDIS_HOST"), port: Number(env("REDIS_PORT")), timeoutMs: 5000 }),
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
  };
  return ports;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export const handler = (event: RotationEvent | RetireEvent): Promise<void> =>
  rotate(event, bind(), {
    replicationGroupId: env("REPLICATION_GROUP_ID"),
    tokenLength: Number(process.env.TOKEN_LENGTH ?? 64),
    waitSeconds: Number(process.env.WAIT_SECONDS ?? 600),
    pollSeconds: 15,
  });
