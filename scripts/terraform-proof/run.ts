/**
 * The offline Terraform proof suite: synthesizes every stack of every environment, then runs
 * the real `terraform init`, `validate` and `plan` on a copy of each stack directory, against
 * the provider mirror, with local stand-ins for what needs AWS. Exit code 1 on any failure.
 */
const USAGE = `usage: npm run validate -- [--validate-only] [STACK]...
  Proves every synthesized stack offline (terraform init, validate, plan against the provider
  mirror, with local stand-ins for AWS), or only the STACKs named, e.g. auth-staging-data,
  auth-staging-data@hcl (synthesized as HCL: validated, and planned the same as its JSON),
  auth-staging-data@terraform-cloud (cloud block kept: init -backend=false and validate only),
  auth-staging-app@first-deploy (planned against the release state the registry seeds; its
  serving alarms quiet) and auth-staging-app@released (the same after a release: they page) or
  auth-production-dr-data@point-in-time (restore mode, AUTH_DR_RESTORE_TIME set) or
  auth-production-dr-app@cutover (AUTH_DR_CUTOVER=1 and AUTH_DR_IMAGE_DIGEST set) or
  auth-production-data@restore-primary (fail back: dr.failBack restores the primary database from a
  snapshot as a new instance, the old one forgotten) or
  auth-production-security@organization-member (an account layout of src/config/environments/layouts.ts). The restore
  stacks exist only in restore mode: the suite synthesizes the app a second time with it on.
  --validate-only: init and terraform validate each stack, no plan (one provider start-up a stack).
  Exit 0 all proven, 1 a stack failed, 2 usage (unknown stack), 3 unexpected failure.
  Stacks run PROOF_PARALLELISM at a time (default: one per core); results print in stack order.
  Variants whose prepared directories are byte-identical share one Terraform run (each keeps its own
  verdict and checks, and says which variant's run it shares); named stacks synthesize only the
  variants they need.
  Environment: TERRAFORM_BINARY, TERRAFORM_PROVIDER_MIRROR, PROOF_PARALLELISM,
  PROOF_KEEP=1 keeps the work folder, PROOF_RESULTS=FILE writes each stack's verdict line as JSON.`;
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { execFile } from "child_process";
import { availableParallelism, tmpdir } from "os";
import { promisify } from "util";
import { pathToFileURL } from "url";
import { join, resolve } from "path";
import type { Layer } from "../../src/config/naming";
import { guardPolicyFor } from "../plan-report/policy";
import { blockers, parsePlan, renderReport, StackPlan } from "../plan-report/report";
import {
  TerraformJson,
  backendOverride,
  additionsOf,
  editedHcl,
  providerOverride,
  remoteStateOverride,
  standInEphemeralPasswords,
  standInDataSources,
  standInRandomProvider,
  stateWithOutputs,
} from "./overrides";
import { DATA_SOURCE_EXAMPLES, FIRST_DEPLOY_EXAMPLES } from "./data-source-examples";
import { NO_IMAGE_STATUS } from "../../src/constructs/release/release-state-reader";
import { PlannedChanges, planDifferences, plannedChanges } from "./plan-equivalence";
import {
  MIRROR,
  SharedInit,
  TERRAFORM,
  missingToolchain,
  offlineEnvironment,
  planAsJson,
  terraform,
} from "./terraform";
import { parallelismFrom, runInOrderShared, synthesesFor } from "./schedule";
import { contentKey } from "./content-key";
import { EXIT, UsageError, main as runAsTool, parseCommandLine } from "../cli/command-line";

const run = promisify(execFile);
const PARALLELISM = parallelismFrom(process.env.PROOF_PARALLELISM, availableParallelism());

/** An environment's config with its state in Terraform Cloud instead of S3. */
function withTerraformCloud<T extends object>(config: T): T {
  return {
    ...config,
    state: {
      ...(config as any).state,
      backend: "terraform-cloud",
      terraformCloud: { organization: "example-org", hostname: "app.terraform.io", workspacePrefix: "" },
    },
  };
}

/**
 * How a stack is proven: `json` and `hcl` (the same stack synthesized as HCL) with the S3 backend
 * and remote state stood in, then planned; `terraform-cloud` with its cloud block and remote-state
 * sources kept, which Terraform can only initialize without a backend and validate offline.
 */
type Variant = "json" | "hcl" | "terraform-cloud";

/** A second plan of a stack with other data source answers, and what its plan must show. */
interface PlanVariant {
  readonly examples: typeof DATA_SOURCE_EXAMPLES;
  /** What the check proved, for the output line. */
  readonly proves: string;
  /** A problem with the plan JSON, or undefined when it shows what it must. */
  readonly check: (plan: any) => string | undefined;
}

interface StackJob {
  readonly name: string;
  readonly stack: string;
  readonly variant: Variant;
  readonly dir: string;
  /** The stack's cdk.tf.json (an HCL stack's JSON twin's): what the overrides and stand-ins are built from. */
  readonly jsonTwin: string;
  /** Planned with other data source answers, and checked. */
  readonly planVariant?: PlanVariant;
}

interface StackResult {
  readonly job: StackJob;
  /** Seconds this stack's Terraform runs took. */
  readonly seconds?: number;
  readonly ok: boolean;
  readonly line: string;
  readonly detail?: string;
  readonly plan?: StackPlan;
  readonly changes?: PlannedChanges;
  /** The variant whose Terraform run this one shares (the same content key), if not its own. */
  readonly sharedWith?: string;
}

/** File of the stand-ins' locals, variables and checks beside an HCL copy (Terraform merges it with cdk.tf). */
const HCL_STAND_INS = "proof_stand_ins.tf.json";

/** A stack variant's directory with its overrides written: what Terraform will see, and its key. */
interface Prepared {
  readonly job: StackJob;
  readonly dir: string;
  readonly twin: TerraformJson;
  readonly standIns: string[];
  readonly markers: readonly string[];
  /** Files the HCL copy gets after its validation with the real blocks, before its plan. */
  readonly afterValidate: ReadonlyArray<readonly [string, string]>;
  /** contentKey of everything Terraform reads and the commands it runs: variants with equal keys share one run. */
  readonly key: string;
  /** Why it could not be prepared. */
  readonly error?: string;
}

/** What Terraform's runs on one prepared directory gave. */
interface Outcome {
  readonly seconds: number;
  readonly summary?: string;
  readonly planJson?: string;
  /** --validate-only: validated, not planned. */
  readonly validatedOnly?: boolean;
  readonly error?: string;
}

function prepareStack(job: StackJob, workDir: string, stateDir: string): Prepared {
  const dir = join(workDir, job.name.replace("@", "--"));
  const failed = (error: unknown): Prepared => ({
    job,
    dir,
    twin: {} as TerraformJson,
    standIns: [],
    markers: [],
    afterValidate: [],
    key: `unprepared ${job.name}`,
    error: (error as Error).message,
  });
  try {
    cpSync(job.dir, dir, { recursive: true });
    const twin: TerraformJson = JSON.parse(readFileSync(job.jsonTwin, "utf8"));
    if (job.variant === "terraform-cloud") {
      return {
        job,
        dir,
        twin,
        standIns: [],
        markers: [],
        afterValidate: [],
        key: contentKey(dir, "init -backend=false,validate"),
      };
    }
    const standIns = ["local backend", "mock credentials"];
    const { stack: withoutRandom, replaced } = standInRandomProvider(twin);
    if (replaced.length > 0)
      standIns.push(`random_password -> terraform_data (${replaced.length}; hashicorp/random is not mirrored)`);
    const dataSources = standInDataSources(withoutRandom, job.planVariant?.examples ?? DATA_SOURCE_EXAMPLES);
    const ephemeral = standInEphemeralPasswords(dataSources.stack);
    // The harness's overrides are JSON files: Terraform merges them into an HCL configuration just the same.
    writeFileSync(join(dir, "backend_override.tf.json"), JSON.stringify(backendOverride()));
    writeFileSync(join(dir, "provider_override.tf.json"), JSON.stringify(providerOverride(twin)));
    const producers = new Set<string>();
    const remoteState = remoteStateOverride(twin, (layer) => {
      producers.add(layer);
      return join(stateDir, `${layer}.tfstate`);
    });
    if (remoteState) {
      writeFileSync(join(dir, "remote_state_override.tf.json"), JSON.stringify(remoteState));
      standIns.push(`upstream outputs of ${[...producers].join(", ")} from handover examples`);
    }
    if (dataSources.replaced.length > 0)
      standIns.push(
        `data sources read at plan time -> example values of the release-state contract (${dataSources.replaced.join(", ")})`,
      );
    const { markers, tfvars } = ephemeral;
    const edits = [dataSources.edit, ephemeral.edit].filter((edit) => edit.drops.length > 0);
    const afterValidate: Array<readonly [string, string]> = [];
    if (job.variant === "hcl" && edits.length > 0) {
      // The HCL copy is validated with every real block first; its stand-ins, the JSON twin's, follow for the plan.
      afterValidate.push([
        "cdk.tf",
        edits.reduce((text, edit) => editedHcl(text, edit), readFileSync(join(dir, "cdk.tf"), "utf8")),
      ]);
      afterValidate.push([HCL_STAND_INS, JSON.stringify(additionsOf(edits), null, 2)]);
    } else if (job.variant === "json" && (markers.length > 0 || dataSources.stack !== twin)) {
      writeFileSync(
        join(dir, "cdk.tf.json"),
        JSON.stringify(markers.length > 0 ? ephemeral.stack : dataSources.stack, null, 2),
      );
    }
    if (markers.length > 0) {
      writeFileSync(join(dir, "ephemeral_stand_ins.auto.tfvars.json"), JSON.stringify(tfvars));
      standIns.push(
        `ephemeral aws_secretsmanager_random_password -> ephemeral variables set to markers for the plan (${markers.length}; Terraform cannot open them offline; validated with the real blocks)`,
      );
    }
    const commands = job.variant === "hcl" ? "init,validate,plan,show -json" : "init,plan,show -json";
    const key = contentKey(
      dir,
      commands,
      afterValidate,
      [...producers].map((layer) => join(stateDir, `${layer}.tfstate`)),
    );
    return { job, dir, twin, standIns, markers, afterValidate, key };
  } catch (error) {
    return failed(error);
  }
}

/** Terraform's runs on a prepared directory: once per distinct key, however many variants share it. */
async function runTerraform(
  prepared: Prepared,
  env: NodeJS.ProcessEnv,
  init: SharedInit,
  validateOnly: boolean,
): Promise<Outcome> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  if (prepared.error) return { seconds: 0, error: prepared.error };
  const { job, dir, twin } = prepared;
  try {
    if (job.variant === "terraform-cloud") {
      await init.install(dir, twin.terraform.required_providers, {
        backend: false,
        hasModules: twin.module !== undefined,
      });
      await terraform(dir, env, "validate");
      return { seconds: seconds() };
    }
    await init.install(dir, standInRandomProvider(twin).stack.terraform.required_providers, {
      backend: true,
      hasModules: twin.module !== undefined,
    });
    if (validateOnly) {
      // --validate-only: one provider start-up per stack, for a quick check of new stacks (no plan, no plan report).
      await terraform(dir, env, "validate");
      return { seconds: seconds(), validatedOnly: true };
    }
    // A JSON copy is validated by its plan, which "includes an implied validation check"
    // (https://developer.hashicorp.com/terraform/cli/commands/validate): one provider start-up less.
    if (job.variant === "hcl") await terraform(dir, env, "validate");
    for (const [file, text] of prepared.afterValidate) writeFileSync(join(dir, file), text);
    const { json: planJson, summary } = await planAsJson(dir, env, { initialized: true });
    return { seconds: seconds(), planJson, summary };
  } catch (error) {
    return { seconds: seconds(), error: (error as Error).message };
  }
}

/** A variant's verdict from the Terraform outcome of its key; `first` is the variant that ran it. */
function verdictOf(prepared: Prepared, outcome: Outcome, first: Prepared): StackResult {
  const { job, markers } = prepared;
  const shared = first.job.name === job.name ? {} : { sharedWith: first.job.name };
  const seconds = first.job.name === job.name ? outcome.seconds : 0;
  const sameAs =
    first.job.name === job.name
      ? ""
      : `; same Terraform input as ${first.job.name} (sha256 ${prepared.key.slice(0, 12)}), its run shared`;
  if (outcome.error)
    return { job, seconds, ...shared, ok: false, line: `FAIL  ${job.name}${sameAs}`, detail: outcome.error };
  if (job.variant === "terraform-cloud") {
    const kept = `cloud block (${prepared.twin.terraform.cloud.organization}/${prepared.twin.terraform.cloud.workspaces.name}) and remote-state sources kept`;
    return {
      job,
      seconds,
      ...shared,
      ok: true,
      line: `ok    ${job.name}: initialized without backend, validated; ${kept}${sameAs}`,
    };
  }
  if (outcome.validatedOnly)
    return {
      job,
      seconds,
      ...shared,
      ok: true,
      line: `ok    ${job.name}: validated (--validate-only: not planned); stood in: ${prepared.standIns.join(", ")}${sameAs}`,
    };
  const planJson = outcome.planJson!;
  const leaked = markers.filter((marker) => planJson.includes(marker));
  if (leaked.length > 0) {
    return {
      job,
      seconds,
      ...shared,
      ok: false,
      line: `FAIL  ${job.name}${sameAs}`,
      detail: `stand-in secret values reached the plan (terraform show -json): ${leaked.join(", ")}`,
    };
  }
  const standIns = markers.length > 0 ? [...prepared.standIns, "no marker in terraform show -json"] : prepared.standIns;
  const plan = JSON.parse(planJson);
  const problem = job.planVariant?.check(plan);
  if (problem) return { job, seconds, ...shared, ok: false, line: `FAIL  ${job.name}${sameAs}`, detail: problem };
  return {
    job,
    seconds,
    ...shared,
    ok: true,
    line: `ok    ${job.name}: validated and planned (${outcome.summary})${job.planVariant ? `; ${job.planVariant.proves}` : ""}; stood in: ${standIns.join(", ")}${sameAs}`,
    plan: parsePlan(job.stack, plan, guardPolicyFor(job.stack)),
    changes: plannedChanges(plan),
  };
}

/** Before the first release both colours must plan with no instance, no image lookup, and say why. */
const FIRST_DEPLOY: PlanVariant = {
  examples: FIRST_DEPLOY_EXAMPLES,
  proves: "with the seeded release state both colours plan 0 instances and fleet_status says why",
  check(plan) {
    const groups = (plan.resource_changes ?? []).filter((change: any) => change.type === "aws_autoscaling_group");
    const sizes = groups.map((change: any) => [
      change.change.after.min_size,
      change.change.after.max_size,
      change.change.after.desired_capacity,
    ]);
    if (groups.length !== 2 || sizes.flat().some((size: number) => size !== 0))
      return `expected two groups of 0 instances, got ${JSON.stringify(sizes)}`;
    const status = plan.planned_values?.outputs?.fleet_status?.value;
    if (status !== NO_IMAGE_STATUS) return `fleet_status is ${JSON.stringify(status)}`;
    return servingAlarmsProblem(plan, false);
  },
};

/** After a release (the examples' state): the same stack planned with its serving alarms paging. */
const RELEASED: PlanVariant = {
  examples: DATA_SOURCE_EXAMPLES,
  proves: "with a released state the serving fleet's alarms plan with actions enabled",
  check: (plan) => servingAlarmsProblem(plan, true),
};

/** The alarms on the serving fleet (live-*, service-down, 5xx of the load balancer) plan with actions_enabled as expected. */
function servingAlarmsProblem(plan: any, enabled: boolean): string | undefined {
  const alarms = (plan.resource_changes ?? []).filter((change: any) =>
    ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"].includes(change.type),
  );
  const serving = alarms.filter((change: any) =>
    /-(live-no-healthy-targets|live-in-service-instances|service-down|alb-elb-5xx|alb-5xx-rate)$/.test(
      change.change.after.alarm_name,
    ),
  );
  const wrong = serving
    .filter((change: any) => change.change.after.actions_enabled !== enabled)
    .map((change: any) => change.change.after.alarm_name);
  if (serving.length !== 5 || wrong.length > 0)
    return `expected 5 serving alarms with actions_enabled ${enabled}; ${serving.length} found, wrong: ${wrong.join(", ") || "none"}`;
  const paging = alarms
    .filter((change: any) => !serving.includes(change) && change.change.after.actions_enabled !== true)
    .map((change: any) => change.change.after.alarm_name);
  return paging.length > 0 ? `other alarms do not page: ${paging.join(", ")}` : undefined;
}

/** The time the point-in-time restore variant restores to. */
const POINT_IN_TIME = "2026-11-30T03:15:00Z";

/** Restore mode with AUTH_DR_RESTORE_TIME: PostgreSQL restored to that time, not the latest. */
const POINT_IN_TIME_RESTORE: PlanVariant = {
  examples: DATA_SOURCE_EXAMPLES,
  proves: `PostgreSQL restores from the replicated automated backups to ${POINT_IN_TIME}`,
  check(plan) {
    const databases = (plan.resource_changes ?? []).filter((change: any) => change.type === "aws_db_instance");
    const restores = databases.map((change: any) => change.change.after.restore_to_point_in_time?.[0]);
    const [restore] = restores;
    if (restores.length !== 1 || restore?.restore_time !== POINT_IN_TIME || restore.use_latest_restorable_time)
      return `expected one restore to ${POINT_IN_TIME}, got ${JSON.stringify(restores)}`;
    if (!String(restore.source_db_instance_automated_backups_arn).includes(":auto-backup:"))
      return `restore source is not replicated automated backups: ${restore.source_db_instance_automated_backups_arn}`;
    return undefined;
  },
};

/** The digest the cutover variant pins with AUTH_DR_IMAGE_DIGEST. */
const PINNED_DIGEST = `sha256:${"cd".repeat(32)}`;

/** Restore mode with AUTH_DR_CUTOVER=1 and AUTH_DR_IMAGE_DIGEST: the DR app takes the alias records over and runs the given digest. */
/** Fail back (dr.failBack, src/config/environments/fail-back-example.ts): the primary database restored from the snapshot as a new instance, nothing destroyed. */
const RESTORE_PRIMARY: PlanVariant = {
  examples: DATA_SOURCE_EXAMPLES,
  proves:
    "the primary database restores from the fail back's snapshot as auth-<env>-postgres-2, with the restore timeout, and the plan destroys nothing",
  check(plan) {
    const changes: any[] = plan.resource_changes ?? [];
    const databases = changes
      .filter((change) => change.type === "aws_db_instance")
      .map((change) => ({ actions: change.change.actions, after: change.change.after }));
    const [database] = databases;
    if (
      databases.length !== 1 ||
      !/-postgres-2$/.test(database.after.identifier) ||
      !/:snapshot:/.test(String(database.after.snapshot_identifier))
    ) {
      return `expected one instance auth-<env>-postgres-2 from a snapshot, got ${JSON.stringify(databases.map(({ after }) => [after.identifier, after.snapshot_identifier]))}`;
    }
    if (!String(database.after.timeouts?.create ?? "").endsWith("m"))
      return `the restored instance has no create timeout: ${JSON.stringify(database.after.timeouts)}`;
    const destroyed = changes
      .filter((change) => change.change.actions.includes("delete"))
      .map((change) => change.address);
    return destroyed.length > 0 ? `destroys ${destroyed.join(", ")}` : undefined;
  },
};

const CUTOVER: PlanVariant = {
  examples: DATA_SOURCE_EXAMPLES,
  proves: `the DR app takes over the alias records (allow_overwrite) and boots blue on ${PINNED_DIGEST.slice(0, 15)}...`,
  check(plan) {
    const changes: any[] = plan.resource_changes ?? [];
    const records = changes.filter((change) => change.type === "aws_route53_record");
    const types = records.map((change) => change.change.after.type).sort();
    if (records.length === 0 || records.some((change) => change.change.after.allow_overwrite !== true))
      return `expected alias records with allow_overwrite, got ${JSON.stringify(records.map((change) => change.change.after))}`;
    if (!types.includes("A")) return `no A record among ${types.join(", ")}`;
    const blue = changes.find(
      (change) => change.type === "aws_launch_template" && String(change.change.after.name).endsWith("-blue"),
    )?.change.after;
    const userData = blue?.user_data ? Buffer.from(blue.user_data, "base64").toString("utf8") : "";
    if (!userData.includes(PINNED_DIGEST)) return `blue's user data does not pull ${PINNED_DIGEST}`;
    return undefined;
  },
};

/** The plain JSON plan of a stack: what its HCL must plan the same as, and what the plan report reads. */
const isPlainJson = (job: StackJob) => job.variant === "json" && !job.planVariant;

/** An HCL stack passes only when its plan proposes exactly what its JSON twin's plan does. */
function compareWithJson(hcl: StackResult, results: readonly StackResult[]): StackResult {
  const json = results.find((result) => isPlainJson(result.job) && result.job.stack === hcl.job.stack);
  if (!hcl.changes || !json?.changes) return hcl;
  const differences = planDifferences(json.changes, hcl.changes, ["JSON", "HCL"]);
  if (differences.length > 0)
    return {
      ...hcl,
      ok: false,
      line: `FAIL  ${hcl.job.name}: plans differently from its JSON`,
      detail: differences.slice(0, 20).join("\n"),
    };
  const counts = `${Object.keys(hcl.changes.resources).length} resource changes, ${Object.keys(hcl.changes.outputs).length} outputs`;
  return { ...hcl, line: `ok    ${hcl.job.name}: plans the same as its JSON (${counts})` };
}

async function prove(argv: string[]): Promise<number> {
  const { values, positionals: only } = parseCommandLine(argv, { "validate-only": { type: "boolean" } }, true);
  const validateOnly = values["validate-only"] === true;
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
  const workDir = join(root, "work");
  const stateDir = join(root, "upstream-state");
  mkdirSync(workDir);
  mkdirSync(stateDir);
  console.log(
    only.length === 0
      ? "terraform proof: synthesizing every environment..."
      : `terraform proof: synthesizing what ${only.join(", ")} need...`,
  );
  // Loaded only now, so a missing toolchain is reported without loading the whole app.
  const [{ buildApp }, { handovers }, { drNetworkHandover }, { RESTORE_LAYERS }] = await Promise.all([
    import("../../src/app"),
    import("../../src/stacks/handovers"),
    import("../../src/stacks/dr/dr-handovers"),
    import("../../src/config/naming"),
  ]);
  const { environments } = await import("../../src/config");
  const { LAYOUT_EXAMPLES } = await import("../../src/config/environments/layouts");
  const { withFailBack } = await import("../../src/config/environments/fail-back-example");
  for (const [layer, spec] of Object.entries({ ...handovers, "dr-network": drNetworkHandover })) {
    if (spec) writeFileSync(join(stateDir, `${layer as Layer}.tfstate`), JSON.stringify(stateWithOutputs(spec)));
  }
  const env = offlineEnvironment(join(root, "terraform.rc"));

  // Named stacks synthesize only the variants they come from (every variant when a name is not
  // recognised, so the usage error lists every known stack).
  const isRestoreName = (name: string) =>
    !name.includes("@") && (RESTORE_LAYERS as readonly string[]).some((layer) => name.endsWith(`-${layer}`));
  const SUFFIXES = [
    "hcl",
    "terraform-cloud",
    "point-in-time",
    "cutover",
    "restore-primary",
    "first-deploy",
    "released",
    ...Object.keys(LAYOUT_EXAMPLES),
  ];
  const recognised = (name: string) => !name.includes("@") || SUFFIXES.includes(name.slice(name.indexOf("@") + 1));
  const variantsFor = async (named: readonly string[], base: string): Promise<StackJob[]> => {
    // Named stacks: only the syntheses they need (a plain stack of one environment needs one synthesis of that environment).
    const wants = synthesesFor(named);
    const outdir = join(base, "cdktf.out");
    mkdirSync(base, { recursive: true });
    const synthesized = (name: string, needed: boolean, configure: (directory: string) => void): string | undefined => {
      if (!needed) return undefined;
      const directory = join(base, name);
      configure(directory);
      return directory;
    };
    // The same app as HCL, the way `cdktf synth --hcl` makes it, in its own process: started first,
    // it runs on the other core while this one synthesizes the other variants.
    const hclOutdir = wants.hcl ? join(base, "cdktf.out-hcl") : undefined;
    const hclSynthesized = hclOutdir ? (await startHclSynthesis(hclOutdir)).done : Promise.resolve();
    hclSynthesized.catch(() => undefined);
    // A misspelt environment is left to the unknown-stack check, which lists the known stacks.
    buildApp({
      outdir,
      environment: wants.environment && wants.environment in environments ? wants.environment : undefined,
    }).synth();
    // Restore mode (AUTH_DR_RESTORE=1): the restore stacks, to the latest restorable time and to a given one.
    const restoreOutdir = synthesized("cdktf.out-restore", wants.restore, (directory) =>
      buildApp({ outdir: directory, restore: { drill: false } }).synth(),
    );
    const cutoverOutdir = synthesized("cdktf.out-cutover", wants.cutover, (directory) =>
      buildApp({ outdir: directory, restore: { drill: false, cutover: true, imageDigest: PINNED_DIGEST } }).synth(),
    );
    const pointInTimeOutdir = synthesized("cdktf.out-point-in-time", wants.pointInTime, (directory) =>
      buildApp({ outdir: directory, restore: { drill: false, pointInTime: POINT_IN_TIME } }).synth(),
    );
    // And with Terraform Cloud as the state home.
    const cloudOutdir = synthesized("cdktf.out-terraform-cloud", wants.terraformCloud, (directory) =>
      buildApp({ outdir: directory, configs: { staging: withTerraformCloud(environments.staging) } }).synth(),
    );
    // And a fail back: dr.failBack set, the primary database restored from a snapshot.
    const restorePrimaryOutdir = synthesized("cdktf.out-restore-primary", wants.restorePrimary, (directory) =>
      buildApp({ outdir: directory, configs: { production: withFailBack(environments.production) } }).synth(),
    );
    // And each supported account layout besides separate accounts.
    const layoutOutdirs = Object.entries(LAYOUT_EXAMPLES).flatMap(([layout, configs]) => {
      const directory = synthesized(`cdktf.out-${layout}`, wants.layout(layout), (target) =>
        buildApp({ outdir: target, configs }).synth(),
      );
      return directory ? [[layout, directory] as const] : [];
    });
    await hclSynthesized;

    const jobsOf = (
      directory: string | undefined,
      variant: Variant,
      jsonDirectory = variant === "terraform-cloud" ? cloudOutdir! : outdir,
    ): StackJob[] =>
      directory === undefined
        ? []
        : Object.values<any>(JSON.parse(readFileSync(join(directory, "manifest.json"), "utf8")).stacks).map(
            (entry) => ({
              name: variant === "json" ? entry.name : `${entry.name}@${variant}`,
              stack: entry.name,
              variant,
              dir: resolve(directory, entry.workingDirectory),
              jsonTwin: join(jsonDirectory, "stacks", entry.name, "cdk.tf.json"),
            }),
          );
    const restoreJobs = jobsOf(restoreOutdir, "json", restoreOutdir).filter((job) => isRestoreName(job.stack));
    const pointInTimeJobs = jobsOf(pointInTimeOutdir, "json", pointInTimeOutdir)
      .filter((job) => job.stack.endsWith("-dr-data"))
      .map((job) => ({ ...job, name: `${job.stack}@point-in-time`, planVariant: POINT_IN_TIME_RESTORE }));
    const cutoverJobs = jobsOf(cutoverOutdir, "json", cutoverOutdir)
      .filter((job) => job.stack.endsWith("-dr-app"))
      .map((job) => ({ ...job, name: `${job.stack}@cutover`, planVariant: CUTOVER }));
    const restorePrimaryJobs = jobsOf(restorePrimaryOutdir, "json", restorePrimaryOutdir)
      .filter((job) => job.stack.endsWith("-data"))
      .map((job) => ({ ...job, name: `${job.stack}@restore-primary`, planVariant: RESTORE_PRIMARY }));
    const layoutJobs = layoutOutdirs.flatMap(([layout, directory]) =>
      jobsOf(directory, "json", directory).map((job) => ({ ...job, name: `${job.stack}@${layout}` })),
    );
    const every = [
      ...jobsOf(outdir, "json"),
      ...restoreJobs,
      ...pointInTimeJobs,
      ...cutoverJobs,
      ...restorePrimaryJobs,
      ...layoutJobs,
      ...jobsOf(hclOutdir, "hcl"),
      ...jobsOf(cloudOutdir, "terraform-cloud"),
    ];
    // A fresh environment: the app stack planned against the release state the registry seeds.
    const staging = every.find((job) => job.name === "auth-staging-app");
    if (staging)
      every.push(
        { ...staging, name: "auth-staging-app@first-deploy", planVariant: FIRST_DEPLOY },
        { ...staging, name: "auth-staging-app@released", planVariant: RELEASED },
      );
    return every;
  };
  const everything = only.length === 0 || !only.every(recognised);
  let everyJob = await variantsFor(everything ? [] : only, root);
  if (!everything && only.some((name) => !everyJob.some((job) => job.name === name)))
    everyJob = await variantsFor([], join(root, "every-variant"));
  const unknown = only.filter((name) => !everyJob.some((job) => job.name === name));
  if (unknown.length > 0)
    throw new UsageError(`unknown stack ${unknown.join(", ")} (known: ${everyJob.map((job) => job.name).join(", ")})`);
  // An HCL stack is compared with its JSON twin's plan, so naming one proves the twin too.
  const wanted = new Set(
    only.flatMap((name) => (name.endsWith("@hcl") ? [name, name.slice(0, -"@hcl".length)] : [name])),
  );
  const jobs = only.length > 0 ? everyJob.filter((job) => wanted.has(job.name)) : everyJob;
  for (const job of jobs)
    if (!existsSync(job.jsonTwin)) throw new Error(`${job.name}: no JSON twin at ${job.jsonTwin}`);
  console.log(
    `terraform proof: ${jobs.length} stacks, ${PARALLELISM} at a time, terraform ${TERRAFORM}, provider mirror ${MIRROR}`,
  );

  const init = new SharedInit(join(root, "init"), env);
  const proofStarted = Date.now();
  const prepared = jobs.map((job) => prepareStack(job, workDir, stateDir));
  const distinct = new Set(prepared.map((stack) => stack.key)).size;
  console.log(
    `terraform proof: ${distinct} distinct Terraform inputs among ${jobs.length} stack variants (the others share a run: same bytes, same plan)`,
  );
  const finished = await runInOrderShared(
    prepared,
    (stack) => stack.key,
    PARALLELISM,
    (stack) => runTerraform(stack, env, init, validateOnly),
    verdictOf,
    (result) => {
      if (result.job.variant !== "hcl" || !result.ok) printResult(result);
    },
  );
  const stackTime = (variant: Variant) =>
    Math.round(
      finished
        .filter((result) => result.job.variant === variant)
        .reduce((sum, result) => sum + (result.seconds ?? 0), 0),
    );
  console.log(
    `terraform proof: ${Math.round((Date.now() - proofStarted) / 1000)} s for ${jobs.length} stacks (${distinct} distinct runs), ${PARALLELISM} at a time, ${init.inits} terraform init (one per provider set and backend); ` +
      `Terraform time summed over stacks: JSON ${stackTime("json")} s, HCL ${stackTime("hcl")} s, Terraform Cloud ${stackTime("terraform-cloud")} s`,
  );
  const compared = finished
    .filter((result) => result.job.variant === "hcl" && result.ok)
    .map((result) => compareWithJson(result, finished));
  compared.forEach(printResult);
  const results = [...finished.filter((result) => !(result.job.variant === "hcl" && result.ok)), ...compared];

  // The plan report over every create-only plan: the guard must let a fresh environment through.
  const plans = results.flatMap((result) => (result.plan && isPlainJson(result.job) ? [result.plan] : []));
  const reportPath = join(root, "plan-report.md");
  writeFileSync(reportPath, renderReport(plans));
  const losses = blockers(plans);
  console.log(
    `${losses.length === 0 ? "ok  " : "FAIL"}  plan report over ${plans.length} plans: ${losses.length} changes blocked by the data-loss guard`,
  );

  const failed = results.filter((result) => !result.ok).length + (losses.length > 0 ? 1 : 0);
  if (process.env.PROOF_RESULTS) {
    const verdicts = results.map((result) => ({
      stack: result.job.name,
      variant: result.job.name.split("@")[1] ?? "json",
      ok: result.ok,
      line: result.line,
      seconds: result.seconds,
      sharedWith: result.sharedWith,
    }));
    writeFileSync(process.env.PROOF_RESULTS, JSON.stringify(verdicts, null, 2));
  }
  if (failed === 0 && !process.env.PROOF_KEEP) rmSync(root, { recursive: true, force: true });
  console.log(`terraform-proof: ${results.length + 1 - failed} passed, ${failed} failed`);
  return failed > 0 ? EXIT.refused : EXIT.ok;
}

/**
 * Starts the bundle with SYNTH_HCL_OUTPUT (cdktf 0.21 reads it when each stack is created; App's
 * hclOutput option only renames the file) and returns, once its process runs, the promise of it
 * and the formatting after (`done`).
 */
async function startHclSynthesis(outdir: string): Promise<{ done: Promise<void> }> {
  const build = await import(pathToFileURL(join(__dirname, "..", "build.mjs")).href);
  if (build.bundleIsStale()) await build.bundle();
  const synthesized = run(process.execPath, [build.entryPath], {
    env: { ...process.env, SYNTH_HCL_OUTPUT: "true", CDKTF_OUTDIR: outdir, AUTH_ENV: "", CDKTF_CONTEXT_JSON: "" },
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error) => {
    throw new Error(
      `the HCL synthesis failed (exit ${error.code ?? error.signal}): ${String(error.stderr || error.message).slice(-3000)}`,
    );
  });
  // The CLI formats what the app wrote, as `cdktf synth --hcl` does.
  // Wrapped: an async function's returned promise would be awaited along with it.
  return { done: synthesized.then(async () => void (await run(TERRAFORM, ["fmt", "-recursive", outdir]))) };
}

function printResult(result: StackResult): void {
  console.log(result.line);
  if (result.detail) console.log(result.detail.replace(/^/gm, "      "));
}

runAsTool({ name: "validate", usage: USAGE, run: prove });
