import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { Construct } from "constructs";
import { NodeFunction } from "../compute/node-function";
import { GeneratedSecret, secretRotationStatement } from "./generated-secret";

/** Keys of the app secret: what the service signs tokens with and encrypts sessions with. */
export const APP_SECRET_KEYS = ["signing_key", "session_secret"] as const;
/**
 * Every key is a ring of three: the service signs (and encrypts) with `<key>`, and accepts
 * `<key>_previous` and `<key>_next` as well. A rotation shifts the ring by one (next becomes
 * current, current becomes previous, a new next is generated), so an instance that booted before
 * a rotation and one that booted after it accept each other's signatures while the fleet refresh
 * replaces them.
 */
export const APP_SECRET_FIELDS = APP_SECRET_KEYS.flatMap((key) => [key, `${key}_previous`, `${key}_next`]);
const VALUE_LENGTH = 64;
/** Characters kept out of generated values so they pass unquoted through shells and env files. */
const EXCLUDED_CHARACTERS = "\"'`\\$ /@";

export interface AppSecretProps {
  /** Prefix of the secret and rotation function names, e.g. auth-production. */
  readonly name: string;
  /** Customer-managed key for the secret, the function's logs and environment. */
  readonly kmsKeyArn: string;
  /** Days a deleted secret can be restored. @default 30 */
  readonly recoveryWindowDays?: number;
  /** Rotate every this many days through the rotation function. */
  readonly rotationDays: number;
  /** Retention of the rotation function's logs. */
  readonly logRetentionDays: number;
}

/**
 * The service's own signing key and session secret in Secrets Manager, as key rings (see
 * APP_SECRET_FIELDS). The first version is generated without entering Terraform state; a Lambda
 * function rotates the rings on a schedule, starting right after creation.
 */
export class AppSecret extends Construct {
  readonly secret: GeneratedSecret;
  readonly arn: string;
  readonly rotationFunction: NodeFunction;

  constructor(scope: Construct, id: string, props: AppSecretProps) {
    super(scope, id);
    this.secret = new GeneratedSecret(this, "secret", {
      name: `${props.name}/app`,
      description: "Signing key and session secret of the auth service",
      kmsKeyArn: props.kmsKeyArn,
      recoveryWindowDays: props.recoveryWindowDays,
      fields: APP_SECRET_FIELDS,
      length: VALUE_LENGTH,
      excludeCharacters: EXCLUDED_CHARACTERS,
    });
    this.arn = this.secret.arn;

    this.rotationFunction = new NodeFunction(this, "rotation", {
      functionName: `${props.name}-app-secret-rotation`,
      description: "Rotates the auth service's signing key and session secret",
      bundleEntryPoint: "lambda/secret-rotation/index.ts",
      environment: {
        SECRET_KEYS: APP_SECRET_KEYS.join(","),
        SECRET_LENGTH: String(VALUE_LENGTH),
        EXCLUDE_CHARACTERS: EXCLUDED_CHARACTERS,
      },
      permissions: [
        secretRotationStatement([this.arn], "RotateThisSecretOnly"),
        // GetRandomPassword acts on no resource, so IAM only accepts "*" here.
        { sid: "GenerateValues", actions: ["secretsmanager:GetRandomPassword"], resources: ["*"] },
        { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [props.kmsKeyArn] },
      ],
      logRetentionDays: props.logRetentionDays,
      kmsKeyArn: props.kmsKeyArn,
    });
    const permission = new LambdaPermission(this, "secrets-manager-invokes", {
      statementId: "SecretsManagerRotation",
      action: "lambda:InvokeFunction",
      functionName: this.rotationFunction.function.functionName,
      principal: "secretsmanager.amazonaws.com",
      sourceArn: this.arn,
    });
    new SecretsmanagerSecretRotation(this, "rotation-schedule", {
      secretId: this.arn,
      rotationLambdaArn: this.rotationFunction.function.arn,
      rotationRules: { automaticallyAfterDays: props.rotationDays },
      // Rotation starts immediately: the first value and the function's permissions must exist.
      dependsOn: [permission, this.secret.version, this.rotationFunction.permissions],
    });
  }
}
