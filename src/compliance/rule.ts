import type { Element, Profile, StackModel } from "./model";

/** error: fails synth and `npm run compliance`; warning: reported only. */
export type Severity = "error" | "warning";

/** The controls of other scanners a rule corresponds to, so a finding can be matched across tools. */
export interface ControlMapping {
  /** AWS Security Hub control ids, the numbering FSBP uses (e.g. "S3.9"); a few controls belong to other Security Hub standards only. */
  readonly fsbp: readonly string[];
  /** checkov check ids, e.g. "CKV_AWS_18". */
  readonly checkov: readonly string[];
  /** trivy (AVD) check ids, e.g. "AVD-AWS-0089". */
  readonly trivy: readonly string[];
}

export interface Rule<Id extends string = string> {
  readonly id: Id;
  /** What a compliant stack has, in a few words. */
  readonly title: string;
  readonly severity: Severity;
  /** baseline rules apply to every stack; production rules only to stacks of a production environment. */
  readonly profile: Profile;
  readonly maps: ControlMapping;
  /** Why the rule exists: the risk it removes. */
  readonly rationale: string;
  /** How to comply. */
  readonly fix: string;
  /** The resources the rule checks in a stack. */
  readonly targets: (stack: StackModel) => Element[];
  /** One line per problem of a target; empty when it complies. */
  readonly check: (target: Element, stack: StackModel) => string[];
}

/** Keeps the id's literal type so suppressions can only name rules that exist. */
export function defineRule<Id extends string>(rule: Rule<Id>): Rule<Id> {
  return rule;
}

/** Shorthand for a mapping; an empty list means that scanner has no matching check. */
export function maps(fsbp: string[], checkov: string[], trivy: string[]): ControlMapping {
  return { fsbp, checkov, trivy };
}

/** A rule that checks every resource of the given types. */
export const ofType =
  (...types: string[]) =>
  (stack: StackModel) =>
    stack.resources(...types);

/** `message` when `failed`, nothing otherwise: keeps checks to one expression per condition. */
export const when = (failed: boolean, message: string): string[] => (failed ? [message] : []);
