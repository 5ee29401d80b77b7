/**
 * npm run cost -- --env ENV [--format table|json|markdown] [--synth-dir DIR]
 * Thin shell over src/cost/: reads (or makes) the synth output of one environment and prints its estimate.
 */
import { execFileSync } from "child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { environments, validateConfigs } from "../../src/config";
import { estimateEnvironment } from "../../src/cost/estimate";
import { Format, FORMATS, render } from "../../src/cost/render";
import { parseStackName } from "../../src/config/naming";
import { EXIT, main, parseCommandLine, Tool, UsageError } from "../cli/command-line";

const USAGE = `usage: npm run cost -- --env ENV [--format table|json|markdown] [--synth-dir DIR]

Prices one environment from its synthesized stacks: monthly (730 h) per resource, per stack and per
category, fixed apart from usage-based (usage from config cost.usage), the fleets in steady state and
during a release, and the restore-mode DR stacks per day of a restore. An estimate from the offline
price catalogue (src/cost/catalogue.ts), not a bill.

  --env ENV         the environment (${Object.keys(environments).join(", ")})
  --format FORMAT   table (default), json or markdown
  --synth-dir DIR   read DIR/stacks/*/cdk.tf.json (npm run synth output; restore stacks priced when present);
                    without it the tool synthesizes ENV, restore mode included, into a temporary directory

Exit codes: 0 printed, 2 usage or bad input, 3 the synthesis failed.`;

/** Every stack JSON of a synth output directory, by stack name. */
export function readStacks(directory: string): Record<string, any> {
  const stacksDir = join(directory, "stacks");
  if (!existsSync(stacksDir))
    throw new UsageError(`${stacksDir} does not exist: run npm run synth first, or leave out --synth-dir`);
  return Object.fromEntries(
    readdirSync(stacksDir)
      .filter((name) => parseStackName(name) && existsSync(join(stacksDir, name, "cdk.tf.json")))
      .map((name) => {
        const file = join(stacksDir, name, "cdk.tf.json");
        try {
          return [name, JSON.parse(readFileSync(file, "utf8"))];
        } catch {
          throw new UsageError(`${file} is not valid JSON`);
        }
      }),
  );
}

/** Synthesizes one environment, restore mode included (it adds the restore stacks and leaves the others as they are). */
function synthesize(environment: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `cost-${environment}-`));
  execFileSync(process.execPath, [join("scripts", "synth.mjs")], {
    env: { ...process.env, AUTH_ENV: environment, AUTH_DR_RESTORE: "1", CDKTF_OUTDIR: dir, CDKTF_CONTEXT_JSON: "" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function run(argv: string[]): number {
  const { values } = parseCommandLine(argv, {
    env: { type: "string" },
    format: { type: "string" },
    "synth-dir": { type: "string" },
  });
  if (!values.env) throw new UsageError("--env is required");
  const config = (environments as Record<string, unknown>)[values.env];
  if (!config)
    throw new UsageError(`unknown environment "${values.env}" (known: ${Object.keys(environments).join(", ")})`);
  const format = (values.format ?? "table") as Format;
  if (!FORMATS.includes(format))
    throw new UsageError(`unknown format "${values.format}" (known: ${FORMATS.join(", ")})`);
  const [valid] = validateConfigs({ [values.env]: config as any });
  const synth = values["synth-dir"] ? { dir: values["synth-dir"], cleanup: () => undefined } : synthesize(values.env);
  try {
    const stacks = readStacks(synth.dir);
    if (!Object.keys(stacks).some((stack) => parseStackName(stack)?.environment === values.env)) {
      throw new UsageError(`no stack of environment ${values.env} under ${join(synth.dir, "stacks")}`);
    }
    process.stdout.write(render(estimateEnvironment(valid, stacks), format));
  } finally {
    synth.cleanup();
  }
  return EXIT.ok;
}

export const costTool: Tool = { name: "cost", usage: USAGE, run };

if (require.main === module) main(costTool);
