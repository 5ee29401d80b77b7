import {
  BUDGETS,
  BenchReport,
  NPM_TEST_STAGES,
  STAGE,
  StageFigures,
  budgetVerdicts,
  regressions,
  slowTests,
  suiteSeconds,
  summarize,
} from "../scripts/bench/figures";

const figures = (median: number): StageFigures => ({ median, min: median, max: median, runs: [median] });
const report = (stages: Record<string, number>): BenchReport => ({
  date: "2026-12-07T13:45:00.000Z",
  cores: 2,
  stages: Object.fromEntries(Object.entries(stages).map(([stage, median]) => [stage, figures(median)])),
  slowTests: [],
});

describe("npm run bench: medians of several runs", () => {
  test("median, min and max; an even count takes the mean of the middle two; the runs are kept as measured", () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, runs: [3, 1, 2] });
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, runs: [4, 1, 3, 2] });
    expect(summarize([7])).toEqual({ median: 7, min: 7, max: 7, runs: [7] });
    expect(() => summarize([])).toThrow(/no runs/);
  });
});

describe("npm run bench: regressions against an earlier file", () => {
  test("a stage more than 20% slower is flagged, with its before and after medians", () => {
    const before = report({ [STAGE.unit]: 10, [STAGE.synth]: 1.2, [STAGE.proof]: 100 });
    const after = report({ [STAGE.unit]: 12.5, [STAGE.synth]: 1.2, [STAGE.proof]: 90 });
    expect(regressions(before, after)).toEqual([{ stage: STAGE.unit, before: 10, after: 12.5, change: 0.25 }]);
  });

  test("exactly 20% slower is not a regression; just over is", () => {
    expect(regressions(report({ a: 10 }), report({ a: 12 }))).toEqual([]);
    expect(regressions(report({ a: 10 }), report({ a: 12.01 })).map((regression) => regression.stage)).toEqual(["a"]);
  });

  test("stages only one side measured are not compared, nor ones too short for the noise", () => {
    expect(regressions(report({ old: 1 }), report({ new: 5 }))).toEqual([]);
    expect(regressions(report({ tiny: 0.01 }), report({ tiny: 0.04 }))).toEqual([]);
  });

  test("CPU seconds are compared too: more work shows even when the machine was quieter", () => {
    const withCpu = (wall: number, cpu: number): BenchReport => ({
      ...report({ [STAGE.proof]: wall }),
      cpuStages: { [STAGE.proof]: figures(cpu) },
    });
    expect(regressions(withCpu(300, 600), withCpu(250, 800))).toEqual([
      { stage: `${STAGE.proof} (CPU)`, before: 600, after: 800, change: 800 / 600 - 1 },
    ]);
    expect(regressions(withCpu(300, 600), withCpu(300, 700))).toEqual([]);
    // A file from before CPU was kept compares its wall seconds only.
    expect(regressions(report({ [STAGE.proof]: 300 }), withCpu(300, 800))).toEqual([]);
  });

  test("the threshold can be given", () => {
    expect(regressions(report({ a: 10 }), report({ a: 11 }), 0.05)).toHaveLength(1);
  });
});

describe("npm run bench: budgets", () => {
  test("npm test is the sum of its stages' medians, at most 240 s", () => {
    const stages = Object.fromEntries(NPM_TEST_STAGES.map((stage) => [stage, figures(40)]));
    const verdict = budgetVerdicts(stages).find((candidate) => candidate.name === "npm test")!;
    expect(verdict).toMatchObject({
      budget: 240,
      seconds: 40 * NPM_TEST_STAGES.length,
      holds: 40 * NPM_TEST_STAGES.length <= 240,
    });
    const over = budgetVerdicts({ ...stages, [STAGE.proof]: figures(200) }).find(
      (candidate) => candidate.name === "npm test",
    )!;
    expect(over.holds).toBe(false);
  });

  test("unit <= 10 s and synth <= 1.5 s hold at the bound; test:quick must stay under 30 s", () => {
    const verdicts = budgetVerdicts({
      [STAGE.unit]: figures(10),
      [STAGE.synth]: figures(1.5),
      [STAGE.quick]: figures(30),
    });
    const holds = Object.fromEntries(verdicts.map((verdict) => [verdict.name, verdict.holds]));
    expect(holds).toEqual({
      "npm test": undefined,
      "unit tests": true,
      "npm run synth": true,
      "npm run test:quick": false,
    });
  });

  test("a budget whose stages were not run says which are missing instead of a verdict", () => {
    const verdict = budgetVerdicts({ [STAGE.unit]: figures(5) }).find((candidate) => candidate.name === "npm test")!;
    expect(verdict.holds).toBeUndefined();
    expect(verdict.missing).toEqual(NPM_TEST_STAGES.filter((stage) => stage !== STAGE.unit));
  });

  test("the budgets are issue 27's", () => {
    expect(BUDGETS.map((budget) => [budget.name, budget.seconds])).toEqual([
      ["npm test", 240],
      ["unit tests", 10],
      ["npm run synth", 1.5],
      ["npm run test:quick", 30],
    ]);
  });
});

describe("npm run bench: slow tests and suites from jest's --json results", () => {
  const run = (durations: Record<string, number>) => ({
    testResults: [
      {
        name: "/repo/__tests__/app.test.ts",
        startTime: 1000,
        endTime: 3500,
        assertionResults: Object.entries(durations).map(([fullName, duration]) => ({
          fullName,
          title: fullName,
          duration,
        })),
      },
    ],
  });

  test("slowest first, each test's median over the runs, paths relative to the project", () => {
    const slow = slowTests(
      [
        run({ quick: 5, slow: 900, middling: 300 }),
        run({ quick: 7, slow: 1100, middling: 100 }),
        run({ quick: 6, slow: 1000, middling: 200 }),
      ],
      2,
      "/repo",
    );
    expect(slow).toEqual([
      { file: "__tests__/app.test.ts", test: "slow", seconds: 1 },
      { file: "__tests__/app.test.ts", test: "middling", seconds: 0.2 },
    ]);
  });

  test("each suite's wall seconds", () => {
    expect(suiteSeconds(run({}), "/repo")).toEqual({ "__tests__/app.test.ts": 2.5 });
  });
});
