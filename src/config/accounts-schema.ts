import { z } from "zod";
import type { EnvironmentConfig, IssueReporter } from "./schema";

/**
 * Who provides each account or region singleton (`accounts`), kept out of schema.ts so the section
 * merges on its own. An account has one GuardDuty detector and one Config recorder per region,
 * one Security Hub subscription per region, one account analyzer per region and one IAM OIDC
 * provider per URL: a second `create` of any of them fails. In an AWS Organization they are
 * usually run centrally already (docs/explanation/accounts-and-organisations.md).
 */

/**
 * - `create`: this environment's stacks create and own it (a stand-alone account);
 * - `existing`: it already exists in the account; the stacks manage nothing of it but still wire
 *   their alarms, EventBridge rules and dashboards to it;
 * - `organization`: the organisation runs it (delegated administrator, organisation trail,
 *   Control Tower); the stacks manage nothing and the docs list what the organisation must provide.
 */
export const SINGLETON_MODES = ["create", "existing", "organization"] as const;
export type SingletonMode = (typeof SINGLETON_MODES)[number];

/** The singletons that have a mode, as they are named under `accounts`. */
export const SINGLETONS = ["guardDuty", "configRecorder", "securityHub", "cloudTrail", "accessAnalyzer", "githubOidcProvider"] as const;
export type Singleton = (typeof SINGLETONS)[number];

/**
 * Every GuardDuty detector feature the API's DetectorFeatureConfiguration accepts, except
 * EKS_RUNTIME_MONITORING: it cannot be set together with RUNTIME_MONITORING, which includes the
 * EKS threat detection (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfiguration.html).
 */
export const GUARDDUTY_FEATURES = ["S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"] as const;
export type GuardDutyFeature = (typeof GUARDDUTY_FEATURES)[number];

/** RUNTIME_MONITORING's additional configurations: who installs the security agent, per compute type (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorAdditionalConfiguration.html). */
export const RUNTIME_AGENT_MANAGEMENT = ["EC2_AGENT_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EKS_ADDON_MANAGEMENT"] as const;
export type RuntimeAgentManagement = (typeof RUNTIME_AGENT_MANAGEMENT)[number];

/** Supported account layouts; one account with one region for two environments is not one of them (see checkSharedAccounts). */
export const ACCOUNT_LAYOUTS = ["dedicated-account", "shared-account", "organization-member"] as const;

const mode = z.enum(SINGLETON_MODES);
const decision = z.strictObject({
  enabled: z.boolean().describe("On or off"),
  reason: z.string().min(10, "must say why, in at least 10 characters").describe("Why: what of this workload it protects, or why it has nothing to protect"),
});
const featureDecisions = z.strictObject(Object.fromEntries(GUARDDUTY_FEATURES.map((name) => [name, decision])) as Record<GuardDutyFeature, typeof decision>);
const agentDecisions = z.strictObject(Object.fromEntries(RUNTIME_AGENT_MANAGEMENT.map((name) => [name, decision])) as Record<RuntimeAgentManagement, typeof decision>);
const trailArn = z.string().regex(/^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9._-]+$/, "must be a CloudTrail trail ARN");
const analyzerArn = z.string().regex(/^arn:aws[a-z-]*:access-analyzer:[a-z0-9-]+:\d{12}:analyzer\/[A-Za-z0-9._-]+$/, "must be an IAM Access Analyzer analyzer ARN");

export const accountsSchema = z.strictObject({
  layout: z
    .enum(ACCOUNT_LAYOUTS)
    .describe("dedicated-account: the environment has the account to itself; shared-account: another environment shares it, in another region; organization-member: an AWS Organizations member whose singletons the organisation runs"),
  guardDuty: z.strictObject({
    mode: mode.describe("Who runs the GuardDuty detector and sets its protection plans, in aws.region and (with a pilot light) aws.drRegion"),
    features: featureDecisions.describe("Every detector feature, on or off with the reason: written in create mode, compared with the account by npm run preflight otherwise"),
    runtimeAgents: agentDecisions.describe("Who installs the Runtime Monitoring agent per compute type (GuardDuty when enabled); all off when RUNTIME_MONITORING is"),
  }),
  configRecorder: z.strictObject({
    mode: mode.describe("Who runs the region's AWS Config recorder and delivery channel"),
    includeGlobalResourceTypes: z.boolean().describe("create mode: record IAM and other global types; exactly one region of an account should"),
  }),
  securityHub: z.strictObject({ mode: mode.describe("Who subscribes the account to Security Hub and its standards (FSBP), in aws.region and (with a pilot light) aws.drRegion") }),
  cloudTrail: z.strictObject({
    mode: mode.describe("Who runs the trail that records this account"),
    trailArn: trailArn.optional().describe("existing/organization: the trail that records the account (checked by npm run preflight, published as trail_arn)"),
    logGroupName: z
      .string()
      .regex(/^[\w./#-]{1,512}$/, "must be a CloudWatch Logs log group name")
      .optional()
      .describe("existing: that trail's log group in this account and aws.region, for the CIS metric filters; unset, the filters are skipped"),
  }),
  accessAnalyzer: z.strictObject({
    mode: mode.describe("Who runs the region's IAM Access Analyzer"),
    analyzerArn: analyzerArn.optional().describe("existing/organization: the analyzer that covers the account (checked by npm run preflight)"),
  }),
  githubOidcProvider: z.strictObject({ mode: mode.describe("Who created the account's IAM OIDC provider for token.actions.githubusercontent.com (IAM is global: one per account)") }),
});

export type AccountsConfig = z.infer<typeof accountsSchema>;

/** The mode of a singleton in an environment. */
export function modeOf(config: Pick<EnvironmentConfig, "accounts">, singleton: Singleton): SingletonMode {
  return config.accounts[singleton].mode;
}

/** Rules within one environment: what each mode needs, and what each layout allows. */
export function checkAccountsRules(config: EnvironmentConfig, issue: IssueReporter): void {
  const { accounts } = config;
  if (accounts.layout === "organization-member") {
    for (const singleton of SINGLETONS) {
      if (modeOf(config, singleton) === "create") {
        issue(["accounts", singleton, "mode"], 'must not be "create" in the organization-member layout: the organisation runs the account\'s singletons (use "organization", or "existing" for one it leaves to the account)');
      }
    }
  }
  const trail = accounts.cloudTrail;
  if (trail.mode !== "create" && !trail.trailArn) issue(["accounts", "cloudTrail", "trailArn"], `is required when accounts.cloudTrail.mode is "${trail.mode}": the preflight checks that trail and the security stack publishes it`);
  if (trail.mode === "create" && trail.trailArn) issue(["accounts", "cloudTrail", "trailArn"], 'must be unset when accounts.cloudTrail.mode is "create": the stack names its own trail');
  if (trail.logGroupName && trail.mode !== "existing") {
    issue(
      ["accounts", "cloudTrail", "logGroupName"],
      trail.mode === "organization"
        ? "must be unset in organization mode: an organisation trail's log group is in the management account, where this account's metric filters cannot reach it"
        : 'must be unset when accounts.cloudTrail.mode is "create": the stack filters its own trail\'s log group',
    );
  }
  if (trail.trailArn && !trail.trailArn.includes(`:${config.aws.accountId}:`) && trail.mode === "existing") {
    issue(["accounts", "cloudTrail", "trailArn"], `must be a trail of this account (${config.aws.accountId}) in existing mode; an organisation trail is mode "organization"`);
  }
  if (config.security.configRecorder && accounts.configRecorder.mode === "create" && trail.mode !== "create") {
    issue(["accounts", "configRecorder", "mode"], 'must not be "create" unless accounts.cloudTrail.mode is "create": the recorder delivers into the trail\'s bucket');
  }
  const analyzer = accounts.accessAnalyzer;
  if (analyzer.mode === "create" && analyzer.analyzerArn) issue(["accounts", "accessAnalyzer", "analyzerArn"], 'must be unset when accounts.accessAnalyzer.mode is "create"');
  const { features, runtimeAgents } = accounts.guardDuty;
  if (!features.RUNTIME_MONITORING.enabled) {
    for (const agent of RUNTIME_AGENT_MANAGEMENT) {
      if (runtimeAgents[agent].enabled) issue(["accounts", "guardDuty", "runtimeAgents", agent, "enabled"], "must be false while features.RUNTIME_MONITORING is off: the agent reports to Runtime Monitoring");
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
  const distinct = configs.filter((claimant, index) => configs.findIndex((other) => other.config.environment === claimant.config.environment) === index);
  for (const claimant of distinct) byAccount.set(claimant.config.aws.accountId, [...(byAccount.get(claimant.config.aws.accountId) ?? []), claimant]);
  for (const [account, members] of byAccount) {
    if (members.length < 2) continue;
    for (const { name, config } of members) {
      if (config.accounts.layout === "dedicated-account") {
        const others = members.filter((other) => other.name !== name).map((other) => other.name);
        problems.push(`${name}: accounts.layout: is "dedicated-account" but ${others.join(", ")} deploy(s) into account ${account} too; use "shared-account"`);
      }
    }
    const once = (label: string, path: string, claims: (config: EnvironmentConfig) => boolean, why: string) => {
      const claiming = members.filter(({ config }) => claims(config));
      for (const { name } of claiming.slice(1)) problems.push(`${name}: ${path}: ${label} is already ${claiming[0].name}'s in account ${account}; ${why}`);
    };
    once("creating the GitHub OIDC provider", "accounts.githubOidcProvider.mode", (config) => config.accounts.githubOidcProvider.mode === "create", 'IAM has one provider per URL per account: set "existing"');
    once(
      "recording global resource types",
      "accounts.configRecorder.includeGlobalResourceTypes",
      (config) => config.security.configRecorder && config.accounts.configRecorder.mode === "create" && config.accounts.configRecorder.includeGlobalResourceTypes,
      "exactly one region of an account should record them (each region would record IAM again): set false",
    );
    once("creating a trail", "accounts.cloudTrail.mode", (config) => config.accounts.cloudTrail.mode === "create", "a second trail is a paid second copy of the management events: set \"existing\" with that trail's ARN");
    // GuardDuty and Security Hub are regional: the security stack creates them in aws.region and the
    // pilot light in aws.drRegion; two environments creating them in one region of one account collide.
    for (const [singleton, label] of [["guardDuty", "a GuardDuty detector"], ["securityHub", "a Security Hub subscription"]] as const) {
      const owners = new Map<string, string>();
      for (const { name, config } of members) {
        if (config.accounts[singleton].mode !== "create" || (singleton === "securityHub" && !config.security.securityHub)) continue;
        for (const [region, field] of [[config.aws.region, "aws.region"], ...(config.dr.pilotLight ? [[config.aws.drRegion, "aws.drRegion"]] : [])] as const) {
          const owner = owners.get(region);
          if (owner) problems.push(`${name}: accounts.${singleton}.mode: creating ${label} in ${region} (its ${field}) is already ${owner}'s in account ${account}; one per account and region: set "existing"`);
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
