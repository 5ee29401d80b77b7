import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema";
import { GithubDeployRoles } from "../constructs/ci/github-deploy-roles";
import { TerraformCloudDynamicCredentials } from "../constructs/ci/terraform-cloud-dynamic-credentials";
import { RegionScope } from "../constructs/region/region-scope";
import { StateBucket } from "../constructs/state/state-bucket";
import { StateReplication } from "../constructs/state/state-replication";
import { AuthStack, LAYERS, PILOT_LIGHT_LAYERS, RESTORE_LAYERS, awsProvider, stateKeyAlias, workspaceName } from "./auth-stack";

export interface BootstrapStackOptions {
  /** First apply only: keep this stack's own state in this local file (absolute path) until the bucket exists. @default the bucket */
  readonly localStateFile?: string;
}

/**
 * auth-<env>-bootstrap: the state bucket every other stack of the environment keeps its state in
 * and, with the pilot light, its twin in aws.drRegion (the DR stacks' state and the replica).
 */
export class BootstrapStack extends AuthStack {
  constructor(scope: Construct, config: EnvironmentConfig, options: BootstrapStackOptions = {}) {
    super(scope, { config, layer: "bootstrap", localStateFile: options.localStateFile, region: config.state.region });
    const state = new StateBucket(this, "state", {
      bucketName: config.state.bucket,
      accountId: config.aws.accountId,
      keyAlias: stateKeyAlias(config.state.bucket),
      noncurrentVersionRetentionDays: config.state.noncurrentVersionRetentionDays,
    });
    const drState = config.dr.pilotLight ? this.drStateBucket(config, state) : undefined;
    const ci = new GithubDeployRoles(this, "ci", {
      name: `auth-${config.environment}`,
      accountId: config.aws.accountId,
      repository: config.ci.githubRepository,
      deployEnvironment: config.ci.deployEnvironment,
      planEnvironment: config.ci.planEnvironment,
      stateBucketArn: state.storage.bucket.arn,
      stateKeyArn: state.key.arn,
      drState: drState && { bucketArn: drState.storage.bucket.arn, keyArn: drState.key.arn },
      savedPlansPrefix: state.savedPlansPrefix,
      createOidcProvider: config.ci.createOidcProvider,
    });
    new TerraformOutput(this, "state_bucket", { value: state.storage.bucket.bucket, description: "Terraform state bucket" });
    new TerraformOutput(this, "ci_plan_role_arn", { value: ci.planRole.arn, description: "Role the pull request workflow plans with" });
    new TerraformOutput(this, "ci_deploy_role_arn", { value: ci.deployRole.arn, description: "Role the main-branch workflow deploys with" });
    new TerraformOutput(this, "state_key_arn", { value: state.key.arn, description: "KMS key encrypting the state" });
    if (drState) {
      new TerraformOutput(this, "dr_state_bucket", { value: drState.storage.bucket.bucket, description: `State bucket in ${config.aws.drRegion}: DR stacks' state and the replica of the primary state` });
    }
    const cloud = config.state.backend === "terraform-cloud" ? config.state.terraformCloud : undefined;
    if (cloud) {
      const tfc = new TerraformCloudDynamicCredentials(this, "terraform-cloud", {
        name: `auth-${config.environment}`,
        accountId: config.aws.accountId,
        region: config.aws.region,
        hostname: cloud.hostname,
        organization: cloud.organization,
        project: cloud.project,
        // The DR layers' workspaces too, where the pilot light is on (restore mode runs in them).
        workspaces: [...LAYERS, ...(config.dr.pilotLight ? [...PILOT_LIGHT_LAYERS, ...RESTORE_LAYERS] : [])].map((layer) => workspaceName(config, layer)),
      });
      new TerraformOutput(this, "tfc_plan_role_arn", { value: tfc.planRole.arn, description: "TFC_AWS_PLAN_PHASE_ROLE_ARN of every workspace" });
      new TerraformOutput(this, "tfc_apply_role_arn", { value: tfc.applyRole.arn, description: "TFC_AWS_APPLY_PHASE_ROLE_ARN of every workspace" });
    }
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
      name: `auth-${config.environment}`,
      accountId: aws.accountId,
      source: { bucketName: config.state.bucket, bucketArn: primary.storage.bucket.arn, region: config.state.region, kmsKeyArn: primary.key.arn },
      destination: { bucketName: dr.stateBucket, bucketArn: replica.storage.bucket.arn, region: aws.drRegion, kmsKeyArn: replica.key.arn },
      // The state files only: saved plans hold secret values and expire within days.
      prefix: `${config.environment}/`,
      dependsOn: [primary.storage.versioning!, replica.storage.versioning!],
    });
    return replica;
  }
}
