/**
 * What drift detection tells people: the environment's issue text (which stacks drifted, which
 * resources and attributes, masked as in the plan report; whether the guard would block reverting
 * them) and the alert for security-relevant drift (addresses and attribute names only).
 */
import type { StackDrift } from "./classify";
import { securityDrift } from "./classify";

const STATUS_TEXT: Record<StackDrift["status"], string> = {
  "in-sync": "in sync",
  drifted: "**drifted**",
  pending: "pending (merged, not applied)",
  failed: "**failed to check**",
};

const code = (text: string, max = 120) => {
  const shown = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return `\`${shown.replace(/`/g, "'").replace(/\|/g, "\\|").replace(/\n/g, " ")}\``;
};

/** Whether the environment needs its issue open: drift, or a check that could not say. Pending alone does not. */
export function needsAttention(stacks: readonly StackDrift[]): boolean {
  return stacks.some((stack) => stack.status === "drifted" || stack.status === "failed");
}

/** The Markdown body of the environment's drift issue. */
export function renderDriftReport(
  environment: string,
  stacks: readonly StackDrift[],
  run: { readonly url: string; readonly at: string },
): string {
  const lines = [
    `Drift check of **${environment}** at ${run.at} ([run](${run.url})).`,
    "",
    "| stack | status | drifted | pending |",
    "|---|---|---|---|",
  ];
  for (const stack of stacks)
    lines.push(`| ${stack.stack} | ${STATUS_TEXT[stack.status]} | ${stack.drift.length} | ${stack.pending.length} |`);
  for (const stack of stacks.filter((candidate) => candidate.status === "failed")) {
    lines.push(
      "",
      `### ${stack.stack}: failed to check`,
      "",
      `${stack.failure ?? "unknown failure"}. A failed check is never read as in sync: fix it and re-run the workflow.`,
    );
  }
  for (const stack of stacks.filter((candidate) => candidate.drift.length > 0)) {
    lines.push(
      "",
      `### ${stack.stack}: changed outside Terraform`,
      "",
      "| resource | change | security-relevant | a deploy reverts it |",
      "|---|---|---|---|",
    );
    for (const resource of stack.drift) {
      const revert =
        resource.action === "delete"
          ? "recreates it"
          : resource.revertBlockedBy.length > 0
            ? `blocked by the guard (${resource.revertBlockedBy.join(", ")})`
            : "yes";
      lines.push(
        `| ${code(resource.address)} | ${resource.action === "delete" ? "deleted" : `${resource.attributes.length} attribute(s)`} | ${resource.securityRelevant ?? "no"} | ${revert} |`,
      );
    }
    for (const resource of stack.drift.filter((candidate) => candidate.attributes.length > 0)) {
      lines.push(
        "",
        `<details><summary><code>${resource.address}</code></summary>`,
        "",
        "| attribute | in state (from config) | found |",
        "|---|---|---|",
      );
      for (const attribute of resource.attributes) {
        lines.push(
          `| ${code(attribute.path, 80)} | ${attribute.before === undefined ? "" : code(attribute.before)} | ${attribute.after === undefined ? "" : code(attribute.after)} |`,
        );
      }
      lines.push("", "</details>");
    }
  }
  const pending = stacks.filter((stack) => stack.pending.length > 0);
  if (pending.length > 0) {
    lines.push("", "### Pending: merged but not applied", "", "Not drift: the next deploy applies these.", "");
    for (const stack of pending)
      lines.push(
        `- ${stack.stack}: ${stack.pending
          .slice(0, 20)
          .map((address) => code(address))
          .join(", ")}${stack.pending.length > 20 ? ` and ${stack.pending.length - 20} more` : ""}`,
      );
  }
  lines.push(
    "",
    "What now: [drift was reported](docs/how-to/handle-drift.md): revert it with a deploy, or adopt the change in code.",
  );
  return `${lines.join("\n")}\n`;
}

/** The alert topic message for security-relevant drift, or undefined when there is none. No values, masked or not. */
export function securityAlert(
  environment: string,
  stacks: readonly StackDrift[],
  runUrl: string,
): { subject: string; message: string } | undefined {
  const found = securityDrift(stacks);
  if (found.length === 0) return undefined;
  const lines = found.map(
    ({ stack, resource }) =>
      `- ${stack}: ${resource.address} ${resource.action === "delete" ? "deleted" : `changed (${resource.attributes.map((attribute) => attribute.path).join(", ")})`}: ${resource.securityRelevant}`,
  );
  return {
    // SNS subjects: at most 100 printable ASCII characters.
    subject: `Security-relevant drift in auth ${environment}`.slice(0, 100),
    message: [
      `Security-relevant changes made outside Terraform in ${environment}:`,
      ...lines,
      "",
      `Run: ${runUrl}`,
      "Runbook: docs/how-to/handle-drift.md",
    ].join("\n"),
  };
}
