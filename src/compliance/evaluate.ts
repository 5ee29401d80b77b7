import { Element, Profile, StackModel, TerraformJson } from "./model";
import type { Rule } from "./rule";
import { RULES } from "./rules";

/** A suppression reason shorter than this is no reason ("ok", "n/a") and is not honoured. */
export const MIN_REASON_LENGTH = 20;

export interface Finding {
  readonly rule: Rule;
  readonly stack: string;
  readonly address: string;
  /** Construct path, to find the code to change. */
  readonly path?: string;
  readonly problem: string;
  /** The reason written next to the construct, when the finding is suppressed. */
  readonly suppression?: string;
}

/** pass: every target complies (or is suppressed); n/a: nothing to check; skipped: not in the stack's profile. */
export type Outcome = "pass" | "fail" | "warn" | "n/a" | "skipped";

export interface RuleResult {
  readonly rule: Rule;
  readonly outcome: Outcome;
  readonly checked: number;
  readonly open: readonly Finding[];
  readonly suppressed: readonly Finding[];
}

export interface StaleSuppression {
  readonly stack: string;
  readonly address: string;
  readonly rule: string;
  readonly problem: string;
}

export interface StackReport {
  readonly stack: string;
  readonly profile: Profile;
  readonly results: readonly RuleResult[];
  /** Suppressions that name no rule, give no reason, or silence nothing: each is a review item. */
  readonly stale: readonly StaleSuppression[];
}

/**
 * The profile a stack declares in its top-level "//" metadata (written by enforceCompliance).
 * A stack that declares none gets the strictest profile.
 */
export function profileOf(json: TerraformJson): Profile {
  return json["//"]?.compliance?.profile === "baseline" ? "baseline" : "production";
}

const appliesTo = (rule: Rule, profile: Profile) => rule.profile === "baseline" || profile === "production";

/** Runs every rule of the pack over one synthesized stack. Pure: the same JSON gives the same report. */
export function evaluateStack(stack: string, json: TerraformJson, rules: readonly Rule[] = RULES): StackReport {
  const model = new StackModel(stack, json);
  const profile = profileOf(json);
  const used = new Set<string>();
  const known = new Set(rules.map((rule) => rule.id));

  const results = rules.map((rule): RuleResult => {
    if (!appliesTo(rule, profile)) return { rule, outcome: "skipped", checked: 0, open: [], suppressed: [] };
    const targets = rule.targets(model);
    const findings = targets.flatMap((target) =>
      rule.check(target, model).map((problem) => finding(rule, stack, target, problem)),
    );
    const open = findings.filter((candidate) => candidate.suppression === undefined);
    const suppressed = findings.filter((candidate) => candidate.suppression !== undefined);
    for (const entry of suppressed) used.add(`${entry.address}|${rule.id}`);
    const outcome: Outcome =
      targets.length === 0 ? "n/a" : open.length === 0 ? "pass" : rule.severity === "error" ? "fail" : "warn";
    return { rule, outcome, checked: targets.length, open, suppressed };
  });

  const inProfile = new Set(rules.filter((rule) => appliesTo(rule, profile)).map((rule) => rule.id));
  const stale: StaleSuppression[] = [];
  for (const element of [
    ...model.resources(...Object.keys(json.resource ?? {})),
    ...Object.keys(json.data ?? {}).flatMap((type) => model.dataSources(type)),
  ]) {
    for (const { rule, reason } of element.suppressions) {
      const problem = staleness(
        known.has(rule),
        reason,
        inProfile.has(rule) && !used.has(`${element.address}|${rule}`),
      );
      if (problem) stale.push({ stack, address: element.address, rule, problem });
    }
  }
  return { stack, profile, results, stale };
}

/** Why a suppression needs attention, if it does. */
function staleness(ruleExists: boolean, reason: string | undefined, silencesNothing: boolean): string | undefined {
  if (!ruleExists) return "names no rule of the pack";
  if ((reason ?? "").trim().length < MIN_REASON_LENGTH)
    return `gives no reason (at least ${MIN_REASON_LENGTH} characters)`;
  if (silencesNothing) return "suppresses nothing: the resource complies, remove the suppression";
  return undefined;
}

function finding(rule: Rule, stack: string, target: Element, problem: string): Finding {
  const suppression = target.suppressions.find(
    (entry) => entry.rule === rule.id && (entry.reason ?? "").trim().length >= MIN_REASON_LENGTH,
  );
  return { rule, stack, address: target.address, path: target.path, problem, suppression: suppression?.reason };
}

/** Unsuppressed findings of error rules: what fails synth and `npm run compliance`. */
export function blockingFindings(reports: readonly StackReport[]): Finding[] {
  return reports.flatMap((report) =>
    report.results.filter((result) => result.rule.severity === "error").flatMap((result) => result.open),
  );
}
