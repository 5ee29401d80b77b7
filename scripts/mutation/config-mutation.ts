/**
 * The config-mutation proof (issue #26, "one home"): change values in the production config that
 * tests and docs used to restate (the DB instance class, two data-alarm thresholds), regenerate
 * what is generated, and run the tests the change can reach plus the staleness checks. They stay
 * green when every test reads its expectation from config or the catalogue, and every doc that
 * shows a config value generates it.
 */
import { readdirSync, readFileSync, writeFileSync } from "fs";
import { join, relative } from "path";
import { DB_INSTANCE_CLASSES } from "../../src/config/schema/catalogue";
import { validateConfigs } from "../../src/config/rules/validate";
import { production } from "../../src/config/environments/production";
import { CATALOGUE as PRICES } from "../../src/cost/catalogue";

/** One textual edit of a config file, and what it changes (for picking the tests it can reach). */
export interface ConfigEdit {
  readonly file: string;
  readonly from: string;
  readonly to: string;
  /** Config keys whose value changes. */
  readonly keys: readonly string[];
  /** The values they had, as a test that pins one would spell them. */
  readonly oldValues: readonly string[];
}

/** The production DB class and two of its data-alarm thresholds, each moved to another valid value. */
export function productionMutation(): ConfigEdit[] {
  const [config] = validateConfigs({ production });
  const current = config.data.postgres.instanceClass;
  // Another catalogued class the offline price catalogue prices, so `npm run cost` keeps working.
  const next = Object.keys(DB_INSTANCE_CLASSES).find(
    (name) => name !== current && PRICES.has(`rds-postgres:${name}` as never),
  );
  if (!next)
    throw new Error(
      "no second DB instance class is both catalogued and priced (src/config/schema/catalogue.ts, src/cost/catalogue.ts)",
    );
  const { dbConnectionsPercent, dbFreeStoragePercent } = config.alarms.data;
  const thresholds = {
    dbConnectionsPercent: dbConnectionsPercent - 10,
    dbFreeStoragePercent: dbFreeStoragePercent + 5,
  };
  return [
    {
      file: "src/config/environments/production.ts",
      from: `instanceClass: "${current}",`,
      to: `instanceClass: "${next}",`,
      keys: ["instanceClass"],
      oldValues: [current],
    },
    {
      file: "src/config/environments/production.ts",
      from: "data: dataAlarmThresholds,",
      to: `data: { ...dataAlarmThresholds, dbConnectionsPercent: ${thresholds.dbConnectionsPercent}, dbFreeStoragePercent: ${thresholds.dbFreeStoragePercent} },`,
      keys: Object.keys(thresholds),
      oldValues: [],
    },
  ];
}

/** Applies the edits in `root`; each `from` must occur exactly once, or the proof would prove nothing. */
export function applyEdits(root: string, edits: readonly ConfigEdit[]): void {
  for (const edit of edits) {
    const path = join(root, edit.file);
    const text = readFileSync(path, "utf8");
    const count = text.split(edit.from).length - 1;
    if (count !== 1) throw new Error(`${edit.file}: expected "${edit.from}" once, found it ${count} times`);
    writeFileSync(path, text.replace(edit.from, edit.to));
  }
}

/**
 * The unit test files the edits can reach: those that name a changed key, or spell an old value
 * (a pinned copy of it). Derived from the edits, so a new test that pins the value is picked up.
 */
export function affectedTests(root: string, edits: readonly ConfigEdit[]): string[] {
  const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // A key anywhere; an old value as a whole token (db.t3.micro, not db.t3.micro2).
  const patterns = edits.flatMap((edit) => [
    ...edit.keys.map((key) => new RegExp(`\\b${escape(key)}\\b`)),
    ...edit.oldValues.map((value) => new RegExp(`(?<![\\w.-])${escape(value)}(?![\\w.-])`)),
  ]);
  const unitTests = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory())
        return ["terraform", "integration", "fixtures", "support"].includes(entry.name) ? [] : unitTests(path);
      return entry.name.endsWith(".test.ts") ? [path] : [];
    });
  return unitTests(join(root, "__tests__"))
    .filter((path) => {
      const text = readFileSync(path, "utf8");
      return patterns.some((pattern) => pattern.test(text));
    })
    .map((path) => relative(root, path))
    .sort();
}
