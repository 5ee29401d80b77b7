import { DB_INSTANCE_CLASSES, maxConnectionsOf } from "../src/config/schema/catalogue";
import { catalogueProblem } from "../src/constructs/monitoring/metric-catalog";
import { ENVIRONMENTS, Synthesized, referenceTo, synthEnvironment, validConfig } from "./support/synth";

const synthesized = Object.fromEntries(ENVIRONMENTS.map((env) => [env, synthEnvironment(env).data])) as Record<
  (typeof ENVIRONMENTS)[number],
  Synthesized
>;

describe.each(ENVIRONMENTS)("data stack auth-%s-data", (env) => {
  const config = validConfig(env);
  const json = synthesized[env];
  const { postgres: db, redis } = config.data;
  const dataKey = json.named("aws_kms_key", /^data-key_/);
  const dataKeyArn = referenceTo(json, "aws_kms_key", dataKey, "arn");
  const rds = json.resource("aws_db_instance");

  describe("keys", () => {
    test("the data key rotates, has an alias and the configured deletion window", () => {
      expect(dataKey).toMatchObject({
        enable_key_rotation: true,
        deletion_window_in_days: config.data.keyDeletionWindowDays,
      });
      expect(json.resourceList("aws_kms_alias").map((alias) => alias.name)).toContain(`alias/auth-${env}-data`);
    });

    test("its policy grants the account root and CloudWatch Logs only", () => {
      const statements = json.policyDocument(dataKey.policy).statement;
      expect(statements.map((statement: any) => statement.principals)).toEqual([
        [{ type: "AWS", identifiers: [`arn:aws:iam::${config.aws.accountId}:root`] }],
        [{ type: "Service", identifiers: [`logs.${config.aws.region}.amazonaws.com`] }],
      ]);
    });

    const drWanted = db.crossRegionBackupRetentionDays !== undefined || config.data.backup.enabled;
    test(`a key in the DR region exists only when backups are copied there (${drWanted})`, () => {
      const drProvider = (json.json.provider.aws as any[]).find((provider) => provider.alias === "dr");
      const drKeys = Object.entries(json.resources("aws_kms_key")).filter(([name]) => name.includes("dr-data-key"));
      expect(drKeys).toHaveLength(drWanted ? 1 : 0);
      if (drWanted) {
        expect(drProvider).toMatchObject({ region: config.aws.drRegion, allowed_account_ids: [config.aws.accountId] });
        expect(drKeys[0][1]).toMatchObject({ provider: "aws.dr", enable_key_rotation: true });
      } else {
        expect(drProvider).toBeUndefined();
      }
    });
  });

  describe("PostgreSQL", () => {
    test(`runs postgres ${db.majorVersion} on ${db.instanceClass} with a matching parameter group family`, () => {
      expect(rds).toMatchObject({
        engine: "postgres",
        engine_version: String(db.majorVersion),
        instance_class: db.instanceClass,
      });
      expect(json.resource("aws_db_parameter_group").family).toBe(`postgres${db.majorVersion}`);
      expect([16, 17]).toContain(db.majorVersion);
    });

    test("uses encrypted gp3 storage with an autoscaling ceiling", () => {
      expect(rds).toMatchObject({
        storage_type: "gp3",
        allocated_storage: db.allocatedStorageGb,
        max_allocated_storage: db.maxAllocatedStorageGb,
        storage_encrypted: true,
        kms_key_id: dataKeyArn,
      });
    });

    test("sits in the isolated subnets behind the db security group and is never public", () => {
      const subnetGroup = json.resource("aws_db_subnet_group");
      expect(subnetGroup.subnet_ids).toMatch(/terraform_remote_state\.network.*\.outputs\.isolated_subnet_ids/);
      expect(rds.db_subnet_group_name).toBe(referenceTo(json, "aws_db_subnet_group", subnetGroup, "name"));
      expect(rds.vpc_security_group_ids).toEqual([expect.stringMatching(/outputs\.db_security_group_id/)]);
      expect(rds.publicly_accessible).toBe(false);
    });

    test(`is ${db.multiAz ? "Multi-AZ" : "single-AZ"}`, () => {
      expect(rds.multi_az).toBe(db.multiAz);
    });

    test("its master password is managed by RDS in Secrets Manager, encrypted with the data key", () => {
      expect(rds).toMatchObject({
        manage_master_user_password: true,
        master_user_secret_kms_key_id: dataKeyArn,
        username: db.masterUsername,
      });
      expect(rds.password).toBeUndefined();
      expect(JSON.stringify(json.json)).not.toMatch(/"password":/);
    });

    test(`rotates the master password ${db.masterPasswordRotationDays ? `every ${db.masterPasswordRotationDays} days` : "on RDS's default schedule"}`, () => {
      const rotations = json
        .resourceList("aws_secretsmanager_secret_rotation")
        .filter((rotation) => /master_user_secret/.test(rotation.secret_id));
      if (db.masterPasswordRotationDays === undefined) {
        expect(rotations).toEqual([]);
      } else {
        expect(rotations).toEqual([
          expect.objectContaining({ rotation_rules: { automatically_after_days: db.masterPasswordRotationDays } }),
        ]);
        expect(rotations[0].rotation_lambda_arn).toBeUndefined();
      }
    });

    test("forces TLS and logs statements slower than the configured threshold", () => {
      expect(json.resource("aws_db_parameter_group").parameter).toEqual(
        expect.arrayContaining([
          { name: "rds.force_ssl", value: "1" },
          { name: "log_min_duration_statement", value: String(db.slowStatementThresholdMs) },
        ]),
      );
      expect(rds.parameter_group_name).toMatch(/aws_db_parameter_group/);
    });

    test("audits connections and schema and role changes with pgaudit, never logging a password or user data", () => {
      const parameters: { name: string; value: string; apply_method?: string }[] =
        json.resource("aws_db_parameter_group").parameter;
      const value = (name: string) => parameters.find((parameter) => parameter.name === name)?.value;
      expect(value("log_connections")).toBe("1");
      expect(value("log_disconnections")).toBe("1");
      expect(value("pgaudit.log")).toBe("ddl,role");
      expect(value("shared_preload_libraries")?.split(",")).toContain("pgaudit");
      expect(parameters.find((parameter) => parameter.name === "shared_preload_libraries")?.apply_method).toBe(
        "pending-reboot",
      );
      // log_statement = ddl would print ALTER ROLE ... PASSWORD in clear text; mod/all would print user data.
      expect(value("log_statement")).toBe("none");
      expect(value("pgaudit.log_parameter")).toBe("0");
    });

    test("IAM database authentication is off: logins are the rotated passwords in Secrets Manager, no second way in", () => {
      expect(rds.iam_database_authentication_enabled).toBe(false);
    });

    test("exports postgresql and upgrade logs into encrypted log groups with retention", () => {
      expect(rds.enabled_cloudwatch_logs_exports).toEqual(["postgresql", "upgrade"]);
      for (const log of ["postgresql", "upgrade"]) {
        const group = json
          .resourceList("aws_cloudwatch_log_group")
          .find((candidate) => candidate.name === `/aws/rds/instance/auth-${env}-postgres/${log}`);
        expect(group).toMatchObject({ retention_in_days: config.data.logRetentionDays, kms_key_id: dataKeyArn });
      }
    });

    test("is created only after its log groups and its monitoring role's policy exist", () => {
      expect(rds.depends_on).toEqual(
        expect.arrayContaining([expect.stringMatching(/aws_cloudwatch_log_group\.postgres_postgresql-logs/)]),
      );
      if (db.enhancedMonitoringIntervalSeconds > 0) {
        expect(rds.depends_on).toContainEqual(
          expect.stringMatching(/aws_iam_role_policy_attachment\.postgres_monitoring-policy/),
        );
      }
    });

    test("enhanced monitoring and Performance Insights follow config", () => {
      expect(rds.monitoring_interval).toBe(db.enhancedMonitoringIntervalSeconds);
      expect(rds.performance_insights_enabled).toBe(db.performanceInsights);
      if (db.enhancedMonitoringIntervalSeconds > 0) {
        const role = json.named("aws_iam_role", "monitoring-role");
        expect(rds.monitoring_role_arn).toBe(referenceTo(json, "aws_iam_role", role, "arn"));
        expect(json.policyDocument(role.assume_role_policy).statement[0].principals).toEqual([
          { type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] },
        ]);
      }
    });

    test("takes daily backups in the configured window, kept for the configured days, with tags and a final snapshot", () => {
      expect(rds).toMatchObject({
        backup_window: db.backupWindow,
        maintenance_window: db.maintenanceWindow,
        backup_retention_period: db.backupRetentionDays,
        copy_tags_to_snapshot: true,
        skip_final_snapshot: false,
        final_snapshot_identifier: `auth-${env}-postgres-final`,
      });
      if (config.production) expect(rds.backup_retention_period).toBeGreaterThanOrEqual(7);
    });

    test(`deletion protection ${db.deletionProtection} and prevent_destroy ${db.preventDestroy}`, () => {
      expect(rds.deletion_protection).toBe(db.deletionProtection);
      expect(rds.lifecycle).toEqual({ prevent_destroy: db.preventDestroy });
    });

    test("replicates automated backups to the DR region with the DR key when configured", () => {
      const replications = json.resourceList("aws_db_instance_automated_backups_replication");
      if (db.crossRegionBackupRetentionDays === undefined) {
        expect(replications).toEqual([]);
        return;
      }
      const drKey = json.named("aws_kms_key", "dr-data-key");
      expect(replications).toEqual([
        expect.objectContaining({
          provider: "aws.dr",
          source_db_instance_arn: referenceTo(json, "aws_db_instance", rds, "arn"),
          kms_key_id: referenceTo(json, "aws_kms_key", drKey, "arn"),
          retention_period: db.crossRegionBackupRetentionDays,
        }),
      ]);
    });

    test(`AWS Backup ${config.data.backup.enabled ? "copies daily snapshots to a vault in the DR region" : "is switched off"}`, () => {
      const vaults = json.resourceList("aws_backup_vault");
      if (!config.data.backup.enabled) {
        expect(vaults).toEqual([]);
        return;
      }
      const [primary, dr] = [
        json.named("aws_backup_vault", /^backup_vault_/),
        json.named("aws_backup_vault", "dr-vault"),
      ];
      expect(primary.kms_key_arn).toBe(dataKeyArn);
      expect(dr).toMatchObject({
        provider: "aws.dr",
        kms_key_arn: referenceTo(json, "aws_kms_key", json.named("aws_kms_key", "dr-data-key"), "arn"),
      });
      const [rule] = json.resource("aws_backup_plan").rule;
      expect(rule).toMatchObject({
        schedule: config.data.backup.schedule,
        lifecycle: { delete_after: config.data.backup.retentionDays },
        copy_action: [
          {
            destination_vault_arn: referenceTo(json, "aws_backup_vault", dr, "arn"),
            lifecycle: { delete_after: config.data.backup.drRetentionDays },
          },
        ],
      });
      expect(json.resource("aws_backup_selection").resources).toEqual([
        referenceTo(json, "aws_db_instance", rds, "arn"),
      ]);
    });
  });

  describe("Redis", () => {
    const group = json.resource("aws_elasticache_replication_group");

    test(`runs redis ${redis.engineVersion} on ${redis.nodeType}`, () => {
      expect(group).toMatchObject({
        engine: "redis",
        engine_version: redis.engineVersion,
        node_type: redis.nodeType,
        port: 6379,
      });
      expect(redis.engineVersion).toMatch(/^7\./);
    });

    test("sits in the isolated subnets behind the cache security group", () => {
      expect(json.resource("aws_elasticache_subnet_group").subnet_ids).toMatch(/outputs\.isolated_subnet_ids/);
      expect(group.security_group_ids).toEqual([expect.stringMatching(/outputs\.cache_security_group_id/)]);
    });

    test(
      redis.clusterMode
        ? `cluster mode with ${redis.shards} shards x ${redis.replicasPerShard} replicas, automatic failover and Multi-AZ`
        : "a single node",
      () => {
        const parameters = json.resource("aws_elasticache_parameter_group");
        expect(parameters.family).toBe("redis7");
        if (redis.clusterMode) {
          expect(group).toMatchObject({
            cluster_mode: "enabled",
            num_node_groups: redis.shards,
            replicas_per_node_group: redis.replicasPerShard,
            automatic_failover_enabled: true,
            multi_az_enabled: true,
          });
          expect(redis.shards).toBeGreaterThanOrEqual(2);
          expect(redis.replicasPerShard).toBeGreaterThanOrEqual(1);
          expect(parameters.parameter).toEqual([{ name: "cluster-enabled", value: "yes" }]);
        } else {
          expect(group).toMatchObject({
            cluster_mode: "disabled",
            num_cache_clusters: 1,
            automatic_failover_enabled: false,
            multi_az_enabled: false,
          });
          expect(parameters.parameter).toEqual([{ name: "cluster-enabled", value: "no" }]);
        }
      },
    );

    test("is encrypted at rest with the data key and requires TLS in transit", () => {
      expect(group).toMatchObject({
        at_rest_encryption_enabled: "true",
        kms_key_id: dataKeyArn,
        transit_encryption_enabled: true,
        transit_encryption_mode: "required",
      });
    });

    test("keeps daily snapshots for the configured days and takes a final one on delete", () => {
      expect(group).toMatchObject({
        snapshot_retention_limit: redis.snapshotRetentionDays,
        snapshot_window: redis.snapshotWindow,
        final_snapshot_identifier: `auth-${env}-redis-final`,
      });
    });

    test("delivers slow and engine logs to encrypted log groups with retention", () => {
      expect(
        group.log_delivery_configuration.map((delivery: any) => [delivery.log_type, delivery.destination_type]),
      ).toEqual([
        ["slow-log", "cloudwatch-logs"],
        ["engine-log", "cloudwatch-logs"],
      ]);
      for (const logType of ["slow-log", "engine-log"]) {
        const logGroup = json
          .resourceList("aws_cloudwatch_log_group")
          .find((candidate) => candidate.name === `/aws/elasticache/auth-${env}-redis/${logType}`);
        expect(logGroup).toMatchObject({ retention_in_days: config.data.logRetentionDays, kms_key_id: dataKeyArn });
      }
    });
  });

  describe("alarms", () => {
    const alarms = json.resourceList("aws_cloudwatch_metric_alarm");
    const thresholds = config.alarms.data;
    const byName = (suffix: string) => alarms.find((alarm) => alarm.alarm_name === `auth-${env}-${suffix}`);

    test("every alarm notifies the network stack's alert topic on ALARM and OK", () => {
      expect(alarms.length).toBeGreaterThan(0);
      for (const alarm of alarms) {
        expect(alarm.alarm_actions).toEqual([
          expect.stringMatching(/terraform_remote_state\.network.*outputs\.alert_topic_arn/),
        ]);
        expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
      }
    });

    test.each([
      ["db-cpu", "CPUUtilization", "GreaterThanThreshold", thresholds.dbCpuPercent],
      ["db-freeable-memory", "FreeableMemory", "LessThanThreshold", thresholds.dbFreeableMemoryBytes],
      ["db-read-latency", "ReadLatency", "GreaterThanThreshold", thresholds.dbReadLatencySeconds],
      ["db-write-latency", "WriteLatency", "GreaterThanThreshold", thresholds.dbWriteLatencySeconds],
    ])("RDS %s watches %s of the instance (%s %d)", (name, metric, comparison, threshold) => {
      expect(byName(name)).toMatchObject({
        namespace: "AWS/RDS",
        metric_name: metric,
        comparison_operator: comparison,
        threshold,
        dimensions: { DBInstanceIdentifier: rds.identifier },
      });
    });

    test("capacity: max_connections is pinned in the parameter group, and the connections alarm is a share of that number", () => {
      // LEAST({DBInstanceClassMemory/9531392}, 5000), worked by hand for two sizes: 1 GiB gives 112 connections, 16 GiB 1802.
      const classOf = (gib: number) =>
        Object.keys(DB_INSTANCE_CLASSES).find((name) => DB_INSTANCE_CLASSES[name].memoryGib === gib)!;
      expect(maxConnectionsOf(classOf(1))).toBe(112);
      expect(maxConnectionsOf(classOf(16))).toBe(1802);
      // Every class the config may choose has a size, so no valid config fails to synthesize here.
      for (const instanceClass of Object.keys(DB_INSTANCE_CLASSES))
        expect(maxConnectionsOf(instanceClass)).toBeGreaterThan(0);
      const pinned = Number(
        json
          .resource("aws_db_parameter_group")
          .parameter.find((parameter: { name: string; value: string }) => parameter.name === "max_connections")?.value,
      );
      expect(pinned).toBe(maxConnectionsOf(db.instanceClass));
      expect(byName("db-connections")).toMatchObject({
        namespace: "AWS/RDS",
        metric_name: "DatabaseConnections",
        statistic: "Maximum",
        comparison_operator: "GreaterThanThreshold",
        threshold: Math.floor((pinned * thresholds.dbConnectionsPercent) / 100),
        dimensions: { DBInstanceIdentifier: rds.identifier },
      });
    });

    test("capacity: free storage below the configured share of the allocated storage", () => {
      expect(byName("db-free-storage")).toMatchObject({
        metric_name: "FreeStorageSpace",
        statistic: "Minimum",
        comparison_operator: "LessThanThreshold",
        threshold: (db.allocatedStorageGb * 1024 ** 3 * thresholds.dbFreeStoragePercent) / 100,
      });
    });

    test("Redis alarms name exactly the member clusters CloudWatch publishes for this topology", () => {
      const pad = (value: number, width: number) => String(value).padStart(width, "0");
      const nodes = Array.from({ length: 1 + redis.replicasPerShard }, (_, index) => pad(index + 1, 3));
      const expectedMembers = redis.clusterMode
        ? Array.from({ length: redis.shards }, (_, shard) =>
            nodes.map((node) => `auth-${env}-redis-${pad(shard + 1, 4)}-${node}`),
          ).flat()
        : nodes.map((node) => `auth-${env}-redis-${node}`);
      const redisAlarms = alarms.filter((alarm) => alarm.namespace === "AWS/ElastiCache");
      const members = new Set(redisAlarms.map((alarm) => alarm.dimensions.CacheClusterId));
      expect([...members].sort()).toEqual(expectedMembers.sort());
      for (const alarm of redisAlarms) expect(alarm.dimensions.CacheNodeId).toBe("0001");
      expect(json.resource("aws_elasticache_replication_group").replication_group_id).toBe(`auth-${env}-redis`);
    });

    test.each([
      ["engine-cpu", "EngineCPUUtilization", thresholds.redisEngineCpuPercent],
      ["memory", "DatabaseMemoryUsagePercentage", thresholds.redisMemoryPercent],
      ["evictions", "Evictions", thresholds.redisEvictions],
      ["connections", "CurrConnections", thresholds.redisConnections],
    ])("Redis %s watches %s on every member", (suffix, metric, threshold) => {
      const matching = alarms.filter(
        (alarm) => alarm.alarm_name.endsWith(`-${suffix}`) && alarm.namespace === "AWS/ElastiCache",
      );
      expect(matching.length).toBe(redis.shards * (1 + redis.replicasPerShard));
      for (const alarm of matching)
        expect(alarm).toMatchObject({ metric_name: metric, threshold, comparison_operator: "GreaterThanThreshold" });
    });

    test(
      redis.replicasPerShard > 0
        ? "replication lag is watched on every replica"
        : "no replication lag alarm without replicas",
      () => {
        const lag = alarms.filter((alarm) => alarm.metric_name === "ReplicationLag");
        expect(lag).toHaveLength(redis.shards * redis.replicasPerShard);
        for (const alarm of lag) {
          expect(alarm.dimensions.CacheClusterId).not.toMatch(/-001$/);
          expect(alarm).toMatchObject({
            threshold: thresholds.redisReplicationLagSeconds,
            treat_missing_data: "notBreaching",
          });
        }
      },
    );

    test("every alarm reads a metric its namespace publishes, with the dimensions it is published with (the metric catalog)", () => {
      // The metric-filter namespaces (failed logins) are ours; the metric catalog test covers them.
      const problems = alarms
        .filter((alarm) => alarm.namespace.startsWith("AWS/"))
        .flatMap((alarm) => catalogueProblem(alarm.namespace, alarm.metric_name, Object.keys(alarm.dimensions)) ?? []);
      expect(problems).toEqual([]);
    });
  });

  describe("handover to the app stack", () => {
    const outputs = json.outputs();

    test("publishes endpoints, ports, secret ARNs and the data key ARN", () => {
      expect(outputs.db_endpoint.value).toBe(referenceTo(json, "aws_db_instance", rds, "address"));
      expect(outputs.db_port.value).toBe(referenceTo(json, "aws_db_instance", rds, "port"));
      expect(outputs.db_name.value).toBe(db.databaseName);
      expect(outputs.db_master_secret_arn.value).toMatch(/aws_db_instance\..*\.master_user_secret\[0\]\.secret_arn/);
      const group = json.resource("aws_elasticache_replication_group");
      const endpoint = redis.clusterMode ? "configuration_endpoint_address" : "primary_endpoint_address";
      expect(outputs.redis_endpoint.value).toBe(
        referenceTo(json, "aws_elasticache_replication_group", group, endpoint),
      );
      expect(outputs.redis_port.value).toBe(6379);
      expect(outputs.redis_auth_secret_arn.value).toMatch(/aws_secretsmanager_secret\..*auth-token.*\.arn/);
      expect(outputs.app_secret_arn.value).toMatch(/aws_secretsmanager_secret\..*app-secret.*\.arn/);
      expect(outputs.data_kms_key_arn.value).toBe(dataKeyArn);
    });

    test("no output carries a secret value", () => {
      for (const output of Object.values(outputs))
        expect(JSON.stringify(output.value)).not.toMatch(/random_password|secret_string|auth_token/);
    });

    test("reads the network stack's outputs from its state in the S3 bucket", () => {
      const [remoteState] = Object.values(json.dataSources("terraform_remote_state"));
      expect(remoteState).toMatchObject({
        backend: "s3",
        config: { bucket: config.state.bucket, key: `${env}/auth-${env}-network.tfstate`, region: config.state.region },
      });
    });
  });
});
