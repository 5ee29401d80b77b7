/**
 * npm run plan-report -- [--allow ADDRESS]... [--out FILE] [STACK=]PLAN.json...
 *
 * PLAN.json is `terraform show -json` output; the stack name is STACK or the file's base name.
 * Prints the Markdown report (and writes it to FILE). Exit code 1 when a plan replaces or destroys
 * a stateful resource that no --allow names, 2 on bad usage.
 */
import { readFileSync, writeFileSync } from "fs";
import { basename } from "path";
import { dataLoss, parsePlan, renderReport } from "./report";

function main(argv: string[]): number {
  const allow: string[] = [];
  const inputs: { stack: string; path: string }[] = [];
  let out: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === "--allow" || argument === "--out") {
      const value = argv[++index];
      if (!value) return usage(`${argument} needs a value`);
      if (argument === "--allow") allow.push(value);
      else out = value;
    } else if (argument.startsWith("--")) {
      return usage(`unknown option ${argument}`);
    } else {
      const [stack, path] = argument.includes("=") ? argument.split("=", 2) : [basename(argument).replace(/(\.plan)?\.json$/, ""), argument];
      inputs.push({ stack, path });
    }
  }
  if (inputs.length === 0) return usage("no plan given");
  const plans = inputs.map(({ stack, path }) => parsePlan(stack, JSON.parse(readFileSync(path, "utf8"))));
  const report = renderReport(plans, allow);
  process.stdout.write(report);
  if (out) writeFileSync(out, report);
  return dataLoss(plans, allow).length > 0 ? 1 : 0;
}

function usage(problem: string): number {
  console.error(`plan-report: ${problem}\nusage: npm run plan-report -- [--allow ADDRESS]... [--out FILE] [STACK=]PLAN.json...`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
