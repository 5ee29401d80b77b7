import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { NodeFunction } from "../compute/node-function";
import { secretRotationStatement } from "./generated-secret";

/** Keys of the app secret: what the service signs tokens with and encrypts sessions with. */
export const APP_SECRET_KEYS = ["signing_key", "session_secret"] as const;
/** Length of every generated value. */
export const APP_SECRET_VALUE_LENGTH = 64;
/** Characters kept out of generated values so they pass unquoted through shells and env files. */
export const APP_SECRET_EXCLUDED_CHARACTERS = "\"'`\\$ /@";

export interface AppSecretRotationProps {
  /** Prefix of the function name, e.g. auth-production. */
  readonly name: string;
  /** The app secret the function rotates (key rings, see APP_SECRET_FIELDS). */
  readonly secretArn: string;
  /** Key of the secret, the function's logs and environment. */
  readonly kmsKeyArn: string;
  /** Days between rotations. */
  readonly rotationDays: number;
  /** Retention of the function's logs. */
  readonly logRetentionDays: number;
  /** Turn rotation on for the secret; off where the secret cannot rotate yet (an unpromoted replica). @default true */
  readonly schedule?: boolean;
  /** What must exist before the first rotation, which starts as soon as rotation is configured. @default none */
  readonly scheduleDependsOn?: ITerraformDependable[];
}

/**
 * The rotation function of the app secret (lambda/secret-rotation) and its schedule, declared in
 * `scope` under the ids "rotation", "secrets-manager-invokes" and "rotation-schedule" (the
 * addresses AppSecret has always had). A rotation shifts each ring by one, so it is safe at any time.
 */
export function appSecretRotation(
  scope: Construct,
  props: AppSecretRotationProps,
): { readonly rotationFunction: NodeFunction; readonly rotation?: SecretsmanagerSecretRotation } {
  const rotationFunction = new NodeFunction(scope, "rotation", {
    functionName: `${props.name}-app-secret-rotation`,
    description: "Rotates the auth service's signing key and session secret",
    bundleEntryPoint: "lambda/secret-rotation/index.ts",
    environment: {
      SECRET_KEYS: APP_SECRET_KEYS.join(","),
      SECRET_LENGTH: String(APP_SECRET_VALUE_LENGTH),
      EXCLUDE_CHARACTERS: APP_SECRET_EXCLUDED_CHARACTERS,
    },
    permissions: [
      secretRotationStatement([props.secretArn], "RotateThisSecretOnly"),
      // GetRandomPassword acts on no resource, so IAM only accepts "*" here.
      { sid: "GenerateValues", actions: ["secretsmanager:GetRandomPassword"], resources: ["*"] },
      { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [props.kmsKeyArn] },
    ],
    logRetentionDays: props.logRetentionDays,
    kmsKeyArn: props.kmsKeyArn,
  });
  const permission = new LambdaPermission(scope, "secrets-manager-invokes", {
    statementId: "SecretsManagerRotation",
    action: "lambda:InvokeFunction",
    functionName: rotationFunction.function.functionName,
    principal: "secretsmanager.amazonaws.com",
    sourceArn: props.secretArn,
  });
  if (props.schedule === false) return { rotationFunction };
  const rotation = new SecretsmanagerSecretRotation(scope, "rotation-schedule", {
    secretId: props.secretArn,
    rotationLambdaArn: rotationFunction.function.arn,
    rotationRules: { automaticallyAfterDays: props.rotationDays },
    // Rotation starts immediately: the function's permissions must exist by then.
    dependsOn: [permission, ...(props.scheduleDependsOn ?? []), rotationFunction.permissions],
  });
  return { rotationFunction, rotation };
}
