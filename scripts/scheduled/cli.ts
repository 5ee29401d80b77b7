/**
 * npm run scheduled-check -- --check dr-preflight|certificates --env ENV [--sync-issue]
 * Thin shell over dr-preflight.ts and certificates.ts; see the usage text.
 */
import { environments } from "../../src/config";
import type { EnvironmentConfig } from "../../src/config/schema/schema";
import { databaseIdentifier } from "../../src/stacks/data/data-alarm-definitions";
import { EXIT, main, parseCommandLine, Tool, UsageError } from "../cli/command-line";
import { githubIssues, syncIssue } from "../drift/issues";
import { acmCertificates, drPreflightAws } from "./aws";
import { checkCertificates } from "./certificates";
import { readFileSync } from "fs";
import { CostSnapshot, costFindings } from "./cost-check";
import { drPreflight } from "./dr-preflight";
import { Finding, needsAttention, renderFindings } from "./findings";

const USAGE = `usage: npm run scheduled-check -- --check CHECK --env ENV [--current FILE] [--previous FILE] [--sync-issue]

Read-only checks against the environment's account, run on the schedules in its config
(scheduledChecks) by .github/workflows/scheduled-checks.yml, or by hand:
  dr-preflight   the DR drill's preflight: replicated backups' restore window within the RPO,
                 every released image digest in the DR repository, the DR certificate valid
  certificates   days to expiry of the environment's certificates in every region it has one
  cost           the price catalogue's age, and the monthly estimate's change since the last run
                 (offline: reads npm run cost -- --format json output, no AWS call)

  --check CHECK   dr-preflight, certificates or cost
  --env ENV       the environment
  --current FILE  cost: this run's npm run cost -- --env ENV --format json
  --previous FILE cost: the last run's, when there is one
  --sync-issue    open, update or close the environment's issue for this check
                  (GITHUB_TOKEN, GITHUB_REPOSITORY)
  -h, --help      this text

Exit codes: 0 all good, 1 something needs attention, 2 bad usage, 3 AWS or GitHub failed.`;

const CHECKS = ["dr-preflight", "certificates", "cost"] as const;
type Check = (typeof CHECKS)[number];

const TITLES: Record<Check, string> = {
  "dr-preflight": "DR preflight",
  certificates: "Certificate expiry",
  cost: "Cost",
};

/** A cost estimate file: npm run cost's JSON, for this environment. */
function readSnapshot(flag: string, path: string | undefined, environment: string): CostSnapshot | undefined {
  if (path === undefined) return undefined;
  let snapshot: CostSnapshot;
  try {
    snapshot = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new UsageError(`${flag} ${path} is not npm run cost's JSON output`);
  }
  if (typeof snapshot.total !== "number" || typeof snapshot.catalogueDate !== "string")
    throw new UsageError(`${flag} ${path} is not npm run cost's JSON output`);
  if (snapshot.environment !== environment)
    throw new UsageError(`${flag} ${path} prices ${snapshot.environment}, not ${environment}`);
  return snapshot;
}

/** What one check finds; ports are the real AWS unless a test hands its own. */
export async function runCheck(
  check: Exclude<Check, "cost">,
  config: EnvironmentConfig,
  now: Date,
  ports = { dr: drPreflightAws(config.aws.region, config.environment), acm: acmCertificates() },
): Promise<Finding[]> {
  if (check === "certificates") {
    const regions = [config.aws.region, ...(config.dr.pilotLight ? [config.aws.drRegion] : [])];
    return checkCertificates(ports.acm, config.dns.domainName, regions, now);
  }
  const preflight = config.scheduledChecks.drPreflight;
  if (!preflight) throw new UsageError(`${config.environment} has no pilot light: there is no DR preflight`);
  return drPreflight(
    ports.dr,
    {
      drRegion: config.aws.drRegion,
      sourceDbInstanceArn: `arn:aws:rds:${config.aws.region}:${config.aws.accountId}:db:${databaseIdentifier(config)}`,
      drRepository: config.registry.repositoryName,
      domainName: config.dns.domainName,
      maxBackupLagMinutes: preflight.maxBackupLagMinutes,
      minRestoreDays: config.data.postgres.backupRetentionDays,
    },
    now,
  );
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, {
    check: { type: "string" },
    env: { type: "string" },
    current: { type: "string" },
    previous: { type: "string" },
    "sync-issue": { type: "boolean" },
  });
  const check = CHECKS.find((candidate) => candidate === values.check);
  if (!check) throw new UsageError(`--check must be one of ${CHECKS.join(", ")}`);
  const config = values.env ? (environments as Record<string, EnvironmentConfig>)[values.env] : undefined;
  if (!config) throw new UsageError(`--env must name an environment (known: ${Object.keys(environments).join(", ")})`);
  let findings: Finding[];
  if (check === "cost") {
    const current = readSnapshot("--current", values.current, config.environment);
    if (!current) throw new UsageError("--check cost needs --current FILE (npm run cost -- --env ENV --format json)");
    findings = costFindings(
      current,
      readSnapshot("--previous", values.previous, config.environment),
      new Date(),
      config.scheduledChecks.cost.maxMonthlyChangePercent,
    );
  } else {
    findings = await runCheck(check, config, new Date());
  }
  const url = process.env.GITHUB_RUN_ID
    ? `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
    : "(local run)";
  const body = renderFindings(`${TITLES[check]} of **${config.environment}**`, findings, {
    url,
    at: new Date().toISOString(),
  });
  process.stdout.write(body);
  if (values["sync-issue"]) {
    if (!process.env.GITHUB_TOKEN || !process.env.GITHUB_REPOSITORY)
      throw new UsageError("--sync-issue needs GITHUB_TOKEN and GITHUB_REPOSITORY");
    const outcome = await syncIssue(githubIssues(process.env.GITHUB_REPOSITORY, process.env.GITHUB_TOKEN), {
      check,
      environment: config.environment,
      title: `${TITLES[check]}: ${config.environment} needs attention`,
      body,
      attention: needsAttention(findings),
    });
    console.log(`${check} issue: ${outcome.kind}${"number" in outcome ? ` #${outcome.number}` : ""}`);
  }
  return needsAttention(findings) ? EXIT.refused : EXIT.ok;
}

export const scheduledCheckTool: Tool = { name: "scheduled-check", usage: USAGE, run };

if (require.main === module) main(scheduledCheckTool);
