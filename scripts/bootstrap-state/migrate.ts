/**
 * Moves a bootstrap stack's first, local state into the bucket that stack created. Terraform's
 * own `init -migrate-state` needs the previous backend recorded in the stack folder's
 * .terraform/, which every synth can delete; `state push` from the local file needs nothing but
 * the file, so it works however many synths ran in between.
 */
import { existsSync, readFileSync, renameSync } from "fs";
import { UsageError } from "../cli/command-line";

/** Runs a Terraform command in the stack folder (backend already the bucket); resolves to stdout. */
export type TerraformInStack = (...args: string[]) => Promise<string>;

export type MigrationOutcome =
  | { readonly kind: "migrated"; readonly resources: number; readonly keptAs: string }
  | { readonly kind: "refused"; readonly reason: string };

interface StateFile {
  readonly lineage: string;
  readonly serial: number;
  readonly resources: readonly unknown[];
}

function readState(text: string, where: string): StateFile | undefined {
  if (text.trim() === "") return undefined;
  let state: any;
  try {
    state = JSON.parse(text);
  } catch {
    throw new UsageError(`${where} is not JSON, so not a Terraform state file`);
  }
  if (typeof state?.lineage !== "string" || !Array.isArray(state?.resources))
    throw new UsageError(`${where} is not a Terraform state file`);
  return state;
}

export async function migrateLocalState(
  localFile: string,
  terraform: TerraformInStack,
  log: (line: string) => void,
): Promise<MigrationOutcome> {
  if (!existsSync(localFile)) {
    throw new UsageError(
      `no local state at ${localFile}: nothing to migrate (the first apply writes it: npm run bootstrap -- --env ENV)`,
    );
  }
  const local = readState(readFileSync(localFile, "utf8"), localFile);
  if (!local || local.resources.length === 0)
    return { kind: "refused", reason: `${localFile} holds no resources: was the first apply run?` };

  log("terraform init (backend: the state bucket)");
  await terraform("init", "-input=false", "-reconfigure", "-no-color");
  const remote = readState(await terraform("state", "pull"), "the state in the bucket");
  if (remote && remote.resources.length > 0) {
    const same = remote.lineage === local.lineage;
    return {
      kind: "refused",
      reason: same
        ? `the bucket already holds this state (lineage ${local.lineage}, serial ${remote.serial}): it was migrated before; delete ${localFile} once you have checked`
        : `the bucket already holds a different state for this stack (${remote.resources.length} resources, lineage ${remote.lineage}); not overwriting it`,
    };
  }

  log(`terraform state push (${local.resources.length} resources, lineage ${local.lineage})`);
  await terraform("state", "push", localFile);
  const listed = (await terraform("state", "list")).split("\n").filter((line) => line.trim() !== "");
  const expected = (local.resources as any[]).reduce(
    (count, resource) => count + Math.max(1, resource.instances?.length ?? 1),
    0,
  );
  if (listed.length !== expected)
    throw new Error(
      `after the push the bucket lists ${listed.length} resource instances, the local file ${expected}; keeping ${localFile}`,
    );

  const keptAs = `${localFile}.migrated`;
  renameSync(localFile, keptAs);
  return { kind: "migrated", resources: listed.length, keptAs };
}
