import type { EnvironmentConfig } from "./schema/schema";

/** Every layer of an environment, in deploy order: the one list tools and tests import. */
export const LAYERS = ["bootstrap", "security", "registry", "network", "data", "app"] as const;

/**
 * The layers in aws.drRegion, whose state lives in the DR state bucket. The pilot light
 * (dr.pilotLight) deploys after bootstrap; the restore layers exist only in restore mode
 * (AUTH_DR_RESTORE=1), so no deploy of the primary layers ever creates them.
 */
export const PILOT_LIGHT_LAYERS = ["dr-network"] as const;
export const RESTORE_LAYERS = ["dr-data", "dr-app"] as const;
export type Layer = (typeof LAYERS)[number] | (typeof PILOT_LIGHT_LAYERS)[number] | (typeof RESTORE_LAYERS)[number];

/** Every layer a stack can have, primary and DR, in deploy order (the pilot light's repository exists before the registry replicates into it). */
export const ALL_LAYERS: readonly Layer[] = [
  "bootstrap",
  "security",
  ...PILOT_LIGHT_LAYERS,
  "registry",
  "network",
  "data",
  "app",
  ...RESTORE_LAYERS,
];

/** True for a layer that lives in aws.drRegion and keeps its state in the DR state bucket. */
export function isDrLayer(layer: Layer): boolean {
  return layer.startsWith("dr-");
}

/**
 * What every name of the environment starts with in the primary region (stacks, alarms, fleets,
 * secrets, roles), e.g. auth-staging. The one place the service prefix and the environment meet.
 */
export function resourcePrefix(environment: string): string {
  return `auth-${environment}`;
}

/** The same in aws.drRegion (pilot light and restore), e.g. auth-staging-dr: IAM names are global, so the DR site's stay apart. */
export function drResourcePrefix(environment: string): string {
  return `${resourcePrefix(environment)}-dr`;
}

/** What every path-shaped name of the environment starts with (log groups, SSM parameters), e.g. /auth/staging. */
export function pathPrefix(environment: string): string {
  return `/auth/${environment}`;
}

/** The service's log group in the primary region, or in aws.drRegion for the restored site. */
export function serviceLogGroupName(environment: string, site: "primary" | "dr" = "primary"): string {
  return `${pathPrefix(environment)}${site === "dr" ? "-dr" : ""}/service`;
}

/** The stack naming convention CI jobs, Terraform Cloud workspaces and docs rely on. */
export function stackName(environment: string, layer: Layer): string {
  return `${resourcePrefix(environment)}-${layer}`;
}

/** The environment and layer a stackName() names; undefined for any other name. */
export function parseStackName(name: string): { environment: string; layer: Layer } | undefined {
  const match = /^auth-([a-z][a-z0-9]*)-(.+)$/.exec(name);
  const layer = ALL_LAYERS.find((candidate) => candidate === match?.[2]);
  return match && layer ? { environment: match[1], layer } : undefined;
}

/** Alias of the KMS key that encrypts the environment's Terraform state (created by the bootstrap stack). */
export function stateKeyAlias(bucket: string): string {
  return `${bucket}-state`;
}

/** The Terraform Cloud workspace of a stack, when state lives in Terraform Cloud. */
export function workspaceName(config: EnvironmentConfig, layer: Layer): string {
  return `${config.state.terraformCloud?.workspacePrefix ?? ""}${stackName(config.environment, layer)}`;
}

/** Where a stack's state lives in the environment's state bucket. */
export function stateKey(environment: string, layer: Layer, drill = false): string {
  // A DR drill's restore stacks keep their state apart, so a drill's teardown cannot reach a real restore.
  return `${environment}/${drill ? "drill/" : ""}${stackName(environment, layer)}.tfstate`;
}

/**
 * The bucket (and its region) a layer keeps its state in: the primary layers in state.bucket,
 * the DR layers in dr.stateBucket in aws.drRegion, which stays reachable when the primary
 * region is down. The DR bucket also holds the replica of every primary state object.
 */
export function stateBucketOf(config: EnvironmentConfig, layer: Layer): StateHome {
  return isDrLayer(layer) ? drStateHome(config) : { bucket: config.state.bucket, region: config.state.region };
}

/** An S3 bucket holding state, and its region. */
export interface StateHome {
  readonly bucket: string;
  readonly region: string;
}

/** The DR state bucket: the DR layers' state and the replica of every primary layer's. */
export function drStateHome(config: EnvironmentConfig): StateHome {
  return { bucket: config.dr.stateBucket, region: config.aws.drRegion };
}

/** The tags every resource of the environment carries (provider default_tags, and instances of ASGs, which those do not reach). */
export function standardTags(config: EnvironmentConfig): Record<string, string> {
  return {
    Service: config.tags.service,
    Environment: config.environment,
    Owner: config.tags.owner,
    CostCentre: config.tags.costCentre,
    ManagedBy: "cdktf",
  };
}

/** Identifier of a site's database instance (the DBInstanceIdentifier dimension); site is resourcePrefix() or drResourcePrefix(). */
export function databaseIdentifierOf(site: string): string {
  return `${site}-postgres`;
}

/** Replication group id of a site's cache; site as for databaseIdentifierOf(). */
export function cacheReplicationGroupIdOf(site: string): string {
  return `${site}-redis`;
}

/** The final snapshot a database or cache leaves when it is destroyed (the constructs name theirs so). */
export function finalSnapshotName(storeName: string): string {
  return `${storeName}-final`;
}

/** The secret holding a cache's AUTH token. */
export function cacheAuthSecretName(replicationGroupId: string): string {
  return `${replicationGroupId}/auth-token`;
}

/** The CloudTrail trail of the security stack. */
export function trailName(environment: string): string {
  return `${resourcePrefix(environment)}-trail`;
}

/** The role the application repository's image workflow assumes to push (registry stack). */
export function imagePushRoleName(environment: string): string {
  return `${resourcePrefix(environment)}-image-push`;
}

/** The DynamoDB table (registry stack) holding an environment's release state and its lease in one item. */
export function releaseTableName(environment: string): string {
  return `${resourcePrefix(environment)}-release`;
}

/** The Synthetics canary that logs in from aws.drRegion (Synthetics allows 21 characters; config validation checks it). */
export function canaryName(environment: string): string {
  return `${resourcePrefix(environment)}-login`;
}

/** Prefix of what lives in us-east-1 for the environment: the Route 53 health-check alarms and their topic (<prefix>-alerts). */
export function globalSiteName(environment: string): string {
  return `${resourcePrefix(environment)}-global`;
}

/** The bucket of the canary's run artifacts (bucket names are global: account and region in it). */
export function canaryArtifactsBucketName(environment: string, region: string, accountId: string): string {
  return `${resourcePrefix(environment)}-canary-${region}-${accountId}`;
}

/** The primary region's heartbeat: the schedule there, and the rule in aws.drRegion that counts what arrives. */
export function heartbeatRuleNames(environment: string): { readonly sender: string; readonly receiver: string } {
  return {
    sender: `${resourcePrefix(environment)}-heartbeat`,
    receiver: `${resourcePrefix(environment)}-primary-heartbeat`,
  };
}

/** The read-only identity the scheduled drift checks assume (no locks, no saved plans, no secret values). */
export function driftRoleName(environment: string): string {
  return `${resourcePrefix(environment)}-ci-drift`;
}

/** The SNS topic security findings and security-relevant drift page through (the security stack creates it). */
export function securityAlertTopicName(environment: string): string {
  return `${stackName(environment, "security")}-alerts`;
}

/** The generated workflow that runs the scheduled checks (drift, DR preflight, certificates, cost). */
export const SCHEDULED_CHECKS_WORKFLOW = ".github/workflows/scheduled-checks.yml";

/** Name of the secret holding the service's PostgreSQL login (DatabaseServiceCredentials, under the data stack's name prefix). */
export function databaseServiceSecretName(environment: string): string {
  return `${resourcePrefix(environment)}/db-service`;
}

/** What every stack name of the environment starts with (for patterns such as artifact names and matrices). */
export function stackNamePrefix(environment: string): string {
  return stackName(environment, "bootstrap").slice(0, -"bootstrap".length);
}

/**
 * The CI identities of an environment: plan-pr plans pull requests (writes nothing), plan plans on
 * main (locks, saved plans), deploy applies the workload layers and runs releases, platform applies
 * bootstrap and security from its own GitHub environment.
 */
export const CI_IDENTITIES = ["plan-pr", "plan", "deploy", "platform"] as const;
export type CiIdentity = (typeof CI_IDENTITIES)[number];

/** The IAM role name of a CI identity, e.g. auth-staging-ci-plan-pr. */
export function ciRoleName(environment: string, identity: CiIdentity): string {
  return `${ciRolePrefixes(environment)[0]}${identity}`;
}

/** The layers the platform identity applies; every other layer (DR ones included) is the deploy identity's. */
export const PLATFORM_LAYERS: readonly Layer[] = ["bootstrap", "security"];

/** The CI identity that applies a layer. */
export function applyingIdentity(layer: Layer): "deploy" | "platform" {
  return PLATFORM_LAYERS.includes(layer) ? "platform" : "deploy";
}

/** Name of the permissions boundary every role the stacks create carries (managed policy, created by the bootstrap stack). */
export function permissionsBoundaryName(environment: string): string {
  return `${resourcePrefix(environment)}-role-boundary`;
}

/** ARN of that boundary. */
export function permissionsBoundaryArn(config: Pick<EnvironmentConfig, "environment" | "aws">): string {
  return `arn:aws:iam::${config.aws.accountId}:policy/${permissionsBoundaryName(config.environment)}`;
}

/** Name of the boundary of the roles the platform layers create (state replication, trail delivery, Config): they must reach the platform's own buckets, which the workload boundary denies. */
export function platformBoundaryName(environment: string): string {
  return `${resourcePrefix(environment)}-platform-role-boundary`;
}

/** ARN of that boundary. */
export function platformBoundaryArn(config: Pick<EnvironmentConfig, "environment" | "aws">): string {
  return `arn:aws:iam::${config.aws.accountId}:policy/${platformBoundaryName(config.environment)}`;
}

/** The boundary of the roles a layer creates: the platform layers' own, else the workload boundary. */
export function layerBoundaryArn(config: Pick<EnvironmentConfig, "environment" | "aws">, layer: Layer): string {
  return applyingIdentity(layer) === "platform" ? platformBoundaryArn(config) : permissionsBoundaryArn(config);
}

/** Role name prefixes of the CI identities (GitHub and Terraform Cloud): created by the platform layers, without the boundary. */
export function ciRolePrefixes(environment: string): string[] {
  return [`${resourcePrefix(environment)}-ci-`, `${resourcePrefix(environment)}-tfc-`];
}

/** True for a CI identity's role name of any environment (what the compliance pack exempts from the boundary). */
export function isCiRoleName(name: string): boolean {
  const match = /^auth-([a-z][a-z0-9]*)-/.exec(name);
  return match !== null && ciRolePrefixes(match[1]).some((prefix) => name.startsWith(prefix));
}

/**
 * Prefix of the EventBridge rules that forward security findings to an alert topic: the security
 * stack's in aws.region, the pilot light's in aws.drRegion. Rule names are regional, but the topic
 * policies admit `<prefix>-*`, so the two stay apart.
 */
export function securityFindingRulePrefix(environment: string, site: "primary" | "dr"): string {
  return `auth-${environment}${site === "dr" ? "-dr" : ""}-security-findings`;
}

/** The DR region's trail: its store is the pilot light's, the trail itself runs only in restore mode. */
export function drTrailName(environment: string): string {
  return `auth-${environment}-dr-trail`;
}

/**
 * The DR trail's log group. Not under /aws/cloudtrail/: the workload role boundary denies every log
 * group there (the platform's trail), and this one's delivery role is a deploy-layer role under it.
 */
export function drTrailLogGroupName(environment: string): string {
  return `/auth/${environment}-dr/cloudtrail`;
}
