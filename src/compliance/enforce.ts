import { TerraformStack } from "cdktf";
import { blockingFindings, evaluateStack, Finding } from "./evaluate";
import type { Profile } from "./model";

/**
 * Runs the rule pack when the stack is synthesized: cdktf calls the validation before it writes
 * the stack, and an unsuppressed error fails synth with one line per finding. The stack's
 * profile is recorded in its "//" metadata so `npm run compliance` applies the same rules later.
 */
export function enforceCompliance(stack: TerraformStack, profile: Profile): void {
  stack.addOverride("//.compliance.profile", profile);
  // The synthesizer renders the stack right after its validations; handing it the JSON the
  // validation already rendered keeps synth from paying for the rendering twice.
  const render = stack.toTerraform.bind(stack);
  let validated: ReturnType<typeof render> | undefined;
  stack.toTerraform = () => {
    const json = validated ?? render();
    validated = undefined;
    return json;
  };
  stack.node.addValidation({
    validate: () => {
      validated = render();
      return blockingFindings([evaluateStack(stack.node.id, validated)]).map(describeFinding);
    },
  });
}

/** One line: rule, address, problem, fix, and where the construct is. */
export function describeFinding(finding: Finding): string {
  const where = finding.path ? ` (${finding.path})` : "";
  return `compliance ${finding.rule.id}: ${finding.address}${where}: ${finding.problem}. Fix: ${finding.rule.fix} Or suppressFinding() it with a reason.`;
}
