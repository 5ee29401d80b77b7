/**
 * The plan job of a workflow, for one stack: init, plan to a binary plan file, read the plan as
 * JSON in memory, and write only what may leave the job: the redacted summary (addresses, actions,
 * replace paths, masked attribute diffs, guard findings) and its Markdown report. The binary plan,
 * which holds prior state and secret values, goes to the environment's state bucket (encrypted with
 * the state key) when it is to be applied later, and is deleted from the runner either way.
 * Ports for Terraform and the plan store keep this testable with the real Terraform and a fake bucket.
 */
import { createHash } from "crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { GuardPolicy } from "../plan-report/guard";
import { readPlanDocument } from "../plan-report/plan-input";
import { parsePlan, renderReport, toSummary } from "../plan-report/report";
import { planCost } from "../../src/cost/plan-delta";

export interface TerraformPort {
  init(dir: string): Promise<void>;
  /** The stack's `release_settings` output, or undefined before the first deploy. */
  releaseSettings(dir: string): Promise<Record<string, unknown> | undefined>;
  /** Runs terraform plan with these arguments; returns its "Plan: ..." line. Never returns the plan's text. */
  plan(dir: string, args: string[]): Promise<string>;
  /** `terraform show -json PLANFILE`, kept in memory. */
  showJson(dir: string, planFile: string): Promise<string>;
}

export interface PlanStorePort {
  /** Stores a binary plan under key, encrypted with the state key; returns its URI. */
  put(localPath: string, key: string): Promise<string>;
}

/** PR plans never take the state lock (a PR must not fail a deploy); plans that get applied wait for it. */
export type LockMode = { readonly kind: "none" } | { readonly kind: "wait"; readonly timeout: string };

export interface PlanJobOptions {
  readonly stack: string;
  /** The synthesized stack directory (cdktf.out/stacks/STACK). */
  readonly stackDir: string;
  /** Where the summary and Markdown go: the only files the workflow uploads. */
  readonly outDir: string;
  readonly lock: LockMode;
  /**
   * false plans without refreshing; "auto" does so only when refreshing would read secret values,
   * which the plan role may not (see SECRET_READING_TYPES).
   */
  readonly refresh: boolean | "auto";
  /** Store the binary plan under this key prefix for a later apply; unset discards it. */
  readonly savePrefix?: string;
  readonly policy: GuardPolicy;
}

export interface PlanJobResult {
  readonly summaryPath: string;
  readonly reportPath: string;
  /** Terraform's "Plan: ..." line. */
  readonly headline: string;
  readonly savedPlan?: string;
  readonly risks: number;
  /** Why the plan was made without refresh, when "auto" chose that. */
  readonly refreshSkipped?: string;
}

/**
 * Resources whose refresh reads a secret value: the provider reads a secret version with
 * GetSecretValue, write-only or not (terraform-provider-aws, internal/service/secretsmanager/
 * secret_version.go, findSecretVersionByTwoPartKey), which the plan role is denied.
 */
export const SECRET_READING_TYPES = ["aws_secretsmanager_secret_version"];

/** The secret-reading resource types a stack directory's Terraform JSON declares. */
export function secretReadingTypes(stackDir: string): string[] {
  const declared = readdirSync(stackDir)
    .filter((name) => name.endsWith(".tf.json"))
    .flatMap((name) => Object.keys(JSON.parse(readFileSync(`${stackDir}/${name}`, "utf8")).resource ?? {}));
  return SECRET_READING_TYPES.filter((type) => declared.includes(type));
}

/** The app stack is planned with the release settings it runs with now, so a plan never undoes a release. */
const RELEASE_VARIABLES = ["blue_image_tag", "green_image_tag", "green_traffic_percent", "idle_capacity"];

export async function runPlanJob(
  options: PlanJobOptions,
  terraform: TerraformPort,
  store: PlanStorePort,
): Promise<PlanJobResult> {
  const scratch = mkdtempSync(join(tmpdir(), "plan-job-"));
  const planFile = join(scratch, `${options.stack}.tfplan`);
  try {
    await terraform.init(options.stackDir);
    const args = ["-input=false", `-out=${planFile}`];
    args.push(options.lock.kind === "none" ? "-lock=false" : `-lock-timeout=${options.lock.timeout}`);
    const secretTypes = options.refresh === "auto" ? secretReadingTypes(options.stackDir) : [];
    const refreshSkipped =
      secretTypes.length > 0
        ? `refreshing ${secretTypes.join(", ")} reads secret values, which the plan role may not`
        : undefined;
    if (options.refresh === false || refreshSkipped) args.push("-refresh=false");
    const settings = await terraform.releaseSettings(options.stackDir);
    if (settings)
      for (const name of RELEASE_VARIABLES)
        if (settings[name] !== undefined) args.push("-var", `${name}=${String(settings[name])}`);
    const headline = await terraform.plan(options.stackDir, args);

    const document = readPlanDocument(`${options.stack} plan`, await terraform.showJson(options.stackDir, planFile));
    // Priced here, from the plan in memory: pull-request plans are never saved.
    const plan = {
      ...parsePlan(options.stack, document.json, options.policy),
      cost: planCost(options.stack, document.json),
    };
    const planSha256 = createHash("sha256").update(readFileSync(planFile)).digest("hex");
    const savedPlan = options.savePrefix
      ? await store.put(planFile, `${options.savePrefix.replace(/\/+$/, "")}/${options.stack}.tfplan`)
      : undefined;

    mkdirSync(options.outDir, { recursive: true });
    const summaryPath = join(options.outDir, `${options.stack}.summary.json`);
    const reportPath = join(options.outDir, `${options.stack}.md`);
    writeFileSync(
      summaryPath,
      `${JSON.stringify(toSummary(plan, { planSha256, ...(savedPlan && { savedPlan }) }), null, 2)}\n`,
    );
    writeFileSync(reportPath, renderReport([plan]));
    return { summaryPath, reportPath, headline, savedPlan, risks: plan.risks.length, refreshSkipped };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
