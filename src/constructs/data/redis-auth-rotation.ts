import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { secretRotationStatement } from "./generated-secret";
import { FunctionNetwork, NodeFunction } from "../compute/node-function";

/** Name of the rotation function; the convergence function invokes it to retire the old token. */
export function redisAuthRotationFunctionName(prefix: string): string {
  return `${prefix}-redis-auth-rotation`;
}

export interface RedisAuthRotationProps {
  /** Prefix of the function and security group names, e.g. auth-production. */
  readonly name: string;
  /** Region of the replication group. */
  readonly region: string;
  /** Account of the replication group. */
  readonly accountId: string;
  /** The secret holding `auth_token`. */
  readonly secretArn: string;
  /** Replication group whose AUTH token the function changes (and only it). */
  readonly replicationGroupId: string;
  /** Endpoint the function checks tokens against (AUTH over TLS). */
  readonly redisHost: string;
  /** Port the function checks the tokens on. */
  readonly redisPort: number;
  /** Rotate every this many days; the first rotation runs at creation. */
  readonly rotationDays: number;
  /** Key of the secret and the function's logs. */
  readonly kmsKeyArn: string;
  /** Retention of the function's log group. */
  readonly logRetentionDays: number;
  /** Private subnets and the rotation function's security group (network stack: Redis, the Secrets Manager endpoint, the ElastiCache API). */
  readonly network: FunctionNetwork;
  /** What must exist before the first rotation (the replication group). */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * Rotates the Redis AUTH token with ElastiCache's ROTATE and SET strategies (see
 * lambda/redis-auth-rotation/rotation.ts): a Lambda function in the VPC, so it can ask Redis which
 * tokens it accepts, on a Secrets Manager schedule that starts with a rotation at creation.
 */
export class RedisAuthRotation extends Construct {
  readonly function: NodeFunction;

  constructor(scope: Construct, id: string, props: RedisAuthRotationProps) {
    super(scope, id);
    const functionName = redisAuthRotationFunctionName(props.name);
    const groupArn = `arn:aws:elasticache:${props.region}:${props.accountId}:replicationgroup:${props.replicationGroupId}`;
    this.function = new NodeFunction(this, "function", {
      functionName,
      description: "Rotates the Redis AUTH token (ElastiCache ROTATE, then SET)",
      bundleEntryPoint: "lambda/redis-auth-rotation/index.ts",
      environment: {
        REPLICATION_GROUP_ID: props.replicationGroupId,
        REDIS_HOST: props.redisHost,
        REDIS_PORT: String(props.redisPort),
        TOKEN_LENGTH: "64",
        WAIT_SECONDS: "600",
      },
      // Two token changes of up to WAIT_SECONDS each must fit.
      timeoutSeconds: 900,
      permissions: [
        secretRotationStatement([props.secretArn], "RotateThisSecretOnly"),
        // GetRandomPassword acts on no resource, so IAM only accepts "*" here.
        { sid: "GenerateTokens", actions: ["secretsmanager:GetRandomPassword"], resources: ["*"] },
        {
          sid: "ChangeThisGroupsToken",
          actions: ["elasticache:DescribeReplicationGroups", "elasticache:ModifyReplicationGroup"],
          resources: [
            groupArn,
            `arn:aws:elasticache:${props.region}:${props.accountId}:cluster:${props.replicationGroupId}-*`,
          ],
        },
        { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [props.kmsKeyArn] },
      ],
      logRetentionDays: props.logRetentionDays,
      kmsKeyArn: props.kmsKeyArn,
      network: props.network,
    });

    const invoke = new LambdaPermission(this, "secrets-manager-invokes", {
      statementId: "SecretsManagerRotation",
      action: "lambda:InvokeFunction",
      functionName: this.function.function.functionName,
      principal: "secretsmanager.amazonaws.com",
      sourceArn: props.secretArn,
    });
    new SecretsmanagerSecretRotation(this, "schedule", {
      secretId: props.secretArn,
      rotationLambdaArn: this.function.function.arn,
      rotationRules: { automaticallyAfterDays: props.rotationDays },
      // The first rotation starts at once: the group, the permissions and the network path must exist.
      dependsOn: [invoke, this.function.permissions, this.function.function, ...props.dependsOn],
    });
  }
}
