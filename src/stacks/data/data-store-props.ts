import type { PostgresDatabaseProps } from "../../constructs/data/postgres-database";
import type { RedisCacheProps } from "../../constructs/data/redis-cache";
import { maxConnectionsOf } from "../../config/schema/catalogue";
import type { EnvironmentConfig } from "../../config/schema/schema";

/** What a stack decides about its database, beyond the config: where it runs and what encrypts it. */
export type DatabasePlacement = Pick<
  PostgresDatabaseProps,
  "identifier" | "subnetIds" | "securityGroupIds" | "kmsKeyArn"
>;

/**
 * The database props config.data decides: one mapping for the primary database and for its DR
 * restore, so a config field reaches both.
 */
export function databasePropsFromConfig(
  config: EnvironmentConfig,
  placement: DatabasePlacement,
): PostgresDatabaseProps {
  const { postgres: db, logRetentionDays } = config.data;
  return {
    ...placement,
    accountId: config.aws.accountId,
    majorVersion: db.majorVersion,
    instanceClass: db.instanceClass,
    maxConnections: maxConnectionsOf(db.instanceClass),
    allocatedStorageGb: db.allocatedStorageGb,
    maxAllocatedStorageGb: db.maxAllocatedStorageGb,
    databaseName: db.databaseName,
    masterUsername: db.masterUsername,
    multiAz: db.multiAz,
    backupRetentionDays: db.backupRetentionDays,
    backupWindow: db.backupWindow,
    maintenanceWindow: db.maintenanceWindow,
    slowStatementThresholdMs: db.slowStatementThresholdMs,
    enhancedMonitoringIntervalSeconds: db.enhancedMonitoringIntervalSeconds,
    performanceInsights: db.performanceInsights,
    logRetentionDays,
    deletionProtection: db.deletionProtection,
    preventDestroy: db.preventDestroy,
    masterPasswordRotationDays: db.masterPasswordRotationDays,
  };
}

/** What a stack decides about its cache, beyond the config: where it runs and what encrypts it. */
export type CachePlacement = Pick<
  RedisCacheProps,
  "replicationGroupId" | "subnetIds" | "securityGroupIds" | "kmsKeyArn"
>;

/** The cache props config.data decides: one mapping for the primary cache and the DR restore's. */
export function cachePropsFromConfig(config: EnvironmentConfig, placement: CachePlacement): RedisCacheProps {
  const { redis, logRetentionDays, secrets } = config.data;
  return {
    ...placement,
    engineVersion: redis.engineVersion,
    nodeType: redis.nodeType,
    clusterMode: redis.clusterMode,
    shards: redis.shards,
    replicasPerShard: redis.replicasPerShard,
    snapshotRetentionDays: redis.snapshotRetentionDays,
    snapshotWindow: redis.snapshotWindow,
    maintenanceWindow: redis.maintenanceWindow,
    logRetentionDays,
    secretRecoveryWindowDays: secrets.recoveryWindowDays,
  };
}
