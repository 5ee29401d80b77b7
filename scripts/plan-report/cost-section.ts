/**
 * The plan report's cost section: the monthly cost change per environment and the largest
 * changes, from each stack's plan cost (src/cost/plan-delta.ts). Clearly an estimate.
 */
import type { PlanCost } from "../../src/cost/plan-delta";
import { parseStackName } from "../../src/config/naming";

/** What the section needs of a stack's plan. */
export interface CostedPlan {
  readonly stack: string;
  readonly cost?: PlanCost;
}

/** How many changes the section lists, largest first. */
export const TOP_CHANGES = 10;

const signed = (usd: number) => `${usd < 0 ? "-" : "+"}$${Math.abs(usd).toFixed(2)}`;

/** The Markdown section, or undefined when no plan carries a cost. */
export function renderCostSection(plans: readonly CostedPlan[]): string | undefined {
  const costed = plans.filter((plan): plan is CostedPlan & { cost: PlanCost } => plan.cost !== undefined);
  if (costed.length === 0) return undefined;
  const byEnvironment = new Map<string, number>();
  for (const plan of costed) {
    const environment = parseStackName(plan.stack)?.environment ?? plan.stack;
    byEnvironment.set(environment, (byEnvironment.get(environment) ?? 0) + plan.cost.delta);
  }
  const dates = [...new Set(costed.map((plan) => plan.cost.catalogueDate))].sort();
  const lines = [
    "### Cost estimate (monthly, USD)",
    "",
    `> **Estimate**, not a bill: AWS on-demand list prices from the offline price catalogue of ${dates.join(", ")} (src/cost/catalogue.ts), 730 hours a month, usage from each environment's \`cost.usage\`.`,
    "",
    "| environment | monthly change |",
    "|---|---|",
    ...[...byEnvironment].map(
      ([environment, delta]) => `| ${environment} | ${signed(Math.round(delta * 100) / 100)} |`,
    ),
  ];
  const changes = costed.flatMap((plan) => plan.cost.changes.map((change) => ({ stack: plan.stack, ...change })));
  // A replacement is listed even when it costs the same: the old resource and its new one overlap while it runs.
  const top = changes
    .filter((change) => change.delta !== 0 || change.action === "replace")
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.address.localeCompare(b.address))
    .slice(0, TOP_CHANGES);
  if (top.length > 0) {
    lines.push("", "| stack | action | address | before | after | change |", "|---|---|---|---|---|---|");
    for (const change of top)
      lines.push(
        `| ${change.stack} | ${change.action} | \`${change.address}\` | $${change.before.toFixed(2)} | $${change.after.toFixed(2)} | ${signed(change.delta)} |`,
      );
  }
  const unpriced = changes.filter((change) => change.unpriced);
  if (unpriced.length > 0)
    lines.push("", `Not priced: ${unpriced.map((change) => `\`${change.address}\` (${change.unpriced})`).join("; ")}.`);
  return lines.join("\n");
}
