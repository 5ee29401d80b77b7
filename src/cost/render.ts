/** The estimate as a text table, Markdown or JSON: the same figures, each marked as an estimate with the catalogue's date. */
import type { Estimate, EstimateItem } from "./estimate";
import { CATEGORIES } from "./price-resource";

export const FORMATS = ["table", "json", "markdown"] as const;
export type Format = (typeof FORMATS)[number];

const usd = (value: number) => `$${value.toFixed(2)}`;

/** The JSON document: currency, totals, and every priced resource. */
export function estimateJson(estimate: Estimate): Record<string, unknown> {
  const item = (entry: EstimateItem) => ({
    stack: entry.stack,
    address: entry.address,
    type: entry.type,
    category: entry.category,
    region: entry.region,
    monthly: entry.monthly,
    fixed: entry.fixed,
    usage: entry.usage,
    ...(entry.duringRelease !== undefined ? { duringRelease: entry.duringRelease } : {}),
    ...(entry.note ? { note: entry.note } : {}),
  });
  return {
    environment: estimate.environment,
    currency: estimate.currency,
    estimate: `AWS on-demand list prices from the offline catalogue of ${estimate.catalogueDate}, ${estimate.hoursPerMonth} hours a month; not a bill`,
    catalogueDate: estimate.catalogueDate,
    total: estimate.total,
    fixed: estimate.fixed,
    usage: estimate.usage,
    totalDuringRelease: estimate.totalDuringRelease,
    byCategory: estimate.byCategory,
    byStack: estimate.byStack,
    items: estimate.items.map(item),
    ...(estimate.restore
      ? {
          restore: {
            stacks: estimate.restore.stacks,
            perDay: estimate.restore.perDay,
            items: estimate.restore.items.map(item),
          },
        }
      : {}),
  };
}

function rows(estimate: Estimate): string[][] {
  return [...estimate.items]
    .sort((a, b) => a.stack.localeCompare(b.stack) || b.monthly - a.monthly)
    .map((item) => [item.stack, item.address, item.category, usd(item.fixed), usd(item.usage), usd(item.monthly)]);
}

function summary(estimate: Estimate): string[] {
  const lines = [
    `Estimated monthly cost of ${estimate.environment}: ${usd(estimate.total)} (fixed ${usd(estimate.fixed)}, usage ${usd(estimate.usage)}), ${estimate.hoursPerMonth} h a month.`,
    `During a release (both colours full): ${usd(estimate.totalDuringRelease)} a month while it runs.`,
  ];
  if (estimate.restore)
    lines.push(
      `During a restore (${estimate.restore.stacks.join(", ")}): ${usd(estimate.restore.perDay)} per day on top.`,
    );
  lines.push(
    `Estimate from AWS on-demand list prices in the offline catalogue of ${estimate.catalogueDate} (src/cost/catalogue.ts); usage from config cost.usage.`,
  );
  return lines;
}

export function renderMarkdown(estimate: Estimate): string {
  const out = [
    `## Cost estimate: ${estimate.environment}`,
    "",
    ...summary(estimate).map((line) => `${line}  `),
    "",
    "| category | monthly |",
    "|---|---|",
  ];
  for (const category of CATEGORIES) out.push(`| ${category} | ${usd(estimate.byCategory[category])} |`);
  out.push("", "| stack | monthly |", "|---|---|");
  for (const [stack, monthly] of Object.entries(estimate.byStack)) out.push(`| ${stack} | ${usd(monthly)} |`);
  out.push("", "| stack | resource | category | fixed | usage | monthly |", "|---|---|---|---|---|---|");
  for (const row of rows(estimate)) out.push(`| ${row[0]} | \`${row[1]}\` | ${row.slice(2).join(" | ")} |`);
  if (estimate.restore) {
    out.push("", "### During a restore, per day", "", "| stack | resource | per day |", "|---|---|---|");
    for (const item of estimate.restore.items)
      out.push(`| ${item.stack} | \`${item.address}\` | ${usd((item.monthly / estimate.hoursPerMonth) * 24)} |`);
  }
  return `${out.join("\n")}\n`;
}

function table(header: string[], body: string[][]): string[] {
  const widths = header.map((title, index) => Math.max(title.length, ...body.map((row) => row[index].length)));
  const format = (row: string[]) =>
    row
      .map((cell, index) => (index >= 3 ? cell.padStart(widths[index]) : cell.padEnd(widths[index])))
      .join("  ")
      .trimEnd();
  return [format(header), ...body.map(format)];
}

export function renderTable(estimate: Estimate): string {
  const out = [
    ...summary(estimate),
    "",
    ...table(
      ["category", "", "", "monthly"],
      CATEGORIES.map((category) => [category, "", "", usd(estimate.byCategory[category])]),
    ),
  ];
  out.push(
    "",
    ...table(
      ["stack", "", "", "monthly"],
      Object.entries(estimate.byStack).map(([stack, monthly]) => [stack, "", "", usd(monthly)]),
    ),
  );
  out.push("", ...table(["stack", "resource", "category", "fixed", "usage", "monthly"], rows(estimate)));
  if (estimate.restore) {
    out.push(
      "",
      "During a restore, per day:",
      ...table(
        ["stack", "resource", "", "per day"],
        estimate.restore.items.map((item) => [
          item.stack,
          item.address,
          "",
          usd((item.monthly / estimate.hoursPerMonth) * 24),
        ]),
      ),
    );
  }
  return `${out.join("\n")}\n`;
}

export function render(estimate: Estimate, format: Format): string {
  if (format === "json") return `${JSON.stringify(estimateJson(estimate), null, 2)}\n`;
  return format === "markdown" ? renderMarkdown(estimate) : renderTable(estimate);
}
