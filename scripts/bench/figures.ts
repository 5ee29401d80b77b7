/**
 * The figures `npm run bench` keeps (bench-results/*.json) and what it concludes from them: medians
 * with min and max, regressions against an earlier file, and the budgets of issue 27.
 */

/** One stage's wall seconds over several runs. */
export interface StageFigures {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: readonly number[];
}

/** A slow test: its file, its name and its seconds (median over the runs it was timed in). */
export interface SlowTest {
  readonly file: string;
  readonly test: string;
  readonly seconds: number;
}

export interface BenchReport {
  readonly date: string;
  readonly commit?: string;
  readonly cores: number;
  readonly stages: Readonly<Record<string, StageFigures>>;
  /**
   * Each stage's CPU seconds (user + system, its child processes included). On this shared machine
   * wall time follows the other engineers' load; CPU time follows the work done.
   */
  readonly cpuStages?: Readonly<Record<string, StageFigures>>;
  readonly slowTests: readonly SlowTest[];
}

/** Stage names, stable across runs (a regression is found by name). */
export const STAGE = {
  typeCheck: "type check (tsc --noEmit)",
  workflowLint: "workflow lint (actionlint)",
  unit: "unit tests (jest)",
  proof: "terraform proof (npm run validate)",
  terraformSuites: "terraform and integration suites (jest -c jest.terraform.config.js)",
  complianceSynth: "compliance pack on a synth (npm run compliance:synth)",
  synth: "npm run synth",
  quick: "npm run test:quick (type check + related unit tests)",
} as const;

/** The stages `npm test` runs one after another: its time is their sum. */
export const NPM_TEST_STAGES = [
  STAGE.typeCheck,
  STAGE.workflowLint,
  STAGE.unit,
  STAGE.proof,
  STAGE.terraformSuites,
  STAGE.complianceSynth,
];

/** Issue 27's budgets, in seconds: "at most" unless `strict` (under). */
export const BUDGETS: readonly {
  readonly name: string;
  readonly seconds: number;
  readonly strict?: boolean;
  readonly stages: readonly string[];
}[] = [
  { name: "npm test", seconds: 240, stages: NPM_TEST_STAGES },
  { name: "unit tests", seconds: 10, stages: [STAGE.unit] },
  { name: "npm run synth", seconds: 1.5, stages: [STAGE.synth] },
  { name: "npm run test:quick", seconds: 30, strict: true, stages: [STAGE.quick] },
];

/** Median (the mean of the middle two for an even count), min and max. */
export function summarize(runs: readonly number[]): StageFigures {
  if (runs.length === 0) throw new Error("no runs to summarize");
  const sorted = [...runs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: [...runs] };
}

export interface Regression {
  readonly stage: string;
  readonly before: number;
  readonly after: number;
  /** after / before - 1 */
  readonly change: number;
}

/**
 * Stages whose median grew by more than `threshold` (0.2: 20%) since `before`, in wall seconds and
 * (named "<stage> (CPU)") in CPU seconds. Stages only one side has are not compared; nor are ones
 * under `floorSeconds` in both, where noise dominates.
 */
export function regressions(
  before: BenchReport,
  after: BenchReport,
  threshold = 0.2,
  floorSeconds = 0.05,
): Regression[] {
  const compare = (
    earlierStages: Readonly<Record<string, StageFigures>>,
    laterStages: Readonly<Record<string, StageFigures>>,
    suffix: string,
  ): Regression[] =>
    Object.entries(laterStages).flatMap(([stage, figures]) => {
      const earlier = earlierStages[stage];
      if (!earlier || (earlier.median < floorSeconds && figures.median < floorSeconds)) return [];
      const change = figures.median / earlier.median - 1;
      return change > threshold
        ? [{ stage: `${stage}${suffix}`, before: earlier.median, after: figures.median, change }]
        : [];
    });
  return [
    ...compare(before.stages, after.stages, ""),
    ...compare(before.cpuStages ?? {}, after.cpuStages ?? {}, " (CPU)"),
  ];
}

export interface BudgetVerdict {
  readonly name: string;
  readonly budget: number;
  readonly strict: boolean;
  /** Sum of the stages' medians; undefined when a stage was not measured. */
  readonly seconds?: number;
  readonly holds?: boolean;
  readonly missing: readonly string[];
}

/** Whether each budget holds on the medians measured. */
export function budgetVerdicts(stages: Readonly<Record<string, StageFigures>>): BudgetVerdict[] {
  return BUDGETS.map((budget) => {
    const missing = budget.stages.filter((stage) => !stages[stage]);
    if (missing.length > 0)
      return { name: budget.name, budget: budget.seconds, strict: budget.strict ?? false, missing };
    const seconds = budget.stages.reduce((sum, stage) => sum + stages[stage].median, 0);
    const holds = budget.strict ? seconds < budget.seconds : seconds <= budget.seconds;
    return { name: budget.name, budget: budget.seconds, strict: budget.strict ?? false, seconds, holds, missing };
  });
}

/** Jest's --json results as slow tests, slowest first: each test's median over the runs. */
export function slowTests(runs: readonly any[], limit = 15, root = ""): SlowTest[] {
  const durations = new Map<string, number[]>();
  for (const run of runs) {
    for (const file of run.testResults ?? []) {
      for (const test of file.assertionResults ?? []) {
        if (typeof test.duration !== "number") continue;
        const key = JSON.stringify([
          file.name.startsWith(root) ? file.name.slice(root.length).replace(/^\//, "") : file.name,
          test.fullName ?? test.title,
        ]);
        durations.set(key, [...(durations.get(key) ?? []), test.duration / 1000]);
      }
    }
  }
  return [...durations.entries()]
    .map(([key, seconds]) => {
      const [file, test] = JSON.parse(key);
      return { file, test, seconds: summarize(seconds).median };
    })
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, limit);
}

/** Jest's --json results as each test file's wall seconds, for per-suite stages. */
export function suiteSeconds(run: any, root = ""): Record<string, number> {
  return Object.fromEntries(
    (run.testResults ?? []).map((file: any) => [
      file.name.startsWith(root) ? file.name.slice(root.length).replace(/^\//, "") : file.name,
      (file.endTime - file.startTime) / 1000,
    ]),
  );
}
