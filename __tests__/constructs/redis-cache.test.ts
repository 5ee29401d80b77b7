import { TerraformOutput } from "cdktf";
import { RedisCache, RedisCacheProps } from "../../src/constructs/data/redis-cache";
import { constructStack, synthAlone, validationErrors } from "../support/construct-stack";

const MINIMAL: RedisCacheProps = {
  replicationGroupId: "cache",
  engineVersion: "7.1",
  nodeType: "cache.t3.micro",
  subnetIds: ["subnet-1", "subnet-2"],
  securityGroupIds: ["sg-1"],
  kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/1",
  snapshotWindow: "01:00-02:00",
  maintenanceWindow: "sun:04:00-sun:05:00",
  logRetentionDays: 30,
};

function cache(props: Partial<RedisCacheProps> = {}) {
  const stack = constructStack();
  const construct = new RedisCache(stack, "cache", { ...MINIMAL, ...props });
  return { stack, construct };
}

describe("RedisCache alone, with only the required props", () => {
  const { stack, construct } = cache();
  const json = synthAlone(stack);
  const group = json.resource("aws_elasticache_replication_group");

  test("defaults are the safe ones: one replica with automatic failover across AZs, TLS required, encrypted, 7 days of snapshots", () => {
    expect(group).toMatchObject({
      cluster_mode: "disabled",
      num_cache_clusters: 2,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      transit_encryption_enabled: true,
      transit_encryption_mode: "required",
      at_rest_encryption_enabled: "true",
      snapshot_retention_limit: 7,
      apply_immediately: false,
    });
    expect(json.resource("aws_secretsmanager_secret").recovery_window_in_days).toBe(30);
  });

  test("members are <group>-001 and <group>-002; the second starts as the replica", () => {
    expect(construct.memberClusterIds).toEqual(["cache-001", "cache-002"]);
    expect(construct.replicaClusterIds).toEqual(["cache-002"]);
  });
});

describe("branches no shipped config takes", () => {
  test("cluster mode: node groups with replicas, the configuration endpoint, members per shard", () => {
    const { stack, construct } = cache({ clusterMode: true, shards: 2, replicasPerShard: 1 });
    new TerraformOutput(stack, "endpoint", { value: construct.endpoint });
    const json = synthAlone(stack);
    expect(json.resource("aws_elasticache_replication_group")).toMatchObject({
      cluster_mode: "enabled",
      num_node_groups: 2,
      replicas_per_node_group: 1,
    });
    expect(json.resource("aws_elasticache_parameter_group").parameter).toEqual([
      { name: "cluster-enabled", value: "yes" },
    ]);
    expect(json.outputs().endpoint.value).toMatch(/configuration_endpoint_address/);
    expect(construct.memberClusterIds).toEqual([
      "cache-0001-001",
      "cache-0001-002",
      "cache-0002-001",
      "cache-0002-002",
    ]);
  });
});

describe("invalid prop combinations fail synth, with the rules the config schema uses", () => {
  test.each([
    [{ shards: 2 }, "shards: must be 1 unless clusterMode is true"],
    [
      { clusterMode: true, shards: 2, replicasPerShard: 0 },
      "shards: cluster mode needs at least 2 shards with at least 1 replica each",
    ],
    [
      { snapshotWindow: "04:30-05:30" },
      "snapshotWindow: 04:30-05:30 overlaps the maintenance window sun:04:00-sun:05:00",
    ],
  ] as [Partial<RedisCacheProps>, string][])("%j", (props, message) => {
    expect(validationErrors(cache(props).stack)).toEqual([message]);
  });
});
