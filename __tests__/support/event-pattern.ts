/**
 * The EventBridge event-pattern subset the finding rules use, to feed sample events through a
 * synthesized rule (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html):
 * a pattern object matches when every key matches; an array lists the accepted values (exact
 * strings or numbers, or `{ numeric: [op, n, ...] }`); a nested object matches the nested field;
 * a field whose value is an array matches when any element does. Other operators throw.
 */
type Pattern = Record<string, unknown>;

export function matchesEventPattern(pattern: Pattern, event: unknown): boolean {
  if (Array.isArray(event)) return event.some((element) => matchesEventPattern(pattern, element));
  if (event === null || typeof event !== "object") return false;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = (event as Record<string, unknown>)[key];
    if (actual === undefined) return false;
    if (Array.isArray(expected)) {
      const values = Array.isArray(actual) ? actual : [actual];
      return values.some((value) => expected.some((accepted) => acceptedValue(accepted, value)));
    }
    if (typeof expected === "object" && expected !== null) return matchesEventPattern(expected as Pattern, actual);
    throw new Error(`pattern value of ${key} must be an array or an object`);
  });
}

function acceptedValue(accepted: unknown, value: unknown): boolean {
  if (typeof accepted === "string" || typeof accepted === "number") return accepted === value;
  const numeric = (accepted as { numeric?: (string | number)[] }).numeric;
  if (!numeric) throw new Error(`operator outside the subset: ${JSON.stringify(accepted)}`);
  if (typeof value !== "number") return false;
  for (let index = 0; index < numeric.length; index += 2) {
    const [op, bound] = [numeric[index], numeric[index + 1] as number];
    const holds = {
      ">": value > bound,
      ">=": value >= bound,
      "<": value < bound,
      "<=": value <= bound,
      "=": value === bound,
    }[op as string];
    if (holds === undefined) throw new Error(`numeric operator ${op} outside the subset`);
    if (!holds) return false;
  }
  return true;
}
