import { ROUTE53_METRICS_REGION } from "../config/schema/regions";
import type { EnvironmentConfig } from "../config/schema/schema";
import {
  ALL_LAYERS,
  applyingIdentity,
  ciRoleName,
  ciRolePrefixes,
  permissionsBoundaryArn,
  platformBoundaryArn,
  PLATFORM_LAYERS,
} from "../config/naming";
import { boundaryDocument, identityStatements, type PolicyDocument, type PolicyStatement } from "./ci-policies";
import { recordedInventory, type InventoryFile } from "./inventory-store";
import type { LayerInventory } from "./layer-inventory";
import { workloadBoundaryDocument } from "./workload-boundary";

/** The generated policies of an environment's applying identities and its permissions boundary. */
export interface EnvironmentPolicies {
  readonly deploy: readonly PolicyStatement[];
  readonly platform: readonly PolicyStatement[];
  /** The boundary of every role the deploy identity's stacks create (workload-boundary.ts). */
  readonly boundary: PolicyDocument;
  /** The boundary of the roles the platform layers create (boundaryDocument). */
  readonly platformBoundary: PolicyDocument;
  /** The inventories they were generated from. */
  readonly inventories: { readonly deploy: LayerInventory; readonly platform: LayerInventory };
}

/** The layers an applying identity applies. */
export const layersOf = (identity: "deploy" | "platform") =>
  ALL_LAYERS.filter((layer) => applyingIdentity(layer) === identity);

const EMPTY: LayerInventory = {
  resources: [],
  dataSources: [],
  passedRoles: [],
  managedPolicies: [],
  roles: [],
  buckets: [],
  keyAliases: [],
  roleActions: [],
  roleActionsOnAnyResource: [],
};

export function environmentPolicies(config: EnvironmentConfig, file?: InventoryFile): EnvironmentPolicies {
  const deploy = recordedInventory(config, layersOf("deploy"), file);
  const platform = recordedInventory(config, PLATFORM_LAYERS, file);
  const base = {
    environment: config.environment,
    accountId: config.aws.accountId,
    repositoryName: config.registry.repositoryName,
    boundaryArn: permissionsBoundaryArn(config),
  };
  const platformBoundary = platformBoundaryArn(config);
  // The outside-in checks' health-check alarms, their topic and its key live in us-east-1.
  const regions = [
    ...new Set([
      config.aws.region,
      config.aws.drRegion,
      config.state.region,
      ...(config.outsideIn ? [ROUTE53_METRICS_REGION] : []),
    ]),
  ];
  return {
    deploy: identityStatements({
      ...base,
      regions,
      inventory: deploy,
      protectedInventory: platform,
      extras: ["provider", "release"],
      protect: { otherBoundaryArns: [platformBoundary] },
      // The pilot light's GuardDuty and Security Hub are the deploy layers'; the primary's are the platform's.
      ownDetectionRegions: config.dr.pilotLight ? [config.aws.drRegion] : [],
    }),
    platform: identityStatements({
      ...base,
      boundaryArn: platformBoundary,
      regions,
      inventory: platform,
      // The platform identity maintains the boundary, the trail and the CI roles, but never its own role.
      protectedInventory: { ...EMPTY, roles: [ciRoleName(config.environment, "platform")] },
      protect: { protectCiRoles: false, protectBoundary: false, protectDetection: false },
      unboundedRoles: ciRolePrefixes(config.environment).map((prefix) => `${prefix}*`),
      extras: ["provider"],
    }),
    boundary: workloadBoundaryDocument({
      ...base,
      otherBoundaryArns: [platformBoundary],
      inventory: deploy,
      protectedInventory: platform,
    }),
    platformBoundary: boundaryDocument({ ...base, boundaryArn: platformBoundary, protectedInventory: platform }),
    inventories: { deploy, platform },
  };
}
