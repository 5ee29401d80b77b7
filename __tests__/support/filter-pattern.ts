/**
 * A small evaluator of the CloudWatch Logs filter pattern subset the metric filters use, so a test
 * can feed sample log events through a synthesized pattern. Modelled on
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html:
 * - a JSON pattern `{ ... }` matches JSON log events only; `$.a.b` selects a property; `=` and `!=`
 *   compare with a quoted or bare string; `*` at the start or end of a value is a wildcard;
 *   `NOT EXISTS` matches when the property is absent; `&&` and `||` combine, with parentheses;
 * - a quoted term `"a b c"` matches events containing the exact phrase (terms are case sensitive).
 * Anything else throws, so a pattern outside the subset cannot pass a test by accident. A
 * comparison on a property the event lacks is false (the samples always carry the fields compared).
 */

type Json = Record<string, unknown>;
type Node =
  | { kind: "and" | "or"; left: Node; right: Node }
  | { kind: "compare"; selector: string[]; op: "=" | "!="; value: string }
  | { kind: "notExists"; selector: string[] };

export function matchesFilterPattern(pattern: string, event: string): boolean {
  const trimmed = pattern.trim();
  if (trimmed.startsWith("{")) {
    if (!trimmed.endsWith("}")) throw new Error(`unbalanced JSON pattern: ${pattern}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(event);
    } catch {
      return false;
    }
    if (typeof parsed !== "object" || parsed === null) return false;
    return evaluate(parseJsonPattern(trimmed.slice(1, -1)), parsed as Json);
  }
  const phrase = /^"([^"]+)"$/.exec(trimmed);
  if (!phrase) throw new Error(`pattern outside the evaluator's subset: ${pattern}`);
  return event.includes(phrase[1]);
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const matcher = /\s*(\(|\)|&&|\|\||!=|=|"(?:[^"\\]|\\.)*"|NOT\s+EXISTS|\$(?:\.[A-Za-z_][\w-]*)+|[^\s()=!&|"]+)/y;
  let position = 0;
  while (position < text.length) {
    if (/^\s*$/.test(text.slice(position))) break;
    matcher.lastIndex = position;
    const match = matcher.exec(text);
    if (!match) throw new Error(`cannot read the pattern at: ${text.slice(position)}`);
    tokens.push(match[1]);
    position = matcher.lastIndex;
  }
  return tokens;
}

function parseJsonPattern(text: string): Node {
  const tokens = tokenize(text);
  let index = 0;
  const peek = () => tokens[index];
  const take = (expected?: string) => {
    const token = tokens[index++];
    if (token === undefined || (expected !== undefined && token !== expected))
      throw new Error(`expected ${expected ?? "a token"} at token ${index} of ${text}`);
    return token;
  };
  // && binds tighter than ||; the patterns parenthesize every mixture anyway.
  const parseOr = (): Node => {
    let left = parseAnd();
    while (peek() === "||") {
      take();
      left = { kind: "or", left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Node => {
    let left = parseTerm();
    while (peek() === "&&") {
      take();
      left = { kind: "and", left, right: parseTerm() };
    }
    return left;
  };
  const parseTerm = (): Node => {
    if (peek() === "(") {
      take("(");
      const inner = parseOr();
      take(")");
      return inner;
    }
    const selector = take();
    if (!selector.startsWith("$.")) throw new Error(`expected a $. selector, got ${selector}`);
    const path = selector.slice(2).split(".");
    const op = take();
    if (/^NOT\s+EXISTS$/.test(op)) return { kind: "notExists", selector: path };
    if (op !== "=" && op !== "!=") throw new Error(`operator ${op} is outside the subset`);
    const raw = take();
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    return { kind: "compare", selector: path, op, value };
  };
  const tree = parseOr();
  if (index !== tokens.length) throw new Error(`unexpected ${tokens[index]} in ${text}`);
  return tree;
}

function select(event: Json, path: string[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (node !== null && typeof node === "object" ? (node as Json)[key] : undefined),
    event,
  );
}

function valueMatches(actual: string, expected: string): boolean {
  const escaped = expected.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`).test(actual);
}

function evaluate(node: Node, event: Json): boolean {
  switch (node.kind) {
    case "and":
      return evaluate(node.left, event) && evaluate(node.right, event);
    case "or":
      return evaluate(node.left, event) || evaluate(node.right, event);
    case "notExists":
      return select(event, node.selector) === undefined;
    case "compare": {
      const actual = select(event, node.selector);
      if (actual === undefined || actual === null || typeof actual === "object") return false;
      const equal = valueMatches(String(actual), node.value);
      return node.op === "=" ? equal : !equal;
    }
  }
}
