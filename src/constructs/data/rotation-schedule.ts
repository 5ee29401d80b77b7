import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { NodeFunction } from "../compute/node-function";

export interface RotationScheduleProps {
  /** The secret the function rotates. */
  readonly secretArn: string;
  /** Days between rotations. */
  readonly rotationDays: number;
  /** Turn rotation on for the secret; off where the secret cannot rotate yet (an unpromoted replica). @default true */
  readonly schedule?: boolean;
  /** What must exist before the first rotation, which starts as soon as rotation is configured. @default none */
  readonly scheduleDependsOn?: ITerraformDependable[];
}

/** A rotating secret: its rotation function and, unless turned off, its schedule. */
export interface SecretRotation {
  readonly rotationFunction: NodeFunction;
  readonly rotation?: SecretsmanagerSecretRotation;
}

/**
 * Lets Secrets Manager invoke `rotationFunction` for this secret only, and turns rotation on, under
 * the ids "secrets-manager-invokes" and "rotation-schedule" of `scope`. The schedule rotates at
 * once when it is created (the provider's rotate_immediately defaults to true), so the function's
 * permissions and its right to be invoked must exist by then.
 */
export function rotateWith(
  scope: Construct,
  rotationFunction: NodeFunction,
  props: RotationScheduleProps,
): SecretRotation {
  const invoke = new LambdaPermission(scope, "secrets-manager-invokes", {
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
    dependsOn: [invoke, ...(props.scheduleDependsOn ?? []), rotationFunction.permissions],
  });
  return { rotationFunction, rotation };
}
