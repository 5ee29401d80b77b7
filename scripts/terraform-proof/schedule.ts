/**
 * Runs jobs a few at a time and hands their results on in the jobs' own order, each as soon as it
 * and every job before it are done: the output reads the same however many run at once.
 */
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
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`PROOF_PARALLELISM must be a whole number from 1, got "${value}"`);
  return parsed;
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
