import { Token } from "cdktf";
import { IConstruct } from "constructs";
import type { Problem } from "../config/rules/combination-rules";

/** One rule on a construct's props: the prop it reports at, the values it reads, and the check. */
export interface PropRule {
  readonly prop: string;
  /** The values the rule reads; a rule whose values are Terraform references is left to Terraform. */
  readonly values: readonly unknown[];
  readonly problem: () => Problem;
}

/**
 * Checks a construct's props with the rules the config schema uses (src/config/rules/combination-rules.ts),
 * when cdktf synthesizes, so a construct used without the config is just as safe. A broken rule
 * fails synth with `[construct path] <prop>: <problem>`.
 */
export function validateProps(construct: IConstruct, rules: readonly PropRule[]): void {
  construct.node.addValidation({
    validate: () =>
      rules
        .filter((rule) => rule.values.every((value) => !Token.isUnresolved(value)))
        .flatMap((rule) => {
          const problem = rule.problem();
          return problem ? [`${rule.prop}: ${problem}`] : [];
        }),
  });
}
