import { TerraformElement } from "cdktf";
import { MIN_REASON_LENGTH } from "./evaluate";
import type { RuleId } from "./rules";

const SUPPRESSIONS = Symbol.for("auth.compliance.suppressions");

/**
 * Accepts a compliance finding on one resource, with the reason, next to the construct that
 * creates it. The suppression is written into the resource's "//" metadata in cdk.tf.json, so
 * `npm run compliance` over any synth output sees (and lists) it too; Terraform ignores "//".
 */
export function suppressFinding(resource: TerraformElement, rule: RuleId, reason: string): void {
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(
      `suppressing ${rule} on ${resource.node.path} needs a reason of at least ${MIN_REASON_LENGTH} characters`,
    );
  }
  const holder = resource as unknown as { [SUPPRESSIONS]?: { rule: RuleId; reason: string }[] };
  const entries = (holder[SUPPRESSIONS] ??= []);
  entries.push({ rule, reason: reason.trim() });
  resource.addOverride("//.compliance.suppressions", entries);
}
