import { AlarmDefinition, thresholdDefinition, ThresholdAlarm } from "./alarm-factory";

export interface PostgresAlarmThresholds {
  readonly cpuPercent: number;
  /** Free storage below this many bytes (a share of the allocated storage). */
  readonly freeStorageBytes: number;
  readonly freeableMemoryBytes: number;
  /** Connections above this (a share of the instance class's max_connections). */
  readonly connections: number;
  readonly readLatencySeconds: number;
  readonly writeLatencySeconds: number;
}

export interface RedisAlarmThresholds {
  readonly engineCpuPercent: number;
  readonly memoryPercent: number;
  readonly evictions: number;
  readonly connections: number;
  readonly replicationLagSeconds: number;
}

export interface DataAlarmDefinitionsProps {
  /** DB instance identifier, the DBInstanceIdentifier dimension of AWS/RDS. */
  readonly dbInstanceIdentifier: string;
  /** Thresholds of the PostgreSQL alarms (config alarms.data). */
  readonly postgres: PostgresAlarmThresholds;
  /** Member cluster ids of the replication group, the CacheClusterId dimension of AWS/ElastiCache. */
  readonly cacheClusterIds: string[];
  /** Members that are replicas, the only ones publishing ReplicationLag. */
  readonly replicaClusterIds: string[];
  /** Thresholds of the Redis alarms (config alarms.data). */
  readonly redis: RedisAlarmThresholds;
}

/** Redis publishes per node; every member cluster of a replication group has the single node 0001. */
const REDIS_NODE_ID = "0001";

/** The alarms on the database and the cache, on the metrics and dimensions CloudWatch publishes (the dashboard charts the same). */
export function dataAlarmDefinitions(props: DataAlarmDefinitionsProps): AlarmDefinition[] {
  const { postgres: db, redis } = props;
  const alarms: ThresholdAlarm[] = [];
  const add = (alarm: ThresholdAlarm) => alarms.push(alarm);
  // A database that stops publishing is itself a problem, but RDS reports that through events, not these metrics.
  const rds = {
    namespace: "AWS/RDS",
    dimensions: { DBInstanceIdentifier: props.dbInstanceIdentifier },
    treatMissingData: "missing",
    runbook: "database",
  } as const;
  add({
    ...rds,
    name: "db-cpu",
    metricName: "CPUUtilization",
    threshold: db.cpuPercent,
    breachWhen: "above",
    description: "PostgreSQL CPU above threshold",
  });
  add({
    ...rds,
    runbook: "database-capacity",
    name: "db-free-storage",
    metricName: "FreeStorageSpace",
    threshold: db.freeStorageBytes,
    breachWhen: "below",
    statistic: "Minimum",
    description: "PostgreSQL free storage below threshold (autoscaling may be at its ceiling)",
  });
  add({
    ...rds,
    name: "db-freeable-memory",
    metricName: "FreeableMemory",
    threshold: db.freeableMemoryBytes,
    breachWhen: "below",
    statistic: "Minimum",
    description: "PostgreSQL freeable memory below threshold",
  });
  add({
    ...rds,
    runbook: "database-capacity",
    name: "db-connections",
    metricName: "DatabaseConnections",
    threshold: db.connections,
    breachWhen: "above",
    statistic: "Maximum",
    description: "PostgreSQL connections above threshold",
  });
  add({
    ...rds,
    name: "db-read-latency",
    metricName: "ReadLatency",
    threshold: db.readLatencySeconds,
    breachWhen: "above",
    description: "PostgreSQL read latency above threshold",
  });
  add({
    ...rds,
    name: "db-write-latency",
    metricName: "WriteLatency",
    threshold: db.writeLatencySeconds,
    breachWhen: "above",
    description: "PostgreSQL write latency above threshold",
  });

  for (const member of props.cacheClusterIds) {
    const node = {
      namespace: "AWS/ElastiCache",
      dimensions: { CacheClusterId: member, CacheNodeId: REDIS_NODE_ID },
      treatMissingData: "missing",
      runbook: "redis",
    } as const;
    add({
      ...node,
      name: `${member}-engine-cpu`,
      metricName: "EngineCPUUtilization",
      threshold: redis.engineCpuPercent,
      breachWhen: "above",
      description: `Redis engine CPU on ${member} above threshold`,
    });
    add({
      ...node,
      runbook: "redis-capacity",
      name: `${member}-memory`,
      metricName: "DatabaseMemoryUsagePercentage",
      threshold: redis.memoryPercent,
      breachWhen: "above",
      statistic: "Maximum",
      description: `Redis memory usage on ${member} above threshold`,
    });
    add({
      ...node,
      name: `${member}-evictions`,
      metricName: "Evictions",
      threshold: redis.evictions,
      breachWhen: "above",
      statistic: "Sum",
      description: `Redis evicting keys on ${member}`,
    });
    add({
      ...node,
      name: `${member}-connections`,
      metricName: "CurrConnections",
      threshold: redis.connections,
      breachWhen: "above",
      statistic: "Maximum",
      description: `Redis connections on ${member} above threshold`,
    });
  }
  for (const replica of props.replicaClusterIds) {
    add({
      namespace: "AWS/ElastiCache",
      dimensions: { CacheClusterId: replica, CacheNodeId: REDIS_NODE_ID },
      runbook: "redis",
      name: `${replica}-replication-lag`,
      metricName: "ReplicationLag",
      threshold: redis.replicationLagSeconds,
      breachWhen: "above",
      statistic: "Maximum",
      // After a failover this member is the primary and stops publishing the metric.
      treatMissingData: "notBreaching",
      description: `Redis replication lag on ${replica} above threshold`,
    });
  }
  return alarms.map(thresholdDefinition);
}
