/** npm run docs [-- --check] [--synth-dir DIR]: rewrites every generated document (scripts/docs/pages.ts). */
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { EXIT, main, parseCommandLine, UsageError } from "../cli/command-line";
import { generatedFiles } from "./pages";

const USAGE = `usage: npm run docs [-- --check] [--synth-dir DIR]
  Rewrites every generated document from its source: help (the npm scripts), README's stack
  diagram, and docs/reference: config (the zod schema and the shipped configs), cli (each tool's
  --help), stacks (the handovers), alarms (the synthesized stacks), cost-knobs, versions, tests
  and compliance-rules.
  --check          change nothing; exit 1 when a generated document is out of date
  --synth-dir DIR  read the alarms from this synth output of every environment (default: synthesize
                   into a temporary directory first, about half a minute)`;

const root = join(__dirname, "..", "..");

function synthesize(): string {
  const outdir = mkdtempSync(join(tmpdir(), "docs-synth-"));
  const result = spawnSync(process.execPath, [join(root, "scripts", "synth.mjs")], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      CDKTF_OUTDIR: outdir,
      AUTH_ENV: "",
      CDKTF_CONTEXT_JSON: "",
      SYNTH_HCL_OUTPUT: "",
      AUTH_DR_RESTORE: "",
    },
  });
  if (result.status !== 0) throw new Error(`synth failed (exit ${result.status})`);
  return outdir;
}

function docs(argv: string[]): number {
  const { values } = parseCommandLine(argv, { check: { type: "boolean" }, "synth-dir": { type: "string" } });
  if (values["synth-dir"] !== undefined && !existsSync(values["synth-dir"]))
    throw new UsageError(`--synth-dir ${values["synth-dir"]} does not exist`);
  const synthDir = values["synth-dir"] ?? synthesize();
  try {
    const stale = [...generatedFiles({ root, synthDir })].filter(([file, text]) => {
      const path = join(root, file);
      return !existsSync(path) || readFileSync(path, "utf8") !== text;
    });
    if (values.check) {
      for (const [file] of stale) console.error(`docs: ${file} is out of date; run npm run docs`);
      return stale.length > 0 ? EXIT.refused : EXIT.ok;
    }
    for (const [file, text] of stale) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
      console.log(`docs: ${file} updated`);
    }
    if (stale.length === 0) console.log("docs: every generated document was current");
    return EXIT.ok;
  } finally {
    if (values["synth-dir"] === undefined) rmSync(synthDir, { recursive: true, force: true });
  }
}

export const docsTool = { name: "docs", usage: USAGE, run: docs };

if (require.main === module) main(docsTool);
