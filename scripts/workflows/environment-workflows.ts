/**
 * The environment lists of the hand-written workflows, generated from src/config (the one list of
 * environments, in promotion order): the chained per-environment jobs of main.yml and release.yml,
 * and the environment matrices of pull-request.yml and terraform-cloud.yml. Everything else in
 * those files stays hand-written; only these nodes are rewritten, through the YAML document model,
 * so comments and layout around them survive (a round trip of the committed files is exact).
 */
import { type Document, parseDocument, type ToStringOptions, YAMLMap, YAMLSeq } from "yaml";
import { LAYERS, PILOT_LIGHT_LAYERS } from "../../src/config/naming";

/** The workflows whose environment lists are generated, by path from the repository root. */
export const ENVIRONMENT_WORKFLOWS = {
  main: ".github/workflows/main.yml",
  release: ".github/workflows/release.yml",
  pullRequest: ".github/workflows/pull-request.yml",
  terraformCloud: ".github/workflows/terraform-cloud.yml",
} as const;

/** The committed files' style: no line folding, [a, b] without inner padding. */
const STYLE: ToStringOptions = { lineWidth: 0, flowCollectionPadding: false };

function flowList(doc: Document, values: readonly string[]): YAMLSeq {
  const node = doc.createNode([...values]) as YAMLSeq;
  node.flow = true;
  return node;
}

/** Sets `path` only where it exists, so a hand edit that moves a node fails here instead of growing a stray key. */
function replace(doc: Document, path: readonly (string | number)[], value: unknown, file: string): void {
  if (!doc.hasIn(path))
    throw new Error(
      `${file}: ${path.join(".")} is missing; the generator rewrites it (scripts/workflows/environment-workflows.ts)`,
    );
  doc.setIn(path, value);
}

/**
 * One job per environment, each after the one before (`needs`), calling `uses` with the inputs
 * `inputs(environment, previous)` gives. Job ids are the environment names.
 */
function chainedJobs(
  doc: Document,
  order: readonly string[],
  uses: string,
  inputs: (environment: string, previous?: string) => Record<string, string>,
): YAMLMap {
  const jobs = new YAMLMap();
  order.forEach((environment, index) => {
    const previous = index > 0 ? order[index - 1] : undefined;
    const job = doc.createNode({
      ...(previous ? { needs: previous } : {}),
      uses,
      permissions: { contents: "read", "id-token": "write" },
      with: inputs(environment, previous),
    }) as YAMLMap;
    const pair = doc.createPair(environment, job);
    // A blank line between jobs, as the hand-written file had.
    if (index > 0) (pair.key as { spaceBefore?: boolean }).spaceBefore = true;
    jobs.items.push(pair);
  });
  return jobs;
}

/** main.yml: deploy.yml for each environment in promotion order. */
export function mainWorkflow(current: string, order: readonly string[]): string {
  const doc = parseDocument(current);
  const jobs = chainedJobs(doc, order, "./.github/workflows/deploy.yml", (environment) => ({
    environment,
    allow_data_loss: "${{ inputs.allow_data_loss }}",
  }));
  replace(doc, ["jobs"], jobs, ENVIRONMENT_WORKFLOWS.main);
  return doc.toString(STYLE);
}

/** release.yml: release-environment.yml for each environment, each with the digest the one before released. */
export function releaseWorkflow(current: string, order: readonly string[]): string {
  const doc = parseDocument(current);
  const jobs = chainedJobs(doc, order, "./.github/workflows/release-environment.yml", (environment, previous) => ({
    environment,
    digest: previous ? `\${{ needs.${previous}.outputs.digest }}` : "${{ inputs.digest }}",
  }));
  replace(doc, ["jobs"], jobs, ENVIRONMENT_WORKFLOWS.release);
  return doc.toString(STYLE);
}

/** pull-request.yml: the plan matrix (every environment, every layer and the pilot light), and the stacks the report expects. */
export function pullRequestWorkflow(current: string, order: readonly string[]): string {
  const file = ENVIRONMENT_WORKFLOWS.pullRequest;
  const doc = parseDocument(current);
  replace(doc, ["jobs", "plan", "strategy", "matrix", "environment"], flowList(doc, order), file);
  replace(
    doc,
    ["jobs", "plan", "strategy", "matrix", "layer"],
    flowList(doc, [...LAYERS, ...PILOT_LIGHT_LAYERS]),
    file,
  );
  const steps = doc.getIn(["jobs", "report", "steps"]) as YAMLSeq<YAMLMap>;
  const index = steps.items.findIndex((step) => step.get("id") === "report");
  if (index < 0) throw new Error(`${file}: the report job has no step with id report`);
  replace(doc, ["jobs", "report", "steps", index, "env", "ENVIRONMENTS"], order.join(" "), file);
  replace(doc, ["jobs", "report", "steps", index, "env", "LAYERS"], LAYERS.join(" "), file);
  return doc.toString(STYLE);
}

/** terraform-cloud.yml: the speculative-plan matrix and the apply matrix (applied one environment at a time, in order). */
export function terraformCloudWorkflow(current: string, order: readonly string[]): string {
  const file = ENVIRONMENT_WORKFLOWS.terraformCloud;
  const doc = parseDocument(current);
  replace(doc, ["jobs", "speculative-plan", "strategy", "matrix", "environment"], flowList(doc, order), file);
  replace(doc, ["jobs", "speculative-plan", "strategy", "matrix", "layer"], flowList(doc, LAYERS), file);
  replace(doc, ["jobs", "apply", "strategy", "matrix", "environment"], flowList(doc, order), file);
  return doc.toString(STYLE);
}
