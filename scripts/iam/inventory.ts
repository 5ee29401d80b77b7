/**
 * npm run iam:inventory -- SYNTH_DIR
 *
 * Records what each environment's layers synthesize (src/iam/layer-inventory.json), from a synth
 * output that includes the restore stacks (the npm script synthesizes one with AUTH_DR_RESTORE=1).
 * The CI identities' policies are generated from it; a test fails when it differs from the synth.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { environments } from "../../src/config";
import { validateConfigs } from "../../src/config/rules/validate";
import { inventoryFile } from "../../src/iam/inventory-store";
import { projectRoot } from "../../src/project-root";
import { EXIT, main, parseCommandLine, Tool, UsageError } from "../cli/command-line";

const USAGE = `usage: npm run iam:inventory [-- SYNTH_DIR]

Writes src/iam/layer-inventory.json from SYNTH_DIR/stacks/*/cdk.tf.json (restore stacks included).
Exit codes: 0 written, 2 usage or unreadable synth output.`;

/** Every stack's cdk.tf.json of a synth output, by stack name. */
export function readStacks(directory: string): Record<string, object> {
  const stacksDir = join(directory, "stacks");
  if (!existsSync(stacksDir)) throw new UsageError(`${stacksDir} does not exist`);
  const stacks: Record<string, object> = {};
  for (const name of readdirSync(stacksDir)) {
    const file = join(stacksDir, name, "cdk.tf.json");
    if (existsSync(file)) stacks[name] = JSON.parse(readFileSync(file, "utf8"));
  }
  return stacks;
}

/** The account of each configured environment. */
export function accountOf(environment: string): string {
  const config = validateConfigs(environments).find((candidate) => candidate.environment === environment);
  if (!config) throw new UsageError(`no config for environment ${environment}`);
  return config.aws.accountId;
}

export const inventoryTool: Tool = {
  name: "iam:inventory",
  usage: USAGE,
  run: (argv) => {
    const { positionals } = parseCommandLine(argv, {}, true);
    if (positionals.length !== 1) throw new UsageError("expected one synth output directory");
    const file = inventoryFile(readStacks(positionals[0]), accountOf);
    writeFileSync(join(projectRoot(), "src", "iam", "layer-inventory.json"), `${JSON.stringify(file, null, 2)}\n`);
    process.stdout.write(`src/iam/layer-inventory.json: ${Object.keys(file).join(", ")}\n`);
    return EXIT.ok;
  },
};

if (require.main === module) main(inventoryTool);
