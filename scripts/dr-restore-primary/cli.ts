/** npm run dr:restore-primary -- --env ENV --snapshot ID|ARN: checks a fail back's snapshot and prints the restore (see restore-primary.ts). */
import { environments, validateConfigs } from "../../src/config";
import { main, parseCommandLine, Tool, UsageError } from "../cli/command-line";
import { awsRds } from "./aws";
import { planPrimaryRestore, RdsPort } from "./restore-primary";

const USAGE = `usage: npm run dr:restore-primary -- --env ENV --snapshot ID|ARN

Fail back, the database. Checks that the DB snapshot (copied back from aws.drRegion into aws.region,
encrypted with the data key) can become the primary database, reads the master secret of the
instance it replaces, and prints the dr.failBack config to commit and the commands that follow:
plan (a new instance auth-ENV-postgres-N from the snapshot; the old one forgotten, never
destroyed), deploy, rotate the service login onto the new instance, and, after verification,
delete the old instance yourself. It changes nothing in AWS or in the repository (read only:
rds:DescribeDBSnapshots, rds:DescribeDBInstances). See docs/how-to/disaster-recovery.md, "Fail back".

  --env ENV           the environment to fail back
  --snapshot ID|ARN   the snapshot in aws.region (identifier or ARN)
  -h, --help          this text

Exit codes: 0 printed, 1 refused (the reason is printed), 2 bad usage, 3 AWS failed.`;

export function drRestorePrimaryTool(rds: () => RdsPort = awsRds): Tool {
  return {
    name: "dr:restore-primary",
    usage: USAGE,
    async run(argv) {
      const { values } = parseCommandLine(argv, { env: { type: "string" }, snapshot: { type: "string" } });
      if (!values.env) throw new UsageError("--env ENV is required");
      if (!(values.env in environments))
        throw new UsageError(`unknown environment ${values.env} (known: ${Object.keys(environments).join(", ")})`);
      if (!values.snapshot) throw new UsageError("--snapshot ID|ARN is required");
      const [config] = validateConfigs({ [values.env]: environments[values.env as keyof typeof environments] });
      const plan = await planPrimaryRestore(config, values.snapshot, rds());
      for (const line of plan.lines) console.log(line ? `dr:restore-primary: ${line}` : "");
      return plan.code;
    },
  };
}

if (require.main === module) main(drRestorePrimaryTool());
