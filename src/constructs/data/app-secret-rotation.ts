import { Construct } from "constructs";
import { rotateWith, type RotationScheduleProps, type SecretRotation } from "./rotation-schedule";
import { NodeFunction } from "../compute/node-function";
import { secretRotationStatement } from "./generated-secret";

/** Keys of the app secret: what the service signs tokens with and encrypts sessions with. */
export const APP_SECRET_KEYS = ["signing_key", "session_secret"] as const;
/** Length of every generated value. */
export const APP_SECRET_VALUE_LENGTH = 64;
/** Characters kept out of generated values so they pass unquoted through shells and env files. */
export const APP_SECRET_EXCLUDED_CHARACTERS = "\"'`\\$ /@";

export interface AppSecretRotationProps extends RotationScheduleProps {
  /** Prefix of the function name, e.g. auth-production. */
  readonly name: string;
  /** The app secret the function rotates (key rings, see APP_SECRET_FIELDS). */
  readonly secretArn: string;
  /** Key of the secret, the function's logs and environment. */
  readonly kmsKeyArn: string;
  /** Retention of the function's logs. */
  readonly logRetentionDays: number;
}

/**
 * The rotation function of the app secret (lambda/secret-rotation) and its schedule, declared in
 * `scope` under the ids "rotation", "secrets-manager-invokes" and "rotation-schedule" (the
 * addresses AppSecret has always had). A rotation shifts each ring by one, so it is safe at any time.
 */
export function appSecretRotation(scope: Construct, props: AppSecretRotationProps): SecretRotation {
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
  return rotateWith(scope, rotationFunction, props);
}
