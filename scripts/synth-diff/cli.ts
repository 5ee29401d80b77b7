/**
 * npm run synth:diff: what a change does to the synthesized Terraform. Synthesizes a git revision
 * (an exported copy, never a checkout) and the working tree, and compares every file as JSON.
 */
const USAGE = `usage: npm run synth:diff -- [--base REV] [--keep]
  Synthesizes every stack of every environment twice, at REV (default main; git archive into a
  temporary folder under .synth-diff/, with this checkout's node_modules hard-linked in) and from
  the working tree, and compares the
  outputs file by file as JSON, so formatting alone is not a difference. Prints one line per
  differing value (file: path: before -> after); a refactor that must not change behaviour shows
  none, an intended change shows exactly its own lines.
  --base REV  the revision to compare with (default main)
  --keep      keep the temporary folder
  Exit 0 same Terraform, 1 the Terraform differs, 2 usage, 3 failure.`;
import { execFileSync, spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, rmSync } from "fs";
import { join } from "path";
import { EXIT, UsageError, main, parseCommandLine } from "../cli/command-line";
import { compareSynthOutputs, folderTree } from "../cdktn/synth-diff";

const root = join(__dirname, "..", "..");

function synthesize(project: string, outdir: string): void {
  // AUTH_ENV unset: every environment, whatever the caller's shell selects.
  const result = spawnSync(process.execPath, [join(project, "scripts", "synth.mjs")], {
    cwd: project,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, CDKTF_OUTDIR: outdir, AUTH_ENV: "", SYNTH_HCL_OUTPUT: "", CHECKPOINT_DISABLE: "1" },
  });
  if (result.status !== 0) throw new Error(`synthesis in ${project} failed (exit ${result.status ?? result.signal})`);
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, { base: { type: "string" }, keep: { type: "boolean" } });
  const base = values.base ?? "main";
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  let commit: string;
  try {
    commit = git("rev-parse", "--verify", "--quiet", `${base}^{commit}`).trim();
  } catch {
    throw new UsageError(`--base ${base} is not a revision of this repository`);
  }
  // Inside the checkout, so node_modules can be hard-linked (same file system) rather than symlinked:
  // esbuild names bundled modules by their real path, so a symlink would change the Lambda bundles.
  mkdirSync(join(root, ".synth-diff"), { recursive: true });
  const work = mkdtempSync(join(root, ".synth-diff", "run-"));
  try {
    const copy = join(work, "base");
    mkdirSync(copy);
    execFileSync("sh", ["-c", `git archive ${commit} | tar -x -C "${copy}"`], { cwd: root });
    execFileSync("cp", ["-al", join(root, "node_modules"), join(copy, "node_modules")]);
    console.log(`synth:diff: synthesizing ${base} (${commit.slice(0, 7)}) and the working tree...`);
    synthesize(copy, join(work, "before"));
    synthesize(root, join(work, "after"));
    const result = compareSynthOutputs(folderTree(join(work, "before")), folderTree(join(work, "after")));
    for (const difference of result.differences) console.log(difference);
    const compared = result.same.length + result.formattingOnly.length;
    console.log(
      result.differences.length === 0
        ? `synth:diff: same Terraform as ${base} (${compared} files)`
        : `synth:diff: ${result.differences.length} differences from ${base} (${compared} files the same)`,
    );
    return result.differences.length === 0 ? EXIT.ok : EXIT.refused;
  } finally {
    if (values.keep) console.log(`synth:diff: kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main({ name: "synth:diff", usage: USAGE, run });
