/**
 * npm run workflows [-- --check]
 * Writes the generated workflows from config; --check exits 1 when a committed one is stale.
 */
import { existsSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { environments } from "../../src/config";
import type { EnvironmentConfig } from "../../src/config/schema/schema";
import { SCHEDULED_CHECKS_WORKFLOW } from "../../src/config/naming";
import { EXIT, main, parseCommandLine, Tool } from "../cli/command-line";
import {
  ENVIRONMENT_WORKFLOWS,
  mainWorkflow,
  pullRequestWorkflow,
  releaseWorkflow,
  terraformCloudWorkflow,
} from "./environment-workflows";
import { scheduledChecksWorkflow } from "./scheduled-checks";

const USAGE = `usage: npm run workflows [-- --check]

Generates ${SCHEDULED_CHECKS_WORKFLOW} from each environment's scheduledChecks, and the
environment lists of ${Object.values(ENVIRONMENT_WORKFLOWS).join(", ")}
from the registered environments (src/config/index.ts, in promotion order).
  --check     write nothing; exit 1 when the committed file differs from what config generates
  -h, --help  this text

Exit codes: 0 written or up to date, 1 stale (with --check), 2 bad usage.`;

const ROOT = join(__dirname, "..", "..");

/**
 * Every generated workflow: path from the repository root, and its text. The scheduled checks are
 * generated whole; the others keep their hand-written steps, and their environment lists follow
 * the registered environments (src/config/index.ts, in promotion order).
 */
export function generatedWorkflows(root = ROOT): { path: string; text: string }[] {
  const configs = Object.values(environments as Record<string, EnvironmentConfig>);
  const order = configs.map((config) => config.environment);
  const rewrite = (path: string, generate: (current: string, order: readonly string[]) => string) => ({
    path,
    text: generate(readFileSync(join(root, path), "utf8"), order),
  });
  return [
    { path: SCHEDULED_CHECKS_WORKFLOW, text: scheduledChecksWorkflow(configs) },
    rewrite(ENVIRONMENT_WORKFLOWS.main, mainWorkflow),
    rewrite(ENVIRONMENT_WORKFLOWS.release, releaseWorkflow),
    rewrite(ENVIRONMENT_WORKFLOWS.pullRequest, pullRequestWorkflow),
    rewrite(ENVIRONMENT_WORKFLOWS.terraformCloud, terraformCloudWorkflow),
  ];
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, { check: { type: "boolean" } });
  const root = ROOT;
  let stale = 0;
  for (const { path, text } of generatedWorkflows(root)) {
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
