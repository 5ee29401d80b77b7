import { TerraformResource, TerraformStack } from "cdktf";
import { Construct } from "constructs";

/** A `removed` block as the stacks write it (HCL output renders it, src/hcl-output.ts). */
export interface RemovedBlock {
  readonly from: string;
  readonly lifecycle: { readonly destroy: false };
}

const REMOVED = Symbol.for("auth.stacks.removed");

/**
 * Terraform addresses (type.name) of the managed resources `build` declares at the root of a stack,
 * as cdktf names them: a logical id depends only on the construct path below the stack, so a
 * throwaway stack gives the same addresses the real one gave when it still declared them.
 */
export function addressesDeclaredBy(build: (scope: Construct) => void, types?: readonly string[]): string[] {
  // A bare root, not an App: an App creates its output folder.
  const scratch = new TerraformStack(new Construct(undefined as never, "scratch"), "scratch");
  build(scratch);
  return scratch.node
    .findAll()
    .filter((node): node is TerraformResource => node instanceof TerraformResource)
    .filter((resource) => !types || types.includes(resource.terraformResourceType))
    .map((resource) => `${resource.terraformResourceType}.${resource.friendlyUniqueId}`)
    .sort();
}

/**
 * Forgets, never deletes, what `build` would declare: `removed` blocks with `destroy = false`
 * (Terraform >= 1.7, https://developer.hashicorp.com/terraform/language/resources/syntax#removing-resources).
 * A stack that stops owning a singleton (create -> existing/organization) drops it from its
 * state and leaves it running; for an address not in state the block does nothing, so a fresh
 * environment in that mode plans the same. `build` must declare the constructs at the same paths
 * the stack did. Blocks from several calls accumulate (an override would replace them).
 */
export function forgetResources(
  stack: TerraformStack,
  build: (scope: Construct) => void,
  types?: readonly string[],
): string[] {
  const addresses = addressesDeclaredBy(build, types);
  const holder = stack as unknown as { [REMOVED]?: RemovedBlock[] };
  const blocks = (holder[REMOVED] ??= []);
  blocks.push(...addresses.map((from) => ({ from, lifecycle: { destroy: false as const } })));
  stack.addOverride("removed", blocks);
  return addresses;
}
