/**
 * npm run plan-report -- [options] [STACK=]PLAN.json...
 * Thin shell over report.ts: reads plans (or the plan job's redacted summaries), prints the report,
 * writes the report and the pull request comment, and maps the guard's verdict to the exit code.
 */
import { readFileSync, writeFileSync } from "fs";
import { basename } from "path";
import { EXIT, main, parseCommandLine, Tool, UsageError } from "../cli/command-line";
import { BadPlanError, readPlanDocument } from "./plan-input";
import { guardPolicyFor } from "./policy";
import { planCost } from "../../src/cost/plan-delta";
import {
  allowedFromDescription,
  blockers,
  fromSummary,
  parsePlan,
  renderComment,
  renderReport,
  StackPlan,
} from "./report";

const USAGE = `usage: npm run plan-report -- [options] [STACK=]PLAN.json...

PLAN.json is \`terraform show -json PLANFILE\` output, or a *.summary.json the plan job wrote.
The stack name is STACK, the summary's stack, or the file's base name.

  --allow ADDRESS       a deliberate risky change (ADDRESS or STACK:ADDRESS); repeatable
  --allow-from FILE     read "Allow-Data-Loss: ADDRESS" lines from FILE (a pull request description)
  --iam-changes FILE    add the change in the CI identities' IAM powers (npm run iam -- --compare BASE output)
  --expect STACK        a stack whose plan must be present; a missing one blocks; repeatable
  --out FILE            write the full Markdown report to FILE
  --comment FILE        write the pull request comment (marker, commit, run link, cut to GitHub's limit)
  --commit SHA          commit the plans are for (with --comment)
  --run-url URL         workflow run holding the full report (with --comment)
  -h, --help            this text

Exit codes: 0 safe, 1 blocked by the data-loss guard or a missing plan, 2 bad usage or bad input
(a missing file, malformed JSON, not a plan, an unsupported format version).`;

const OPTIONS = {
  allow: { type: "string", multiple: true },
  "allow-from": { type: "string" },
  "iam-changes": { type: "string" },
  expect: { type: "string", multiple: true },
  out: { type: "string" },
  comment: { type: "string" },
  commit: { type: "string" },
  "run-url": { type: "string" },
} as const;

function readInput(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "no such file"
        : ((error as NodeJS.ErrnoException).code ?? "unreadable");
    throw new BadPlanError(`cannot read ${path}: ${reason}`);
  }
}

function loadPlan(argument: string): StackPlan {
  const named = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(argument);
  const path = named ? named[2] : argument;
  const document = readPlanDocument(path, readInput(path));
  if (document.kind === "summary") {
    const plan = fromSummary(document.json);
    return named ? { ...plan, stack: named[1] } : plan;
  }
  const stack = named ? named[1] : basename(path).replace(/(\.plan)?\.json$/, "");
  return { ...parsePlan(stack, document.json, guardPolicyFor(stack)), cost: planCost(stack, document.json) };
}

function run(argv: string[]): number {
  const { values, positionals } = parseCommandLine(argv, OPTIONS, true);
  const expected = values.expect ?? [];
  if (positionals.length === 0 && expected.length === 0) throw new UsageError("no plan given");
  if (values.comment && (!values.commit || !values["run-url"]))
    throw new UsageError("--comment needs --commit and --run-url");
  const allow = [
    ...(values.allow ?? []),
    ...(values["allow-from"] ? allowedFromDescription(readInput(values["allow-from"])) : []),
  ];
  let plans: StackPlan[];
  try {
    plans = positionals.map(loadPlan);
  } catch (error) {
    if (error instanceof BadPlanError) throw new UsageError(error.message);
    throw error;
  }
  const missing = expected.filter((stack) => !plans.some((plan) => plan.stack === stack));
  const report = renderReport(plans, {
    allow,
    missing,
    ...(values["iam-changes"] ? { iamChanges: readInput(values["iam-changes"]) } : {}),
  });
  process.stdout.write(report);
  if (values.out) writeFileSync(values.out, report);
  if (values.comment)
    writeFileSync(values.comment, renderComment(report, { commit: values.commit!, runUrl: values["run-url"]! }));
  return blockers(plans, allow).length > 0 || missing.length > 0 ? EXIT.refused : EXIT.ok;
}

export const planReportTool: Tool = { name: "plan-report", usage: USAGE, run };

if (require.main === module) main(planReportTool);
