import { Construct } from "constructs";
import { NodeFunction } from "../compute/node-function";
import {
  APP_SECRET_EXCLUDED_CHARACTERS,
  APP_SECRET_KEYS,
  APP_SECRET_VALUE_LENGTH,
  appSecretRotation,
} from "./app-secret-rotation";
import { GeneratedSecret } from "./generated-secret";

export { APP_SECRET_KEYS };

/**
 * Every key is a ring of three: the service signs (and encrypts) with `<key>`, and accepts
 * `<key>_previous` and `<key>_next` as well. A rotation shifts the ring by one (next becomes
 * current, current becomes previous, a new next is generated), so an instance that booted before
 * a rotation and one that booted after it accept each other's signatures while the fleet refresh
 * replaces them.
 */
export const APP_SECRET_FIELDS = APP_SECRET_KEYS.flatMap((key) => [key, `${key}_previous`, `${key}_next`]);

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
      length: APP_SECRET_VALUE_LENGTH,
      excludeCharacters: APP_SECRET_EXCLUDED_CHARACTERS,
    });
    this.arn = this.secret.arn;

    this.rotationFunction = appSecretRotation(this, {
      ...props,
      secretArn: this.arn,
      // Rotation starts immediately: the first value must exist.
      scheduleDependsOn: [this.secret.version],
    }).rotationFunction;
  }
}
