import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Aspects, CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { enforceCompliance } from "../../compliance/enforce";
import type { EnvironmentConfig } from "../../config/schema/schema";
import { RoleBoundary } from "../../constructs/ci/role-boundary";
import {
  ciRolePrefixes,
  Layer,
  layerBoundaryArn,
  stackName,
  standardTags,
  stateBucketOf,
  stateKey,
  stateKeyAlias,
  workspaceName,
} from "../../config/naming";

/**
 * Terraform releases the synthesized JSON is written for: the write-only `secret_string_wo` needs
 * 1.11 (S3-native locking 1.10). __tests__/terraform-version.test.ts holds it to the features used.
 */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.11.0, < 2.0.0";

export interface BaseStackProps {
  readonly config: EnvironmentConfig;
  readonly layer: Layer;
  /** Keep state in this local file instead (absolute path); only for the bootstrap stack's first apply. @default the environment's bucket */
  readonly localStateFile?: string;
  /** Region of the stack's default provider. @default config.aws.region */
  readonly region?: string;
  /** A DR drill's restore stack: state under <env>/drill/, apart from a real restore's. @default false */
  readonly drill?: boolean;
}

/**
 * Base of every stack: the AWS provider pinned to the environment's account with its tags,
 * and state in the environment's S3 bucket with S3-native locking.
 */
export class BaseStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly provider: AwsProvider;
  /** The permissions boundary every role of the stack gets (CI identities excepted). */
  protected readonly roleBoundary: RoleBoundary;

  constructor(scope: Construct, props: BaseStackProps) {
    super(scope, stackName(props.config.environment, props.layer));
    const { config } = props;
    this.config = config;
    this.provider = awsProvider(this, "aws", config, props.region ?? config.aws.region);
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    enforceCompliance(this, config.production ? "production" : "baseline");
    this.roleBoundary = new RoleBoundary(layerBoundaryArn(config, props.layer), ciRolePrefixes(config.environment));
    Aspects.of(this).add(this.roleBoundary);
    if (props.localStateFile) {
      new LocalBackend(this, { path: props.localStateFile });
      return;
    }
    if (config.state.backend === "terraform-cloud" && config.state.terraformCloud) {
      const { organization, hostname } = config.state.terraformCloud;
      new CloudBackend(this, {
        organization,
        hostname,
        workspaces: new NamedCloudWorkspace(workspaceName(config, props.layer)),
      });
      return;
    }
    const home = stateBucketOf(config, props.layer);
    new S3Backend(this, {
      bucket: home.bucket,
      key: stateKey(config.environment, props.layer, props.drill),
      region: home.region,
      encrypt: true,
      // Without a key the backend sends SSE-S3 headers, overriding the bucket's SSE-KMS default.
      kmsKeyId: `arn:aws:kms:${home.region}:${config.aws.accountId}:alias/${stateKeyAlias(home.bucket)}`,
    });
    // cdktf 0.21 has no prop for S3-native locking (Terraform >= 1.10), which replaces DynamoDB locks.
    this.addOverride("terraform.backend.s3.use_lockfile", true);
  }

  /** cdktf applies aspects when it synthesizes; a direct validation (tests) must see the boundary too. */
  override runAllValidations(): void {
    for (const node of this.node.findAll()) this.roleBoundary.visit(node);
    super.runAllValidations();
  }
}

/** An AWS provider that refuses any account but the environment's and tags everything it creates. */
export function awsProvider(
  scope: Construct,
  id: string,
  config: EnvironmentConfig,
  region: string,
  alias?: string,
): AwsProvider {
  return new AwsProvider(scope, id, {
    region,
    alias,
    allowedAccountIds: [config.aws.accountId],
    defaultTags: [{ tags: standardTags(config) }],
  });
}
