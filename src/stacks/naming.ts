import type { EnvironmentConfig } from "../config/schema";

/** Every layer of an environment, in deploy order: the one list tools and tests import. */
export const LAYERS = ["bootstrap", "registry", "network", "data", "app"] as const;
export type Layer = (typeof LAYERS)[number];

/** The stack naming convention CI jobs, Terraform Cloud workspaces and docs rely on. */
export function stackName(environment: string, layer: Layer): string {
  return `auth-${environment}-${layer}`;
}

/** The environment and layer a stackName() names; undefined for any other name. */
export function parseStackName(name: string): { environment: string; layer: Layer } | undefined {
  const match = /^auth-([a-z][a-z0-9]*)-(.+)$/.exec(name);
  const layer = LAYERS.find((candidate) => candidate === match?.[2]);
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
export function stateKey(environment: string, layer: Layer): string {
  return `${environment}/${stackName(environment, layer)}.tfstate`;
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
