import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { enforceCompliance } from "../compliance/enforce";
import type { EnvironmentConfig } from "../config/schema";

/** Terraform releases the synthesized JSON is written for: S3-native locking needs 1.10. */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.10.0, < 2.0.0";

/** Every layer of an environment, in deploy order: the one list tools and tests import. */
export const LAYERS = ["bootstrap", "registry", "network", "data", "app"] as const;

/**
 * The layers in aws.drRegion, whose state lives in the DR state bucket. The pilot light
 * (dr.pilotLight) deploys after bootstrap; the restore layers exist only in restore mode
 * (AUTH_DR_RESTORE=1), so no deploy of the primary layers ever creates them.
 */
export const PILOT_LIGHT_LAYERS = ["dr-network"] as const;
export const RESTORE_LAYERS = ["dr-data"] as const;
export type Layer = (typeof LAYERS)[number] | (typeof PILOT_LIGHT_LAYERS)[number] | (typeof RESTORE_LAYERS)[number];

/** True for a layer that lives in aws.drRegion and keeps its state in the DR state bucket. */
export function isDrLayer(layer: Layer): boolean {
  return layer.startsWith("dr-");
}

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
    const home = stateBucketOf(config, props.layer);
    new S3Backend(this, {
      bucket: home.bucket,
      key: stateKey(config.environment, props.layer),
      region: home.region,
      encrypt: true,
      // Without a key the backend sends SSE-S3 headers, overriding the bucket's SSE-KMS default.
      kmsKeyId: `arn:aws:kms:${home.region}:${config.aws.accountId}:alias/${stateKeyAlias(home.bucket)}`,
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
