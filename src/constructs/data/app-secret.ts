import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { Construct } from "constructs";
import { NodeFunction } from "../compute/node-function";
import { GeneratedSecret } from "./generated-secret";

/** Fields of the app secret: what the service signs tokens with and encrypts sessions with. */
export const APP_SECRET_FIELDS = ["signing_key", "session_secret"] as const;
const VALUE_LENGTH = 64;
/** Characters kept out of generated values so they pass unquoted through shells and env files. */
const EXCLUDED_CHARACTERS = "\"'`\\$ /@";

export interface AppSecretProps {
  /** Prefix of the secret and rotation function names, e.g. auth-production. */
  readonly name: string;
  /** Customer-managed key for the secret, the function's logs and environment. */
  readonly kmsKeyArn: string;
  /** @default 30 */
  readonly recoveryWindowDays?: number;
  /** Rotate every this many days through a rotation function. @default no rotation */
  readonly rotationDays?: number;
  /** Retention of the rotation function's logs. */
  readonly logRetentionDays: number;
}

/**
 * The service's own signing key and session secret in Secrets Manager. With rotationDays set,
 * a Lambda function replaces both values on that schedule and Terraform stops managing the value.
 */
export class AppSecret extends Construct {
  readonly secret: GeneratedSecret;
  readonly arn: string;
  readonly rotationFunction?: NodeFunction;

  constructor(scope: Construct, id: string, props: AppSecretProps) {
    super(scope, id);
    const rotates = props.rotationDays !== undefined;
    this.secret = new GeneratedSecret(this, "secret", {
      name: `${props.name}/app`,
      description: "Signing key and session secret of the auth service",
      kmsKeyArn: props.kmsKeyArn,
      recoveryWindowDays: props.recoveryWindowDays,
      fields: [...APP_SECRET_FIELDS],
      length: VALUE_LENGTH,
      allowedSpecialCharacters: "!#%&*()-_=+[]{}<>:?",
      rotatedOutsideTerraform: rotates,
    });
    this.arn = this.secret.arn;
    if (!rotates) return;

    this.rotationFunction = new NodeFunction(this, "rotation", {
      functionName: `${props.name}-app-secret-rotation`,
      description: "Rotates the auth service's signing key and session secret",
      sourceDirectory: "lambda/secret-rotation",
      environment: {
        SECRET_FIELDS: APP_SECRET_FIELDS.join(","),
        SECRET_LENGTH: String(VALUE_LENGTH),
        EXCLUDE_CHARACTERS: EXCLUDED_CHARACTERS,
      },
      permissions: [
        {
          sid: "RotateThisSecretOnly",
          actions: [
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetSecretValue",
            "secretsmanager:PutSecretValue",
            "secretsmanager:UpdateSecretVersionStage",
          ],
          resources: [this.arn],
        },
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
