/**
 * npm run workflows [-- --check]
 * Writes the generated workflows from config; --check exits 1 when a committed one is stale.
 */
import { existsSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { environments } from "../../src/config";
import type { EnvironmentConfig } from "../../src/config/schema";
import { SCHEDULED_CHECKS_WORKFLOW } from "../../src/stacks/naming";
import { EXIT, main, parseCommandLine, Tool } from "../cli/command-line";
import { scheduledChecksWorkflow } from "./scheduled-checks";

const USAGE = `usage: npm run workflows [-- --check]

Generates ${SCHEDULED_CHECKS_WORKFLOW} from each environment's scheduledChecks.
  --check     write nothing; exit 1 when the committed file differs from what config generates
  -h, --help  this text

Exit codes: 0 written or up to date, 1 stale (with --check), 2 bad usage.`;

/** Every generated workflow: path from the repository root, and its text. */
export function generatedWorkflows(): { path: string; text: string }[] {
  return [{ path: SCHEDULED_CHECKS_WORKFLOW, text: scheduledChecksWorkflow(Object.values(environments as Record<string, EnvironmentConfig>)) }];
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, { check: { type: "boolean" } });
  const root = join(__dirname, "..", "..");
  let stale = 0;
  for (const { path, text } of generatedWorkflows()) {
    const file = join(root, path);
    const current = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    if (current === text) continue;
    if (values.check) {
      console.error(`${path} is stale: run npm run workflows`);
      stale++;
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${path}`);
    }
  }
  return stale > 0 ? EXIT.refused : EXIT.ok;
}

export const workflowsTool: Tool = { name: "workflows", usage: USAGE, run };

if (require.main === module) main(workflowsTool);
