/**
 * The offline Terraform proof suite: synthesizes every stack of every environment, then runs
 * the real `terraform init`, `validate` and `plan` on a copy of each stack directory, against
 * the provider mirror, with local stand-ins for what needs AWS. Exit code 1 on any failure.
 */
const USAGE = `usage: npm run validate -- [STACK]...
  Proves every synthesized stack offline (terraform init, validate, plan against the provider
  mirror, with local stand-ins for AWS), or only the STACKs named, e.g. auth-staging-data or
  auth-staging-data@terraform-cloud (the Terraform Cloud variant, validated only).
  Exit 0 all proven, 1 a stack failed, 2 usage (unknown stack), 3 unexpected failure.
  Environment: TERRAFORM_BINARY, TERRAFORM_PROVIDER_MIRROR, PROOF_PARALLELISM (default 2),
  PROOF_KEEP=1 keeps the work folder.`;
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import type { Layer } from "../../src/stacks/auth-stack";
import { guardPolicyFor } from "../plan-report/policy";
import { blockers, parsePlan, renderReport, StackPlan } from "../plan-report/report";
import {
  TerraformJson,
  backendOverride,
  providerOverride,
  remoteStateOverride,
  standInEphemeralPasswords,
  standInDataSources,
  standInRandomProvider,
  stateWithOutputs,
} from "./overrides";
import { DATA_SOURCE_EXAMPLES, FIRST_DEPLOY_EXAMPLES } from "./data-source-examples";
import { NO_IMAGE_STATUS } from "../../src/constructs/release/release-state-reader";
import { MIRROR, TERRAFORM, missingToolchain, offlineEnvironment, planAsJson, terraform } from "./terraform";
import { EXIT, UsageError, main as runAsTool, parseCommandLine } from "../cli/command-line";

const PARALLELISM = Number(process.env.PROOF_PARALLELISM ?? 2);

/** An environment's config with its state in Terraform Cloud instead of S3. */
function withTerraformCloud<T extends object>(config: T): T {
  return {
    ...config,
    state: { ...(config as any).state, backend: "terraform-cloud", terraformCloud: { organization: "example-org", hostname: "app.terraform.io", workspacePrefix: "" } },
  };
}

interface StackResult {
  readonly stack: string;
  readonly ok: boolean;
  readonly line: string;
  readonly detail?: string;
  readonly plan?: StackPlan;
}

/** A second plan of a stack with other data source answers, and what its plan must show. */
interface PlanVariant {
  readonly examples: typeof DATA_SOURCE_EXAMPLES;
  /** What the check proved, for the output line. */
  readonly proves: string;
  /** A problem with the plan JSON, or undefined when it shows what it must. */
  readonly check: (plan: any) => string | undefined;
}

async function proveStack(stack: string, synthesizedDir: string, workDir: string, stateDir: string, env: NodeJS.ProcessEnv, withPlan: boolean, variant?: PlanVariant): Promise<StackResult> {
  const dir = join(workDir, stack);
  cpSync(synthesizedDir, dir, { recursive: true });
  const original: TerraformJson = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8"));
  const standIns = ["local backend", "mock credentials"];

  if (original.terraform?.cloud) standIns.push("local backend for the Terraform Cloud workspace");
  const { stack: withoutRandom, replaced } = standInRandomProvider(original);
  if (replaced.length > 0) standIns.push(`random_password -> terraform_data (${replaced.length}; hashicorp/random is not mirrored)`);
  const { stack: json, replaced: dataSources } = standInDataSources(withoutRandom, variant?.examples ?? DATA_SOURCE_EXAMPLES);
  if (dataSources.length > 0) standIns.push(`data sources read at plan time -> example values of the release-state contract (${dataSources.join(", ")})`);
  if (json !== original) writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json, null, 2));
  writeFileSync(join(dir, "backend_override.tf.json"), JSON.stringify(backendOverride()));
  writeFileSync(join(dir, "provider_override.tf.json"), JSON.stringify(providerOverride(json)));
  const producers = new Set<string>();
  const remoteState = remoteStateOverride(json, (layer) => {
    producers.add(layer);
    return join(stateDir, `${layer}.tfstate`);
  });
  if (remoteState) {
    writeFileSync(join(dir, "remote_state_override.tf.json"), JSON.stringify(remoteState));
    standIns.push(`upstream outputs of ${[...producers].join(", ")} from handover examples`);
  }

  try {
    await terraform(dir, env, "init", "-input=false");
    await terraform(dir, env, "validate");
    if (!withPlan) return { stack, ok: true, line: `ok    ${stack}: validated; stood in: ${standIns.join(", ")}` };
    const { stack: planned, markers, tfvars } = standInEphemeralPasswords(json);
    if (markers.length > 0) {
      writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(planned, null, 2));
      writeFileSync(join(dir, "ephemeral_stand_ins.auto.tfvars.json"), JSON.stringify(tfvars));
      standIns.push(
        `ephemeral aws_secretsmanager_random_password -> ephemeral variables set to markers for the plan (${markers.length}; Terraform cannot open them offline; validated with the real blocks)`,
      );
    }
    const { json: planJson, summary } = await planAsJson(dir, env);
    const leaked = markers.filter((marker) => planJson.includes(marker));
    if (leaked.length > 0) {
      return { stack, ok: false, line: `FAIL  ${stack}`, detail: `stand-in secret values reached the plan (terraform show -json): ${leaked.join(", ")}` };
    }
    if (markers.length > 0) standIns.push("no marker in terraform show -json");
    const problem = variant?.check(JSON.parse(planJson));
    if (problem) return { stack, ok: false, line: `FAIL  ${stack}`, detail: problem };
    return {
      stack,
      ok: true,
      line: `ok    ${stack}: validated and planned (${summary})${variant ? `; ${variant.proves}` : ""}; stood in: ${standIns.join(", ")}`,
      plan: parsePlan(stack, JSON.parse(planJson), guardPolicyFor(stack)),
    };
  } catch (error) {
    return { stack, ok: false, line: `FAIL  ${stack}`, detail: (error as Error).message };
  }
}

/** Before the first release both colours must plan with no instance, no image lookup, and say why. */
const FIRST_DEPLOY: PlanVariant = {
  examples: FIRST_DEPLOY_EXAMPLES,
  proves: "with the seeded release state both colours plan 0 instances and fleet_status says why",
  check(plan) {
    const groups = (plan.resource_changes ?? []).filter((change: any) => change.type === "aws_autoscaling_group");
    const sizes = groups.map((change: any) => [change.change.after.min_size, change.change.after.max_size, change.change.after.desired_capacity]);
    if (groups.length !== 2 || sizes.flat().some((size: number) => size !== 0)) return `expected two groups of 0 instances, got ${JSON.stringify(sizes)}`;
    const status = plan.planned_values?.outputs?.fleet_status?.value;
    if (status !== NO_IMAGE_STATUS) return `fleet_status is ${JSON.stringify(status)}`;
    return undefined;
  },
};

async function prove(argv: string[]): Promise<number> {
  const { positionals: only } = parseCommandLine(argv, {}, true);
  const missing = missingToolchain();
  if (missing) {
    if (process.env.CI === "true") {
      console.error(`terraform proof: cannot run: ${missing}. CI must have Terraform and the provider mirror.`);
      return EXIT.refused;
    }
    console.log(`terraform proof: SKIPPED: ${missing} (set CI=true to make this an error)`);
    return EXIT.ok;
  }

  const root = mkdtempSync(join(tmpdir(), "auth-terraform-proof-"));
  const outdir = join(root, "cdktf.out");
  const workDir = join(root, "work");
  const stateDir = join(root, "upstream-state");
  mkdirSync(workDir);
  mkdirSync(stateDir);
  console.log("terraform proof: synthesizing every environment...");
  // Loaded only now, so a missing toolchain is reported without loading the whole app.
  const [{ buildApp }, { handovers }] = await Promise.all([import("../../src/app"), import("../../src/stacks/handovers")]);
  buildApp({ outdir }).synth();
  // The same app with Terraform Cloud as the state home, proven alongside the S3 one.
  const cloudOutdir = join(root, "cdktf.out-terraform-cloud");
  const { environments } = await import("../../src/config");
  buildApp({ outdir: cloudOutdir, configs: { staging: withTerraformCloud(environments.staging) } }).synth();

  for (const [layer, spec] of Object.entries(handovers)) {
    if (spec) writeFileSync(join(stateDir, `${layer as Layer}.tfstate`), JSON.stringify(stateWithOutputs(spec)));
  }
  const env = offlineEnvironment(join(root, "terraform.rc"));

  const stacksOf = (directory: string, suffix: string) =>
    Object.values<any>(JSON.parse(readFileSync(join(directory, "manifest.json"), "utf8")).stacks).map((entry) => ({
      name: `${entry.name as string}${suffix}`,
      dir: resolve(directory, entry.workingDirectory),
    }));
  // The Terraform Cloud variant differs only in backend and remote state: validating it is enough.
  const everyStack: { name: string; dir: string; withPlan: boolean; variant?: PlanVariant }[] = [
    ...stacksOf(outdir, "").map((stack) => ({ ...stack, withPlan: true })),
    ...stacksOf(cloudOutdir, "@terraform-cloud").map((stack) => ({ ...stack, withPlan: false })),
  ];
  // A fresh environment: the app stack planned against the release state the registry seeds.
  const staging = everyStack.find((stack) => stack.name === "auth-staging-app");
  if (staging) everyStack.push({ ...staging, name: "auth-staging-app@first-deploy", variant: FIRST_DEPLOY });
  const unknown = only.filter((name) => !everyStack.some((stack) => stack.name === name));
  if (unknown.length > 0) throw new UsageError(`unknown stack ${unknown.join(", ")} (known: ${everyStack.map((stack) => stack.name).join(", ")})`);
  const stacks = only.length > 0 ? everyStack.filter((stack) => only.includes(stack.name)) : everyStack;
  console.log(`terraform proof: ${stacks.length} stacks, ${PARALLELISM} at a time, terraform ${TERRAFORM}, provider mirror ${MIRROR}`);

  const results: StackResult[] = [];
  const queue = [...stacks];
  await Promise.all(
    Array.from({ length: PARALLELISM }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        console.log(`...   ${next.name}: init, validate${next.withPlan ? ", plan" : ""}`);
        const result = await proveStack(next.name, next.dir, workDir, stateDir, env, next.withPlan, next.variant);
        console.log(result.line);
        if (result.detail) console.log(result.detail.replace(/^/gm, "      "));
        results.push(result);
      }
    }),
  );

  // The plan report over every create-only plan: the guard must let a fresh environment through.
  const plans = results.flatMap((result) => (result.plan && !result.stack.includes("@") ? [result.plan] : []));
  const reportPath = join(root, "plan-report.md");
  writeFileSync(reportPath, renderReport(plans));
  const losses = blockers(plans);
  console.log(`${losses.length === 0 ? "ok  " : "FAIL"}  plan report over ${plans.length} plans: ${losses.length} changes blocked by the data-loss guard`);

  const failed = results.filter((result) => !result.ok).length + (losses.length > 0 ? 1 : 0);
  if (failed === 0 && !process.env.PROOF_KEEP) rmSync(root, { recursive: true, force: true });
  console.log(`terraform-proof: ${results.length + 1 - failed} passed, ${failed} failed`);
  return failed > 0 ? EXIT.refused : EXIT.ok;
}

runAsTool({ name: "validate", usage: USAGE, run: prove });
