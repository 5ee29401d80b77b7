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
