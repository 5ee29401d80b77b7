/** npm run dr:drill -- --env ENV --dry-run: prints the quarterly DR drill's steps, what each creates, and its budget. */
import { environments } from "../../src/config";
import { ConfigError, validateConfigs } from "../../src/config/rules/validate";
import { EXIT, main, parseCommandLine, Tool, UsageError } from "../cli/command-line";
import { drillSteps, renderDrill } from "./drill";

const USAGE = `usage: npm run dr:drill -- --env ENV --dry-run

Prints the quarterly disaster-recovery drill of ENV: restore the data tier into aws.drRegion
without cutting over, verify, measure, tear down. For each step: the exact command, what it
creates and its time budget. Nothing is run: the operator runs the commands (the runbook,
docs/how-to/disaster-recovery.md, says how to record the times).

  --env ENV    the environment to drill (it needs dr.pilotLight)
  --dry-run    required: print the plan only
  -h, --help   this text

Exit codes: 0 printed, 1 refused (no --dry-run, or ENV has no pilot light), 2 bad usage.`;

export const drDrillTool: Tool = {
  name: "dr:drill",
  usage: USAGE,
  run(argv) {
    const { values } = parseCommandLine(argv, { env: { type: "string" }, "dry-run": { type: "boolean" } });
    if (!values.env) throw new UsageError("--env ENV is required");
    const raw = (environments as Record<string, unknown>)[values.env];
    if (!raw)
      throw new UsageError(`unknown environment ${values.env} (known: ${Object.keys(environments).join(", ")})`);
    if (!values["dry-run"]) {
      console.error(
        "dr:drill: only --dry-run is automated: the drill's commands are run by an operator, following docs/how-to/disaster-recovery.md",
      );
      return EXIT.refused;
    }
    let config;
    try {
      [config] = validateConfigs({ [values.env]: raw });
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(error.problems.join("; "));
      throw error;
    }
    if (!config.dr.pilotLight) {
      console.error(
        `dr:drill: ${values.env} has no pilot light (dr.pilotLight is false): there is nothing to restore from`,
      );
      return EXIT.refused;
    }
    process.stdout.write(renderDrill(values.env, drillSteps(config)));
    return EXIT.ok;
  },
};

if (require.main === module) main(drDrillTool);
