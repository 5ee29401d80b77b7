import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { Synthesized } from "./synth";

/** A bare stack with only an AWS provider: a construct synthesized in it stands alone, without any config. */
export function constructStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "construct");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  return stack;
}

/** The stack's Terraform JSON, after the construct validations `cdktf synth` runs. */
export function synthAlone(stack: TerraformStack): Synthesized {
  return new Synthesized(JSON.parse(Testing.synth(stack, true)));
}

/** The validation messages `cdktf synth` would fail the stack with (empty when it passes). */
export function validationErrors(stack: TerraformStack): string[] {
  return stack.node.findAll().flatMap((construct) => construct.node.validate());
}
