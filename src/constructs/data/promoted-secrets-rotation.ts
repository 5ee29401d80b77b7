import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { FunctionNetwork, NodeFunction } from "../compute/node-function";
import { appSecretRotation } from "./app-secret-rotation";
import { postgresRotation } from "./postgres-rotation";

/** The restored database the promoted service login must name and rotate in. */
export interface RestoredDatabase {
  /** Endpoint address of the restored instance. */
  readonly host: string;
  /** Its port. */
  readonly port: number;
  /** The service's database. */
  readonly databaseName: string;
  /** The restored instance's own RDS-managed master secret (RDS gives a restore a new one). */
  readonly masterSecretArn: string;
  /** The service's login (alternating with <username>_clone). */
  readonly username: string;
  /** The only schema the service may use. */
  readonly schema: string;
  /** What must be available before the first rotation logs in: the restored instance. */
  readonly dependable: ITerraformDependable;
}

export interface PromotedSecretsRotationProps {
  /** Prefix of the function names, e.g. auth-production-dr. */
  readonly name: string;
  /** The promoted replica of the service's database login (same name, this region's ARN). */
  readonly serviceSecretArn: string;
  /** The promoted replica of the app secret. */
  readonly appSecretArn: string;
  /** The primary's master secret, which the promoted login still names: adopted, never read. */
  readonly primaryMasterSecretArn: string;
  /** Where the promoted login points from its first rotation here on. */
  readonly database: RestoredDatabase;
  /** Days between rotations of the service login. */
  readonly serviceRotationDays: number;
  /** Days between rotations of the app secret. */
  readonly appRotationDays: number;
  /** The key the replicas are encrypted with (this region's data key). */
  readonly kmsKeyArn: string;
  /** Private subnets and the group that reaches PostgreSQL and the Secrets Manager endpoint. */
  readonly network: FunctionNetwork;
  /** Retention of the functions' logs. */
  readonly logRetentionDays: number;
  /**
   * The replicas are promoted (stop-replication-to-replica ran before this deploy): rotation is
   * turned on, and rotates them at once. A replica cannot rotate, so a drill, which never promotes,
   * deploys the functions only. @default true
   */
  readonly promoted?: boolean;
}

/**
 * Rotation of the secrets a restore promotes, in the region they were promoted in. Terraform
 * manages only the rotation configuration (aws_secretsmanager_secret_rotation), never the secrets
 * or their values, so nothing of them enters state, and tearing the restore down leaves the
 * secrets to the runbook. Configuring rotation starts one at once (rotate_immediately defaults to
 * true): its createSecret step writes the restored database's host and master secret into the
 * promoted login from the function's configuration, and its master user sets the alternate user's
 * password, so a restore point older than the primary's last rotation heals too.
 */
export class PromotedSecretsRotation extends Construct {
  readonly serviceRotationFunction: NodeFunction;
  readonly appRotationFunction: NodeFunction;

  constructor(scope: Construct, id: string, props: PromotedSecretsRotationProps) {
    super(scope, id);
    const schedule = props.promoted ?? true;
    const { database } = props;
    this.serviceRotationFunction = postgresRotation(new Construct(this, "db-service"), {
      name: props.name,
      secretArn: props.serviceSecretArn,
      kmsKeyArn: props.kmsKeyArn,
      masterSecretArn: database.masterSecretArn,
      adoptableMasterSecretArns: [props.primaryMasterSecretArn],
      host: database.host,
      port: database.port,
      databaseName: database.databaseName,
      username: database.username,
      schema: database.schema,
      rotationDays: props.serviceRotationDays,
      network: props.network,
      logRetentionDays: props.logRetentionDays,
      schedule,
      scheduleDependsOn: [database.dependable],
    }).rotationFunction;
    this.appRotationFunction = appSecretRotation(new Construct(this, "app"), {
      name: props.name,
      secretArn: props.appSecretArn,
      kmsKeyArn: props.kmsKeyArn,
      rotationDays: props.appRotationDays,
      logRetentionDays: props.logRetentionDays,
      schedule,
    }).rotationFunction;
  }
}
