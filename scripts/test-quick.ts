/**
 * `npm run test:quick`: the inner loop. The type check (incremental, as tsconfig.json sets it) and
 * the unit tests related to the files changed since the last commit, both at once. A change under src/ or to main.ts also runs every test that reads the synthesized
 * app (they import __tests__/support/synth.ts): jest cannot see that they depend on the source.
 * Jest's global setup keeps the last synthesis when none of its inputs changed (JEST_REUSE_SYNTH=1).
 */
import { spawn, spawnSync } from "child_process";
import { existsSync } from "fs";
import { join, resolve } from "path";
import { EXIT, main, parseCommandLine } from "./cli/command-line";
import { relatedInputs } from "./quick/related";

const USAGE = `usage: npm run test:quick [-- --since REV]
  Type check (tsc --noEmit --incremental) and the unit tests related to the files changed since the
  last commit (or since REV), side by side. Exit 0 both passed, 1 one failed, 2 usage.
  Before pushing, run npm test.`;

const ROOT = resolve(__dirname, "..");
/** Files changed since `since` (HEAD: uncommitted work), untracked ones included. */
export function changedFiles(since = "HEAD"): string[] {
  const git = (...args: string[]) =>
    spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  return [
    ...new Set([...git("diff", "--name-only", since), ...git("ls-files", "--others", "--exclude-standard")]),
  ].filter((path) => existsSync(join(ROOT, path)));
}

function exitOf(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((done) =>
    spawn(command, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...env } }).on("close", (code) =>
      done(code ?? 1),
    ),
  );
}

async function quick(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, { since: { type: "string" } });
  const changed = changedFiles(values.since);
  const inputs = relatedInputs(changed);
  const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);
  console.log(`test:quick: ${changed.length} changed files; type check and related unit tests at once`);
  // tsconfig.json makes it incremental (dist/.tsbuildinfo), shared with npm run lint's type check.
  const typeCheck = exitOf(bin("tsc"), ["--noEmit"]);
  const unit =
    inputs.length === 0
      ? Promise.resolve(0)
      : exitOf(bin("jest"), ["--findRelatedTests", ...inputs, "--passWithNoTests"], { JEST_REUSE_SYNTH: "1" });
  const [types, tests] = await Promise.all([typeCheck, unit]);
  if (inputs.length === 0) console.log("test:quick: no changed source: no unit test to run");
  console.log(
    `test:quick: type check ${types === 0 ? "passed" : "FAILED"}, related unit tests ${tests === 0 ? "passed" : "FAILED"}`,
  );
  return types === 0 && tests === 0 ? EXIT.ok : EXIT.refused;
}

main({ name: "test:quick", usage: USAGE, run: quick });
