/**
 * The way out of a restore that outlasted its Terraform timeout. Terraform then keeps the restored
 * instance in state as tainted, and plans to replace it, which prevent_destroy refuses ("Instance
 * cannot be destroyed"): no deploy can go on. The instance AWS is still creating is the restore we
 * want, so the stores are untainted (only them: anything else tainted is cheap to recreate), and the
 * next deploy picks them up where they are.
 */
import { EXIT, ExitCode } from "../cli/command-line";

/** Resource types of the restored data stores: slow to create, and protected from replacement. */
export const RESTORED_STORE_TYPES = ["aws_db_instance", "aws_elasticache_replication_group"] as const;

/** The parts of a raw Terraform state (`terraform state pull`, format version 4) this reads. */
export interface RawState {
  readonly version: number;
  readonly resources?: readonly {
    readonly mode: string;
    readonly type: string;
    readonly name: string;
    readonly module?: string;
    readonly instances: readonly { readonly status?: string; readonly index_key?: string | number }[];
  }[];
}

/** Addresses of tainted restored stores, as `terraform untaint` takes them. */
export function taintedStores(state: RawState): string[] {
  if (state.version !== 4) throw new Error(`state format version ${state.version} is not the 4 this reads`);
  return (state.resources ?? [])
    .filter(
      (resource) => resource.mode === "managed" && (RESTORED_STORE_TYPES as readonly string[]).includes(resource.type),
    )
    .flatMap((resource) =>
      resource.instances
        .filter((instance) => instance.status === "tainted")
        .map((instance) => {
          const key =
            instance.index_key === undefined
              ? ""
              : typeof instance.index_key === "number"
                ? `[${instance.index_key}]`
                : `["${instance.index_key}"]`;
          return `${resource.module ? `${resource.module}.` : ""}${resource.type}.${resource.name}${key}`;
        }),
    );
}

/** Terraform in the restore stack's directory, initialized. */
export interface StateCommands {
  /** `terraform state pull`. */
  pull(): Promise<string>;
  /** `terraform untaint ADDRESS`. */
  untaint(address: string): Promise<void>;
}

export async function untaintRestoredStores(terraform: StateCommands, log: (line: string) => void): Promise<ExitCode> {
  const tainted = taintedStores(JSON.parse(await terraform.pull()) as RawState);
  if (tainted.length === 0) {
    log("no restored data store is tainted: nothing to do");
    return EXIT.ok;
  }
  for (const address of tainted) {
    await terraform.untaint(address);
    log(`untainted ${address}`);
  }
  log("deploy the stack again (the same command as the restore): it picks the stores up as they are");
  return EXIT.ok;
}
