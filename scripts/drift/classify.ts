/**
 * Classifies one stack for drift detection from real Terraform plan JSON: a refresh-only plan
 * (`terraform plan -refresh-only`, whose `resource_drift` says what changed outside Terraform) and a
 * plan without refresh (whose `resource_changes` are merged but not applied: "pending"). Exit codes
 * alone cannot tell these apart: `-detailed-exitcode` on a normal plan reports both as 2.
 * https://developer.hashicorp.com/terraform/internals/json-format#plan-representation
 * Pure functions; values leave this module only masked, as the plan report shows them.
 */
import { attributeChanges, AttributeChange } from "../plan-report/attributes";
import { DEFAULT_POLICY, GuardPolicy, risksOf } from "../plan-report/guard";
import { parsePlan, STATEFUL_TYPES } from "../plan-report/report";
import { securityRelevance } from "./security-relevant";

export type DriftStatus = "in-sync" | "drifted" | "pending" | "failed";

/** One resource changed outside Terraform. */
export interface DriftedResource {
  readonly address: string;
  readonly type: string;
  /** "update" when it changed, "delete" when it is gone. */
  readonly action: "update" | "delete";
  /** Which attributes differ from state, sensitive values masked. */
  readonly attributes: AttributeChange[];
  /** Why it also goes to the alert topic; absent when it does not. */
  readonly securityRelevant?: string;
  /** Guard rules that would block reverting it with a deploy (Terraform would apply config over the drifted object). */
  readonly revertBlockedBy: string[];
}

export interface StackDrift {
  readonly stack: string;
  readonly status: DriftStatus;
  readonly drift: DriftedResource[];
  /** Addresses with merged changes not yet applied (from the plan without refresh). */
  readonly pending: string[];
  /** Why the check could not say, when status is "failed". One line, no values. */
  readonly failure?: string;
}

interface RawDrift {
  address: string;
  type: string;
  mode?: string;
  change: { actions: string[]; before?: any; after?: any; before_sensitive?: unknown; after_sensitive?: unknown };
}

function driftedResource(raw: RawDrift, policy: GuardPolicy): DriftedResource | undefined {
  if (raw.mode === "data") return undefined;
  const actions = raw.change.actions;
  const action = actions.includes("delete") ? "delete" : actions.includes("update") ? "update" : undefined;
  if (!action) return undefined;
  const attributes = action === "update" ? attributeChanges(raw.change) : [];
  // Refreshed with nothing a reviewer could see changed (null read back as absent): not drift.
  if (action === "update" && attributes.length === 0) return undefined;
  // A deploy reverts drift: the object as found (the drift's "after") becomes config again (its "before").
  // A deleted object is recreated, which the guard never blocks.
  const revert =
    action === "update"
      ? risksOf(
          {
            address: raw.address,
            type: raw.type,
            action: "update",
            before: raw.change.after,
            after: raw.change.before,
          },
          policy,
        )
      : [];
  const securityRelevant =
    action === "delete"
      ? (securityRelevance(raw.type, []) ??
        ((STATEFUL_TYPES as readonly string[]).includes(raw.type)
          ? `${raw.type} deleted outside Terraform`
          : undefined))
      : securityRelevance(
          raw.type,
          attributes.map((change) => change.path),
        );
  return {
    address: raw.address,
    type: raw.type,
    action,
    attributes,
    ...(securityRelevant && { securityRelevant }),
    revertBlockedBy: revert.map((risk) => risk.rule),
  };
}

/** The verdict for a stack from its two plans. */
export function classifyStack(
  stack: string,
  refreshOnly: { resource_drift?: unknown },
  withoutRefresh: { resource_changes?: unknown },
  policy: GuardPolicy = DEFAULT_POLICY,
): StackDrift {
  const drift = ((refreshOnly.resource_drift ?? []) as RawDrift[])
    .map((raw) => driftedResource(raw, policy))
    .filter((resource): resource is DriftedResource => resource !== undefined);
  // Only actual actions count as pending; a plan's reads of data sources are not changes. An
  // "update" in which no attribute differs is not one either: Terraform 1.11 with provider 5.100
  // plans one for every aws_secretsmanager_secret_version on every plan, before == after (seen in
  // __tests__/terraform/drift.test.ts). Sensitive values are compared raw, so a real change still shows.
  const pending = parsePlan(stack, withoutRefresh, policy)
    .changes.filter((change) => change.action !== "update" || change.attributes.length > 0)
    .map((change) => change.address);
  const status: DriftStatus = drift.length > 0 ? "drifted" : pending.length > 0 ? "pending" : "in-sync";
  return { stack, status, drift, pending };
}

/** A stack whose check failed: never read as in sync. */
export function failedStack(stack: string, failure: string): StackDrift {
  return { stack, status: "failed", drift: [], pending: [], failure: failure.split("\n")[0].slice(0, 300) };
}

/** The resources a stack's alert message names: security-relevant drift only. */
export function securityDrift(stacks: readonly StackDrift[]): { stack: string; resource: DriftedResource }[] {
  return stacks.flatMap((stack) =>
    stack.drift.filter((resource) => resource.securityRelevant).map((resource) => ({ stack: stack.stack, resource })),
  );
}
