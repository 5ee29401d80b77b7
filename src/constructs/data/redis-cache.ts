import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { ElasticacheParameterGroup } from "@cdktf/provider-aws/lib/elasticache-parameter-group";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { maintenanceOverlapProblem, redisShardsProblem } from "../../config/rules/combination-rules";
import { validateProps } from "../validate-props";
import { EncryptedLogGroup } from "../monitoring/encrypted-log-group";
import { cacheAuthSecretName, finalSnapshotName } from "../../config/naming";

export interface RedisCacheProps {
  /** Replication group id (at most 40 characters); names the member clusters, logs and secret. */
  readonly replicationGroupId: string;
  /** Redis 7.x engine version. */
  readonly engineVersion: string;
  /** ElastiCache node type. */
  readonly nodeType: string;
  /** Shard the keyspace across node groups. @default false */
  readonly clusterMode?: boolean;
  /** Node groups (shards); must be 1 without cluster mode. @default 1 */
  readonly shards?: number;
  /** Replicas per shard; with at least one, failover is automatic and Multi-AZ. @default 1 */
  readonly replicasPerShard?: number;
  /** Isolated subnets, one per AZ. */
  readonly subnetIds: string[];
  /** Security groups of the nodes (the cache tier's). */
  readonly securityGroupIds: string[];
  /** Customer-managed key for data at rest, the AUTH token secret and the logs. */
  readonly kmsKeyArn: string;
  /** Days of daily snapshots. @default 7 */
  readonly snapshotRetentionDays?: number;
  /** Daily UTC snapshot window. */
  readonly snapshotWindow: string;
  /** Weekly UTC maintenance window. */
  readonly maintenanceWindow: string;
  /** Retention of the slow and engine log groups. */
  readonly logRetentionDays: number;
  /** Recovery window of the AUTH token secret. @default 30 */
  readonly secretRecoveryWindowDays?: number;
  /** Terraform's create timeout of the replication group, in minutes (the provider's is 60). @default the provider's */
  readonly createTimeoutMinutes?: number;
}

/**
 * Redis 7 on ElastiCache: encrypted at rest and in transit (TLS required), an AUTH token,
 * snapshots, and slow and engine logs in encrypted log groups.
 *
 * The provider has no write-only AUTH token, so the group is created with a bootstrap token that
 * Terraform keeps in state. It is never stored in the secret and never given to an instance: the
 * AUTH token rotation (RedisAuthRotation), which starts as soon as the secret exists, puts the
 * first real token in the secret and retires the bootstrap one.
 */
export class RedisCache extends Construct {
  readonly replicationGroup: ElasticacheReplicationGroup;
  /** Secret holding the AUTH token (`auth_token`); its versions come from the rotation only. */
  readonly authSecret: SecretsmanagerSecret;
  /** Configuration endpoint in cluster mode, primary endpoint otherwise. */
  readonly endpoint: string;
  readonly port = 6379;
  /** Ids of the member clusters, as CloudWatch names them in the CacheClusterId dimension. */
  readonly memberClusterIds: string[];
  /** Members that start as replicas (the only ones that publish ReplicationLag). */
  readonly replicaClusterIds: string[];

  constructor(scope: Construct, id: string, props: RedisCacheProps) {
    super(scope, id);
    const name = props.replicationGroupId;
    const clusterMode = props.clusterMode ?? false;
    const shards = props.shards ?? 1;
    const replicas = props.replicasPerShard ?? 1;
    const highlyAvailable = replicas >= 1;
    validateProps(this, [
      { prop: "shards", values: [shards, replicas], problem: () => redisShardsProblem(clusterMode, shards, replicas) },
      {
        prop: "snapshotWindow",
        values: [props.snapshotWindow, props.maintenanceWindow],
        problem: () => maintenanceOverlapProblem(props.snapshotWindow, props.maintenanceWindow),
      },
    ]);

    const subnetGroup = new ElasticacheSubnetGroup(this, "subnet-group", {
      name,
      description: `Isolated subnets of ${name}`,
      subnetIds: props.subnetIds,
    });
    const parameters = new ElasticacheParameterGroup(this, "parameters", {
      name: `${name}-redis7`,
      family: "redis7",
      description: `Cluster mode ${clusterMode ? "on" : "off"} for ${name}`,
      parameter: [{ name: "cluster-enabled", value: clusterMode ? "yes" : "no" }],
    });
    this.authSecret = new SecretsmanagerSecret(this, "auth-token", {
      name: cacheAuthSecretName(name),
      description: `AUTH token of the ${name} Redis replication group`,
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays: props.secretRecoveryWindowDays ?? 30,
    });
    const logs = (["slow-log", "engine-log"] as const).map((logType) => ({
      logType,
      group: new EncryptedLogGroup(this, logType, {
        name: `/aws/elasticache/${name}/${logType}`,
        retentionInDays: props.logRetentionDays,
        kmsKeyArn: props.kmsKeyArn,
      }),
    }));

    this.replicationGroup = new ElasticacheReplicationGroup(this, "replication-group", {
      replicationGroupId: name,
      description: `Redis for ${name}`,
      engine: "redis",
      engineVersion: props.engineVersion,
      nodeType: props.nodeType,
      port: this.port,
      parameterGroupName: parameters.name,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: props.securityGroupIds,
      ...(clusterMode
        ? { clusterMode: "enabled", numNodeGroups: shards, replicasPerNodeGroup: replicas }
        : { clusterMode: "disabled", numCacheClusters: 1 + replicas }),
      automaticFailoverEnabled: highlyAvailable,
      multiAzEnabled: highlyAvailable,
      atRestEncryptionEnabled: "true",
      kmsKeyId: props.kmsKeyArn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      // uuid() is evaluated at apply time (so no plan shows it) from a cryptographic random source.
      authToken: Fn.uuid(),
      autoMinorVersionUpgrade: "true",
      timeouts: props.createTimeoutMinutes === undefined ? undefined : { create: `${props.createTimeoutMinutes}m` },
      snapshotRetentionLimit: props.snapshotRetentionDays ?? 7,
      snapshotWindow: props.snapshotWindow,
      maintenanceWindow: props.maintenanceWindow,
      finalSnapshotIdentifier: finalSnapshotName(name),
      applyImmediately: false,
      // The rotation owns the token after creation.
      lifecycle: { ignoreChanges: ["auth_token"] },
      logDeliveryConfiguration: logs.map(({ logType, group }) => ({
        destinationType: "cloudwatch-logs",
        destination: group.name,
        logFormat: "json",
        logType,
      })),
    });
    this.endpoint = clusterMode
      ? this.replicationGroup.configurationEndpointAddress
      : this.replicationGroup.primaryEndpointAddress;

    const members = redisMembers({ replicationGroupId: name, clusterMode, shards, replicasPerShard: replicas });
    this.memberClusterIds = members.all;
    this.replicaClusterIds = members.replicas;
  }
}

/**
 * The member cluster ids ElastiCache gives a replication group's nodes (the CacheClusterId
 * dimension of their metrics): <group>-<node> without cluster mode, <group>-<shard>-<node> with it.
 */
export function redisMembers(topology: {
  readonly replicationGroupId: string;
  readonly clusterMode: boolean;
  readonly shards: number;
  readonly replicasPerShard: number;
}): {
  readonly all: string[];
  /** Members that start as replicas (the only ones that publish ReplicationLag). */
  readonly replicas: string[];
} {
  const name = topology.replicationGroupId;
  const nodesPerShard = Array.from({ length: 1 + topology.replicasPerShard }, (_, index) =>
    String(index + 1).padStart(3, "0"),
  );
  const all = topology.clusterMode
    ? Array.from({ length: topology.shards }, (_, shard) =>
        nodesPerShard.map((node) => `${name}-${String(shard + 1).padStart(4, "0")}-${node}`),
      ).flat()
    : nodesPerShard.map((node) => `${name}-${node}`);
  return { all, replicas: all.filter((member) => !member.endsWith("-001")) };
}
