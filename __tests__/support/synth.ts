import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { Testing, TerraformStack } from "cdktf";
import { environments } from "../../src/config";
import type { EnvironmentConfig, EnvironmentConfigInput } from "../../src/config/schema/schema";
import { ALL_LAYERS, LAYERS, Layer, stackName } from "../../src/config/naming";
import { validateConfigs } from "../../src/config/rules/validate";

/** A resource or data block as it appears in cdk.tf.json. */
export type Block = Record<string, any>;

/** The synthesized Terraform JSON of one stack, with lookups by type. */
export class Synthesized {
  constructor(readonly json: Record<string, any>) {}

  static of(stack: TerraformStack): Synthesized {
    return new Synthesized(JSON.parse(Testing.synth(stack)));
  }

  /** All resources of a type, keyed by their logical name. */
  resources(type: string): Record<string, Block> {
    return this.json.resource?.[type] ?? {};
  }

  resourceList(type: string): Block[] {
    return Object.values(this.resources(type));
  }

  /** The single resource of a type; fails when there are none or several. */
  resource(type: string): Block {
    const all = this.resourceList(type);
    if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
    return all[0];
  }

  /** The resource whose logical name contains (or matches) `fragment`; fails unless exactly one does. */
  named(type: string, fragment: string | RegExp): Block {
    const matches = Object.entries(this.resources(type)).filter(([name]) =>
      typeof fragment === "string" ? name.includes(fragment) : fragment.test(name),
    );
    if (matches.length !== 1)
      throw new Error(
        `expected one ${type} named *${fragment}*, found ${matches.map(([n]) => n).join(", ") || "none"}`,
      );
    return matches[0][1];
  }

  dataSources(type: string): Record<string, Block> {
    return this.json.data?.[type] ?? {};
  }

  /** The policy document data source that a `${data.aws_iam_policy_document.X.json}` reference points to. */
  policyDocument(reference: string): Block {
    const match = /data\.aws_iam_policy_document\.([\w-]+)\.json/.exec(reference);
    if (!match) throw new Error(`not a policy document reference: ${reference}`);
    return this.dataSources("aws_iam_policy_document")[match[1]];
  }

  outputs(): Record<string, Block> {
    return this.json.output ?? {};
  }
}

/** The Terraform reference expression of a resource's attribute, e.g. ${aws_vpc.network_vpc_1A2B.id}. */
export function referenceTo(json: Synthesized, type: string, block: Block, attribute: string): string {
  const name = Object.entries(json.resources(type)).find(([, candidate]) => candidate === block)?.[0];
  if (!name) throw new Error(`block is not a ${type}`);
  return `\${${type}.${name}.${attribute}}`;
}

export function validConfig(name: keyof typeof environments): EnvironmentConfig {
  return validateConfigs({ [name]: environments[name] })[0];
}

/** A deep copy of an environment's config input, changed by `edit`, for feeding bad values. */
export function editedConfig(
  name: keyof typeof environments,
  edit: (config: EnvironmentConfigInput) => void,
): EnvironmentConfigInput {
  const copy = structuredClone(environments[name]) as EnvironmentConfigInput;
  edit(copy);
  return copy;
}

// The one layer list (src/config/naming.ts), in deploy order.
export { LAYERS } from "../../src/config/naming";
export type LayerName = Layer;

/** Where the global setup synthesized the app (the real bundle, all environments). */
export const SYNTH_DIR = join(__dirname, "..", "..", ".jest-synth");

/** Every stack of one environment, as `cdktf synth` wrote it. */
export function synthEnvironment(name: keyof typeof environments): Record<LayerName, Synthesized> {
  return Object.fromEntries(
    LAYERS.map((layer) => {
      const file = join(SYNTH_DIR, "stacks", stackName(name, layer), "cdk.tf.json");
      return [layer, new Synthesized(JSON.parse(readFileSync(file, "utf8")))];
    }),
  ) as Record<LayerName, Synthesized>;
}

/**
 * Every stack one environment's synth wrote, pilot light included (restore mode is off in the shared
 * synthesis, so never the restore stacks), keyed by stack name, in deploy order.
 */
export function synthEveryStack(name: keyof typeof environments): Record<string, Synthesized> {
  return Object.fromEntries(
    ALL_LAYERS.map((layer) => join(SYNTH_DIR, "stacks", stackName(name, layer), "cdk.tf.json"))
      .filter((file) => existsSync(file))
      .map((file) => [file.split("/").at(-2)!, new Synthesized(JSON.parse(readFileSync(file, "utf8")))]),
  );
}

/** The registered environments (src/config/index.ts), in promotion order: every per-environment test runs for each. */
export const ENVIRONMENTS = Object.keys(environments) as readonly (keyof typeof environments)[];
