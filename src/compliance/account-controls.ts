import { TerraformStack } from "cdktf";
import type { Block, Element, StackModel, Suppression } from "./model";

/** Account and region controls whose compliance depends on who provides them (accounts.<singleton>.mode). */
export const ACCOUNT_CONTROLS = ["guardduty", "config", "securityhub", "cloudtrail", "cis-metric-filters"] as const;
export type AccountControl = (typeof ACCOUNT_CONTROLS)[number];

/** How a stack's environment gets a control: from this stack, or from elsewhere with the reason. */
export interface ControlDeclaration {
  readonly mode: "create" | "existing" | "organization";
  /** Why the stack does not hold it, when another party provides it: the report shows it as the accepted reason. */
  readonly providedBy?: string;
}

/**
 * Records in the stack's "//" metadata that the environment has `control`, and who provides it, so
 * the compliance pack (at synth and in `npm run compliance`) checks the stack's own resources in
 * create mode and accepts the stated provider otherwise, rather than finding nothing to check.
 */
export function declareAccountControl(
  stack: TerraformStack,
  control: AccountControl,
  declaration: ControlDeclaration,
): void {
  if (declaration.mode !== "create" && !declaration.providedBy)
    throw new Error(
      `${stack.node.id}: ${control} in ${declaration.mode} mode needs the reason it is provided elsewhere`,
    );
  stack.addOverride(`//.compliance.accountControls.${control}`, declaration);
}

/**
 * The control as an element the rules can target: address `account_control.<control>`, suppressed
 * for `ruleId` with the provider's reason unless the stack creates it.
 */
export function accountControlTargets(control: AccountControl, ruleId: string) {
  return (stack: StackModel): Element[] => {
    const declaration: Block | undefined = (stack.json["//"] as Block | undefined)?.compliance?.accountControls?.[
      control
    ];
    if (!declaration) return [];
    const suppressions: Suppression[] =
      declaration.mode === "create" ? [] : [{ rule: ruleId, reason: `${declaration.mode}: ${declaration.providedBy}` }];
    return [
      {
        type: "account_control",
        name: control,
        address: `account_control.${control}`,
        body: declaration,
        suppressions,
      },
    ];
  };
}
