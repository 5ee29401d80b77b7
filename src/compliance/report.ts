import type { Outcome, StackReport } from "./evaluate";
import type { Rule } from "./rule";

const CELL: Record<Outcome, (suppressed: number, open: number) => string> = {
  pass: (suppressed) => (suppressed > 0 ? `ok (${suppressed} suppressed)` : "ok"),
  fail: (_, open) => `FAIL ${open}`,
  warn: (_, open) => `warn ${open}`,
  "n/a": () => "-",
  skipped: () => "n/p",
};

/** controls × stacks, one cell per rule and stack, padded so it also reads well in a terminal. */
export function renderTable(reports: readonly StackReport[], rules: readonly Rule[]): string {
  const header = ["control", "severity", "FSBP", ...reports.map((report) => report.stack)];
  const rows = rules.map((rule) => [
    rule.id,
    rule.severity,
    rule.maps.fsbp.join(" ") || "-",
    ...reports.map((report) => {
      const result = report.results.find((candidate) => candidate.rule.id === rule.id);
      return result ? CELL[result.outcome](result.suppressed.length, result.open.length) : "-";
    }),
  ]);
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

/** The whole report: table, open findings with their fix, suppressions with their reasons, stale suppressions. */
export function renderReport(reports: readonly StackReport[], rules: readonly Rule[]): string {
  const open = reports.flatMap((report) => report.results.flatMap((result) => result.open));
  const suppressed = reports.flatMap((report) => report.results.flatMap((result) => result.suppressed));
  const stale = reports.flatMap((report) => report.stale);
  const sections = [
    "# Compliance report",
    `Profiles: ${reports.map((report) => `${report.stack} ${report.profile}`).join(", ")}. Cells: ok, FAIL/warn n (open findings), - (nothing to check), n/p (rule not in the stack's profile).`,
    renderTable(reports, rules),
    `## Open findings (${open.length})`,
    list(
      open.map(
        (finding) =>
          `${finding.rule.severity.toUpperCase()} ${finding.rule.id} ${finding.stack} ${finding.address}: ${finding.problem}. Fix: ${finding.rule.fix}`,
      ),
    ),
    `## Suppressions (${suppressed.length})`,
    list(
      suppressed.map(
        (finding) =>
          `${finding.rule.id} ${finding.stack} ${finding.address}: ${finding.problem}. Reason: ${finding.suppression}`,
      ),
    ),
  ];
  if (stale.length > 0)
    sections.push(
      `## Stale suppressions (${stale.length})`,
      list(stale.map((entry) => `${entry.rule} ${entry.stack} ${entry.address}: ${entry.problem}`)),
    );
  return `${sections.join("\n\n")}\n`;
}

const list = (items: string[]) => (items.length === 0 ? "None." : items.map((item) => `- ${item}`).join("\n"));

/** The rules as a Markdown table (docs/reference/compliance-rules.md is generated from this). */
export function renderRuleCatalogue(rules: readonly Rule[]): string {
  const rows = rules.map((rule) =>
    [
      `\`${rule.id}\``,
      rule.title,
      rule.profile,
      rule.maps.fsbp.join(", ") || "-",
      rule.maps.checkov.join(", ") || "-",
      rule.maps.trivy.join(", ") || "-",
    ].join(" | "),
  );
  return [
    "| rule | requires | profile | FSBP | checkov | trivy |",
    "|---|---|---|---|---|---|",
    ...rows.map((row) => `| ${row} |`),
  ].join("\n");
}
