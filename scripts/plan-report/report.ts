/**
 * Reads `terraform show -json` plans and turns them into a review report: what each stack adds,
 * changes, replaces, destroys and forgets, which attributes change (sensitive values masked), why
 * replacements happen, and what the data-loss guard blocks. Pure functions; the command line is
 * in cli.ts, the redacted per-stack summary the plan job uploads is `toSummary`.
 */
import { attributeChanges, AttributeChange } from "./attributes";
import { Action, DEFAULT_POLICY, GuardPolicy, Risk, risksOf } from "./guard";
import { SUMMARY_FORMAT, SUMMARY_VERSION } from "./plan-input";
import { renderCostSection } from "./cost-section";
import type { PlanCost } from "../../src/cost/plan-delta";

import { ALL_LAYERS, parseStackName } from "../../src/config/naming";
export { STATEFUL_TYPES } from "./guard";
export type { Action, GuardPolicy, Risk } from "./guard";

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly action: Action;
  /** Attribute paths that force a replacement. */
  readonly replacePaths: string[];
  /** Changed attributes, sensitive values masked; empty for destroy and forget. */
  readonly attributes: AttributeChange[];
}

export interface StackPlan {
  readonly stack: string;
  readonly changes: ResourceChange[];
  readonly outputChanges: { readonly name: string; readonly action: string }[];
  /** What the guard found, before any allow list. */
  readonly risks: Risk[];
  /** The monthly cost change, priced from the plan (scripts/plan-report/cost-section.ts). */
  readonly cost?: PlanCost;
}

/** A risk no allow entry names: the guard blocks the run. */
export interface Blocker extends Risk {
  readonly stack: string;
}

interface RawResourceChange {
  address: string;
  type: string;
  mode?: string;
  change: {
    actions: string[];
    replace_paths?: unknown[][];
    before?: unknown;
    after?: unknown;
    before_sensitive?: unknown;
    after_sensitive?: unknown;
    after_unknown?: unknown;
  };
}

function actionOf(actions: string[]): Action | undefined {
  if (actions.includes("forget")) return "forget";
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("delete")) return "destroy";
  if (actions.includes("create")) return "create";
  if (actions.includes("update")) return "update";
  return undefined; // no-op and read
}

/** The changes of one plan, without no-ops and data source reads, and the guard's findings. */
export function parsePlan(
  stack: string,
  plan: { resource_changes?: unknown; output_changes?: unknown },
  policy: GuardPolicy = DEFAULT_POLICY,
): StackPlan {
  const changes: ResourceChange[] = [];
  const risks: Risk[] = [];
  for (const raw of (plan.resource_changes ?? []) as RawResourceChange[]) {
    if (raw.mode === "data") continue;
    const action = actionOf(raw.change.actions);
    if (!action) continue;
    const replacePaths = (raw.change.replace_paths ?? []).map((path) => path.map(String).join("."));
    const attributes = action === "destroy" || action === "forget" ? [] : attributeChanges(raw.change);
    changes.push({ address: raw.address, type: raw.type, action, replacePaths, attributes });
    risks.push(
      ...risksOf(
        { address: raw.address, type: raw.type, action, before: raw.change.before, after: raw.change.after },
        policy,
      ),
    );
  }
  const outputChanges = Object.entries((plan.output_changes ?? {}) as Record<string, { actions: string[] }>)
    .filter(([, change]) => !change.actions.includes("no-op"))
    .map(([name, change]) => ({ name, action: actionOf(change.actions) ?? change.actions.join("/") }));
  return { stack, changes, outputChanges, risks };
}

/** The redacted summary the plan job uploads: addresses, actions, replace paths, masked diffs, risks. Never values. */
export function toSummary(plan: StackPlan, extras: { readonly planSha256?: string } = {}): Record<string, unknown> {
  return {
    format: SUMMARY_FORMAT,
    version: SUMMARY_VERSION,
    stack: plan.stack,
    ...extras,
    changes: plan.changes,
    outputChanges: plan.outputChanges,
    risks: plan.risks,
    ...(plan.cost ? { cost: plan.cost } : {}),
  };
}

/** A StackPlan back from its summary. */
export function fromSummary(summary: Record<string, any>): StackPlan {
  return {
    stack: summary.stack,
    changes: summary.changes,
    outputChanges: summary.outputChanges ?? [],
    risks: summary.risks,
    ...(summary.cost ? { cost: summary.cost } : {}),
  };
}

const allows = (allow: readonly string[], stack: string, address: string) =>
  allow.includes(address) || allow.includes(`${stack}:${address}`);

/** Risks that no `allow` entry names. */
export function blockers(plans: StackPlan[], allow: readonly string[] = []): Blocker[] {
  return plans.flatMap((plan) =>
    plan.risks
      .filter((risk) => !allows(allow, plan.stack, risk.address))
      .map((risk) => ({ stack: plan.stack, ...risk })),
  );
}

/** Addresses from "Allow-Data-Loss: <address>" lines of a pull request description (CRLF-safe). */
export function allowedFromDescription(description: string): string[] {
  return description
    .split(/\r?\n/)
    .map((line) => /^Allow-Data-Loss:\s*(\S+)\s*$/.exec(line.trim())?.[1])
    .filter((address): address is string => address !== undefined);
}

/** Upstream stacks in the same report whose own plan still has changes: this plan is against their old state. */
export function undeployedUpstream(plan: StackPlan, plans: StackPlan[]): string[] {
  // Layers deploy in ALL_LAYERS order; a later one reads the earlier ones' outputs.
  const stack = parseStackName(plan.stack);
  if (!stack) return [];
  return plans
    .filter((other) => {
      const upstream = parseStackName(other.stack);
      return (
        upstream?.environment === stack.environment &&
        ALL_LAYERS.indexOf(upstream.layer) < ALL_LAYERS.indexOf(stack.layer) &&
        other.changes.length > 0
      );
    })
    .map((other) => other.stack);
}

const count = (plan: StackPlan, action: Action) => plan.changes.filter((change) => change.action === action).length;
/** Markdown inline code that survives backticks and pipes inside the value. */
const code = (text: string, max = 120) => {
  const shown = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return `\`${shown.replace(/`/g, "'").replace(/\|/g, "\\|").replace(/\n/g, " ")}\``;
};

function verdict(plan: StackPlan, blocked: Blocker[], allow: readonly string[]): string {
  const own = blocked.filter((blocker) => blocker.stack === plan.stack);
  if (own.length > 0)
    return `**Blocked**: ${own.map((blocker) => `${blocker.address} (${blocker.rule})`).join(", ")}; allow explicitly to proceed.`;
  const allowed = plan.risks.filter((risk) => allows(allow, plan.stack, risk.address));
  if (allowed.length > 0)
    return `Allowed data loss: ${allowed.map((risk) => `${risk.rule} ${risk.address}`).join(", ")}.`;
  if (plan.changes.length === 0) return "No changes.";
  if (count(plan, "replace") + count(plan, "destroy") + count(plan, "forget") > 0)
    return "Safe: replaces, destroys or forgets only stateless resources.";
  return "Safe: creates and updates only.";
}

export interface ReportOptions {
  /** Addresses (or stack:address) whose risks are intended. */
  readonly allow?: readonly string[];
  /** Stacks whose plan was expected but is missing: the run is blocked. */
  readonly missing?: readonly string[];
  /** What the change adds to and removes from the CI identities' IAM powers (npm run iam -- --compare BASE). @default not shown */
  readonly iamChanges?: string;
}

/**
 * The change in what the CI identities may do, as `npm run iam -- --compare` prints it against the
 * pull request's base: "+ identity level service:action" lines, or that nothing changed.
 */
export function renderIamSection(comparison: string): string {
  const lines = comparison.split("\n").filter((line) => /^[+-] /.test(line));
  if (lines.length === 0)
    return `### IAM powers\n\n${comparison.trim() || "No change in the CI identities' IAM powers."}`;
  const added = lines.filter((line) => line.startsWith("+")).length;
  return [
    "### IAM powers",
    "",
    `This change gives the CI identities **${added} power(s)** and takes away ${lines.length - added} (identity, access level, action; \`npm run iam\` lists them all).`,
    "",
    "<details><summary>Changed powers</summary>",
    "",
    "```diff",
    ...lines,
    "```",
    "",
    "</details>",
  ].join("\n");
}

/** The Markdown report: a summary table, one section per stack, then what the guard blocks. */
export function renderReport(plans: StackPlan[], options: ReportOptions = {}): string {
  const allow = options.allow ?? [];
  const missing = options.missing ?? [];
  const blocked = blockers(plans, allow);
  const lines: string[] = ["## Terraform plan report", ""];
  if (missing.length > 0) {
    lines.push(
      `> **Missing plans**: ${missing.join(", ")}. Their plan jobs failed or were skipped; the guard cannot vouch for them.`,
      "",
    );
  }
  lines.push("| stack | add | change | replace | destroy | forget | verdict |", "|---|---|---|---|---|---|---|");
  for (const plan of plans) {
    const shortVerdict = blocked.some((blocker) => blocker.stack === plan.stack) ? "blocked" : "ok";
    lines.push(
      `| ${plan.stack} | ${count(plan, "create")} | ${count(plan, "update")} | ${count(plan, "replace")} | ${count(plan, "destroy")} | ${count(plan, "forget")} | ${shortVerdict} |`,
    );
  }
  for (const stack of missing) lines.push(`| ${stack} | | | | | | missing |`);
  // Blockers come first, so a truncated comment still shows them.
  if (blocked.length > 0) {
    lines.push("", "### Blocked by the data-loss guard", "");
    for (const blocker of blocked)
      lines.push(`- ${blocker.stack}: \`${blocker.address}\` (${blocker.type}): ${blocker.detail}.`);
    lines.push(
      "",
      "To proceed on purpose, pass `--allow <address>` (or `--allow <stack>:<address>`) for each, or add a line `Allow-Data-Loss: <address>` to the pull request description.",
    );
  }
  for (const plan of plans) {
    lines.push("", `### ${plan.stack}`, "");
    lines.push(
      `${count(plan, "create")} to add, ${count(plan, "update")} to change, ${count(plan, "replace")} to replace, ${count(plan, "destroy")} to destroy, ${count(plan, "forget")} to forget.`,
    );
    const upstream = undeployedUpstream(plan, plans);
    if (upstream.length > 0) {
      lines.push(
        "",
        `> Depends on undeployed changes in ${upstream.join(", ")}: this plan reads their current state and will change again once they are applied.`,
      );
    }
    const sorted = [...plan.changes].sort(
      (a, b) => a.action.localeCompare(b.action) || a.address.localeCompare(b.address),
    );
    if (sorted.length > 0) {
      lines.push("", "| action | address | forced by |", "|---|---|---|");
      for (const change of sorted) {
        lines.push(
          `| ${change.action} | \`${change.address}\` | ${change.replacePaths.map((path) => `\`${path}\``).join(", ")} |`,
        );
      }
    }
    const diffs = sorted.filter(
      (change) => (change.action === "update" || change.action === "replace") && change.attributes.length > 0,
    );
    for (const change of diffs) {
      lines.push(
        "",
        `<details><summary>${change.action} <code>${change.address}</code>: ${change.attributes.length} attribute(s)</summary>`,
        "",
      );
      lines.push("| attribute | before | after |", "|---|---|---|");
      for (const attribute of change.attributes) {
        lines.push(
          `| ${code(attribute.path, 80)} | ${attribute.before === undefined ? "" : code(attribute.before)} | ${attribute.after === undefined ? "" : code(attribute.after)} |`,
        );
      }
      lines.push("", "</details>");
    }
    if (plan.outputChanges.length > 0) {
      lines.push(
        "",
        `Output changes: ${plan.outputChanges.map((output) => `\`${output.name}\` (${output.action})`).join(", ")}.`,
      );
    }
    lines.push("", `Verdict: ${verdict(plan, blocked, allow)}`);
  }
  const cost = renderCostSection(plans);
  if (cost) lines.push("", cost);
  if (options.iamChanges !== undefined) lines.push("", renderIamSection(options.iamChanges));
  return `${lines.join("\n")}\n`;
}

/** Finds the one plan-report comment of a pull request: this marker, posted by this author. */
export const COMMENT_MARKER = "<!-- auth-infra-plan-report -->";

/** GitHub rejects issue comments over 65,536 characters; keep a margin for the header. */
export const COMMENT_LIMIT = 65_000;

export interface CommentOptions {
  readonly commit: string;
  readonly runUrl: string;
  readonly limit?: number;
}

/** The pull request comment: marker, commit and run link, then the report, cut to fit with a pointer to the run summary. */
export function renderComment(report: string, options: CommentOptions): string {
  const limit = options.limit ?? COMMENT_LIMIT;
  const header = `${COMMENT_MARKER}\nPlans for commit \`${options.commit.slice(0, 12)}\` · [workflow run](${options.runUrl})\n\n`;
  const whole = header + report;
  if (whole.length <= limit) return whole;
  const notice = `\n\n… **Truncated**: the comment limit cuts this report. The full report is in the [run summary](${options.runUrl}).\n`;
  const room = limit - header.length - notice.length - "\n\n</details>".length;
  const lines = report.split("\n");
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length + 1 > room) break;
    kept.push(line);
    size += line.length + 1;
  }
  // A cut inside <details> would swallow the notice.
  const open =
    kept.filter((line) => line.startsWith("<details>")).length - kept.filter((line) => line === "</details>").length;
  return `${header}${kept.join("\n")}${open > 0 ? "\n\n</details>" : ""}${notice}`;
}
