/**
 * npm run drift -- --stack STACK --out-dir DIR
 * npm run drift -- --report --env ENV --in DIR [--sync-issue] [--alert]
 * Thin shell over job.ts, report.ts and issues.ts; see the usage text.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { environments } from "../../src/config";
import type { EnvironmentConfig } from "../../src/config/schema/schema";
import { parseStackName, securityAlertTopicName, stateBucketOf, stateKey } from "../../src/config/naming";
import { EXIT, main, parseCommandLine, Tool, UsageError } from "../cli/command-line";
import { terraformCli } from "../plan-job/adapters";
import { guardPolicyFor } from "../plan-report/policy";
import { s3StateObjects, snsAlerts } from "./adapters";
import type { StackDrift } from "./classify";
import { githubIssues, syncIssue } from "./issues";
import { checkStackDrift } from "./job";
import { needsAttention, renderDriftReport, securityAlert } from "./report";

const USAGE = `usage: npm run drift -- --stack STACK --out-dir DIR
       npm run drift -- --report --env ENV --in DIR [--sync-issue] [--alert]

Checks one deployed stack for drift: its state object must exist, then a refresh-only plan
(what changed outside Terraform) and a plan without refresh (what is merged but not applied),
both without the state lock and never saved. Writes DIR/STACK.drift.json: the verdict (in-sync,
drifted, pending, failed) with drifted addresses and attribute names, sensitive values masked.
Stacks that hold a secret version refresh everything but it (the drift role reads no secret value).

--report reads every *.drift.json of ENV in DIR and prints the environment's drift report;
--sync-issue opens, updates or closes the environment's drift issue (GITHUB_TOKEN, GITHUB_REPOSITORY);
--alert publishes security-relevant drift to the environment's security alert topic.

  --stack STACK    auth-<env>-<layer>
  --dir DIR        the stack's directory (default cdktf.out/stacks/STACK)
  --out-dir DIR    where STACK.drift.json goes
  --report         report on an environment instead of checking a stack
  --env ENV        the environment to report on
  --in DIR         where the *.drift.json files are
  --sync-issue     open, update or close the environment's drift issue
  --alert          publish security-relevant drift to the security alert topic
  --run-url URL    the workflow run, linked from the report (default from GITHUB_* variables)
  -h, --help       this text

Exit codes: 0 checked (in sync or pending), 1 drifted or failed to check, 2 bad usage,
3 Terraform, AWS or GitHub failed unexpectedly.`;

const OPTIONS = {
  stack: { type: "string" },
  dir: { type: "string" },
  "out-dir": { type: "string" },
  report: { type: "boolean" },
  env: { type: "string" },
  in: { type: "string" },
  "sync-issue": { type: "boolean" },
  alert: { type: "boolean" },
  "run-url": { type: "string" },
} as const;

const configOf = (environment: string): EnvironmentConfig => {
  const config = (environments as Record<string, EnvironmentConfig>)[environment];
  if (!config)
    throw new UsageError(`unknown environment ${environment} (known: ${Object.keys(environments).join(", ")})`);
  return config;
};

const runUrl = (given?: string) =>
  given ??
  (process.env.GITHUB_RUN_ID
    ? `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
    : "(local run)");

async function checkStack(values: { stack?: string; dir?: string; "out-dir"?: string }): Promise<number> {
  const named = values.stack ? parseStackName(values.stack) : undefined;
  if (!values.stack || !named) throw new UsageError("--stack must name a stack such as auth-staging-data");
  if (!values["out-dir"]) throw new UsageError("--out-dir is required");
  const config = configOf(named.environment);
  const stackDir = values.dir ?? join("cdktf.out", "stacks", values.stack);
  if (!existsSync(stackDir)) throw new UsageError(`no synthesized stack at ${stackDir}: run npm run synth first`);
  const home = stateBucketOf(config, named.layer);
  const result = await checkStackDrift(
    {
      stack: values.stack,
      stackDir,
      state: { bucket: home.bucket, key: stateKey(named.environment, named.layer) },
      policy: guardPolicyFor(values.stack),
    },
    terraformCli(process.env.TERRAFORM_BINARY ?? "terraform"),
    s3StateObjects(home.region),
  );
  mkdirSync(values["out-dir"], { recursive: true });
  writeFileSync(join(values["out-dir"], `${values.stack}.drift.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `${values.stack}: ${result.status}${result.failure ? ` (${result.failure})` : ""}${result.drift.length ? `, ${result.drift.length} drifted` : ""}${result.pending.length ? `, ${result.pending.length} pending` : ""}`,
  );
  return result.status === "drifted" || result.status === "failed" ? EXIT.refused : EXIT.ok;
}

async function report(values: {
  env?: string;
  in?: string;
  "sync-issue"?: boolean;
  alert?: boolean;
  "run-url"?: string;
}): Promise<number> {
  if (!values.env) throw new UsageError("--env is required with --report");
  if (!values.in || !existsSync(values.in))
    throw new UsageError("--in must name the folder holding the *.drift.json files");
  const config = configOf(values.env);
  const files = readdirSync(values.in).filter(
    (name) =>
      name.endsWith(".drift.json") && parseStackName(name.replace(/\.drift\.json$/, ""))?.environment === values.env,
  );
  const stacks: StackDrift[] = files.sort().map((name) => JSON.parse(readFileSync(join(values.in!, name), "utf8")));
  if (stacks.length === 0) throw new UsageError(`no ${values.env} *.drift.json in ${values.in}`);
  const url = runUrl(values["run-url"]);
  const body = renderDriftReport(values.env, stacks, { url, at: new Date().toISOString() });
  process.stdout.write(body);
  if (values["sync-issue"]) {
    const token = process.env.GITHUB_TOKEN;
    const repository = process.env.GITHUB_REPOSITORY;
    if (!token || !repository) throw new UsageError("--sync-issue needs GITHUB_TOKEN and GITHUB_REPOSITORY");
    const outcome = await syncIssue(githubIssues(repository, token), {
      check: "drift",
      environment: values.env,
      title: `Drift in ${values.env}`,
      body,
      attention: needsAttention(stacks),
    });
    console.log(`drift issue: ${outcome.kind}${"number" in outcome ? ` #${outcome.number}` : ""}`);
  }
  const alert = securityAlert(values.env, stacks, url);
  if (values.alert && alert) {
    await snsAlerts(
      `arn:aws:sns:${config.aws.region}:${config.aws.accountId}:${securityAlertTopicName(values.env)}`,
    ).publish(alert.subject, alert.message);
    console.log("security-relevant drift published to the security alert topic");
  }
  return needsAttention(stacks) ? EXIT.refused : EXIT.ok;
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, OPTIONS);
  return values.report ? report(values) : checkStack(values);
}

export const driftTool: Tool = { name: "drift", usage: USAGE, run };

if (require.main === module) main(driftTool);
