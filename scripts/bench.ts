/**
 * `npm run bench`: median wall time and peak RSS of the commands whose speed every user pays.
 * Wall time and peak RSS (of the largest process in the tree) come from GNU time.
 * Runs each command BENCH_RUNS times (default 5) after one warm-up run, and warns on stderr about
 * every target it misses.
 */
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { EXIT, integerOption, main, parseCommandLine } from "./cli/command-line";

const USAGE = `usage: npm run bench [-- --runs N]
  Median wall time and peak RSS of the app run, npm run synth, and the unit tests, each after one
  warm-up run; prints a WARNING for every missed target. Needs GNU time (/usr/bin/time).
  --runs N   measured runs per command (default: BENCH_RUNS or 5)`;

let RUNS = 5;
const TIME = "/usr/bin/time";

interface Measurement {
  readonly seconds: number;
  readonly peakMb: number;
}

function measure(command: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Measurement {
  const report = join(mkdtempSync(join(tmpdir(), "bench-")), "time.txt");
  const result = spawnSync(TIME, ["-o", report, "-f", "%e %M", ...command], {
    env: { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", ...env },
    stdio: ["ignore", "ignore", "pipe"],
    cwd,
  });
  if (result.status !== 0) throw new Error(`${command.join(" ")} failed:\n${result.stderr}`);
  const [seconds, kilobytes] = readFileSync(report, "utf8").trim().split(/\s+/).slice(-2).map(Number);
  return { seconds, peakMb: kilobytes / 1024 };
}

/** A project whose app synthesizes no stack: what `cdktf synth` costs before our code runs. */
function emptyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "bench-empty-"));
  const app = `new (require(${JSON.stringify(require.resolve("cdktf"))}).App)().synth()`;
  writeFileSync(join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: `node -e '${app}'` }));
  return dir;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** What a measurement must stay within; none for informational lines. */
interface Target {
  readonly seconds?: number;
  readonly peakMb?: number;
}

const misses: string[] = [];

function bench(label: string, command: string[], target: Target, env?: NodeJS.ProcessEnv, prepare?: () => void, cwd?: string) {
  process.stderr.write(`bench: ${label}: warm-up and ${RUNS} runs...\n`);
  prepare?.();
  measure(command, env, cwd);
  const runs = Array.from({ length: RUNS }, () => {
    prepare?.();
    return measure(command, env, cwd);
  });
  const seconds = median(runs.map((run) => run.seconds));
  const peakMb = Math.max(...runs.map((run) => run.peakMb));
  const goal = [target.seconds && `<= ${target.seconds} s`, target.peakMb && `<= ${target.peakMb} MB`].filter(Boolean).join(", ") || "(informational)";
  console.log(`${label.padEnd(48)} ${seconds.toFixed(2).padStart(6)} s  ${peakMb.toFixed(0).padStart(5)} MB peak   target ${goal}`);
  if (target.seconds !== undefined && seconds > target.seconds) misses.push(`${label}: ${seconds.toFixed(2)} s is over the ${target.seconds} s target`);
  if (target.peakMb !== undefined && peakMb > target.peakMb) misses.push(`${label}: ${peakMb.toFixed(0)} MB is over the ${target.peakMb} MB target`);
}

function benchAll(argv: string[]): number {
  const { values } = parseCommandLine(argv, { runs: { type: "string" } });
  RUNS = integerOption("--runs", values.runs ?? process.env.BENCH_RUNS, 5, { min: 1, max: 50 });
  if (!existsSync(TIME)) {
    console.error(`bench: ${TIME} (GNU time, Debian package "time") is needed to measure peak memory`);
    return EXIT.failed;
  }
  spawnSync("node", ["scripts/build.mjs"], { stdio: "inherit" });
  const outdir = join(mkdtempSync(join(tmpdir(), "bench-synth-")), "cdktf.out");
  const touchSource = () => spawnSync("touch", ["src/app.ts"]);

  console.log(`bench: median of ${RUNS} runs, peak RSS is the largest of them`);
  bench("app run directly (node dist/main.js)", ["node", "dist/main.js"], { seconds: 1.0, peakMb: 250 }, { CDKTF_OUTDIR: outdir });
  bench("app via cdktf's app command, bundle fresh", ["node", "scripts/synth.mjs"], {}, { CDKTF_OUTDIR: outdir });
  bench("app via cdktf's app command, after an edit", ["node", "scripts/synth.mjs"], {}, { CDKTF_OUTDIR: outdir }, touchSource);
  bench("cdktf synth end to end (npm run synth)", ["node", "scripts/cdktf.mjs", "synth", "--output", outdir], { seconds: 4.0 });
  bench("cdktf synth end to end, plain npx cdktf synth", ["node_modules/.bin/cdktf", "synth", "--output", outdir], {});
  bench("cdktf synth of an empty app (the CLI's own floor)", [join(process.cwd(), "node_modules/.bin/cdktf"), "synth"], {}, {}, undefined, emptyProject());
  bench("unit tests (jest, no Terraform suite)", ["node_modules/.bin/jest", "--silent"], { seconds: 15 });
  for (const miss of misses) console.error(`bench: WARNING: missed target: ${miss}`);
  return EXIT.ok;
}

main({ name: "bench", usage: USAGE, run: benchAll });
