/** npm run docs [-- --check]: rewrites README.md's generated sections (config reference, versions). */
import { readFileSync, writeFileSync } from "fs";
import { EXIT, main, parseCommandLine } from "../cli/command-line";
import { withGeneratedSections } from "./generated-sections";
import { COST_KNOBS_PAGE, costKnobsPage } from "./cost-knobs";

const USAGE = `usage: npm run docs [-- --check]
  Rewrites README.md's generated sections from their sources: the config reference from
  src/config/schema.ts and the shipped configs, the version table from versions.json.
  --check   change nothing; exit 1 when README.md is out of date`;

function docs(argv: string[]): number {
  const { values } = parseCommandLine(argv, { check: { type: "boolean" } });
  const current = readFileSync("README.md", "utf8");
  const next = withGeneratedSections(current);
  const knobs = costKnobsPage();
  const knobsCurrent = (() => {
    try {
      return readFileSync(COST_KNOBS_PAGE, "utf8");
    } catch {
      return "";
    }
  })();
  if (values.check) {
    if (knobs !== knobsCurrent) {
      console.error(`docs: ${COST_KNOBS_PAGE} is out of date; run npm run docs`);
      return EXIT.refused;
    }
    if (next === current) return EXIT.ok;
    console.error("docs: README.md is out of date; run npm run docs");
    return EXIT.refused;
  }
  writeFileSync(COST_KNOBS_PAGE, knobs);
  writeFileSync("README.md", next);
  console.log(next === current ? "docs: README.md was current" : "docs: README.md updated");
  return EXIT.ok;
}

main({ name: "docs", usage: USAGE, run: docs });
