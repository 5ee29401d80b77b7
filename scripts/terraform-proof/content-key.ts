/**
 * What Terraform's result for a prepared stack directory depends on, as one hash: every file in the
 * directory (path and bytes, `.terraform` and plan files excepted), the files outside it that the
 * configuration reads (the upstream states), and the commands run. Two stack variants with the same
 * key get byte-identical input, so planning the second proves nothing the first did not: the proof
 * plans once and checks each variant against that plan. Any differing byte gives another key.
 */
import { createHash } from "crypto";
import { readdirSync, readFileSync } from "fs";
import { join, relative } from "path";

/** Working data Terraform writes itself (init, plan), not input. */
const NOT_INPUT = new Set([".terraform", "plan.bin"]);

/** Configuration that can see its own folder: then the folder's path is input too. */
const READS_ITS_PATH = /\bpath\.(module|root|cwd)\b|\babspath\s*\(/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !NOT_INPUT.has(entry.name))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/**
 * The key of a stack directory. `commands` names what runs on it (e.g. "init,validate,plan");
 * `pending` are files written into it later, before the plan (path relative to dir, text);
 * `outside` are files it reads from elsewhere (absolute paths).
 */
export function contentKey(
  dir: string,
  commands: string,
  pending: ReadonlyArray<readonly [string, string]> = [],
  outside: readonly string[] = [],
): string {
  const hash = createHash("sha256");
  const add = (label: string, bytes: Buffer | string) => {
    hash.update(`${label}\0${Buffer.byteLength(bytes)}\0`);
    hash.update(bytes);
  };
  add("commands", commands);
  let readsPath = false;
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    if (READS_ITS_PATH.test(bytes.toString("latin1"))) readsPath = true;
    add(`file ${relative(dir, file)}`, bytes);
  }
  for (const [path, text] of pending) {
    if (READS_ITS_PATH.test(text)) readsPath = true;
    add(`pending ${path}`, text);
  }
  for (const file of [...outside].sort()) add(`outside ${file}`, readFileSync(file));
  if (readsPath) add("folder", dir);
  return hash.digest("hex");
}
