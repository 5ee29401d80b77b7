/**
 * Runs jobs a few at a time and hands their results on in the jobs' own order, each as soon as it
 * and every job before it are done: the output reads the same however many run at once.
 */
import { parseStackName, RESTORE_LAYERS } from "../../src/config/naming";

export async function runInOrder<Job, Result>(
  jobs: readonly Job[],
  parallelism: number,
  work: (job: Job, index: number) => Promise<Result>,
  onResult: (result: Result, index: number) => void = () => undefined,
): Promise<Result[]> {
  const results: Result[] = new Array(jobs.length);
  const done: boolean[] = new Array(jobs.length).fill(false);
  let next = 0;
  let reported = 0;
  const report = () => {
    while (reported < jobs.length && done[reported]) onResult(results[reported], reported++);
  };
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await work(jobs[index], index);
      done[index] = true;
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallelism, jobs.length)) }, worker));
  return results;
}

/** How many jobs at a time: PROOF_PARALLELISM when set (a whole number from 1), else one per core. */
export function parallelismFrom(value: string | undefined, cores: number): number {
  if (value === undefined || value === "") return Math.max(1, cores);
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new Error(`PROOF_PARALLELISM must be a whole number from 1, got "${value}"`);
  return parsed;
}

/** The @variants that are not account layouts. */
const SYNTH_VARIANTS = [
  "hcl",
  "terraform-cloud",
  "cutover",
  "point-in-time",
  "restore-primary",
  "first-deploy",
  "released",
];

/**
 * Which syntheses the named stacks need (all of them when none is named). A stack without a
 * variant needs the plain synthesis (of its environment alone, when every named stack is of one),
 * a restore layer the restore-mode one, and each @variant its own; @first-deploy and @released
 * plan the plain app stack, and any other @suffix is an account layout.
 */
export function synthesesFor(only: readonly string[]): {
  environment?: string;
  restore: boolean;
  cutover: boolean;
  pointInTime: boolean;
  restorePrimary: boolean;
  hcl: boolean;
  terraformCloud: boolean;
  layout: (name: string) => boolean;
} {
  if (only.length === 0)
    return {
      restore: true,
      cutover: true,
      pointInTime: true,
      restorePrimary: true,
      hcl: true,
      terraformCloud: true,
      layout: () => true,
    };
  const variants = only.map((name) => name.split("@")[1]);
  const plain = only.filter((name) => !name.includes("@"));
  const environmentsNamed = new Set(only.map((name) => parseStackName(name.split("@")[0])?.environment));
  const layoutNamed = variants.some((variant) => variant !== undefined && !SYNTH_VARIANTS.includes(variant));
  return {
    environment:
      environmentsNamed.size === 1 && !layoutNamed && !variants.includes("terraform-cloud")
        ? [...environmentsNamed][0]
        : undefined,
    restore: plain.some((name) => RESTORE_LAYERS.some((layer) => name.endsWith(`-${layer}`))),
    cutover: variants.includes("cutover"),
    pointInTime: variants.includes("point-in-time"),
    restorePrimary: variants.includes("restore-primary"),
    hcl: variants.includes("hcl"),
    terraformCloud: variants.includes("terraform-cloud"),
    layout: (layout) => variants.includes(layout),
  };
}

/**
 * runInOrder for jobs of which several may share one piece of work: `work` runs once per distinct
 * key (for the first job with it, PARALLELISM distinct keys at a time), and `finish` turns that
 * one outcome into each job's own result. Results are handed on in the jobs' order, as runInOrder does.
 */
export async function runInOrderShared<Job, Outcome, Result>(
  jobs: readonly Job[],
  keyOf: (job: Job) => string,
  parallelism: number,
  work: (job: Job) => Promise<Outcome>,
  finish: (job: Job, outcome: Outcome, first: Job) => Result,
  onResult: (result: Result, index: number) => void = () => undefined,
): Promise<Result[]> {
  const keys = jobs.map(keyOf);
  const firsts = [...new Map(keys.map((key, index) => [key, index] as const).reverse()).values()].sort((a, b) => a - b);
  const results: Result[] = new Array(jobs.length);
  const done: boolean[] = new Array(jobs.length).fill(false);
  let reported = 0;
  await runInOrder(firsts, parallelism, async (first) => {
    const outcome = await work(jobs[first]);
    keys.forEach((key, index) => {
      if (key !== keys[first]) return;
      results[index] = finish(jobs[index], outcome, jobs[first]);
      done[index] = true;
    });
    while (reported < jobs.length && done[reported]) onResult(results[reported], reported++);
  });
  return results;
}
