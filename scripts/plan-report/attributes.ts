/**
 * Attribute-level diffs of one resource change, with sensitive and unknown values masked the way
 * `terraform plan` prints them. Raw values are compared in memory only; what leaves this module
 * is the masked display text.
 *
 * Plan JSON: `before_sensitive` / `after_sensitive` mirror `before` / `after` with `true` where a
 * value (or a whole object) is sensitive; `after_unknown` marks values known only after apply,
 * which are absent from `after`. https://developer.hashicorp.com/terraform/internals/json-format#change-representation
 */

export const SENSITIVE = "(sensitive value)";
export const UNKNOWN = "(known after apply)";

/** One changed leaf attribute; a side is absent when the attribute does not exist there. */
export interface AttributeChange {
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
}

interface Leaf {
  readonly raw: unknown;
  readonly display: string;
}

type Mask = unknown;

const child = (mask: Mask, key: string | number): Mask =>
  mask !== null && typeof mask === "object"
    ? (mask as Record<string | number, unknown>)[key]
    : mask === true
      ? true
      : undefined;

/** Flattens a value into leaf paths (a.b[0].c), masking sensitive and unknown parts. */
function flatten(value: unknown, sensitive: Mask, unknown: Mask, path: string, into: Map<string, Leaf>): void {
  if (sensitive === true) {
    // The raw value stays in memory so a change can still be detected; only the mask is shown.
    into.set(path, { raw: JSON.stringify(value ?? null), display: SENSITIVE });
    return;
  }
  if (unknown === true) {
    into.set(path, { raw: UNKNOWN, display: UNKNOWN });
    return;
  }
  const container = Array.isArray(value) || (value !== null && typeof value === "object");
  const unknownKeys = unknown !== null && typeof unknown === "object" ? Object.keys(unknown as object) : [];
  if (container || unknownKeys.length > 0) {
    const keys = new Set<string>([...(container ? Object.keys(value as object) : []), ...unknownKeys]);
    if (keys.size === 0) {
      into.set(path, { raw: JSON.stringify(value), display: JSON.stringify(value) });
      return;
    }
    for (const key of keys) {
      const index = Array.isArray(value) || Array.isArray(unknown) ? Number(key) : key;
      const next = typeof index === "number" ? `${path}[${index}]` : path ? `${path}.${key}` : key;
      flatten((value as any)?.[key], child(sensitive, index), child(unknown, index), next, into);
    }
    return;
  }
  if (value === undefined) return;
  into.set(path, { raw: JSON.stringify(value), display: JSON.stringify(value) });
}

export interface RawChange {
  readonly before?: unknown;
  readonly after?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  readonly after_unknown?: unknown;
}

/** The leaf attributes that differ between before and after, masked. */
export function attributeChanges(change: RawChange): AttributeChange[] {
  const before = new Map<string, Leaf>();
  const after = new Map<string, Leaf>();
  if (change.before !== null && change.before !== undefined)
    flatten(change.before, change.before_sensitive, undefined, "", before);
  if (change.after !== null && change.after !== undefined)
    flatten(change.after, change.after_sensitive, change.after_unknown, "", after);
  // Sensitive on either side masks both sides, under that path, as Terraform does.
  const sensitivePaths = [...before, ...after].filter(([, leaf]) => leaf.display === SENSITIVE).map(([path]) => path);
  const masked = (path: string) =>
    sensitivePaths.some(
      (root) => path === root || root === "" || path.startsWith(`${root}.`) || path.startsWith(`${root}[`),
    );
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: AttributeChange[] = [];
  for (const path of paths) {
    const old = before.get(path);
    const next = after.get(path);
    if (old?.raw === next?.raw) continue;
    // null and absent read the same to a reviewer.
    if ((old === undefined || old.raw === "null") && (next === undefined || next.raw === "null")) continue;
    const show = (leaf: Leaf) => (masked(path) ? SENSITIVE : leaf.display);
    changes.push({ path, ...(old && { before: show(old) }), ...(next && { after: show(next) }) });
  }
  return changes;
}
