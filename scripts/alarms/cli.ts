/**
 * npm run alarms -- [--env ENV] [--markdown] [SYNTH_DIR]
 *
 * Prints the alarm catalog of a synth output (default cdktf.out): every alarm's name, the metric it
 * watches, its threshold and the runbook section its description links. Exit 0, or 2 on bad input.
 */
import { existsSync, readdirSync, readFileSync } from "fs";
import { join } from "path";
import { stackNamePrefix } from "../../src/config/naming";
import { EXIT, main, parseCommandLine, Tool, UsageError } from "../cli/command-line";
import { alarmRows, AlarmRow, renderMarkdown, renderTable } from "./catalog";

const USAGE = `usage: npm run alarms -- [--env ENV] [--markdown] [SYNTH_DIR]

Prints every alarm of the stacks in SYNTH_DIR/stacks/*/cdk.tf.json (default SYNTH_DIR: cdktf.out,
written by npm run synth): name, metric, threshold and runbook section (docs/how-to/runbooks.md).

  --env ENV    only the stacks of environment ENV (auth-ENV-*)
  --markdown   one Markdown table instead of a text table per stack

Exit codes: 0 printed, 2 usage or unreadable synth output.`;

/** The alarm rows of every stack in a synth output directory; bad input is a UsageError. */
export function readAlarmCatalog(directory: string, environment?: string): AlarmRow[] {
  const stacksDir = join(directory, "stacks");
  if (!existsSync(stacksDir))
    throw new UsageError(`${stacksDir} does not exist: run npm run synth first, or name the synth output directory`);
  const stacks = readdirSync(stacksDir)
    .filter((name) => existsSync(join(stacksDir, name, "cdk.tf.json")))
    .filter((name) => environment === undefined || name.startsWith(stackNamePrefix(environment)))
    .sort();
  if (stacks.length === 0)
    throw new UsageError(
      `no stack${environment ? ` of environment ${environment}` : ""} (cdk.tf.json) under ${stacksDir}`,
    );
  return stacks.flatMap((stack) => {
    const file = join(stacksDir, stack, "cdk.tf.json");
    try {
      return alarmRows(stack, JSON.parse(readFileSync(file, "utf8")));
    } catch (error) {
      throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
  });
}

export const alarmsTool: Tool = {
  name: "alarms",
  usage: USAGE,
  run: (argv) => {
    const { values, positionals } = parseCommandLine(
      argv,
      { env: { type: "string" }, markdown: { type: "boolean" } },
      true,
    );
    if (positionals.length > 1) throw new UsageError(`expected one synth output directory, got ${positionals.length}`);
    if (values.env !== undefined && !/^[a-z][a-z0-9]{1,15}$/.test(values.env))
      throw new UsageError(`--env must be an environment name such as staging, got "${values.env}"`);
    const rows = readAlarmCatalog(positionals[0] ?? "cdktf.out", values.env);
    process.stdout.write(`${values.markdown ? renderMarkdown(rows) : renderTable(rows)}\n`);
    return EXIT.ok;
  },
};

if (require.main === module) main(alarmsTool);
