/** npm run dr:untaint -- --env ENV [--drill]: untaints a restore that outlasted its timeout (see untaint.ts). */
import { execFile } from "child_process";
import { join } from "path";
import { promisify } from "util";
import { environments } from "../../src/config";
import { RESTORE_SWITCHES } from "../../src/config/restore-mode";
import { stackName } from "../../src/config/naming";
import { main, parseCommandLine, Tool, UsageError } from "../cli/command-line";
import { untaintRestoredStores } from "./untaint";

const USAGE = `usage: npm run dr:untaint -- --env ENV [--drill | --primary]

After a restore timed out: Terraform keeps the restored PostgreSQL instance (or Redis group) as
tainted and plans to replace it, which prevent_destroy refuses. Once AWS shows the store
available, this synthesizes the stack the restore ran in and untaints the restored stores (only
those) in its state. Then deploy the stack again. See docs/how-to/disaster-recovery.md,
"A tainted restore".

  --env ENV    the environment whose data tier was being restored
  --drill      a drill's restore of auth-ENV-dr-data (its state is the drill's: AUTH_DR_DRILL=1)
  --primary    a fail back's restore of the primary database in auth-ENV-data (dr.failBack)
  -h, --help   this text

Exit codes: 0 untainted or nothing tainted, 2 bad usage, 3 Terraform failed.`;

const exec = promisify(execFile);

export const drUntaintTool: Tool = {
  name: "dr:untaint",
  usage: USAGE,
  async run(argv) {
    const { values } = parseCommandLine(argv, {
      env: { type: "string" },
      drill: { type: "boolean" },
      primary: { type: "boolean" },
    });
    if (!values.env) throw new UsageError("--env ENV is required");
    if (!(values.env in environments))
      throw new UsageError(`unknown environment ${values.env} (known: ${Object.keys(environments).join(", ")})`);
    if (values.drill && values.primary) throw new UsageError("--drill and --primary name different stacks: give one");
    const target = untaintTarget(values.env, Boolean(values.primary), Boolean(values.drill));
    const env = {
      ...process.env,
      AUTH_ENV: values.env,
      ...target.switches,
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
    };
    const dir = join("cdktf.out", "stacks", target.stack);
    const terraform = async (...args: string[]) =>
      (await exec("terraform", [`-chdir=${dir}`, ...args], { env, maxBuffer: 256 * 1024 * 1024 })).stdout;
    console.log(`dr:untaint: synthesize ${target.describe} and open the state of ${target.stack}`);
    await exec("npm", ["run", "--silent", "synth"], { env });
    await terraform("init", "-input=false");
    const code = await untaintRestoredStores(
      {
        pull: () => terraform("state", "pull"),
        untaint: async (address) => void (await terraform("untaint", address)),
      },
      (line) => console.log(`dr:untaint: ${line}`),
    );
    return code;
  },
};

/**
 * The stack a restore ran in and the switches that synthesize it: the DR data tier in restore
 * mode, or the primary data stack, whose fail back restore (dr.failBack) is plain config.
 */
export function untaintTarget(
  environment: string,
  primary: boolean,
  drill: boolean,
): { stack: string; switches: Record<string, string>; describe: string } {
  if (primary)
    return { stack: stackName(environment, "data"), switches: {}, describe: "the primary data stack (fail back)" };
  return {
    stack: stackName(environment, "dr-data"),
    switches: { [RESTORE_SWITCHES.restore]: "1", [RESTORE_SWITCHES.drill]: drill ? "1" : "" },
    describe: `restore mode${drill ? " (drill)" : ""}`,
  };
}

if (require.main === module) main(drUntaintTool);
