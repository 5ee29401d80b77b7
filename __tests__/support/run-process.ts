import { spawn } from "child_process";
import { join } from "path";

/** What a process printed and how it ended. */
export interface ProcessRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a TypeScript entry point the way its npm script does (tsx in a child process). */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<ProcessRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join("node_modules", "tsx", "dist", "cli.mjs"), script, ...args], {
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
