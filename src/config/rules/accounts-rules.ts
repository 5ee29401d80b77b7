import { modeOf, RUNTIME_AGENT_MANAGEMENT, SINGLETONS } from "../schema/accounts-schema";
import type { IssueReporter } from "./issue-reporter";
import type { EnvironmentConfig } from "../schema/schema";

/** Rules within one environment: what each mode needs, and what each layout allows. */
export function checkAccountsRules(config: EnvironmentConfig, issue: IssueReporter): void {
  const { accounts } = config;
  if (accounts.layout === "organization-member") {
    for (const singleton of SINGLETONS) {
      if (modeOf(config, singleton) === "create") {
        issue(
          ["accounts", singleton, "mode"],
          'must not be "create" in the organization-member layout: the organisation runs the account\'s singletons (use "organization", or "existing" for one it leaves to the account)',
        );
      }
    }
  }
  const trail = accounts.cloudTrail;
  if (trail.mode !== "create" && !trail.trailArn)
    issue(
      ["accounts", "cloudTrail", "trailArn"],
      `is required when accounts.cloudTrail.mode is "${trail.mode}": the preflight checks that trail and the security stack publishes it`,
    );
  if (trail.mode === "create" && trail.trailArn)
    issue(
      ["accounts", "cloudTrail", "trailArn"],
      'must be unset when accounts.cloudTrail.mode is "create": the stack names its own trail',
    );
  if (trail.logGroupName && trail.mode !== "existing") {
    issue(
      ["accounts", "cloudTrail", "logGroupName"],
      trail.mode === "organization"
        ? "must be unset in organization mode: an organisation trail's log group is in the management account, where this account's metric filters cannot reach it"
        : 'must be unset when accounts.cloudTrail.mode is "create": the stack filters its own trail\'s log group',
    );
  }
  if (trail.trailArn && !trail.trailArn.includes(`:${config.aws.accountId}:`) && trail.mode === "existing") {
    issue(
      ["accounts", "cloudTrail", "trailArn"],
      `must be a trail of this account (${config.aws.accountId}) in existing mode; an organisation trail is mode "organization"`,
    );
  }
  if (config.security.configRecorder && accounts.configRecorder.mode === "create" && trail.mode !== "create") {
    issue(
      ["accounts", "configRecorder", "mode"],
      'must not be "create" unless accounts.cloudTrail.mode is "create": the recorder delivers into the trail\'s bucket',
    );
  }
  const analyzer = accounts.accessAnalyzer;
  if (analyzer.mode === "create" && analyzer.analyzerArn)
    issue(["accounts", "accessAnalyzer", "analyzerArn"], 'must be unset when accounts.accessAnalyzer.mode is "create"');
  const { features, runtimeAgents } = accounts.guardDuty;
  if (!features.RUNTIME_MONITORING.enabled) {
    for (const agent of RUNTIME_AGENT_MANAGEMENT) {
      if (runtimeAgents[agent].enabled)
        issue(
          ["accounts", "guardDuty", "runtimeAgents", agent, "enabled"],
          "must be false while features.RUNTIME_MONITORING is off: the agent reports to Runtime Monitoring",
        );
    }
  }
}

/** One environment's config as the cross-environment rules read it (before parsing). */
interface Claimant {
  readonly name: string;
  readonly config: EnvironmentConfig;
}

/**
 * Rules across the environments of one account: IAM is global, so only one may create the GitHub
 * OIDC provider or record global types; a second trail is a second, paid copy of the management
 * events; and two registries with one name in one region are one registry, which promotion by
 * replication cannot copy into. That last rule rejects one account with one region.
 */
export function checkSharedAccounts(configs: readonly Claimant[]): string[] {
  const problems: string[] = [];
  const byAccount = new Map<string, Claimant[]>();
  // Two configs of one environment are refused on their own (validate.ts); they are not two environments.
  const distinct = configs.filter(
    (claimant, index) =>
      configs.findIndex((other) => other.config.environment === claimant.config.environment) === index,
  );
  for (const claimant of distinct)
    byAccount.set(claimant.config.aws.accountId, [...(byAccount.get(claimant.config.aws.accountId) ?? []), claimant]);
  for (const [account, members] of byAccount) {
    if (members.length < 2) continue;
    for (const { name, config } of members) {
      if (config.accounts.layout === "dedicated-account") {
        const others = members.filter((other) => other.name !== name).map((other) => other.name);
        problems.push(
          `${name}: accounts.layout: is "dedicated-account" but ${others.join(", ")} deploy(s) into account ${account} too; use "shared-account"`,
        );
      }
    }
    const once = (label: string, path: string, claims: (config: EnvironmentConfig) => boolean, why: string) => {
      const claiming = members.filter(({ config }) => claims(config));
      for (const { name } of claiming.slice(1))
        problems.push(`${name}: ${path}: ${label} is already ${claiming[0].name}'s in account ${account}; ${why}`);
    };
    once(
      "creating the GitHub OIDC provider",
      "accounts.githubOidcProvider.mode",
      (config) => config.accounts.githubOidcProvider.mode === "create",
      'IAM has one provider per URL per account: set "existing"',
    );
    once(
      "recording global resource types",
      "accounts.configRecorder.includeGlobalResourceTypes",
      (config) =>
        config.security.configRecorder &&
        config.accounts.configRecorder.mode === "create" &&
        config.accounts.configRecorder.includeGlobalResourceTypes,
      "exactly one region of an account should record them (each region would record IAM again): set false",
    );
    once(
      "creating a trail",
      "accounts.cloudTrail.mode",
      (config) => config.accounts.cloudTrail.mode === "create",
      'a second trail is a paid second copy of the management events: set "existing" with that trail\'s ARN',
    );
    // GuardDuty and Security Hub are regional: the security stack creates them in aws.region and the
    // pilot light in aws.drRegion; two environments creating them in one region of one account collide.
    for (const [singleton, label] of [
      ["guardDuty", "a GuardDuty detector"],
      ["securityHub", "a Security Hub subscription"],
    ] as const) {
      const owners = new Map<string, string>();
      for (const { name, config } of members) {
        if (
          config.accounts[singleton].mode !== "create" ||
          (singleton === "securityHub" && !config.security.securityHub)
        )
          continue;
        for (const [region, field] of [
          [config.aws.region, "aws.region"],
          ...(config.dr.pilotLight ? [[config.aws.drRegion, "aws.drRegion"]] : []),
        ] as const) {
          const owner = owners.get(region);
          if (owner)
            problems.push(
              `${name}: accounts.${singleton}.mode: creating ${label} in ${region} (its ${field}) is already ${owner}'s in account ${account}; one per account and region: set "existing"`,
            );
          else owners.set(region, name);
        }
      }
    }
    const repositories = new Map<string, string>();
    for (const { name, config } of members) {
      const regions = [config.aws.region, ...(config.dr.pilotLight ? [config.aws.drRegion] : [])];
      for (const region of regions) {
        const key = `${region}/${config.registry.repositoryName}`;
        const owner = repositories.get(key);
        if (owner) {
          const field = region === config.aws.region ? "aws.region" : "aws.drRegion";
          problems.push(
            `${name}: ${field}: ${region} holds ${owner}'s ECR repository ${config.registry.repositoryName} in account ${account} already; one account with one region is not a supported layout: the two registries would be one, and promotion replicates images between registries, which needs another account or region (docs/explanation/accounts-and-organisations.md)`,
          );
        } else repositories.set(key, name);
      }
    }
  }
  return problems;
}
