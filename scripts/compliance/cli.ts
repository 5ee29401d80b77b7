/**
 * npm run compliance -- [--rules] [--out FILE] [SYNTH_DIR]
 *
 * Runs the compliance pack (src/compliance) over every stack of a synth output directory
 * (default cdktf.out): prints controls × stacks, the open findings with their fix, and every
 * suppression with its reason. Exit 0 when no error is open, 1 when one is, 2 on bad input.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { blockingFindings, evaluateStack, StackReport } from "../../src/compliance/evaluate";
import { renderReport, renderRuleCatalogue } from "../../src/compliance/report";
import { RULES } from "../../src/compliance/rules";
import { EXIT, main, parseCommandLine, Tool, UsageError } from "../cli/command-line";

const USAGE = `usage: npm run compliance -- [--rules] [--out FILE] [SYNTH_DIR]

Checks every stack in SYNTH_DIR/stacks/*/cdk.tf.json (default SYNTH_DIR: cdktf.out) against the
compliance pack and prints a table of controls x stacks, open findings and suppressions.

  --rules      print the rule catalogue (id, profile, FSBP/checkov/trivy ids) and exit
  --out FILE   also write the report to FILE

Exit codes: 0 no open error, 1 open errors, 2 usage or unreadable synth output.`;

/** Reads and evaluates every stack of a synth output directory; bad input is a UsageError. */
export function evaluateSynthOutput(directory: string): StackReport[] {
  const stacksDir = join(directory, "stacks");
  if (!existsSync(stacksDir))
    throw new UsageError(`${stacksDir} does not exist: run npm run synth first, or name the synth output directory`);
  const stacks = readdirSync(stacksDir)
    .filter((name) => existsSync(join(stacksDir, name, "cdk.tf.json")))
    .sort();
  if (stacks.length === 0) throw new UsageError(`no stack (cdk.tf.json) under ${stacksDir}`);
  return stacks.map((stack) => {
    const file = join(stacksDir, stack, "cdk.tf.json");
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    if (!json || typeof json !== "object" || Array.isArray(json))
      throw new UsageError(`${file} is not a Terraform JSON configuration`);
    return evaluateStack(stack, json as object);
  });
}

export const complianceTool: Tool = {
  name: "compliance",
  usage: USAGE,
  run: (argv) => {
    const { values, positionals } = parseCommandLine(
      argv,
      { rules: { type: "boolean" }, out: { type: "string" } },
      true,
    );
    if (values.rules) {
      process.stdout.write(`${renderRuleCatalogue(RULES)}\n`);
      return EXIT.ok;
    }
    if (positionals.length > 1) throw new UsageError(`expected one synth output directory, got ${positionals.length}`);
    const reports = evaluateSynthOutput(positionals[0] ?? "cdktf.out");
    const report = renderReport(reports, RULES);
    process.stdout.write(report);
    if (values.out) writeFileSync(values.out, report);
    return blockingFindings(reports).length > 0 ? EXIT.refused : EXIT.ok;
  },
};

if (require.main === module) main(complianceTool);
