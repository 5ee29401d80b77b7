/**
 * `npm run bench`: where the time of `npm test` and `npm run synth` goes, stage by stage, as the
 * median, min and max of several runs; compared with an earlier run's file, and with the budgets.
 */
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { availableParallelism, tmpdir } from "os";
import { join, resolve } from "path";
import { EXIT, UsageError, integerOption, main, parseCommandLine } from "./cli/command-line";
import {
  BenchReport,
  NPM_TEST_STAGES,
  STAGE,
  StageFigures,
  budgetVerdicts,
  regressions,
  slowTests,
  suiteSeconds,
  summarize,
} from "./bench/figures";

const STAGES = {
  typecheck: STAGE.typeCheck,
  lint: STAGE.workflowLint,
  unit: STAGE.unit,
  proof: STAGE.proof,
  suites: STAGE.terraformSuites,
  compliance: STAGE.complianceSynth,
  synth: STAGE.synth,
  quick: STAGE.quick,
} as const;
type StageKey = keyof typeof STAGES;

const USAGE = `usage: npm run bench -- [--runs N] [--stages ${Object.keys(STAGES).join(",")}] [--compare FILE] [--output FILE]
  Runs each stage of npm test (type check, workflow lint, unit tests, the Terraform proof with its
  time per stack variant, each Terraform/integration suite, the compliance synth), npm run synth and
  npm run test:quick N times; prints median, min and max wall seconds (and CPU seconds), the slowest
  unit tests, whether each budget holds (npm test <= 240 s, unit <= 10 s, synth <= 1.5 s,
  test:quick < 30 s), and every stage more than 20% slower than in the compared file.
  --runs N        measured runs per stage (default: BENCH_RUNS or 3); synth and test:quick get one warm-up run first
  --stages LIST   only these stages (default: all)
  --compare FILE  an earlier result to compare with (default: bench-results/latest.json when it exists)
  --output FILE   where to write this result (default: bench-results/bench-<time>.json, and latest.json)
  Exit 0 measured (regressions and missed budgets are printed as WARNING), 1 a stage failed, 2 usage.
  Needs GNU time (/usr/bin/time). The machine's load moves every figure: compare medians.`;

const TIME = "/usr/bin/time";
const ROOT = resolve(__dirname, "..");

interface Run {
  readonly wall: number;
  readonly cpu: number;
  readonly peakMb: number;
}

function measure(command: string[], env: NodeJS.ProcessEnv = {}): Run {
  const report = join(mkdtempSync(join(tmpdir(), "bench-")), "time.txt");
  const result = spawnSync(TIME, ["-o", report, "-f", "%e %U %S %M", ...command], {
    cwd: ROOT,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", ...env },
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(`${command.join(" ")} failed (exit ${result.status}):\n${String(result.stderr).slice(-4000)}`);
  const [wall, user, system, kilobytes] = readFileSync(report, "utf8")
    .trim()
    .split("\n")
    .pop()!
    .split(/\s+/)
    .map(Number);
  return { wall, cpu: user + system, peakMb: kilobytes / 1024 };
}

/** What one stage runs, and the figures one run adds beside its own (per variant, per suite, per test). */
interface StageRun {
  readonly command: string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly warmUp?: boolean;
  /** Extra per-run figures read from the run's output file, by stage name. */
  readonly extra?: (output: string) => Record<string, number>;
}

function stageRun(key: StageKey, output: string): StageRun {
  const bin = (name: string) => join("node_modules", ".bin", name);
  switch (key) {
    case "typecheck":
      return { command: [bin("tsc"), "--noEmit"] };
    case "lint":
      return { command: [bin("tsx"), join("scripts", "lint-workflows.ts")] };
    case "unit":
      return { command: [bin("jest"), "--silent", "--json", "--outputFile", output] };
    case "proof":
      return {
        command: [bin("tsx"), join("scripts", "terraform-proof", "run.ts")],
        env: { PROOF_RESULTS: output },
        extra: (file) => {
          const perVariant: Record<string, number> = {};
          for (const stack of JSON.parse(readFileSync(file, "utf8"))) {
            const name = `  proof variant ${stack.variant} (Terraform seconds summed over its stacks)`;
            perVariant[name] = (perVariant[name] ?? 0) + (stack.seconds ?? 0);
          }
          return perVariant;
        },
      };
    case "suites":
      return {
        command: [bin("jest"), "-c", "jest.terraform.config.js", "--silent", "--json", "--outputFile", output],
        extra: (file) =>
          Object.fromEntries(
            Object.entries(suiteSeconds(JSON.parse(readFileSync(file, "utf8")), ROOT)).map(([suite, seconds]) => [
              `  suite ${suite}`,
              seconds,
            ]),
          ),
      };
    case "compliance":
      return { command: ["npm", "run", "--silent", "compliance:synth"] };
    case "synth":
      return {
        command: [
          process.execPath,
          join("scripts", "cdktf.mjs"),
          "synth",
          "--output",
          join(mkdtempSync(join(tmpdir(), "bench-synth-")), "cdktf.out"),
        ],
        warmUp: true,
      };
    case "quick":
      return { command: ["npm", "run", "--silent", "test:quick"], warmUp: true };
  }
}

function benchAll(argv: string[]): number {
  const { values } = parseCommandLine(argv, {
    runs: { type: "string" },
    stages: { type: "string" },
    compare: { type: "string" },
    output: { type: "string" },
  });
  const runs = integerOption("--runs", values.runs ?? process.env.BENCH_RUNS, 3, { min: 1, max: 50 });
  const keys = (values.stages ? values.stages.split(",") : Object.keys(STAGES)) as StageKey[];
  const unknown = keys.filter((key) => !(key in STAGES));
  if (unknown.length > 0)
    throw new UsageError(`unknown stage ${unknown.join(", ")} (one of ${Object.keys(STAGES).join(", ")})`);
  if (!existsSync(TIME)) {
    console.error(`bench: ${TIME} (GNU time, Debian package "time") is needed`);
    return EXIT.failed;
  }
  const comparePath =
    values.compare ??
    (existsSync(join(ROOT, "bench-results", "latest.json")) ? join(ROOT, "bench-results", "latest.json") : undefined);
  const previous: BenchReport | undefined = comparePath ? JSON.parse(readFileSync(comparePath, "utf8")) : undefined;

  const wall: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  const unitRuns: any[] = [];
  console.log(
    `bench: ${runs} runs per stage on ${availableParallelism()} cores; wall seconds median (min-max), CPU seconds median`,
  );
  try {
    for (const key of keys) {
      const stage = STAGES[key];
      const output = join(mkdtempSync(join(tmpdir(), "bench-out-")), "out.json");
      const run = stageRun(key, output);
      process.stderr.write(`bench: ${stage}: ${run.warmUp ? "warm-up and " : ""}${runs} runs...\n`);
      if (run.warmUp) measure(run.command, run.env);
      for (let index = 0; index < runs; index++) {
        const measured = measure(run.command, run.env);
        (wall[stage] ??= []).push(measured.wall);
        (cpu[stage] ??= []).push(measured.cpu);
        for (const [name, seconds] of Object.entries(run.extra?.(output) ?? {})) (wall[name] ??= []).push(seconds);
        if (key === "unit") unitRuns.push(JSON.parse(readFileSync(output, "utf8")));
      }
    }
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    return EXIT.refused;
  }

  const stages: Record<string, StageFigures> = Object.fromEntries(
    Object.entries(wall).map(([stage, seconds]) => [stage, summarize(seconds)]),
  );
  const report: BenchReport = {
    date: new Date().toISOString(),
    commit:
      spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim() || undefined,
    cores: availableParallelism(),
    stages,
    cpuStages: Object.fromEntries(Object.entries(cpu).map(([stage, seconds]) => [stage, summarize(seconds)])),
    slowTests: slowTests(unitRuns, 15, ROOT),
  };
  const figure = (value: number) => value.toFixed(value < 10 ? 2 : 1).padStart(7);
  for (const [stage, figures] of Object.entries(stages)) {
    const cpuFigure = cpu[stage] ? `  cpu ${figure(summarize(cpu[stage]).median)}` : "";
    console.log(
      `${stage.padEnd(72)} ${figure(figures.median)} s (${figures.min.toFixed(1)}-${figures.max.toFixed(1)})${cpuFigure}`,
    );
  }
  if (report.slowTests.length > 0) {
    console.log("slowest unit tests (median seconds):");
    for (const test of report.slowTests) console.log(`  ${figure(test.seconds)} s  ${test.file}: ${test.test}`);
  }
  for (const verdict of budgetVerdicts(stages)) {
    const bound = `${verdict.strict ? "<" : "<="} ${verdict.budget} s`;
    if (verdict.seconds === undefined)
      console.log(`budget ${verdict.name} ${bound}: not measured (stages not run: ${verdict.missing.join(", ")})`);
    else
      console.log(
        `budget ${verdict.name} ${bound}: ${verdict.holds ? "holds" : "MISSED"} at ${verdict.seconds.toFixed(1)} s (sum of medians)`,
      );
  }
  const testCpu = NPM_TEST_STAGES.filter((stage) => report.cpuStages?.[stage]).map(
    (stage) => report.cpuStages![stage].median,
  );
  if (testCpu.length === NPM_TEST_STAGES.length) {
    const total = testCpu.reduce((sum, seconds) => sum + seconds, 0);
    // CPU seconds follow the work, not the neighbours' load: on a quiet machine npm test cannot take less wall time than this.
    console.log(
      `npm test CPU: ${total.toFixed(1)} s (sum of medians), at least ${(total / report.cores).toFixed(1)} s wall on ${report.cores} cores`,
    );
  }
  if (previous) {
    const slower = regressions(previous, report);
    console.log(
      `compared with ${comparePath} (${previous.date}${previous.commit ? `, ${previous.commit}` : ""}): ${slower.length} stages more than 20% slower`,
    );
    for (const regression of slower) {
      console.error(
        `bench: WARNING: regression: ${regression.stage.trim()}: ${regression.before.toFixed(2)} s -> ${regression.after.toFixed(2)} s (+${Math.round(regression.change * 100)}%)`,
      );
    }
  }
  for (const verdict of budgetVerdicts(stages).filter((candidate) => candidate.holds === false))
    console.error(`bench: WARNING: budget missed: ${verdict.name}`);

  const outputPath = values.output ?? join(ROOT, "bench-results", `bench-${report.date.replace(/[:.]/g, "-")}.json`);
  mkdirSync(join(outputPath, ".."), { recursive: true });
  writeFileSync(outputPath, `${JSON.stringify(report, null, 2)}\n`);
  if (!values.output) writeFileSync(join(ROOT, "bench-results", "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`bench: written to ${outputPath}`);
  return EXIT.ok;
}

main({ name: "bench", usage: USAGE, run: benchAll });
