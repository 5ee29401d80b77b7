import { z } from "zod";

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
export const SINGLETONS = [
  "guardDuty",
  "configRecorder",
  "securityHub",
  "cloudTrail",
  "accessAnalyzer",
  "githubOidcProvider",
] as const;
export type Singleton = (typeof SINGLETONS)[number];

/**
 * Every GuardDuty detector feature the API's DetectorFeatureConfiguration accepts, except
 * EKS_RUNTIME_MONITORING: it cannot be set together with RUNTIME_MONITORING, which includes the
 * EKS threat detection (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfiguration.html).
 */
export const GUARDDUTY_FEATURES = [
  "S3_DATA_EVENTS",
  "EKS_AUDIT_LOGS",
  "EBS_MALWARE_PROTECTION",
  "RDS_LOGIN_EVENTS",
  "LAMBDA_NETWORK_LOGS",
  "RUNTIME_MONITORING",
] as const;
export type GuardDutyFeature = (typeof GUARDDUTY_FEATURES)[number];

/** RUNTIME_MONITORING's additional configurations: who installs the security agent, per compute type (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorAdditionalConfiguration.html). */
export const RUNTIME_AGENT_MANAGEMENT = [
  "EC2_AGENT_MANAGEMENT",
  "ECS_FARGATE_AGENT_MANAGEMENT",
  "EKS_ADDON_MANAGEMENT",
] as const;
export type RuntimeAgentManagement = (typeof RUNTIME_AGENT_MANAGEMENT)[number];

/** Supported account layouts; one account with one region for two environments is not one of them (see checkSharedAccounts). */
export const ACCOUNT_LAYOUTS = ["dedicated-account", "shared-account", "organization-member"] as const;

const mode = z.enum(SINGLETON_MODES);
const decision = z.strictObject({
  enabled: z.boolean().describe("On or off"),
  reason: z
    .string()
    .min(10, "must say why, in at least 10 characters")
    .describe("Why: what of this workload it protects, or why it has nothing to protect"),
});
const featureDecisions = z.strictObject(
  Object.fromEntries(GUARDDUTY_FEATURES.map((name) => [name, decision])) as Record<GuardDutyFeature, typeof decision>,
);
const agentDecisions = z.strictObject(
  Object.fromEntries(RUNTIME_AGENT_MANAGEMENT.map((name) => [name, decision])) as Record<
    RuntimeAgentManagement,
    typeof decision
  >,
);
const trailArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9._-]+$/, "must be a CloudTrail trail ARN");
const analyzerArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:access-analyzer:[a-z0-9-]+:\d{12}:analyzer\/[A-Za-z0-9._-]+$/,
    "must be an IAM Access Analyzer analyzer ARN",
  );

export const accountsSchema = z.strictObject({
  layout: z
    .enum(ACCOUNT_LAYOUTS)
    .describe(
      "dedicated-account: the environment has the account to itself; shared-account: another environment shares it, in another region; organization-member: an AWS Organizations member whose singletons the organisation runs",
    ),
  guardDuty: z.strictObject({
    mode: mode.describe(
      "Who runs the GuardDuty detector and sets its protection plans, in aws.region and (with a pilot light) aws.drRegion",
    ),
    features: featureDecisions.describe(
      "Every detector feature, on or off with the reason: written in create mode, compared with the account by npm run preflight otherwise",
    ),
    runtimeAgents: agentDecisions.describe(
      "Who installs the Runtime Monitoring agent per compute type (GuardDuty when enabled); all off when RUNTIME_MONITORING is",
    ),
  }),
  configRecorder: z.strictObject({
    mode: mode.describe("Who runs the region's AWS Config recorder and delivery channel"),
    includeGlobalResourceTypes: z
      .boolean()
      .describe("create mode: record IAM and other global types; exactly one region of an account should"),
  }),
  securityHub: z.strictObject({
    mode: mode.describe(
      "Who subscribes the account to Security Hub and its standards (FSBP), in aws.region and (with a pilot light) aws.drRegion",
    ),
  }),
  cloudTrail: z.strictObject({
    mode: mode.describe("Who runs the trail that records this account"),
    trailArn: trailArn
      .optional()
      .describe(
        "existing/organization: the trail that records the account (checked by npm run preflight, published as trail_arn)",
      ),
    logGroupName: z
      .string()
      .regex(/^[\w./#-]{1,512}$/, "must be a CloudWatch Logs log group name")
      .optional()
      .describe(
        "existing: that trail's log group in this account and aws.region, for the CIS metric filters; unset, the filters are skipped",
      ),
  }),
  accessAnalyzer: z.strictObject({
    mode: mode.describe("Who runs the region's IAM Access Analyzer"),
    analyzerArn: analyzerArn
      .optional()
      .describe("existing/organization: the analyzer that covers the account (checked by npm run preflight)"),
  }),
  githubOidcProvider: z.strictObject({
    mode: mode.describe(
      "Who created the account's IAM OIDC provider for token.actions.githubusercontent.com (IAM is global: one per account)",
    ),
  }),
});

export type AccountsConfig = z.infer<typeof accountsSchema>;

/** The mode of a singleton in an environment. */
export function modeOf(config: { readonly accounts: AccountsConfig }, singleton: Singleton): SingletonMode {
  return config.accounts[singleton].mode;
}
