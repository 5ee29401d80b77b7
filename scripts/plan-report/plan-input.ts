/**
 * Recognizes what plan-report is given: `terraform show -json` plan output, or the redacted stack
 * summary the plan job writes. Anything else is bad input with a one-line reason. Messages never
 * quote the input: a plan holds prior state and sensitive values, and a truncated file would
 * otherwise end up in a CI log.
 */

/** Bad input: the CLI prints the message as one line and exits 2. */
export class BadPlanError extends Error {}

/** The redacted summary's format marker and version (the plan job writes it, plan-report reads it). */
export const SUMMARY_FORMAT = "auth-plan-summary";
export const SUMMARY_VERSION = 1;

/** Plan JSON major versions this tool understands ("1.x"; Terraform 1.11 writes 1.2). */
const SUPPORTED_PLAN_MAJOR = "1";

export type PlanDocument =
  | { readonly kind: "plan"; readonly json: Record<string, any> }
  | { readonly kind: "summary"; readonly json: Record<string, any> };

/** Parses and classifies one input file's text; `source` names it in errors. */
export function readPlanDocument(source: string, text: string): PlanDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the text around the error: never show it.
    throw new BadPlanError(
      `${source}: not valid JSON (truncated or not a plan); write it with terraform show -json PLANFILE`,
    );
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new BadPlanError(
      `${source}: not a Terraform plan (expected the JSON object terraform show -json PLANFILE writes)`,
    );
  }
  const document = json as Record<string, any>;
  if (document.format === SUMMARY_FORMAT) {
    if (document.version !== SUMMARY_VERSION)
      throw new BadPlanError(
        `${source}: unsupported plan summary version ${String(document.version)} (supported: ${SUMMARY_VERSION})`,
      );
    if (typeof document.stack !== "string" || !Array.isArray(document.changes) || !Array.isArray(document.risks)) {
      throw new BadPlanError(`${source}: incomplete plan summary`);
    }
    return { kind: "summary", json: document };
  }
  if (typeof document.lineage === "string" && Array.isArray(document.resources)) {
    throw new BadPlanError(
      `${source}: a Terraform state file, not a plan; save a plan with terraform plan -out=PLANFILE and run terraform show -json PLANFILE`,
    );
  }
  if (typeof document.format_version !== "string") {
    throw new BadPlanError(`${source}: not a Terraform plan (no format_version)`);
  }
  if (document.format_version.split(".")[0] !== SUPPORTED_PLAN_MAJOR) {
    throw new BadPlanError(
      `${source}: unsupported plan format version ${document.format_version} (supported: ${SUPPORTED_PLAN_MAJOR}.x)`,
    );
  }
  if (document.planned_values === undefined && document.values !== undefined) {
    throw new BadPlanError(
      `${source}: terraform show -json of a state, not a plan; pass the saved plan file to terraform show -json`,
    );
  }
  if (
    document.planned_values === undefined ||
    (document.resource_changes !== undefined && !Array.isArray(document.resource_changes))
  ) {
    throw new BadPlanError(`${source}: not a Terraform plan (no planned_values)`);
  }
  if (document.errored === true) {
    throw new BadPlanError(`${source}: the plan errored; fix the errors terraform plan printed and plan again`);
  }
  return { kind: "plan", json: document };
}
