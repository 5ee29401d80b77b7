/** What a scheduled check found: one line per fact, good or bad, and whether anything needs a person. */
export interface Finding {
  readonly check: string;
  readonly ok: boolean;
  /** One line, no secret values. */
  readonly detail: string;
}

export const needsAttention = (findings: readonly Finding[]) => findings.some((finding) => !finding.ok);

/** The issue text of a scheduled check. */
export function renderFindings(
  title: string,
  findings: readonly Finding[],
  run: { readonly url: string; readonly at: string },
): string {
  const lines = [`${title} at ${run.at} ([run](${run.url})).`, "", "| | check | finding |", "|---|---|---|"];
  for (const finding of findings)
    lines.push(
      `| ${finding.ok ? "ok" : "**needs attention**"} | ${finding.check} | ${finding.detail.replace(/\|/g, "\\|")} |`,
    );
  return `${lines.join("\n")}\n`;
}

const DAY_MS = 86_400_000;
export const daysBetween = (from: Date, to: Date) => Math.floor((to.getTime() - from.getTime()) / DAY_MS);
