/**
 * npm run plan-job -- --stack STACK --out-dir DIR (--no-lock | --lock-timeout DURATION) [--no-refresh] [--save-plan PREFIX]
 * Thin shell over job.ts; see the usage text.
 */
import { existsSync } from "fs";
import { join } from "path";
import { environments } from "../../src/config";
import { parseStackName, stateKeyAlias } from "../../src/config/naming";
import { EXIT, main, parseCommandLine, Tool, UsageError } from "../cli/command-line";
import { guardPolicyFor } from "../plan-report/policy";
import { stateBucketStore, terraformCli } from "./adapters";
import { LockMode, runPlanJob } from "./job";

const USAGE = `usage: npm run plan-job -- --stack STACK --out-dir DIR (--no-lock | --lock-timeout DURATION) [options]

Plans one synthesized stack and writes DIR/STACK.summary.json (redacted: addresses, actions,
replace paths, attribute diffs with sensitive values masked, guard findings) and DIR/STACK.md.
Plan JSON and the binary plan never reach DIR or the output.

  --stack STACK            auth-<env>-<layer>
  --dir DIR                the stack's directory (default cdktf.out/stacks/STACK)
  --out-dir DIR            where the summary and report go (the only files to upload)
  --no-lock                plan without the state lock (pull request plans)
  --lock-timeout DURATION  wait this long for the state lock, e.g. 10m (plans that get applied)
  --no-refresh             plan without refreshing (by default refresh is skipped only for stacks
                           whose refresh would read secret values, which the plan role may not)
  --save-plan PREFIX       store the binary plan in the environment's state bucket under PREFIX/,
                           encrypted with the state key, for the apply job
  -h, --help               this text

Exit codes: 0 planned, 2 bad usage, 3 Terraform or AWS failed (Terraform's errors are printed).`;

const OPTIONS = {
  stack: { type: "string" },
  dir: { type: "string" },
  "out-dir": { type: "string" },
  "no-lock": { type: "boolean" },
  "lock-timeout": { type: "string" },
  "no-refresh": { type: "boolean" },
  "save-plan": { type: "string" },
} as const;

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, OPTIONS);
  const stack = values.stack;
  const named = stack ? parseStackName(stack) : undefined;
  if (!stack || !named) throw new UsageError("--stack must name a stack such as auth-staging-data");
  if (!values["out-dir"]) throw new UsageError("--out-dir is required");
  if (Boolean(values["no-lock"]) === (values["lock-timeout"] !== undefined))
    throw new UsageError("give exactly one of --no-lock or --lock-timeout");
  if (values["lock-timeout"] !== undefined && !/^\d+[smh]$/.test(values["lock-timeout"]))
    throw new UsageError("--lock-timeout must be a duration such as 10m");
  const lock: LockMode = values["no-lock"] ? { kind: "none" } : { kind: "wait", timeout: values["lock-timeout"]! };
  const { environment } = named;
  const config = (environments as Record<string, (typeof environments)["staging"]>)[environment];
  if (!config)
    throw new UsageError(`unknown environment ${environment} (known: ${Object.keys(environments).join(", ")})`);
  const keyId = `alias/${stateKeyAlias(config.state.bucket)}`;
  const stackDir = values.dir ?? join("cdktf.out", "stacks", stack);
  if (!existsSync(stackDir)) throw new UsageError(`no synthesized stack at ${stackDir}: run npm run synth first`);
  const result = await runPlanJob(
    {
      stack,
      stackDir,
      outDir: values["out-dir"],
      lock,
      refresh: values["no-refresh"] ? false : "auto",
      savePrefix: values["save-plan"],
      policy: guardPolicyFor(stack),
    },
    terraformCli(process.env.TERRAFORM_BINARY ?? "terraform"),
    stateBucketStore(config.state.bucket, config.state.region, keyId),
  );
  console.log(
    `${stack}: ${result.headline} ${result.risks > 0 ? `${result.risks} guard finding(s); ` : ""}summary ${result.summaryPath}, report ${result.reportPath}`,
  );
  if (result.refreshSkipped) console.log(`${stack}: planned without refresh: ${result.refreshSkipped}`);
  if (result.savedPlan) console.log(`${stack}: plan saved to ${result.savedPlan} (SSE-KMS ${keyId})`);
  return EXIT.ok;
}

export const planJobTool: Tool = { name: "plan-job", usage: USAGE, run };

if (require.main === module) main(planJobTool);
