import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../config/schema/schema";
import { AppSecret } from "../../constructs/data/app-secret";
import { DatabaseBackupPlan } from "../../constructs/data/database-backup-plan";
import { DatabaseServiceCredentials } from "../../constructs/data/database-service-credentials";
import { PER_INSTANCE_TYPES, PostgresDatabase, PostgresDatabaseProps } from "../../constructs/data/postgres-database";
import { RedisAuthRotation } from "../../constructs/data/redis-auth-rotation";
import { RedisCache } from "../../constructs/data/redis-cache";
import { replicateSecrets } from "../../constructs/data/secret-replicas";
import { AlarmFactory } from "../../constructs/monitoring/alarm-factory";
import { runbookDocumentUrl } from "../../constructs/monitoring/runbooks";
import { logsCanUseKey } from "../../constructs/monitoring/encrypted-log-group";
import { databaseFailedLogins } from "../../constructs/monitoring/database-failed-logins";
import { LogEventAlarm } from "../../constructs/monitoring/log-event-alarm";
import { EncryptionKey } from "../../constructs/security/encryption-key";
import { RESTORE_CREATE_TIMEOUT_MINUTES } from "../../config/restore-budget";
import { BaseStack, awsProvider } from "../shared/base-stack";
import { dataAlarmDefinitionsOf, databaseName, cacheReplicationGroupId } from "./data-alarm-definitions";
import { forgetResources } from "../shared/forget-resources";
import { dataHandover } from "./data-handover";
import { cachePropsFromConfig, databasePropsFromConfig } from "./data-store-props";
import { HandoverReader, publishHandover } from "../shared/handover";
import { networkHandover } from "../network/network-handover";
import { resourcePrefix } from "../../config/naming";

/** auth-<env>-data: keys, PostgreSQL, Redis, secrets, backups and their alarms. */
export class DataStack extends BaseStack {
  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, { config, layer: "data" });
    const name = resourcePrefix(config.environment);
    const { aws, data } = config;
    const network = new HandoverReader(this, "network", config, "network", networkHandover);

    const dataKey = new EncryptionKey(this, "data-key", {
      description: `Encrypts ${name} databases, caches, secrets and their logs`,
      alias: `${name}-data`,
      accountId: aws.accountId,
      deletionWindowInDays: data.keyDeletionWindowDays,
      serviceStatements: [logsCanUseKey(aws.region, aws.accountId)],
    });
    const needsDrRegion =
      data.postgres.crossRegionBackupRetentionDays !== undefined || data.backup.enabled || config.dr.pilotLight;
    const drProvider = needsDrRegion ? awsProvider(this, "aws-dr", config, aws.drRegion, "dr") : undefined;
    const drKey = drProvider
      ? new EncryptionKey(this, "dr-data-key", {
          provider: drProvider,
          description: `Encrypts ${name} backups and secret replicas in ${aws.drRegion}`,
          alias: `${name}-data-dr`,
          accountId: aws.accountId,
          deletionWindowInDays: data.keyDeletionWindowDays,
          // A DR restore (auth-<env>-dr-data) encrypts its log groups with it too.
          serviceStatements: [logsCanUseKey(aws.drRegion, aws.accountId)],
        })
      : undefined;

    const { postgres: db, redis } = data;
    const databaseProps: PostgresDatabaseProps = {
      ...databasePropsFromConfig(config, {
        identifier: databaseName(config),
        subnetIds: network.list("isolated_subnet_ids"),
        securityGroupIds: [network.string("db_security_group_id")],
        kmsKeyArn: dataKey.arn,
      }),
      crossRegionBackups:
        drProvider && drKey && db.crossRegionBackupRetentionDays !== undefined
          ? { provider: drProvider, kmsKeyArn: drKey.arn, retentionDays: db.crossRegionBackupRetentionDays }
          : undefined,
    };
    const { failBack } = config.dr;
    const database = new PostgresDatabase(this, "postgres", {
      ...databaseProps,
      ...(failBack
        ? {
            // Fail back: a new instance from the snapshot copied back from the DR region, beside the old one.
            generation: failBack.generation,
            restoreFrom: { snapshotIdentifier: failBack.snapshot },
            // A restore takes as long as the data needs; timing out would leave a tainted instance
            // that prevent_destroy then blocks (see restore-budget.ts).
            createTimeoutMinutes: RESTORE_CREATE_TIMEOUT_MINUTES,
          }
        : {}),
    });
    if (failBack) {
      // The instance it replaces (and its log groups, master rotation and backup replication) leave
      // the state and keep running: the operator deletes them after verification, never a plan.
      forgetResources(
        this,
        (scope) => new PostgresDatabase(scope, "postgres", { ...databaseProps, generation: failBack.generation - 1 }),
        PER_INSTANCE_TYPES,
      );
    }
    const serviceCredentials = new DatabaseServiceCredentials(this, "db-service-credentials", {
      name,
      kmsKeyArn: dataKey.arn,
      recoveryWindowDays: data.secrets.recoveryWindowDays,
      masterSecretArn: database.masterSecretArn,
      // After a fail back the login still names the replaced instance's master secret until its next rotation.
      adoptableMasterSecretArns: failBack ? [failBack.previousMasterSecretArn] : undefined,
      host: database.instance.address,
      port: database.instance.port,
      databaseName: db.databaseName,
      username: db.serviceUsername,
      schema: db.serviceSchema,
      rotationDays: db.serviceCredentialRotationDays,
      network: {
        subnetIds: network.list("private_subnet_ids"),
        securityGroupIds: [network.string("db_rotation_security_group_id")],
      },
      logRetentionDays: data.logRetentionDays,
    });
    if (drProvider && drKey && data.backup.enabled) {
      new DatabaseBackupPlan(this, "backup", {
        name,
        resourceArns: [database.instance.arn],
        kmsKeyArn: dataKey.arn,
        schedule: data.backup.schedule,
        retentionDays: data.backup.retentionDays,
        disasterRecovery: { provider: drProvider, kmsKeyArn: drKey.arn, retentionDays: data.backup.drRetentionDays },
      });
    }

    const cache = new RedisCache(
      this,
      "redis",
      cachePropsFromConfig(config, {
        replicationGroupId: cacheReplicationGroupId(config),
        subnetIds: network.list("isolated_subnet_ids"),
        securityGroupIds: [network.string("cache_security_group_id")],
        kmsKeyArn: dataKey.arn,
      }),
    );
    // First-wave environments keep their live AUTH secret (and the token their instances hold):
    // the secret moved in the construct tree, and a new one of the same name could not be created.
    cache.authSecret.moveFromId("aws_secretsmanager_secret.redis_auth-token_secret_8A9E6815");
    new RedisAuthRotation(this, "redis-auth-rotation", {
      name,
      region: aws.region,
      accountId: aws.accountId,
      secretArn: cache.authSecret.arn,
      replicationGroupId: cacheReplicationGroupId(config),
      redisHost: cache.endpoint,
      redisPort: cache.port,
      rotationDays: redis.authTokenRotationDays,
      kmsKeyArn: dataKey.arn,
      logRetentionDays: data.logRetentionDays,
      network: {
        subnetIds: network.list("private_subnet_ids"),
        securityGroupIds: [network.string("cache_rotation_security_group_id")],
      },
      dependsOn: [cache.replicationGroup],
    });
    const appSecret = new AppSecret(this, "app-secret", {
      name,
      kmsKeyArn: dataKey.arn,
      recoveryWindowDays: data.secrets.recoveryWindowDays,
      rotationDays: data.secrets.appSecretRotationDays,
      logRetentionDays: data.logRetentionDays,
    });

    // After a failover the DR region holds the promoted secrets under the same names until fail back
    // deletes them; Secrets Manager refuses a replica over them (ForceOverwriteReplicaSecret).
    if (config.dr.pilotLight && drKey && (!failBack || failBack.promotedSecretsDeleted)) {
      // The secrets a restore promotes: the service's login (the restored database knows its
      // passwords) and the signing keys (sessions survive). Not the Redis token: the restored cache
      // starts empty with a token of its own (DrDataStack), so a copy would be a live credential
      // kept in a second region for nothing. Not the RDS-managed master secret: RDS manages it,
      // and a restored instance gets a new one.
      replicateSecrets([serviceCredentials.secret, appSecret.secret.secret], {
        region: aws.drRegion,
        kmsKeyArn: drKey.arn,
      });
    }

    const dataAlarms = new AlarmFactory(
      this,
      name,
      network.string("alert_topic_arn"),
      runbookDocumentUrl(config.ci.githubRepository),
    );
    for (const definition of dataAlarmDefinitionsOf(config)) dataAlarms.define(definition);
    new LogEventAlarm(this, "db-failed-logins", {
      alarms: dataAlarms,
      logGroupName: database.logGroupNames.postgresql,
      ...databaseFailedLogins(config.alarms.security),
    });

    publishHandover(this, dataHandover, {
      db_endpoint: database.instance.address,
      db_port: database.instance.port,
      db_name: db.databaseName,
      db_master_secret_arn: database.masterSecretArn,
      db_service_secret_arn: serviceCredentials.arn,
      redis_endpoint: cache.endpoint,
      redis_port: cache.port,
      redis_auth_secret_arn: cache.authSecret.arn,
      app_secret_arn: appSecret.arn,
      data_kms_key_arn: dataKey.arn,
      db_backups_replica_arn: database.backupsReplica?.id ?? "",
      dr_kms_key_arn: drKey?.arn ?? "",
    });
  }
}
