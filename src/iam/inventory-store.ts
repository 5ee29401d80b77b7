import type { EnvironmentConfig } from "../config/schema/schema";
import { ALL_LAYERS, type Layer, parseStackName, resourcePrefix } from "../config/naming";
import { layerInventory, mergeInventories, type LayerInventory } from "./layer-inventory";
import recorded from "./layer-inventory.json";

/**
 * layer-inventory.json: each environment's layers as last synthesized (restore stacks included),
 * written by `npm run iam:inventory` and compared with the synth by __tests__/iam-policies.test.ts.
 * Names are stored as templates ({env}, {account}) so the file reads the same for every account.
 */
export type InventoryFile = Record<string, Partial<Record<Layer, LayerInventory>>>;

const ENV = "{env}";
const ACCOUNT = "{account}";

const mapNames = (inventory: LayerInventory, change: (value: string) => string): LayerInventory => ({
  ...inventory,
  passedRoles: inventory.passedRoles.map(change),
  roles: inventory.roles.map(change),
  buckets: inventory.buckets.map(change),
  keyAliases: inventory.keyAliases.map(change),
});

/** The inventory file's content for synthesized stacks (stack name -> cdk.tf.json), with each config's account. */
export function inventoryFile(
  stacks: Record<string, object>,
  accountOf: (environment: string) => string,
): InventoryFile {
  const file: InventoryFile = {};
  for (const [name, json] of Object.entries(stacks).sort(([a], [b]) => a.localeCompare(b))) {
    const parsed = parseStackName(name);
    if (!parsed) continue;
    const account = accountOf(parsed.environment);
    const template = (value: string) =>
      value.split(resourcePrefix(parsed.environment)).join(resourcePrefix(ENV)).split(account).join(ACCOUNT);
    (file[parsed.environment] ??= {})[parsed.layer] = mapNames(layerInventory(json), template);
  }
  return file;
}

/**
 * The recorded inventory of an environment's layers, its names filled in. An environment the file
 * does not know (a test's config) gets the union of every recorded environment's.
 */
export function recordedInventory(
  config: Pick<EnvironmentConfig, "environment" | "aws">,
  layers: readonly Layer[],
  file: InventoryFile = recorded as InventoryFile,
): LayerInventory {
  const sources = file[config.environment] ? [file[config.environment]!] : Object.values(file);
  const fill = (value: string) => value.split(ENV).join(config.environment).split(ACCOUNT).join(config.aws.accountId);
  const found = sources.flatMap((layersOf) =>
    layers.flatMap((layer) => (layersOf[layer] ? [mapNames(layersOf[layer]!, fill)] : [])),
  );
  return mergeInventories(found);
}

export { ALL_LAYERS };
