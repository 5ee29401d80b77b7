/** npm run stacks [-- --env ENV]: every stack in deploy order, with the stacks each one reads from. */
import { TerraformStack } from "cdktf";
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { buildApp } from "../src/app";
import { ConfigError } from "../src/config/rules/validate";
import { deployOrder } from "../src/stacks/shared/deploy-order";
import { EXIT, UsageError, main, parseCommandLine } from "./cli/command-line";

const USAGE = `usage: npm run stacks [-- --env ENV]
  Prints the stacks in deploy order (each after the stacks it reads state from), per environment.`;

function printStacks(argv: string[]): number {
  const { values } = parseCommandLine(argv, { env: { type: "string" } });
  let app;
  try {
    // Nothing is synthesized; the output folder only has to exist for new App().
    app = buildApp({ environment: values.env, outdir: mkdtempSync(join(tmpdir(), "stacks-")) });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.problems.join("; "));
    throw error;
  }
  deployOrder(app).forEach((stack, index) => {
    const reads = (stack.dependencies as TerraformStack[]).map((dependency) => dependency.node.id);
    console.log(
      `${String(index + 1).padStart(2)}. ${stack.node.id.padEnd(32)}${reads.length > 0 ? `after ${reads.join(", ")}` : ""}`,
    );
  });
  return EXIT.ok;
}

main({ name: "stacks", usage: USAGE, run: printStacks });
