/**
 * The preflight of the account singletons (accounts.* of an environment's config): before the first
 * deploy, it reads the account and tells whether each mode will work. `create` needs the singleton
 * absent (a second detector, recorder, hub subscription, account analyzer or OIDC provider fails);
 * `existing` and `organization` need it present and as the config expects (GuardDuty's features,
 * the trail logging, FSBP enabled). Pure logic over the AccountReader port.
 */
import {
  GUARDDUTY_FEATURES,
  RUNTIME_AGENT_MANAGEMENT,
  Singleton,
  modeOf,
} from "../../src/config/schema/accounts-schema";
import type { EnvironmentConfig } from "../../src/config/schema/schema";
import { trailName } from "../../src/config/naming";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../../src/constructs/ci/github-oidc-provider";
import { fsbpStandardArn } from "../../src/constructs/security/threat-detection";
import type { AccountReader } from "./ports";

export interface SingletonCheck {
  readonly singleton: Singleton;
  readonly mode: string;
  /** The region checked: aws.region, or aws.drRegion for the regional services the pilot light runs there too. */
  readonly region: string;
  /** What does not fit the mode; empty when the mode will work. */
  readonly problems: readonly string[];
  /** What was found, or what could not be verified from this account, for the report. */
  readonly notes: readonly string[];
}

const status = (on: boolean) => (on ? "ENABLED" : "DISABLED");

/**
 * Checks every singleton in aws.region and, with a pilot light, GuardDuty and Security Hub again in
 * aws.drRegion through `drAccount`: they are regional (one detector and one hub subscription per
 * account and region), the pilot light runs them there in the same mode, and a delegated
 * administrator's auto-enable is configured region by region
 * (the organisation configuration belongs to the administrator's detector "in the current Region",
 * https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateOrganizationConfiguration.html;
 * https://docs.aws.amazon.com/securityhub/latest/userguide/designate-orgs-admin-account.html).
 */
export async function preflight(
  config: EnvironmentConfig,
  account: AccountReader,
  drAccount?: AccountReader,
): Promise<SingletonCheck[]> {
  const primary = await preflightRegion(config, account, config.aws.region, [
    "guardDuty",
    "configRecorder",
    "securityHub",
    "cloudTrail",
    "accessAnalyzer",
    "githubOidcProvider",
  ]);
  if (!config.dr.pilotLight) return primary;
  if (!drAccount)
    throw new Error(
      `${config.environment} has a pilot light in ${config.aws.drRegion}: the preflight needs a reader of that region too`,
    );
  return [...primary, ...(await preflightRegion(config, drAccount, config.aws.drRegion, DR_REGION_SINGLETONS))];
}

/** The singletons the pilot light runs in aws.drRegion as well (src/stacks/dr/dr-security-baseline.ts). */
export const DR_REGION_SINGLETONS: readonly Singleton[] = ["guardDuty", "securityHub"];

async function preflightRegion(
  config: EnvironmentConfig,
  account: AccountReader,
  region: string,
  singletons: readonly Singleton[],
): Promise<SingletonCheck[]> {
  const check = async (
    singleton: Singleton,
    run: (mode: string, problems: string[], notes: string[]) => Promise<void>,
  ): Promise<SingletonCheck | undefined> => {
    if (!singletons.includes(singleton)) return undefined;
    const problems: string[] = [];
    const notes: string[] = [];
    const mode = modeOf(config, singleton);
    await run(mode, problems, notes);
    return { singleton, mode, region, problems, notes };
  };
  const { accounts, security } = config;
  const aws = { ...config.aws, region };
  const checks = await Promise.all([
    check("guardDuty", async (mode, problems, notes) => {
      const detector = await account.detector();
      if (mode === "create") {
        if (detector)
          problems.push(
            `${aws.region} already has detector ${detector.id} (one per account and region): create would fail; choose existing or organization`,
          );
        return;
      }
      if (!detector)
        return void problems.push(
          `no detector in ${aws.region}: ${mode === "organization" ? "the delegated administrator has not enabled this account" : "enable GuardDuty or choose create"}`,
        );
      notes.push(
        `detector ${detector.id}${detector.administrator ? `, administered by ${detector.administrator}` : ""}`,
      );
      if (mode === "organization" && !detector.administrator)
        problems.push("the detector has no delegated administrator: it is not run by the organisation");
      // A member cannot change the plans its administrator sets: a difference is for the administrator or the config to fix.
      for (const feature of GUARDDUTY_FEATURES) {
        const expected = status(accounts.guardDuty.features[feature].enabled);
        const actual = detector.features[feature] ?? "DISABLED";
        if (actual !== expected)
          problems.push(
            `feature ${feature} is ${actual}, the config expects ${expected} (${accounts.guardDuty.features[feature].reason})`,
          );
      }
      for (const agent of RUNTIME_AGENT_MANAGEMENT) {
        const expected = status(
          accounts.guardDuty.features.RUNTIME_MONITORING.enabled && accounts.guardDuty.runtimeAgents[agent].enabled,
        );
        const actual = detector.runtimeAgents[agent] ?? "DISABLED";
        if (actual !== expected)
          problems.push(`Runtime Monitoring ${agent} is ${actual}, the config expects ${expected}`);
      }
    }),
    check("configRecorder", async (mode, problems, notes) => {
      if (!security.configRecorder) return void notes.push("security.configRecorder is false: not needed");
      const recorders = await account.configRecorders();
      if (mode === "create") {
        if (recorders.length > 0)
          problems.push(
            `the region already has recorder ${recorders[0].name} (one per account and region): create would fail; choose existing or organization`,
          );
        return;
      }
      if (recorders.length === 0) problems.push(`no configuration recorder in ${aws.region}`);
      else if (!recorders.some((recorder) => recorder.recording))
        problems.push(`recorder ${recorders[0].name} exists but is not recording`);
      else notes.push(`recorder ${recorders[0].name} recording`);
    }),
    check("securityHub", async (mode, problems, notes) => {
      if (!security.securityHub) return void notes.push("security.securityHub is false: not needed");
      const standards = await account.securityHubStandards();
      if (mode === "create") {
        if (standards)
          problems.push(
            `the account is already subscribed to Security Hub in ${aws.region}: create would fail; choose existing or organization`,
          );
        return;
      }
      if (!standards) return void problems.push(`the account is not subscribed to Security Hub in ${aws.region}`);
      if (!standards.includes(fsbpStandardArn(aws.region)))
        problems.push(
          `the AWS Foundational Security Best Practices standard is not enabled (${standards.length} other standard(s) are)`,
        );
      else notes.push("subscribed, FSBP enabled");
    }),
    check("cloudTrail", async (mode, problems, notes) => {
      const { trailArn, logGroupName } = accounts.cloudTrail;
      if (mode === "create") {
        const name = trailName(config.environment);
        if ((await account.trailNames()).includes(name)) problems.push(`a trail named ${name} exists already`);
        return;
      }
      const trail = await account.trail(trailArn!);
      if (!trail) return void problems.push(`trail ${trailArn} is not visible from this account`);
      if (!trail.logging) problems.push(`trail ${trail.arn} is not logging`);
      if (!trail.multiRegion) problems.push(`trail ${trail.arn} records one region only`);
      if (mode === "organization" && !trail.organizationTrail)
        problems.push(`trail ${trail.arn} is not an organisation trail`);
      if (logGroupName && !trail.logGroupArn?.includes(`:log-group:${logGroupName}:`))
        problems.push(
          `trail ${trail.arn} does not deliver to log group ${logGroupName} (it delivers to ${trail.logGroupArn ?? "none"})`,
        );
      if (problems.length === 0) notes.push(`trail ${trail.arn} logging${logGroupName ? ` to ${logGroupName}` : ""}`);
    }),
    check("accessAnalyzer", async (mode, problems, notes) => {
      const analyzers = await account.analyzers();
      const own = analyzers.filter((analyzer) => analyzer.type === "ACCOUNT");
      if (mode === "create") {
        if (own.length > 0)
          problems.push(`the region already has account analyzer ${own[0].arn}: create would fail; choose existing`);
        return;
      }
      const wanted = accounts.accessAnalyzer.analyzerArn;
      if (mode === "existing" && !analyzers.some((analyzer) => (wanted ? analyzer.arn === wanted : true)))
        problems.push(`no analyzer ${wanted ?? ""} in ${aws.region}`.replace("  ", " "));
      // An organisation analyzer lives in the administrator account, out of a member's sight.
      if (mode === "organization")
        notes.push("an organisation analyzer is in the delegated administrator account: not visible from this one");
    }),
    check("githubOidcProvider", async (mode, problems, notes) => {
      const arn = `arn:aws:iam::${aws.accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
      const clientIds = await account.oidcProviderClientIds(arn);
      if (mode === "create") {
        if (clientIds)
          problems.push(
            `${arn} exists already (one per URL per account): create would fail with EntityAlreadyExists; choose existing`,
          );
        return;
      }
      if (!clientIds) problems.push(`${arn} does not exist`);
      else if (!clientIds.includes(GITHUB_OIDC_AUDIENCE))
        problems.push(`${arn} does not list the client id ${GITHUB_OIDC_AUDIENCE} the deploy roles trust`);
      else notes.push(`${arn} present`);
    }),
  ]);
  return checks.filter((check): check is SingletonCheck => check !== undefined);
}

/** One line per singleton: ok or the problems, then what was found. */
export function renderPreflight(environment: string, checks: readonly SingletonCheck[]): string {
  return checks
    .map((check) => {
      const head = `${check.problems.length === 0 ? "ok  " : "FAIL"}  ${environment} accounts.${check.singleton} (${check.mode}) in ${check.region}`;
      return [
        head,
        ...check.problems.map((problem) => `      - ${problem}`),
        ...check.notes.map((note) => `      ${note}`),
      ].join("\n");
    })
    .join("\n");
}
