/**
 * Reads `terraform show -json` plans and turns them into a review report: what each stack
 * adds, changes, replaces and destroys, why replacements happen, and whether a plan would lose
 * data. Pure functions; the command line is in cli.ts.
 */

import { LAYERS } from "../../src/stacks/auth-stack";

/** Resource types whose loss loses data, or access to it. */
export const STATEFUL_TYPES = [
  "aws_db_instance",
  "aws_rds_cluster",
  "aws_elasticache_replication_group",
  "aws_elasticache_cluster",
  "aws_kms_key",
  "aws_s3_bucket",
  "aws_secretsmanager_secret",
  "aws_backup_vault",
  "aws_cloudwatch_log_group",
  // Replacing it deletes every image in it.
  "aws_ecr_repository",
  // The release state: replacing it re-seeds it empty, and both fleets would scale to 0.
  "aws_ssm_parameter",
  // Replacing it changes a live credential (the Redis AUTH token, the app secret).
  "random_password",
] as const;

export type Action = "create" | "update" | "replace" | "destroy";

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly action: Action;
  /** Attribute paths that force a replacement. */
  readonly replacePaths: string[];
}

export interface StackPlan {
  readonly stack: string;
  readonly changes: ResourceChange[];
  readonly outputChanges: { readonly name: string; readonly action: string }[];
}

export interface DataLoss {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly action: "replace" | "destroy";
}

interface PlanJson {
  resource_changes?: { address: string; type: string; mode?: string; change: { actions: string[]; replace_paths?: unknown[][] } }[];
  output_changes?: Record<string, { actions: string[] }>;
}

function actionOf(actions: string[]): Action | undefined {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("delete")) return "destroy";
  if (actions.includes("create")) return "create";
  if (actions.includes("update")) return "update";
  return undefined; // no-op and read
}

/** The changes of one plan, without no-ops and data source reads. */
export function parsePlan(stack: string, plan: PlanJson): StackPlan {
  const changes = (plan.resource_changes ?? [])
    .filter((change) => change.mode !== "data")
    .flatMap((change) => {
      const action = actionOf(change.change.actions);
      if (!action) return [];
      const replacePaths = (change.change.replace_paths ?? []).map((path) => path.map(String).join("."));
      return [{ address: change.address, type: change.type, action, replacePaths }];
    });
  const outputChanges = Object.entries(plan.output_changes ?? {})
    .filter(([, change]) => !change.actions.includes("no-op"))
    .map(([name, change]) => ({ name, action: actionOf(change.actions) ?? change.actions.join("/") }));
  return { stack, changes, outputChanges };
}

/** Replacements and destructions of stateful resources that no `allow` entry names. */
export function dataLoss(plans: StackPlan[], allow: readonly string[] = []): DataLoss[] {
  return plans.flatMap((plan) =>
    plan.changes
      .filter((change) => (change.action === "replace" || change.action === "destroy") && (STATEFUL_TYPES as readonly string[]).includes(change.type))
      .filter((change) => !allow.includes(change.address) && !allow.includes(`${plan.stack}:${change.address}`))
      .map((change) => ({ stack: plan.stack, address: change.address, type: change.type, action: change.action as "replace" | "destroy" })),
  );
}

/** auth-<env>-<layer> stacks deploy in this order; a later one reads the earlier ones' outputs. */
const LAYER_ORDER: readonly string[] = LAYERS;

/** Upstream stacks in the same report whose own plan still has changes: this plan is against their old state. */
export function undeployedUpstream(plan: StackPlan, plans: StackPlan[]): string[] {
  const match = /^auth-([a-z0-9]+)-([a-z]+)$/.exec(plan.stack);
  if (!match) return [];
  const [, environment, layer] = match;
  return plans
    .filter((other) => {
      const otherMatch = /^auth-([a-z0-9]+)-([a-z]+)$/.exec(other.stack);
      return otherMatch?.[1] === environment && LAYER_ORDER.indexOf(otherMatch[2]) < LAYER_ORDER.indexOf(layer) && other.changes.length > 0;
    })
    .map((other) => other.stack);
}

const count = (plan: StackPlan, action: Action) => plan.changes.filter((change) => change.action === action).length;

function verdict(plan: StackPlan, losses: DataLoss[], allow: readonly string[]): string {
  const own = losses.filter((loss) => loss.stack === plan.stack);
  if (own.length > 0) return `**Blocked**: would ${own.map((loss) => `${loss.action} ${loss.address}`).join(", ")} (stateful; allow explicitly to proceed).`;
  const allowed = plan.changes.filter((change) => allow.some((entry) => entry === change.address || entry === `${plan.stack}:${change.address}`));
  if (allowed.length > 0) return `Allowed data loss: ${allowed.map((change) => `${change.action} ${change.address}`).join(", ")}.`;
  if (plan.changes.length === 0) return "No changes.";
  if (count(plan, "replace") + count(plan, "destroy") > 0) return "Safe: replaces or destroys only stateless resources.";
  return "Safe: creates and updates only.";
}

/** The Markdown report: one section per stack, then what would be lost. */
export function renderReport(plans: StackPlan[], allow: readonly string[] = []): string {
  const losses = dataLoss(plans, allow);
  const lines: string[] = ["## Terraform plan report", ""];
  lines.push("| stack | add | change | replace | destroy | verdict |", "|---|---|---|---|---|---|");
  for (const plan of plans) {
    const shortVerdict = losses.some((loss) => loss.stack === plan.stack) ? "blocked" : "ok";
    lines.push(`| ${plan.stack} | ${count(plan, "create")} | ${count(plan, "update")} | ${count(plan, "replace")} | ${count(plan, "destroy")} | ${shortVerdict} |`);
  }
  for (const plan of plans) {
    lines.push("", `### ${plan.stack}`, "");
    lines.push(`${count(plan, "create")} to add, ${count(plan, "update")} to change, ${count(plan, "replace")} to replace, ${count(plan, "destroy")} to destroy.`);
    const upstream = undeployedUpstream(plan, plans);
    if (upstream.length > 0) {
      lines.push("", `> Depends on undeployed changes in ${upstream.join(", ")}: this plan reads their current state and will change again once they are applied.`);
    }
    if (plan.changes.length > 0) {
      lines.push("", "| action | address | forced by |", "|---|---|---|");
      for (const change of [...plan.changes].sort((a, b) => a.action.localeCompare(b.action) || a.address.localeCompare(b.address))) {
        lines.push(`| ${change.action} | \`${change.address}\` | ${change.replacePaths.map((path) => `\`${path}\``).join(", ")} |`);
      }
    }
    if (plan.outputChanges.length > 0) {
      lines.push("", `Output changes: ${plan.outputChanges.map((output) => `\`${output.name}\` (${output.action})`).join(", ")}.`);
    }
    lines.push("", `Verdict: ${verdict(plan, losses, allow)}`);
  }
  if (losses.length > 0) {
    lines.push("", "### Data that would be lost", "");
    for (const loss of losses) {
      lines.push(`- ${loss.stack}: \`${loss.address}\` (${loss.type}) would be ${loss.action === "replace" ? "replaced: the old one and its data are deleted" : "destroyed"}.`);
    }
    lines.push("", "To proceed on purpose, pass `--allow <address>` (or `--allow <stack>:<address>`) for each.");
  }
  return `${lines.join("\n")}\n`;
}
