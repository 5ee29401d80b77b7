/**
 * Whether two `terraform show -json` plans propose the same thing: the same resource changes
 * (address, action, values before and after, unknown and sensitive markers, replacement paths)
 * and the same output changes. Everything else in a plan (configuration, timestamps, the
 * Terraform version, source positions) may differ between a JSON and an HCL configuration.
 */
type Json = unknown;

/** What a plan proposes, keyed by resource address and output name. */
export interface PlannedChanges {
  readonly resources: Readonly<Record<string, Json>>;
  readonly outputs: Readonly<Record<string, Json>>;
}

const CHANGE_FIELDS = [
  "actions",
  "before",
  "after",
  "after_unknown",
  "before_sensitive",
  "after_sensitive",
  "replace_paths",
] as const;

function pick(change: Record<string, Json> = {}): Record<string, Json> {
  return Object.fromEntries(
    CHANGE_FIELDS.filter((field) => change[field] !== undefined).map((field) => [field, change[field]]),
  );
}

/** The comparable part of a plan (`terraform show -json` output, parsed). */
export function plannedChanges(plan: any): PlannedChanges {
  const resources = Object.fromEntries(
    (plan.resource_changes ?? []).map((entry: any) => [
      entry.address,
      {
        mode: entry.mode,
        type: entry.type,
        provider_name: entry.provider_name,
        action_reason: entry.action_reason,
        change: pick(entry.change),
      },
    ]),
  );
  const outputs = Object.fromEntries(
    Object.entries<any>(plan.output_changes ?? {}).map(([name, change]) => [name, pick(change)]),
  );
  return { resources, outputs };
}

/** The first place two values differ, as a path (`.change.after.tags.Name`), or undefined when equal. */
function firstDifference(left: Json, right: Json, path = ""): string | undefined {
  if (left === right) return undefined;
  if (
    typeof left !== "object" ||
    typeof right !== "object" ||
    left === null ||
    right === null ||
    Array.isArray(left) !== Array.isArray(right)
  ) {
    return `${path || "."}: ${JSON.stringify(left)} vs ${JSON.stringify(right)}`;
  }
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  for (const key of keys) {
    const found = firstDifference((left as any)[key], (right as any)[key], `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

function compareKeyed(
  kind: string,
  left: Readonly<Record<string, Json>>,
  right: Readonly<Record<string, Json>>,
  names: readonly [string, string],
): string[] {
  const differences: string[] = [];
  for (const key of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()) {
    if (!(key in right)) differences.push(`${kind} ${key}: only in the ${names[0]} plan`);
    else if (!(key in left)) differences.push(`${kind} ${key}: only in the ${names[1]} plan`);
    else {
      const found = firstDifference(left[key], right[key]);
      if (found) differences.push(`${kind} ${key}: ${found} (${names[0]} vs ${names[1]})`);
    }
  }
  return differences;
}

/** Every way two plans differ in what they propose, one line each; empty when they plan the same. */
export function planDifferences(
  left: PlannedChanges,
  right: PlannedChanges,
  names: readonly [string, string] = ["first", "second"],
): string[] {
  return [
    ...compareKeyed("resource", left.resources, right.resources, names),
    ...compareKeyed("output", left.outputs, right.outputs, names),
  ];
}
