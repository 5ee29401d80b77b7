import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { enforceCompliance } from "../compliance/enforce";
import type { EnvironmentConfig } from "../config/schema";

/** Terraform releases the synthesized JSON is written for: S3-native locking needs 1.10. */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.10.0, < 2.0.0";

/** Every layer of an environment, in deploy order: the one list tools and tests import. */
export const LAYERS = ["bootstrap", "security", "registry", "network", "data", "app"] as const;
export type Layer = (typeof LAYERS)[number];

/** The stack naming convention CI jobs, Terraform Cloud workspaces and docs rely on. */
export function stackName(environment: string, layer: Layer): string {
  return `auth-${environment}-${layer}`;
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
export function stateKey(environment: string, layer: Layer): string {
  return `${environment}/${stackName(environment, layer)}.tfstate`;
}

export interface AuthStackProps {
  readonly config: EnvironmentConfig;
  readonly layer: Layer;
  /** Keep state in this local file instead (absolute path); only for the bootstrap stack's first apply. @default the environment's bucket */
  readonly localStateFile?: string;
  /** Region of the stack's default provider. @default config.aws.region */
  readonly region?: string;
}

/**
 * Base of every stack: the AWS provider pinned to the environment's account with its tags,
 * and state in the environment's S3 bucket with S3-native locking.
 */
export class AuthStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly provider: AwsProvider;

  constructor(scope: Construct, props: AuthStackProps) {
    super(scope, stackName(props.config.environment, props.layer));
    const { config } = props;
    this.config = config;
    this.provider = awsProvider(this, "aws", config, props.region ?? config.aws.region);
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    enforceCompliance(this, config.production ? "production" : "baseline");
    if (props.localStateFile) {
      new LocalBackend(this, { path: props.localStateFile });
      return;
    }
    if (config.state.backend === "terraform-cloud" && config.state.terraformCloud) {
      const { organization, hostname } = config.state.terraformCloud;
      new CloudBackend(this, { organization, hostname, workspaces: new NamedCloudWorkspace(workspaceName(config, props.layer)) });
      return;
    }
    new S3Backend(this, {
      bucket: config.state.bucket,
      key: stateKey(config.environment, props.layer),
      region: config.state.region,
      encrypt: true,
      // Without a key the backend sends SSE-S3 headers, overriding the bucket's SSE-KMS default.
      kmsKeyId: `arn:aws:kms:${config.state.region}:${config.aws.accountId}:alias/${stateKeyAlias(config.state.bucket)}`,
    });
    // cdktf 0.21 has no prop for S3-native locking (Terraform >= 1.10), which replaces DynamoDB locks.
    this.addOverride("terraform.backend.s3.use_lockfile", true);
  }
}

/** The tags every resource of the environment carries (provider default_tags, and instances of ASGs, which those do not reach). */
export function standardTags(config: EnvironmentConfig): Record<string, string> {
  return {
    Service: config.tags.service,
    Environment: config.tags.environment,
    Owner: config.tags.owner,
    CostCentre: config.tags.costCentre,
    ManagedBy: "cdktf",
  };
}

/** An AWS provider that refuses any account but the environment's and tags everything it creates. */
export function awsProvider(scope: Construct, id: string, config: EnvironmentConfig, region: string, alias?: string): AwsProvider {
  return new AwsProvider(scope, id, {
    region,
    alias,
    allowedAccountIds: [config.aws.accountId],
    defaultTags: [{ tags: standardTags(config) }],
  });
}
