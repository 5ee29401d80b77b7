import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../config/schema/schema";
import { CiManagedPolicies, PermissionsBoundaryPolicy } from "../../constructs/ci/ci-managed-policies";
import { GithubDeployRoles } from "../../constructs/ci/github-deploy-roles";
import { GithubOidcProvider } from "../../constructs/ci/github-oidc-provider";
import { GithubDriftRole } from "../../constructs/ci/github-drift-role";
import { TerraformCloudDynamicCredentials } from "../../constructs/ci/terraform-cloud-dynamic-credentials";
import { RegionScope } from "../../constructs/region/region-scope";
import { ReleaseImagePermissions } from "../../constructs/release/release-image-permissions";
import { StateBucket } from "../../constructs/state/state-bucket";
import { StateReplication } from "../../constructs/state/state-replication";
import { imageRegions } from "../../release/image-protection";
import { awsProvider, BaseStack } from "../shared/base-stack";
import { bootstrapHandover } from "./bootstrap-handover";
import { forgetResources } from "../shared/forget-resources";
import { publishHandover } from "../shared/handover";
import { environmentPolicies } from "../../iam/environment-policies";
import {
  ciRoleName,
  driftRoleName,
  LAYERS,
  permissionsBoundaryName,
  platformBoundaryName,
  PLATFORM_LAYERS,
  resourcePrefix,
  SCHEDULED_CHECKS_WORKFLOW,
  securityAlertTopicName,
  stateKeyAlias,
  workspaceName,
} from "../../config/naming";

export interface BootstrapStackOptions {
  /** First apply only: keep this stack's own state in this local file (absolute path) until the bucket exists. @default the bucket */
  readonly localStateFile?: string;
}

/**
 * auth-<env>-bootstrap: the state bucket (and its key) every stack of the environment keeps its
 * state in and, with the pilot light, its twin in aws.drRegion (the DR stacks' state and the
 * replica); and the identities CI works with: the GitHub OIDC provider (per accounts.githubOidcProvider.mode),
 * the plan and deploy roles the workflows assume, and with Terraform Cloud state the dynamic
 * credentials roles of its workspaces.
 */
export class BootstrapStack extends BaseStack {
  constructor(scope: Construct, config: EnvironmentConfig, options: BootstrapStackOptions = {}) {
    super(scope, { config, layer: "bootstrap", localStateFile: options.localStateFile, region: config.state.region });
    const state = new StateBucket(this, "state", {
      bucketName: config.state.bucket,
      accountId: config.aws.accountId,
      keyAlias: stateKeyAlias(config.state.bucket),
      noncurrentVersionRetentionDays: config.state.noncurrentVersionRetentionDays,
    });
    const drState = config.dr.pilotLight ? this.drStateBucket(config, state) : undefined;
    // Its own construct, so its mode never touches the roles; the roles name its ARN, a known string.
    const oidc = new GithubOidcProvider(this, "github-oidc", {
      accountId: config.aws.accountId,
      mode: config.accounts.githubOidcProvider.mode,
    });
    if (config.accounts.githubOidcProvider.mode !== "create") {
      forgetResources(
        this,
        (scope) => new GithubOidcProvider(scope, "github-oidc", { accountId: config.aws.accountId }),
      );
    }
    // Least privilege, generated: src/iam/action-map.ts joined with what each identity's layers synthesize.
    const generated = environmentPolicies(config);
    // The deploy identity's stacks' roles carry the workload boundary; this stack's own roles the platform one.
    new PermissionsBoundaryPolicy(this, "role-boundary", {
      name: permissionsBoundaryName(config.environment),
      description:
        "Permissions boundary of every role the deploy identity's stacks create: the environment's workload actions on the environment's own resources, nothing to IAM or the platform (src/iam/workload-boundary.ts)",
      document: generated.boundary,
    });
    const platformBoundary = new PermissionsBoundaryPolicy(this, "platform-role-boundary", {
      name: platformBoundaryName(config.environment),
      description:
        "Permissions boundary of the roles the platform layers create: a ceiling that grants nothing by itself, without IAM changes or detection tampering",
      document: generated.platformBoundary,
      ceiling: true,
    });
    this.roleBoundary.boundaryArn = platformBoundary.policy.arn;
    const deployPolicies = new CiManagedPolicies(this, "deploy-policies", {
      name: ciRoleName(config.environment, "deploy"),
      statements: generated.deploy,
    });
    const platformPolicies = new CiManagedPolicies(this, "platform-policies", {
      name: ciRoleName(config.environment, "platform"),
      statements: generated.platform,
    });
    const ci = new GithubDeployRoles(this, "ci", {
      name: resourcePrefix(config.environment),
      accountId: config.aws.accountId,
      repository: config.ci.githubRepository,
      deployEnvironment: config.ci.deployEnvironment,
      planEnvironment: config.ci.planEnvironment,
      platformEnvironment: config.ci.platformEnvironment,
      deployPolicyArns: deployPolicies.policies.map((policy) => policy.arn),
      platformPolicyArns: platformPolicies.policies.map((policy) => policy.arn),
      stateBucketArn: state.storage.bucket.arn,
      stateKeyArn: state.key.arn,
      drState: drState && { bucketArn: drState.storage.bucket.arn, keyArn: drState.key.arn },
      savedPlansPrefix: state.savedPlansPrefix,
      createOidcProvider: false,
      oidcProviderArn: oidc.arn,
    });
    // The deploy role also runs releases (release-environment.yml).
    new ReleaseImagePermissions(this, "release-images", {
      roleName: ci.deployRole.name,
      repositoryArns: imageRegions(config).map(
        (region) => `arn:aws:ecr:${region}:${config.aws.accountId}:repository/${config.registry.repositoryName}`,
      ),
    });
    const drift = new GithubDriftRole(this, "ci-drift", {
      name: driftRoleName(config.environment),
      oidcProviderArn: oidc.arn,
      accountId: config.aws.accountId,
      repository: config.ci.githubRepository,
      githubEnvironment: config.scheduledChecks.githubEnvironment,
      workflow: SCHEDULED_CHECKS_WORKFLOW,
      stateBucketArns: [state.storage.bucket.arn, ...(drState ? [drState.storage.bucket.arn] : [])],
      stateKeyArns: [state.key.arn, ...(drState ? [drState.key.arn] : [])],
      // The security stack deploys after this one: its topic is named, not referenced.
      alertTopicArn: `arn:aws:sns:${config.aws.region}:${config.aws.accountId}:${securityAlertTopicName(config.environment)}`,
      alertTopicRegion: config.aws.region,
    });
    const cloud = config.state.backend === "terraform-cloud" ? config.state.terraformCloud : undefined;
    const tfc = cloud
      ? new TerraformCloudDynamicCredentials(this, "terraform-cloud", {
          name: resourcePrefix(config.environment),
          accountId: config.aws.accountId,
          hostname: cloud.hostname,
          organization: cloud.organization,
          project: cloud.project,
          // Only the primary layers: the config refuses a pilot light with Terraform Cloud state (dr-schema.ts).
          workspaces: LAYERS.filter((layer) => !PLATFORM_LAYERS.includes(layer)).map((layer) =>
            workspaceName(config, layer),
          ),
          platformWorkspaces: PLATFORM_LAYERS.map((layer) => workspaceName(config, layer)),
          applyPolicyArns: deployPolicies.policies.map((policy) => policy.arn),
          platformPolicyArns: platformPolicies.policies.map((policy) => policy.arn),
        })
      : undefined;
    publishHandover(this, bootstrapHandover, {
      state_bucket: state.storage.bucket.bucket,
      ci_plan_pr_role_arn: ci.planPrRole.arn,
      ci_plan_role_arn: ci.planRole.arn,
      ci_deploy_role_arn: ci.deployRole.arn,
      ci_platform_role_arn: ci.platformRole.arn,
      ci_drift_role_arn: drift.role.arn,
      state_key_arn: state.key.arn,
      dr_state_bucket: drState?.storage.bucket.bucket,
      tfc_plan_role_arn: tfc?.planRole.arn,
      tfc_apply_role_arn: tfc?.applyRole.arn,
      tfc_platform_role_arn: tfc?.platformRole.arn,
    });
  }

  /** The DR-region state bucket, with the same protections, and the primary state replicating into it. */
  private drStateBucket(config: EnvironmentConfig, primary: StateBucket): StateBucket {
    const { aws, dr } = config;
    const drRegion = new RegionScope(this, "dr-region", awsProvider(this, "aws-dr", config, aws.drRegion, "dr"));
    const replica = new StateBucket(drRegion, "dr-state-bucket", {
      bucketName: dr.stateBucket,
      accountId: aws.accountId,
      keyAlias: stateKeyAlias(dr.stateBucket),
      noncurrentVersionRetentionDays: config.state.noncurrentVersionRetentionDays,
    });
    new StateReplication(this, "state-replication", {
      name: resourcePrefix(config.environment),
      accountId: aws.accountId,
      source: {
        bucketName: config.state.bucket,
        bucketArn: primary.storage.bucket.arn,
        region: config.state.region,
        kmsKeyArn: primary.key.arn,
      },
      destination: {
        bucketName: dr.stateBucket,
        bucketArn: replica.storage.bucket.arn,
        region: aws.drRegion,
        kmsKeyArn: replica.key.arn,
      },
      // The state files only: saved plans hold secret values and expire within days.
      prefix: `${config.environment}/`,
      dependsOn: [primary.storage.versioning!, replica.storage.versioning!],
    });
    return replica;
  }
}
