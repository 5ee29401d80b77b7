import { Fn } from "cdktf";
import { Construct } from "constructs";
import { suppressFinding } from "../../compliance/suppress";
import { RESTORE_CREATE_TIMEOUT_MINUTES } from "../../config/restore-budget";
import type { EnvironmentConfig } from "../../config/schema/schema";
import { PostgresDatabase } from "../../constructs/data/postgres-database";
import { PromotedSecretsRotation } from "../../constructs/data/promoted-secrets-rotation";
import { RedisAuthRotation } from "../../constructs/data/redis-auth-rotation";
import { RedisCache } from "../../constructs/data/redis-cache";
import { AlarmFactory } from "../../constructs/monitoring/alarm-factory";
import { CisTrailAlarms } from "../../constructs/monitoring/cis-trail-alarms";
import { runbookDocumentUrl } from "../../constructs/monitoring/runbooks";
import { recordingTrail } from "../../constructs/security/audit-trail";
import { BaseStack } from "../shared/base-stack";
import { dataHandover } from "../data/data-handover";
import { cachePropsFromConfig, databasePropsFromConfig } from "../data/data-store-props";
import { drNetworkHandover } from "./dr-handovers";
import { drTrailStored } from "./dr-trail";
import { drTrailName } from "../../config/naming";
import { HandoverReader, publishHandover } from "../shared/handover";
import { cacheReplicationGroupIdOf, databaseIdentifierOf, drResourcePrefix } from "../../config/naming";

/** How restore mode restores (AUTH_DR_RESTORE=1; see src/config/restore-mode.ts). */
export interface RestoreOptions {
  /** UTC time PostgreSQL is restored to, e.g. 2026-11-30T03:15:00Z. @default the latest restorable time */
  readonly pointInTime?: string;
  /** A drill: the restored stores may be torn down afterwards (no deletion protection, no prevent_destroy). @default false */
  readonly drill?: boolean;
  /** A real restore being destroyed after fail back (npm run dr:decommission): no deletion protection, no prevent_destroy. @default false */
  readonly decommission?: boolean;
}

/** The ARN of a secret's replica: the primary's ARN with the region changed (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_StopReplicationToReplica.html). */
export function replicaArn(primaryArn: string, primaryRegion: string, replicaRegion: string): string {
  return Fn.replace(primaryArn, `:${primaryRegion}:`, `:${replicaRegion}:`);
}

/**
 * auth-<env>-dr-data, restore mode only: PostgreSQL restored in aws.drRegion from the automated
 * backups the data stack replicates there, Redis as an empty cache with its AUTH token rotation,
 * rotation of the promoted secret replicas (promote them before this deploy), the data handover
 * contract the app needs, pointing at the promoted secrets, and the DR trail with the CIS metric
 * filters and alarms on its events.
 *
 * It reads no state from the primary bucket: the pilot light's own state, and the REPLICA of the
 * primary data stack's state in the DR bucket, for ARNs fixed at the primary's first apply.
 */
export class DrDataStack extends BaseStack {
  constructor(scope: Construct, config: EnvironmentConfig, restore: RestoreOptions = {}) {
    const { aws, data } = config;
    super(scope, { config, layer: "dr-data", region: aws.drRegion, drill: restore.drill });
    const name = drResourcePrefix(config.environment);
    const network = new HandoverReader(this, "network", config, "dr-network", drNetworkHandover);
    const primary = new HandoverReader(this, "primary-data", config, "data", dataHandover, { replica: true });
    // The key the backups and secret replicas are already encrypted with: one key for the app to use.
    const kmsKeyArn = primary.string("dr_kms_key_arn");
    const protect = !restore.drill && !restore.decommission;

    const { postgres: db, redis } = data;
    const fromConfig = databasePropsFromConfig(config, {
      identifier: databaseIdentifierOf(name),
      subnetIds: network.list("isolated_subnet_ids"),
      securityGroupIds: [network.string("db_security_group_id")],
      kmsKeyArn,
    });
    const database = new PostgresDatabase(this, "postgres", {
      ...fromConfig,
      deletionProtection: protect && fromConfig.deletionProtection,
      preventDestroy: protect && fromConfig.preventDestroy,
      restoreFrom: { automatedBackupsArn: primary.string("db_backups_replica_arn"), restoreTime: restore.pointInTime },
      // A restore from backups takes as long as the data needs, often beyond the provider's 40 minutes;
      // timing out would leave a tainted instance that prevent_destroy then blocks (see restore-budget.ts).
      createTimeoutMinutes: RESTORE_CREATE_TIMEOUT_MINUTES,
    });
    suppressFinding(
      database.instance,
      "rds-cross-region-backups",
      "the restored instance runs while aws.region is down, so there is no other region to replicate into; fail-back restores a new primary from it",
    );
    if (!protect) {
      suppressFinding(
        database.instance,
        "rds-deletion-protection",
        restore.drill
          ? "a drill's throw-away copy, torn down by the drill; the data itself stays protected in aws.region and in the replicated backups"
          : "decommissioned after fail back, once its snapshot is restored in aws.region (docs/how-to/disaster-recovery.md, Fail back)",
      );
    }

    // A cache: it starts empty, sessions are re-established at sign-in.
    const cache = new RedisCache(this, "redis", {
      ...cachePropsFromConfig(config, {
        replicationGroupId: cacheReplicationGroupIdOf(name),
        subnetIds: network.list("isolated_subnet_ids"),
        securityGroupIds: [network.string("cache_security_group_id")],
        kmsKeyArn,
      }),
      // A drill's token secret is deleted at once, so the next drill can create it again.
      ...(restore.drill ? { secretRecoveryWindowDays: 0 } : {}),
      // Created in the same apply and the same budget as the database.
      createTimeoutMinutes: RESTORE_CREATE_TIMEOUT_MINUTES,
    });
    // The group is created with a bootstrap token; the first rotation puts the real one in the secret.
    new RedisAuthRotation(this, "redis-auth-rotation", {
      name,
      region: aws.drRegion,
      accountId: aws.accountId,
      secretArn: cache.authSecret.arn,
      replicationGroupId: cacheReplicationGroupIdOf(name),
      redisHost: cache.endpoint,
      redisPort: cache.port,
      rotationDays: redis.authTokenRotationDays,
      kmsKeyArn,
      logRetentionDays: data.logRetentionDays,
      network: {
        subnetIds: network.list("private_subnet_ids"),
        securityGroupIds: [network.string("cache_rotation_security_group_id")],
      },
      dependsOn: [cache.replicationGroup],
    });

    // The DR trail and the CIS alarms on its events: the primary's trail delivers to aws.region's log
    // group, which the outage takes away. Its store (bucket, key, log group, role) is the pilot light's,
    // so tearing the restore down stops the trail and keeps its logs.
    if (drTrailStored(config)) {
      recordingTrail(this, "trail", {
        name: drTrailName(config.environment),
        bucketName: network.string("trail_bucket"),
        keyArn: network.string("trail_key_arn"),
        logGroupArn: network.string("trail_log_group_arn"),
        roleArn: network.string("trail_role_arn"),
      });
      new CisTrailAlarms(this, "cis-alarms", {
        alarms: new AlarmFactory(
          this,
          name,
          network.string("alert_topic_arn"),
          runbookDocumentUrl(config.ci.githubRepository),
        ),
        trailLogGroupName: network.string("trail_log_group_name"),
        unauthorizedApiCallsThreshold: config.alarms.security.unauthorizedApiCalls,
      });
    }

    const inDrRegion = (arn: string) => replicaArn(arn, aws.region, aws.drRegion);
    const serviceSecretArn = inDrRegion(primary.string("db_service_secret_arn"));
    const appSecretArn = inDrRegion(primary.string("app_secret_arn"));
    // The promoted replicas rotate here, and their first rotation points the login at this database.
    new PromotedSecretsRotation(this, "promoted-secrets-rotation", {
      name,
      serviceSecretArn,
      appSecretArn,
      primaryMasterSecretArn: primary.string("db_master_secret_arn"),
      database: {
        host: database.instance.address,
        port: database.instance.port,
        databaseName: db.databaseName,
        masterSecretArn: database.masterSecretArn,
        username: db.serviceUsername,
        schema: db.serviceSchema,
        dependable: database.instance,
      },
      serviceRotationDays: db.serviceCredentialRotationDays,
      appRotationDays: data.secrets.appSecretRotationDays,
      kmsKeyArn,
      network: {
        subnetIds: network.list("private_subnet_ids"),
        securityGroupIds: [network.string("db_rotation_security_group_id")],
      },
      logRetentionDays: data.logRetentionDays,
      // A drill never promotes (docs/how-to/disaster-recovery.md), and a replica cannot rotate.
      promoted: !restore.drill,
    });

    publishHandover(this, dataHandover, {
      db_endpoint: database.instance.address,
      db_port: database.instance.port,
      db_name: db.databaseName,
      db_master_secret_arn: database.masterSecretArn,
      // The service's login and signing keys as they were replicated: promoted, not recreated,
      // so sessions signed before the outage stay valid and the restored roles' passwords match.
      db_service_secret_arn: serviceSecretArn,
      redis_endpoint: cache.endpoint,
      redis_port: cache.port,
      redis_auth_secret_arn: cache.authSecret.arn,
      app_secret_arn: appSecretArn,
      data_kms_key_arn: kmsKeyArn,
      // The restored instance is not replicated again; fail-back starts from a fresh primary.
      db_backups_replica_arn: "",
      dr_kms_key_arn: kmsKeyArn,
    });
  }
}
