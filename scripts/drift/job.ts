/**
 * The drift check of one stack: the state object must exist (a missing state reads as empty and
 * would plan to create everything), then a refresh-only plan and a plan without refresh, both
 * without the state lock and never saved. Plan JSON stays in memory; what leaves is the redacted
 * verdict (classify.ts). Ports for Terraform and the state bucket keep it testable with the real
 * Terraform and a fake bucket.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { GuardPolicy } from "../plan-report/guard";
import { readPlanDocument } from "../plan-report/plan-input";
import { SECRET_READING_TYPES } from "../plan-job/job";
import { classifyStack, failedStack, StackDrift } from "./classify";

export interface DriftTerraformPort {
  init(dir: string): Promise<void>;
  /** terraform plan with these arguments (the plan file is among them); output stays in memory. */
  plan(dir: string, args: string[]): Promise<unknown>;
  /** `terraform show -json PLANFILE`, kept in memory. */
  showJson(dir: string, planFile: string): Promise<string>;
}

export interface StateObjectPort {
  /** Whether the stack's state object exists (HeadObject); throws when that cannot be told. */
  exists(bucket: string, key: string): Promise<boolean>;
}

export interface DriftCheckOptions {
  readonly stack: string;
  readonly stackDir: string;
  readonly state: { readonly bucket: string; readonly key: string };
  readonly policy: GuardPolicy;
}

/**
 * Addresses to refresh: every managed resource except those whose refresh reads a secret value
 * (the drift identity may read secret metadata, never values), as -target arguments. Terraform
 * has no -exclude; with no excluded resource in the stack, no target is given and all refresh.
 */
export function refreshTargets(stackDir: string): string[] {
  const resources: Record<string, Record<string, unknown>> = {};
  for (const file of readdirSync(stackDir).filter(
    (name) => name.endsWith(".tf.json") && !name.endsWith("_override.tf.json"),
  )) {
    for (const [type, byName] of Object.entries(
      JSON.parse(readFileSync(join(stackDir, file), "utf8")).resource ?? {},
    )) {
      resources[type] = { ...resources[type], ...(byName as Record<string, unknown>) };
    }
  }
  const excluded = Object.keys(resources).filter((type) => SECRET_READING_TYPES.includes(type));
  if (excluded.length === 0) return [];
  return Object.entries(resources)
    .filter(([type]) => !excluded.includes(type))
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `-target=${type}.${name}`));
}

export async function checkStackDrift(
  options: DriftCheckOptions,
  terraform: DriftTerraformPort,
  state: StateObjectPort,
): Promise<StackDrift> {
  const { stack, stackDir } = options;
  let exists: boolean;
  try {
    exists = await state.exists(options.state.bucket, options.state.key);
  } catch (error) {
    return failedStack(
      stack,
      `could not read s3://${options.state.bucket}/${options.state.key}: ${(error as Error).message}`,
    );
  }
  if (!exists)
    return failedStack(
      stack,
      `no state at s3://${options.state.bucket}/${options.state.key}: a missing state would plan to create everything`,
    );
  const scratch = mkdtempSync(join(tmpdir(), "drift-"));
  try {
    await terraform.init(stackDir);
    const refreshPlan = join(scratch, "refresh-only.tfplan");
    await terraform.plan(stackDir, [
      "-input=false",
      "-lock=false",
      "-refresh-only",
      `-out=${refreshPlan}`,
      ...refreshTargets(stackDir),
    ]);
    const pendingPlan = join(scratch, "pending.tfplan");
    await terraform.plan(stackDir, ["-input=false", "-lock=false", "-refresh=false", `-out=${pendingPlan}`]);
    const refreshOnly = readPlanDocument(`${stack} refresh-only plan`, await terraform.showJson(stackDir, refreshPlan));
    const withoutRefresh = readPlanDocument(`${stack} plan`, await terraform.showJson(stackDir, pendingPlan));
    return classifyStack(stack, refreshOnly.json, withoutRefresh.json, options.policy);
  } catch (error) {
    return failedStack(stack, (error as Error).message);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
