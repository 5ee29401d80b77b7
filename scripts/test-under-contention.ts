/**
 * `npm run test:contention [-- --workers N --seconds S]`: runs the unit suite while N busy-loop
 * processes (default: one per core) compete for the CPU, to prove no test depends on timing that
 * only an idle machine gives. The workers stop when the suite ends, or after S seconds at most.
 */
import { ChildProcess, spawn } from "child_process";
import { cpus } from "os";
import { EXIT, integerOption, main, parseCommandLine } from "./cli/command-line";

const USAGE = `usage: npm run test:contention -- [--workers N] [--seconds S]
  Runs the unit tests (jest) with N busy-loop processes competing for the CPU.
  --workers N   competing processes (default: one per core, ${cpus().length} here)
  --seconds S   stop the workers after S seconds even if jest still runs (default 300)
  Exit 0 when every test passed under contention, 1 when any failed.`;

async function underContention(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, { workers: { type: "string" }, seconds: { type: "string" } });
  const workers = integerOption("--workers", values.workers, cpus().length, { min: 1, max: 64 });
  const seconds = integerOption("--seconds", values.seconds, 300, { min: 1, max: 3600 });
  const busy: ChildProcess[] = Array.from({ length: workers }, () =>
    spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }),
  );
  const stopWorkers = () => busy.forEach((worker) => worker.kill("SIGKILL"));
  const deadline = setTimeout(stopWorkers, seconds * 1000);
  console.log(`test:contention: unit tests with ${workers} busy-loop processes on ${cpus().length} cores`);
  const started = Date.now();
  try {
    const jest = spawn(process.execPath, ["node_modules/jest/bin/jest.js", "--silent"], { stdio: "inherit" });
    const code: number = await new Promise((resolve) => jest.on("exit", (status) => resolve(status ?? 1)));
    console.log(
      `test:contention: jest exited ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s under contention`,
    );
    return code === 0 ? EXIT.ok : EXIT.refused;
  } finally {
    clearTimeout(deadline);
    stopWorkers();
  }
}

main({ name: "test:contention", usage: USAGE, run: underContention });
