import { runTool, Tool } from "../../scripts/cli/command-line";

/** What a tool run printed: its exit code, stdout, and each console.error line. */
export interface ToolRun {
  readonly code: number;
  readonly out: string;
  readonly err: string[];
}

/** Runs a command-line tool in-process as `npm run` would, capturing what it prints. */
export async function runCapturing(tool: Tool, argv: string[]): Promise<ToolRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest
    .spyOn(process.stdout, "write")
    .mockImplementation((chunk: any) => (out.push(String(chunk)), true));
  const stderr = jest
    .spyOn(console, "error")
    .mockImplementation((...parts: unknown[]) => void err.push(parts.join(" ")));
  try {
    return { code: await runTool(tool, argv), out: out.join(""), err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}
