/** The scan gate: which findings of an image's scan stop a release. Pure; the findings come from ECR. */
import { SEVERITIES } from "../../src/config/schema/schema";

export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  /** CVE id or the scanner's finding name. */
  readonly name: string;
  readonly severity: Severity | "UNDEFINED";
}

export interface ScanGatePolicy {
  /** Findings at or above this severity block the release... */
  readonly failAt: Severity;
  /** ...unless listed here, with the reason they are accepted. */
  readonly exceptions: readonly { readonly finding: string; readonly reason: string }[];
}

export interface ScanVerdict {
  readonly blocking: Finding[];
  /** Blocking-level findings let through by an exception, with its reason (printed, for the record). */
  readonly accepted: { readonly finding: Finding; readonly reason: string }[];
}

export function scanGate(findings: readonly Finding[], policy: ScanGatePolicy): ScanVerdict {
  const threshold = SEVERITIES.indexOf(policy.failAt);
  const reasons = new Map(policy.exceptions.map((exception) => [exception.finding, exception.reason]));
  const blocking: Finding[] = [];
  const accepted: ScanVerdict["accepted"] = [];
  for (const finding of findings) {
    // UNDEFINED (the scanner could not rate it) counts as blocking: unknown is not safe.
    const level = finding.severity === "UNDEFINED" ? SEVERITIES.length : SEVERITIES.indexOf(finding.severity);
    if (level < threshold) continue;
    const reason = reasons.get(finding.name);
    if (reason) accepted.push({ finding, reason });
    else blocking.push(finding);
  }
  return { blocking, accepted };
}
