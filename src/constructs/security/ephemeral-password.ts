import { TerraformStack, Token, ref } from "cdktf";
import { Construct } from "constructs";

/** The ephemeral resource type; the offline proof harness stands it in by this name. */
export const EPHEMERAL_PASSWORD_TYPE = "aws_secretsmanager_random_password";

export interface EphemeralPasswordProps {
  /** Number of characters. @default 64 */
  readonly length?: number;
  /** Characters the value must not contain. @default none */
  readonly excludeCharacters?: string;
  /** Letters and digits only. @default false */
  readonly excludePunctuation?: boolean;
}

/**
 * A password Secrets Manager generates while Terraform runs (`ephemeral
 * "aws_secretsmanager_random_password"`, AWS provider 5.x): Terraform keeps it in neither state
 * nor plan, so it may only feed write-only attributes such as `secret_string_wo`. cdktf 0.21 has
 * no binding for ephemeral blocks; this construct is the one place that writes one, through the
 * stack's escape hatch.
 */
export class EphemeralPassword extends Construct {
  /** Reference to the generated value, for write-only attributes only. */
  readonly value: string;

  constructor(scope: Construct, id: string, props: EphemeralPasswordProps = {}) {
    super(scope, id);
    const name = this.node.path
      .split("/")
      .slice(1)
      .join("_")
      .replace(/[^A-Za-z0-9_-]/g, "_");
    const stack = TerraformStack.of(this);
    stack.addOverride(`ephemeral.${EPHEMERAL_PASSWORD_TYPE}.${name}`, {
      password_length: props.length ?? 64,
      exclude_characters: props.excludeCharacters,
      exclude_punctuation: props.excludePunctuation,
      require_each_included_type: true,
    });
    this.value = Token.asString(ref(`ephemeral.${EPHEMERAL_PASSWORD_TYPE}.${name}.random_password`, stack));
  }
}
