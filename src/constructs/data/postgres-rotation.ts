import { Token } from "cdktf";
import { Construct } from "constructs";
import { rotateWith, type RotationScheduleProps, type SecretRotation } from "./rotation-schedule";
import { secretReadStatement, secretRotationStatement } from "./generated-secret";
import { FunctionNetwork, NodeFunction } from "../compute/node-function";

/** Where Lambda's Node.js runtimes keep the Amazon CA certificates, RDS's included. */
export const LAMBDA_RUNTIME_CA_BUNDLE = "/var/runtime/ca-cert.pem";

export interface PostgresRotationProps extends RotationScheduleProps {
  /** Prefix of the function name, e.g. auth-staging. */
  readonly name: string;
  /** The secret the function rotates (alternating users). */
  readonly secretArn: string;
  /** Key of the secret, the function's logs and environment. */
  readonly kmsKeyArn: string;
  /** The RDS-managed master secret of the database the function sets passwords in. */
  readonly masterSecretArn: string;
  /** Master secrets a version may name that the function adopts (a promoted replica's, the primary's). @default none */
  readonly adoptableMasterSecretArns?: string[];
  /** Database endpoint address; every version the function writes names it. */
  readonly host: string;
  /** Database port. */
  readonly port: number;
  /** The database the service uses. */
  readonly databaseName: string;
  /** The service's login (alternating with <username>_clone). */
  readonly username: string;
  /** The only schema the service may use. */
  readonly schema: string;
  /** Private subnets and the group that reaches PostgreSQL and the Secrets Manager endpoint. */
  readonly network: FunctionNetwork;
  /** Retention of the function's logs. */
  readonly logRetentionDays: number;
  /** CA bundle the function verifies the server certificate against. @default LAMBDA_RUNTIME_CA_BUNDLE */
  readonly caBundlePath?: string;
}

/**
 * The rotation function of a PostgreSQL service login (lambda/postgres-rotation) and its schedule,
 * declared in `scope` under the ids "rotation", "secrets-manager-invokes" and "rotation-schedule"
 * (the addresses DatabaseServiceCredentials has always had). The schedule rotates at once when it
 * is created (the provider's rotate_immediately defaults to true), so the first version with a
 * password, and every version after it, names this function's host and master secret.
 */
export function postgresRotation(scope: Construct, props: PostgresRotationProps): SecretRotation {
  const adoptable = props.adoptableMasterSecretArns ?? [];
  const rotationFunction = new NodeFunction(scope, "rotation", {
    functionName: `${props.name}-db-service-rotation`,
    description: "Rotates the auth service's PostgreSQL login (alternating users)",
    bundleEntryPoint: "lambda/postgres-rotation/index.ts",
    environment: {
      MASTER_SECRET_ARN: props.masterSecretArn,
      ...(adoptable.length > 0 ? { ADOPTABLE_MASTER_SECRET_ARNS: adoptable.join(",") } : {}),
      DB_HOST: props.host,
      DB_PORT: Token.asString(props.port),
      DB_NAME: props.databaseName,
      DB_USERNAME: props.username,
      DB_SCHEMA: props.schema,
      DB_CA_BUNDLE: props.caBundlePath ?? LAMBDA_RUNTIME_CA_BUNDLE,
    },
    permissions: [
      secretRotationStatement([props.secretArn], "RotateServiceSecret"),
      // Only the master secret it logs in with: an adoptable one is compared by ARN, never read.
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
  return rotateWith(scope, rotationFunction, props);
}
