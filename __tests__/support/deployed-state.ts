import type { TerraformJson } from "../../scripts/terraform-proof/overrides";

const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';

/** The managed resources a synthesized stack declares, as type.name addresses. */
export const addressesOf = (json: TerraformJson): string[] =>
  Object.entries<Record<string, unknown>>(json.resource ?? {}).flatMap(([type, blocks]) =>
    Object.keys(blocks).map((name) => `${type}.${name}`),
  );

/**
 * A state holding `owned` (type.name addresses) as the provider stores them: id only, at each
 * type's current schema version, so a plan against it is what an upgrade of a deployed stack plans.
 */
export function deployedStateOf(
  owned: readonly string[],
  schemaVersions: Record<string, number>,
  options: { readonly lineage: string; readonly providerOf?: (type: string) => string },
): TerraformJson {
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: options.lineage,
    outputs: {},
    resources: owned.map((address) => {
      const [type, name] = address.split(".");
      return {
        mode: "managed",
        type,
        name,
        provider: options.providerOf?.(type) ?? AWS,
        instances: [{ schema_version: schemaVersions[type] ?? 0, attributes: { id: `${name}-id` } }],
      };
    }),
  };
}
