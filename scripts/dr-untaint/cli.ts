/** npm run dr:untaint -- --env ENV [--drill]: untaints a restore that outlasted its timeout (see untaint.ts). */
import { execFile } from "child_process";
import { join } from "path";
import { promisify } from "util";
import { environments } from "../../src/config";
import { RESTORE_SWITCHES } from "../../src/config/restore-mode";
import { stackName } from "../../src/stacks/naming";
import { main, parseCommandLine, Tool, UsageError } from "../cli/command-line";
import { untaintRestoredStores } from "./untaint";

const USAGE = `usage: npm run dr:untaint -- --env ENV [--drill]

After a restore of auth-ENV-dr-data timed out: Terraform keeps the restored PostgreSQL instance
(or Redis group) as tainted and plans to replace it, which prevent_destroy refuses. Once AWS shows
the store available, this synthesizes restore mode, and untaints the restored stores (only
those) in the stack's state. Then deploy the stack again. See docs/how-to/disaster-recovery.md,
"A tainted restore".

  --env ENV    the environment whose DR data tier was being restored
  --drill      a drill's restore (its state is the drill's: AUTH_DR_DRILL=1)
  -h, --help   this text

Exit codes: 0 untainted or nothing tainted, 2 bad usage, 3 Terraform failed.`;

const exec = promisify(execFile);

export const drUntaintTool: Tool = {
  name: "dr:untaint",
  usage: USAGE,
  async run(argv) {
    const { values } = parseCommandLine(argv, { env: { type: "string" }, drill: { type: "boolean" } });
    if (!values.env) throw new UsageError("--env ENV is required");
    if (!(values.env in environments)) throw new UsageError(`unknown environment ${values.env} (known: ${Object.keys(environments).join(", ")})`);
    const env = {
      ...process.env,
      AUTH_ENV: values.env,
      [RESTORE_SWITCHES.restore]: "1",
      [RESTORE_SWITCHES.drill]: values.drill ? "1" : "",
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
    };
    const dir = join("cdktf.out", "stacks", stackName(values.env, "dr-data"));
    const terraform = async (...args: string[]) => (await exec("terraform", [`-chdir=${dir}`, ...args], { env, maxBuffer: 256 * 1024 * 1024 })).stdout;
    console.log(`dr:untaint: synthesize restore mode${values.drill ? " (drill)" : ""} and open the state of ${stackName(values.env, "dr-data")}`);
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

if (require.main === module) main(drUntaintTool);
