/**
 * `npm run bench`: median wall time and peak RSS of the commands whose speed every user pays.
 * Wall time and peak RSS (of the largest process in the tree) come from GNU time.
 * Runs each command BENCH_RUNS times (default 5) after one warm-up run.
 */
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
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

function bench(label: string, command: string[], target: string, env?: NodeJS.ProcessEnv, prepare?: () => void, cwd?: string) {
  prepare?.();
  measure(command, env, cwd);
  const runs = Array.from({ length: RUNS }, () => {
    prepare?.();
    return measure(command, env, cwd);
  });
  const seconds = median(runs.map((run) => run.seconds));
  const peakMb = Math.max(...runs.map((run) => run.peakMb));
  console.log(`${label.padEnd(48)} ${seconds.toFixed(2).padStart(6)} s  ${peakMb.toFixed(0).padStart(5)} MB peak   target ${target}`);
}

if (!existsSync(TIME)) {
  console.error(`bench: ${TIME} (GNU time, Debian package "time") is needed to measure peak memory`);
  process.exit(1);
}
spawnSync("node", ["scripts/build.mjs"], { stdio: "inherit" });
const outdir = join(mkdtempSync(join(tmpdir(), "bench-synth-")), "cdktf.out");
const touchSource = () => spawnSync("touch", ["src/app.ts"]);

console.log(`bench: median of ${RUNS} runs, peak RSS is the largest of them`);
bench("app run directly (node dist/main.js)", ["node", "dist/main.js"], "<= 1.0 s, <= 250 MB", { CDKTF_OUTDIR: outdir });
bench("app via cdktf's app command, bundle fresh", ["node", "scripts/synth.mjs"], "(informational)", { CDKTF_OUTDIR: outdir });
bench("app via cdktf's app command, after an edit", ["node", "scripts/synth.mjs"], "(informational)", { CDKTF_OUTDIR: outdir }, touchSource);
const cliCodeCache = { NODE_OPTIONS: `--require=${join(process.cwd(), "scripts", "cli-code-cache.cjs")}` };
bench("cdktf synth end to end (npm run synth)", ["node_modules/.bin/cdktf", "synth", "--output", outdir], "<= 4 s", cliCodeCache);
bench("cdktf synth end to end, plain npx cdktf synth", ["node_modules/.bin/cdktf", "synth", "--output", outdir], "(informational)");
bench("cdktf synth of an empty app (the CLI's own floor)", [join(process.cwd(), "node_modules/.bin/cdktf"), "synth"], "(informational)", {}, undefined, emptyProject());
bench("unit tests (jest, no Terraform suite)", ["node_modules/.bin/jest", "--silent"], "<= 15 s (all layers)");
