import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbInstanceAutomatedBackupsReplication } from "@cdktf/provider-aws/lib/db-instance-automated-backups-replication";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import {
  enhancedMonitoringProblem,
  maintenanceOverlapProblem,
  performanceInsightsProblem,
  storageAutoscalingProblem,
} from "../../config/rules/combination-rules";
import { validateProps } from "../validate-props";
import { EncryptedLogGroup } from "../monitoring/encrypted-log-group";
import { finalSnapshotName } from "../../config/naming";

/**
 * The query-logging policy: slow statements, every connection and disconnection, and schema and
 * role changes through pgaudit (classes ddl and role). Not log_statement = ddl: it writes
 * CREATE/ALTER ROLE ... PASSWORD in clear text to the log, pgaudit redacts the password
 * (https://repost.aws/knowledge-center/rds-postgresql-cleartext-logging). Reads and writes are
 * not logged: their statements carry the auth service's user data.
 */
export const AUDIT_PARAMETERS = [
  { name: "log_connections", value: "1" },
  { name: "log_disconnections", value: "1" },
  { name: "log_statement", value: "none" },
  // Static: takes effect at creation, or at the next reboot of an existing instance.
  { name: "shared_preload_libraries", value: "pg_stat_statements,pgaudit", applyMethod: "pending-reboot" },
  { name: "pgaudit.log", value: "ddl,role" },
  { name: "pgaudit.log_parameter", value: "0" },
] as const;

/** Logs RDS exports to CloudWatch; their groups are created here so they get retention and a key. */
export const EXPORTED_POSTGRES_LOGS = ["postgresql", "upgrade"] as const;

export interface CrossRegionBackupReplication {
  /** Provider of the DR region. */
  readonly provider: TerraformProvider;
  /** Key in the DR region that encrypts the replicated backups. */
  readonly kmsKeyArn: string;
  /** Days replicated backups are kept. */
  readonly retentionDays: number;
}

/** Where a restored instance comes from: automated backups replicated into this region. */
export interface PointInTimeRestore {
  readonly snapshotIdentifier?: undefined;
  /** ARN of the replicated automated backups (the source instance's aws_db_instance_automated_backups_replication id). */
  readonly automatedBackupsArn: string;
  /** UTC time to restore to, e.g. 2026-11-30T03:15:00Z. @default the latest restorable time */
  readonly restoreTime?: string;
}

/** Where a restored instance comes from: a DB snapshot in this region, encrypted with kmsKeyArn (fail back). */
export interface SnapshotRestore {
  /** Identifier or ARN of the snapshot. */
  readonly snapshotIdentifier: string;
}

/**
 * The resource types that belong to one instance rather than to the database's shared companions
 * (subnet group, parameter group, monitoring role): a new generation declares its own, and the
 * stack forgets the previous generation's (src/stacks/shared/forget-resources.ts).
 */
export const PER_INSTANCE_TYPES = [
  "aws_db_instance",
  "aws_cloudwatch_log_group",
  "aws_secretsmanager_secret_rotation",
  "aws_db_instance_automated_backups_replication",
] as const;

/** The identifier of an instance of a generation: the base name, then <name>-<generation>. */
export function instanceIdentifier(name: string, generation = 1): string {
  return generation > 1 ? `${name}-${generation}` : name;
}

export interface PostgresDatabaseProps {
  /** DB instance identifier; also names the subnet group, parameter group, logs and final snapshot. */
  readonly identifier: string;
  /** Account of the instance: the enhanced-monitoring role trusts RDS only on its behalf (aws:SourceAccount). */
  readonly accountId: string;
  /** PostgreSQL major version; the parameter group family follows it. */
  readonly majorVersion: number;
  /** RDS instance class; Performance Insights needs one that supports it. */
  readonly instanceClass: string;
  /** max_connections, pinned in the parameter group (static: applies at creation or the next reboot), so the connections alarm's share is of what the server allows. */
  readonly maxConnections: number;
  /** Initial gp3 storage. */
  readonly allocatedStorageGb: number;
  /** Storage autoscaling ceiling. */
  readonly maxAllocatedStorageGb: number;
  /** Isolated subnets, one per AZ. */
  readonly subnetIds: string[];
  /** Security groups of the instance (the database tier's). */
  readonly securityGroupIds: string[];
  /** Customer-managed key for storage, the master password secret, logs and Performance Insights. */
  readonly kmsKeyArn: string;
  /** Database RDS creates at launch, the one the service uses. */
  readonly databaseName: string;
  /** Master user; RDS manages its password in Secrets Manager, and the service never logs in as it. */
  readonly masterUsername: string;
  /** A standby in a second AZ with automatic failover. @default true */
  readonly multiAz?: boolean;
  /** Days of automated backups, which is also the point-in-time recovery horizon. @default 7 */
  readonly backupRetentionDays?: number;
  /** Daily UTC backup window; must not overlap the maintenance window. */
  readonly backupWindow: string;
  /** Weekly UTC maintenance window. */
  readonly maintenanceWindow: string;
  /** Statements slower than this are logged. @default 500 ms */
  readonly slowStatementThresholdMs?: number;
  /** Enhanced monitoring granularity; 0 turns it off. @default 60 */
  readonly enhancedMonitoringIntervalSeconds?: number;
  /** Only for instance classes that support it. @default false */
  readonly performanceInsights?: boolean;
  /** Retention of the exported PostgreSQL logs. */
  readonly logRetentionDays: number;
  /** RDS refuses to delete the instance while this is on. @default true */
  readonly deletionProtection?: boolean;
  /** Adds lifecycle.prevent_destroy so Terraform refuses to plan the instance's deletion. @default true */
  readonly preventDestroy?: boolean;
  /** Rotation period of the RDS-managed master password. @default RDS's own schedule (7 days) */
  readonly masterPasswordRotationDays?: number;
  /** Replicate automated backups (and so PITR) into another region. @default none */
  readonly crossRegionBackups?: CrossRegionBackupReplication;
  /** Start from a point in time of replicated automated backups instead of an empty database; databaseName and masterUsername then come from the backup. @default a new, empty database */
  readonly restoreFrom?: PointInTimeRestore | SnapshotRestore;
  /**
   * Which instance of the database this is. A fail back restores a new instance beside the old one
   * (identifier <identifier>-<generation>, its own log groups and construct ids), sharing the subnet
   * group, parameter group and monitoring role, so no plan replaces the old one. @default 1
   */
  readonly generation?: number;
  /** Terraform's create timeout in minutes (a restore can outlast the provider's 40). @default the provider's */
  readonly createTimeoutMinutes?: number;
}

/**
 * PostgreSQL on RDS that is private, encrypted, TLS-only and hard to lose: the master password
 * never leaves RDS and Secrets Manager, backups give point-in-time recovery, and deletion
 * leaves a final snapshot with a known name.
 */
export class PostgresDatabase extends Construct {
  readonly instance: DbInstance;
  /** ARN of the RDS-managed secret holding the master credentials. */
  readonly masterSecretArn: string;
  /** The copy of the automated backups in the other region, when crossRegionBackups is set: a restore there starts from its id (ARN). */
  readonly backupsReplica?: DbInstanceAutomatedBackupsReplication;
  /** Names of the log groups RDS exports into, by log type (the "postgresql" one carries failed logins). */
  readonly logGroupNames: Readonly<Record<(typeof EXPORTED_POSTGRES_LOGS)[number], string>>;

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    const name = props.identifier;
    const generation = props.generation ?? 1;
    // The instance and what belongs to it alone carry the generation, in their names and their ids.
    const instanceName = instanceIdentifier(name, generation);
    const own = (id: string) => (generation > 1 ? `${id}-${generation}` : id);
    const monitoringInterval = props.enhancedMonitoringIntervalSeconds ?? 60;
    validateProps(this, [
      {
        prop: "maxAllocatedStorageGb",
        values: [props.allocatedStorageGb, props.maxAllocatedStorageGb],
        problem: () => storageAutoscalingProblem(props.allocatedStorageGb, props.maxAllocatedStorageGb),
      },
      {
        prop: "backupWindow",
        values: [props.backupWindow, props.maintenanceWindow],
        problem: () => maintenanceOverlapProblem(props.backupWindow, props.maintenanceWindow),
      },
      {
        prop: "enhancedMonitoringIntervalSeconds",
        values: [monitoringInterval],
        problem: () => enhancedMonitoringProblem(monitoringInterval),
      },
      {
        prop: "performanceInsights",
        values: [props.instanceClass],
        problem: () => performanceInsightsProblem(props.instanceClass, props.performanceInsights ?? false),
      },
    ]);

    const subnetGroup = new DbSubnetGroup(this, "subnet-group", {
      name,
      description: `Isolated subnets of ${name}`,
      subnetIds: props.subnetIds,
    });
    const parameters = new DbParameterGroup(this, "parameters", {
      namePrefix: `${name}-pg${props.majorVersion}-`,
      family: `postgres${props.majorVersion}`,
      description: `TLS-only, audit and slow statement logging for ${name}`,
      parameter: [
        { name: "rds.force_ssl", value: "1" },
        { name: "log_min_duration_statement", value: String(props.slowStatementThresholdMs ?? 500) },
        { name: "max_connections", value: String(props.maxConnections), applyMethod: "pending-reboot" },
        ...AUDIT_PARAMETERS,
      ],
      // A major upgrade needs a new group of the new family before the old one can go.
      lifecycle: { createBeforeDestroy: true },
    });
    const logGroups = EXPORTED_POSTGRES_LOGS.map(
      (log) =>
        new EncryptedLogGroup(this, own(`${log}-logs`), {
          name: `/aws/rds/instance/${instanceName}/${log}`,
          retentionInDays: props.logRetentionDays,
          kmsKeyArn: props.kmsKeyArn,
        }),
    );
    this.logGroupNames = { postgresql: logGroups[0].name, upgrade: logGroups[1].name };
    const monitoring =
      monitoringInterval > 0 ? this.enhancedMonitoringRole(name, generation, props.accountId) : undefined;
    const restore = props.restoreFrom;
    const pointInTime = restore && restore.snapshotIdentifier === undefined ? restore : undefined;

    this.instance = new DbInstance(this, own("instance"), {
      identifier: instanceName,
      engine: "postgres",
      engineVersion: String(props.majorVersion),
      autoMinorVersionUpgrade: true,
      instanceClass: props.instanceClass,
      // A restored instance keeps the backup's database and master user; RDS gives it a new managed password.
      dbName: restore ? undefined : props.databaseName,
      username: restore ? undefined : props.masterUsername,
      restoreToPointInTime: pointInTime && {
        sourceDbInstanceAutomatedBackupsArn: pointInTime.automatedBackupsArn,
        restoreTime: pointInTime.restoreTime,
        useLatestRestorableTime: pointInTime.restoreTime === undefined ? true : undefined,
      },
      // The snapshot's key must be kmsKeyArn, or the plan would want to replace the instance.
      snapshotIdentifier: restore?.snapshotIdentifier,
      // With a restore, the provider turns the managed password on right after creating the instance
      // (hashicorp/terraform-provider-aws#33699).
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.kmsKeyArn,
      // Off: every login is a password from Secrets Manager (the service's rotated by the alternating-users
      // rotation, the master RDS-managed), and nothing grants rds-db:connect. On, it would be a second way
      // in that no rotation, alarm or test covers.
      iamDatabaseAuthenticationEnabled: false,
      storageType: "gp3",
      allocatedStorage: props.allocatedStorageGb,
      maxAllocatedStorage: props.maxAllocatedStorageGb,
      storageEncrypted: true,
      kmsKeyId: props.kmsKeyArn,
      multiAz: props.multiAz ?? true,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: props.securityGroupIds,
      publiclyAccessible: false,
      parameterGroupName: parameters.name,
      caCertIdentifier: "rds-ca-rsa2048-g1",
      backupRetentionPeriod: props.backupRetentionDays ?? 7,
      backupWindow: props.backupWindow,
      maintenanceWindow: props.maintenanceWindow,
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: false,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: finalSnapshotName(instanceName),
      deletionProtection: props.deletionProtection ?? true,
      enabledCloudwatchLogsExports: [...EXPORTED_POSTGRES_LOGS],
      monitoringInterval,
      monitoringRoleArn: monitoring?.role.arn,
      performanceInsightsEnabled: props.performanceInsights ?? false,
      performanceInsightsKmsKeyId: props.performanceInsights ? props.kmsKeyArn : undefined,
      performanceInsightsRetentionPeriod: props.performanceInsights ? 7 : undefined,
      timeouts: props.createTimeoutMinutes === undefined ? undefined : { create: `${props.createTimeoutMinutes}m` },
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
      // RDS checks the monitoring role's permissions at create time, so the policy must be attached first.
      dependsOn: [...logGroups.map((group) => group.logGroup), ...(monitoring ? [monitoring.policy] : [])],
    });
    this.masterSecretArn = this.instance.masterUserSecret.get(0).secretArn;

    if (props.masterPasswordRotationDays !== undefined) {
      // RDS-managed secrets rotate without a Lambda; this only sets the schedule.
      new SecretsmanagerSecretRotation(this, own("master-password-rotation"), {
        secretId: this.masterSecretArn,
        rotationRules: { automaticallyAfterDays: props.masterPasswordRotationDays },
      });
    }
    if (props.crossRegionBackups) {
      this.backupsReplica = new DbInstanceAutomatedBackupsReplication(this, own("cross-region-backups"), {
        provider: props.crossRegionBackups.provider,
        sourceDbInstanceArn: this.instance.arn,
        kmsKeyId: props.crossRegionBackups.kmsKeyArn,
        retentionPeriod: props.crossRegionBackups.retentionDays,
      });
    }
  }

  private enhancedMonitoringRole(
    name: string,
    generation: number,
    accountId: string,
  ): { role: IamRole; policy: IamRolePolicyAttachment } {
    // RDS's confused-deputy guard: only this account's instance of this name may have RDS assume it
    // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html).
    const trust = new DataAwsIamPolicyDocument(this, "monitoring-trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] },
            // Both instances while a fail back's old one is kept for verification.
            {
              test: "StringLike",
              variable: "aws:SourceArn",
              values: [
                ...new Set([name, instanceIdentifier(name, generation - 1), instanceIdentifier(name, generation)]),
              ].map((db) => `arn:aws:rds:*:${accountId}:db:${db}`),
            },
          ],
        },
      ],
    });
    const role = new IamRole(this, "monitoring-role", { name: `${name}-monitoring`, assumeRolePolicy: trust.json });
    const policy = new IamRolePolicyAttachment(this, "monitoring-policy", {
      role: role.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    });
    return { role, policy };
  }
}
