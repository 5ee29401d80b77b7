import { production } from "./production";
import type { EnvironmentConfigInput } from "../schema/schema";
import { staging } from "./staging";

/**
 * The supported account layouts besides separate accounts (staging.ts and production.ts), as
 * configs the proof harness synthesizes, validates and plans (`npm run validate`) and the docs
 * quote (docs/explanation/accounts-and-organisations.md). Not deployable environments: the
 * accounts are examples.
 */

/** The account both environments share in the shared-account layout: production's. */
const SHARED_ACCOUNT = production.aws.accountId;

/**
 * One account, two regions: production stays in eu-west-1, staging moves to eu-west-2. Production
 * owns the account-wide singletons (the GitHub OIDC provider, the trail, Config's record of IAM);
 * staging reads the first two and records its region's resources only. Regional singletons
 * (GuardDuty, Security Hub, the analyzer) are each region's own, so both create them.
 */
export const sharedAccountLayout: Readonly<Record<string, EnvironmentConfigInput>> = {
  staging: {
    ...staging,
    aws: { accountId: SHARED_ACCOUNT, region: "eu-west-2", drRegion: staging.aws.drRegion },
    state: { ...staging.state, bucket: `auth-staging-tfstate-${SHARED_ACCOUNT}`, region: "eu-west-2" },
    network: { ...staging.network, availabilityZones: ["eu-west-2a", "eu-west-2b"] },
    // Promotion replicates into production's registry in the same account, another region: no registry policy needed.
    registry: {
      ...staging.registry,
      replicateTo: { accountId: SHARED_ACCOUNT, region: production.aws.region, drRegion: production.aws.drRegion },
    },
    dr: { ...staging.dr, stateBucket: `auth-staging-tfstate-dr-${SHARED_ACCOUNT}` },
    accounts: {
      ...staging.accounts,
      layout: "shared-account",
      configRecorder: { mode: "create", includeGlobalResourceTypes: false },
      cloudTrail: {
        mode: "existing",
        trailArn: `arn:aws:cloudtrail:${production.aws.region}:${SHARED_ACCOUNT}:trail/auth-production-trail`,
      },
      githubOidcProvider: { mode: "existing" },
    },
  },
  production: {
    ...production,
    // Same-account replication is allowed by the registry's owner without a registry policy.
    registry: { ...production.registry, acceptReplicationFrom: undefined },
    accounts: { ...production.accounts, layout: "shared-account" },
  },
};

/** The management account's Control Tower trail: an organisation trail of every member account. */
export const EXAMPLE_ORGANIZATION_TRAIL =
  "arn:aws:cloudtrail:eu-west-1:999999999999:trail/aws-controltower-BaselineCloudTrail";

/**
 * An AWS Organizations member account under Control Tower: GuardDuty and Security Hub run by a
 * delegated administrator with auto-enable, Config recording by Control Tower, the organisation
 * trail, an organisation analyzer, and the GitHub OIDC provider rolled out by a StackSet. The
 * stacks create none of them and still alert on the account's findings.
 */
export const organizationMemberLayout: Readonly<Record<string, EnvironmentConfigInput>> = {
  production: {
    ...production,
    accounts: {
      ...production.accounts,
      layout: "organization-member",
      guardDuty: { ...production.accounts.guardDuty, mode: "organization" },
      configRecorder: { mode: "organization", includeGlobalResourceTypes: false },
      securityHub: { mode: "organization" },
      cloudTrail: { mode: "organization", trailArn: EXAMPLE_ORGANIZATION_TRAIL },
      accessAnalyzer: { mode: "organization" },
      githubOidcProvider: { mode: "organization" },
    },
  },
};

/** Every example layout by the name the proof harness gives its stacks (`<stack>@<layout>`). */
export const LAYOUT_EXAMPLES = {
  "shared-account": sharedAccountLayout,
  "organization-member": organizationMemberLayout,
} as const;
