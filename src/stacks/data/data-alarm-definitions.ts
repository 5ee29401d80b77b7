import { maxConnectionsOf } from "../../config/schema/catalogue";
import type { EnvironmentConfig } from "../../config/schema/schema";
import { instanceIdentifier } from "../../constructs/data/postgres-database";
import { redisMembers } from "../../constructs/data/redis-cache";
import type { AlarmDefinition } from "../../constructs/monitoring/alarm-factory";
import { dataAlarmDefinitions } from "../../constructs/monitoring/data-alarms";
import { cacheReplicationGroupIdOf, databaseIdentifierOf, resourcePrefix } from "../../config/naming";

/** Base name of an environment's database: its first instance's identifier, and the name of its subnet and parameter groups. */
export function databaseName(config: EnvironmentConfig): string {
  return databaseIdentifierOf(resourcePrefix(config.environment));
}

/** Identifier of an environment's database instance (the DBInstanceIdentifier dimension): after a fail back, the restored one's. */
export function databaseIdentifier(config: EnvironmentConfig): string {
  return instanceIdentifier(databaseName(config), config.dr.failBack?.generation);
}

/** Replication group id of an environment's cache. */
export function cacheReplicationGroupId(config: EnvironmentConfig): string {
  return cacheReplicationGroupIdOf(resourcePrefix(config.environment));
}

/**
 * The data layer's alarms from the config alone: the data stack creates them, and the app stack's
 * dashboard charts the same definitions (it cannot read another stack's constructs).
 */
export function dataAlarmDefinitionsOf(config: EnvironmentConfig): AlarmDefinition[] {
  const { postgres: db, redis } = config.data;
  const thresholds = config.alarms.data;
  const members = redisMembers({
    replicationGroupId: cacheReplicationGroupId(config),
    clusterMode: redis.clusterMode,
    shards: redis.shards,
    replicasPerShard: redis.replicasPerShard,
  });
  return dataAlarmDefinitions({
    dbInstanceIdentifier: databaseIdentifier(config),
    postgres: {
      cpuPercent: thresholds.dbCpuPercent,
      // Shares of what the configured instance has, so a resize moves the alarms with it.
      freeStorageBytes: Math.round((db.allocatedStorageGb * 1024 ** 3 * thresholds.dbFreeStoragePercent) / 100),
      freeableMemoryBytes: thresholds.dbFreeableMemoryBytes,
      connections: Math.floor((maxConnectionsOf(db.instanceClass) * thresholds.dbConnectionsPercent) / 100),
      readLatencySeconds: thresholds.dbReadLatencySeconds,
      writeLatencySeconds: thresholds.dbWriteLatencySeconds,
    },
    cacheClusterIds: members.all,
    replicaClusterIds: members.replicas,
    redis: {
      engineCpuPercent: thresholds.redisEngineCpuPercent,
      memoryPercent: thresholds.redisMemoryPercent,
      evictions: thresholds.redisEvictions,
      connections: thresholds.redisConnections,
      replicationLagSeconds: thresholds.redisReplicationLagSeconds,
    },
  });
}
