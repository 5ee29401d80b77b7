import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { INITIAL_VERSION_LABEL, secretReadStatement, secretRotationStatement } from "./generated-secret";
import { FunctionNetwork, NodeFunction } from "../compute/node-function";

/** Where Lambda's Node.js runtimes keep the Amazon CA certificates, RDS's included. */
export const LAMBDA_RUNTIME_CA_BUNDLE = "/var/runtime/ca-cert.pem";

/** The fields of the secret's first version: where to connect and as whom, never a password. */
export const CONNECTION_FIELDS = ["engine", "host", "port", "dbname", "username", "masterarn"] as const;

// The label that stays on the first version: without it Terraform would create that version
// again as AWSCURRENT, replacing the live credentials with a version that has no password.
export { INITIAL_VERSION_LABEL };

export interface DatabaseServiceCredentialsProps {
  /** Prefix of the secret and function names, e.g. auth-staging. */
  readonly name: string;
  /** Customer-managed key of the secrets, the function's logs and environment. */
  readonly kmsKeyArn: string;
  /** Days a deleted secret can be restored. @default 30 */
  readonly recoveryWindowDays?: number;
  /** The RDS-managed master secret; only the rotation function reads it. */
  readonly masterSecretArn: string;
  /** Database endpoint address. */
  readonly host: string;
  /** Database port. */
  readonly port: number;
  /** The database the service uses; the role gets CONNECT on it, and only named roles keep it. */
  readonly databaseName: string;
  /** The service's login (the rotation alternates it with <username>_clone). */
  readonly username: string;
  /** The only schema the service may use. */
  readonly schema: string;
  /** Days between rotations. */
  readonly rotationDays: number;
  /** Private subnets and the group that reaches PostgreSQL and the Secrets Manager endpoint. */
  readonly network: FunctionNetwork;
  /** Retention of the rotation function's logs. */
  readonly logRetentionDays: number;
  /** CA bundle the function verifies the server certificate against. @default LAMBDA_RUNTIME_CA_BUNDLE */
  readonly caBundlePath?: string;
}

/**
 * The service's own PostgreSQL login, in a Secrets Manager secret rotated with alternating users
 * (lambda/postgres-rotation). Terraform writes only where to connect and as whom; the rotation
 * Secrets Manager starts as soon as rotation is configured generates the password and creates the
 * role, so no password ever exists in code, plans or state.
 */
export class DatabaseServiceCredentials extends Construct {
  readonly secret: SecretsmanagerSecret;
  readonly arn: string;
  readonly rotationFunction: NodeFunction;
  readonly rotation: SecretsmanagerSecretRotation;

  constructor(scope: Construct, id: string, props: DatabaseServiceCredentialsProps) {
    super(scope, id);
    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: `${props.name}/db-service`,
      description: `PostgreSQL login of the auth service (${props.username}/${props.username}_clone, rotated)`,
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays: props.recoveryWindowDays ?? 30,
    });
    this.arn = this.secret.arn;
    // The shape of Secrets Manager's RDS secrets, without a password.
    const connectionFields = new SecretsmanagerSecretVersion(this, "connection-fields", {
      secretId: this.secret.id,
      secretString: Fn.jsonencode({
        engine: "postgres",
        host: props.host,
        port: props.port,
        dbname: props.databaseName,
        username: props.username,
        masterarn: props.masterSecretArn,
      }),
      versionStages: ["AWSCURRENT", INITIAL_VERSION_LABEL],
      // From the first rotation on, the rotation function owns the value and the labels.
      lifecycle: { ignoreChanges: ["secret_string", "version_stages"] },
    });

    this.rotationFunction = new NodeFunction(this, "rotation", {
      functionName: `${props.name}-db-service-rotation`,
      description: "Rotates the auth service's PostgreSQL login (alternating users)",
      bundleEntryPoint: "lambda/postgres-rotation/index.ts",
      environment: {
        MASTER_SECRET_ARN: props.masterSecretArn,
        DB_HOST: props.host,
        DB_PORT: Token.asString(props.port),
        DB_NAME: props.databaseName,
        DB_USERNAME: props.username,
        DB_SCHEMA: props.schema,
        DB_CA_BUNDLE: props.caBundlePath ?? LAMBDA_RUNTIME_CA_BUNDLE,
      },
      permissions: [
        secretRotationStatement([this.arn], "RotateServiceSecret"),
        secretReadStatement([props.masterSecretArn], "ReadMasterSecret"),
        {
          sid: "UseDataKeyThroughSecretsManager",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: [props.kmsKeyArn],
          condition: [{ test: "StringLike", variable: "kms:ViaService", values: ["secretsmanager.*.amazonaws.com"] }],
        },
      ],
      network: props.network,
      // setSecret may open three connections (pending, current, master), each with a 5 s timeout.
      timeoutSeconds: 60,
      logRetentionDays: props.logRetentionDays,
      kmsKeyArn: props.kmsKeyArn,
    });
    const invoke = new LambdaPermission(this, "secrets-manager-invokes", {
      statementId: "SecretsManagerRotation",
      action: "lambda:InvokeFunction",
      functionName: this.rotationFunction.function.functionName,
      principal: "secretsmanager.amazonaws.com",
      sourceArn: this.arn,
    });
    this.rotation = new SecretsmanagerSecretRotation(this, "rotation-schedule", {
      secretId: this.arn,
      rotationLambdaArn: this.rotationFunction.function.arn,
      rotationRules: { automaticallyAfterDays: props.rotationDays },
      // The first rotation starts immediately and creates the role: the first version, the
      // function's permissions and its right to be invoked must exist by then.
      dependsOn: [invoke, connectionFields, this.rotationFunction.permissions],
    });
  }
}
