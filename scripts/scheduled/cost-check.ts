/**
 * The monthly cost check: is the price catalogue still fresh, and how far has the environment's
 * estimate moved since the last run? The estimate is `npm run cost -- --format json` of main; the
 * last run's estimate comes back from the previous run's artifact (the workflow keeps it 90 days).
 */
import { catalogueAge } from "../cost/catalogue-age";
import type { Finding } from "./findings";

/** The part of `npm run cost -- --format json` this check reads. */
export interface CostSnapshot {
  readonly environment: string;
  readonly currency: string;
  readonly total: number;
  readonly catalogueDate: string;
}

export function costFindings(
  current: CostSnapshot,
  previous: CostSnapshot | undefined,
  now: Date,
  maxMonthlyChangePercent: number,
): Finding[] {
  const age = catalogueAge(current.catalogueDate, now);
  const findings: Finding[] = [{ check: "price catalogue age", ok: !age.stale, detail: age.message }];
  const money = (usd: number) => `${current.currency} ${usd.toFixed(2)}`;
  if (!previous) {
    findings.push({
      check: "monthly estimate",
      ok: true,
      detail: `${money(current.total)} a month; no earlier run to compare with`,
    });
    return findings;
  }
  const delta = current.total - previous.total;
  const percent = previous.total > 0 ? (delta / previous.total) * 100 : 0;
  findings.push({
    check: "monthly estimate since the last run",
    ok: Math.abs(percent) <= maxMonthlyChangePercent,
    detail: `${money(previous.total)} -> ${money(current.total)} (${delta >= 0 ? "+" : ""}${money(delta)}, ${percent >= 0 ? "+" : ""}${percent.toFixed(1)}%; attention above ${maxMonthlyChangePercent}%)`,
  });
  return findings;
}
