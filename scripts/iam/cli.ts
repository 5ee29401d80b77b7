/**
 * npm run iam -- [--compare BASE_SYNTH_DIR] [SYNTH_DIR]
 *
 * Prints each CI identity's effective powers in plain words (identity x service x access level:
 * read, write, permissions management) from the synthesized bootstrap stacks; with --compare, the
 * powers a change adds (+) and removes (-) against another synth output. Exit 0 done, 2 bad input.
 */
import { existsSync } from "fs";
import { EXIT, main, parseCommandLine, Tool, UsageError } from "../cli/command-line";
import { readStacks } from "./inventory";
import { comparePowers, identityPowers, renderPowers, type IdentityPowers } from "./powers";

const USAGE = `usage: npm run iam -- [--compare BASE_SYNTH_DIR] [SYNTH_DIR]

Prints what each CI identity (auth-<env>-ci-plan-pr, -ci-plan, -ci-deploy, -ci-platform) may do,
per service and access level, from SYNTH_DIR/stacks/auth-*-bootstrap (default SYNTH_DIR: cdktf.out).

  --compare DIR   print only the powers added (+) and removed (-) relative to the synth output in DIR

Exit codes: 0 printed, 2 usage or unreadable synth output.`;

async function powersOf(directory: string): Promise<IdentityPowers[]> {
  if (!existsSync(directory))
    throw new UsageError(`${directory} does not exist: run npm run synth first, or name the synth output directory`);
  const stacks = Object.entries(readStacks(directory)).filter(([name]) => name.endsWith("-bootstrap"));
  if (stacks.length === 0) throw new UsageError(`no bootstrap stack under ${directory}/stacks`);
  return (
    await Promise.all(stacks.sort(([a], [b]) => a.localeCompare(b)).map(([name, json]) => identityPowers(name, json)))
  ).flat();
}

export const iamTool: Tool = {
  name: "iam",
  usage: USAGE,
  run: async (argv) => {
    const { values, positionals } = parseCommandLine(argv, { compare: { type: "string" } }, true);
    if (positionals.length > 1) throw new UsageError(`expected one synth output directory, got ${positionals.length}`);
    const current = await powersOf(positionals[0] ?? "cdktf.out");
    process.stdout.write(
      values.compare ? comparePowers(await powersOf(values.compare), current) : renderPowers(current),
    );
    return EXIT.ok;
  },
};

if (require.main === module) main(iamTool);
