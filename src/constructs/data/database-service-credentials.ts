import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { INITIAL_VERSION_LABEL } from "./generated-secret";
import { LAMBDA_RUNTIME_CA_BUNDLE, postgresRotation, type PostgresRotationProps } from "./postgres-rotation";
import { NodeFunction } from "../compute/node-function";

export { LAMBDA_RUNTIME_CA_BUNDLE };

/** The fields of the secret's first version: where to connect and as whom, never a password. */
export const CONNECTION_FIELDS = ["engine", "host", "port", "dbname", "username", "masterarn"] as const;

// The label that stays on the first version: without it Terraform would create that version
// again as AWSCURRENT, replacing the live credentials with a version that has no password.
export { INITIAL_VERSION_LABEL };

/** The login's secret and its rotation: what the rotation function needs, less the secret this construct creates. */
export interface DatabaseServiceCredentialsProps extends Omit<
  PostgresRotationProps,
  "secretArn" | "schedule" | "scheduleDependsOn"
> {
  /** Prefix of the secret and function names, e.g. auth-staging. */
  readonly name: string;
  /** Customer-managed key of the secrets, the function's logs and environment. */
  readonly kmsKeyArn: string;
  /** Days a deleted secret can be restored. @default 30 */
  readonly recoveryWindowDays?: number;
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

    const rotation = postgresRotation(this, {
      ...props,
      secretArn: this.arn,
      // The first rotation creates the role: the first version must exist by then.
      scheduleDependsOn: [connectionFields],
    });
    this.rotationFunction = rotation.rotationFunction;
    this.rotation = rotation.rotation!; // scheduled: `schedule` is left at its default
  }
}
