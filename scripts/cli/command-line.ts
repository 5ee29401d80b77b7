/**
 * The command-line model every tool of this repository shares: one exit-code table, one strict
 * argument parser (unknown flags and non-numbers are usage errors), `--help` everywhere, and
 * errors printed as one line without a stack trace (set DEBUG=1 to see it).
 */
import { parseArgs } from "util";

/** Exit codes of every tool. CI and operators read these; never reuse a code for another meaning. */
export const EXIT = {
  /** Done, or nothing to do. */
  ok: 0,
  /** Refused or blocked: a guard said no, a release was rolled back, a check failed. */
  refused: 1,
  /** Usage or bad input: unknown flag, bad value, missing or malformed file. */
  usage: 2,
  /** An unexpected failure of a dependency (AWS, Terraform, the network); the one line says which. */
  failed: 3,
  /** Stopped by SIGINT/SIGTERM after cleaning up (128 + SIGINT, the shell convention). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A problem with what the user typed or gave us: exit 2 with one line. */
export class UsageError extends Error {}

type OptionKind = { readonly type: "string" | "boolean"; readonly multiple?: boolean; readonly short?: string };
export type OptionSpec = Readonly<Record<string, OptionKind>>;

type Values<S extends OptionSpec> = {
  [K in keyof S]?: S[K]["type"] extends "boolean"
    ? S[K]["multiple"] extends true
      ? boolean[]
      : boolean
    : S[K]["multiple"] extends true
      ? string[]
      : string;
};

export interface Parsed<S extends OptionSpec> {
  readonly values: Values<S>;
  readonly positionals: string[];
}

/** Parses argv strictly: unknown options and missing option values are usage errors. */
export function parseCommandLine<S extends OptionSpec>(
  argv: readonly string[],
  options: S,
  allowPositionals = false,
): Parsed<S> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: options as any,
      strict: true,
      allowPositionals,
    });
    return { values: values as Values<S>, positionals };
  } catch (error) {
    throw new UsageError(firstLine((error as Error).message));
  }
}

/** A whole number within bounds, or a usage error naming the flag. */
export function integerOption(
  flag: string,
  raw: string | undefined,
  fallback: number,
  bounds: { min?: number; max?: number } = {},
): number {
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`${flag} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (bounds.min !== undefined && value < bounds.min)
    throw new UsageError(`${flag} must be at least ${bounds.min}, got ${value}`);
  if (bounds.max !== undefined && value > bounds.max)
    throw new UsageError(`${flag} must be at most ${bounds.max}, got ${value}`);
  return value;
}

/** A comma-separated list of whole numbers, each within bounds. */
export function integerListOption(flag: string, raw: string, bounds: { min?: number; max?: number } = {}): number[] {
  return raw.split(",").map((part) => integerOption(flag, part.trim(), 0, bounds));
}

function firstLine(text: string): string {
  return text.split("\n")[0].trim();
}

export interface Tool {
  /** The tool's name as users type it, for example "plan-report". */
  readonly name: string;
  /** The full usage text `--help` prints. */
  readonly usage: string;
  /** Runs the tool; returns its exit code. Throw UsageError for usage or input problems. */
  readonly run: (argv: string[]) => Promise<number> | number;
}

/**
 * Runs a tool as a process: `--help`/`-h` prints usage and exits 0; a UsageError prints one line
 * and exits 2; any other error prints one line and exits 3. Never prints a stack trace unless DEBUG=1.
 */
export async function runTool(tool: Tool, argv: string[] = process.argv.slice(2)): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(tool.usage.endsWith("\n") ? tool.usage : `${tool.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await tool.run(argv);
  } catch (error) {
    const message = firstLine(error instanceof Error ? error.message : String(error));
    if (process.env.DEBUG === "1" && error instanceof Error) console.error(error.stack);
    if (error instanceof UsageError) {
      console.error(`${tool.name}: ${message} (see --help)`);
      return EXIT.usage;
    }
    console.error(`${tool.name}: ${message}`);
    return EXIT.failed;
  }
}

/** Tools that CLI files hand to main() while toolsOf() loads them; undefined otherwise. */
let collecting: Tool[] | undefined;

/**
 * The tools a CLI file defines, without running it: what main() is handed while the file loads,
 * and every Tool it exports (or makes: `fooTool()`). The CLI reference (npm run docs) prints their --help text from these.
 */
export function toolsOf(load: () => Record<string, unknown>): Tool[] {
  collecting = [];
  try {
    // A factory such as catalogueAgeTool(clock = ...) gives its tool when called with its defaults.
    const values = Object.entries(load()).map(([name, value]) =>
      typeof value === "function" && value.length === 0 && /^[a-z]\w*Tool$/.test(name) ? value() : value,
    );
    const exported = values.filter((value): value is Tool => {
      const candidate = value as Partial<Tool> | null;
      return (
        typeof candidate === "object" &&
        candidate !== null &&
        typeof candidate.name === "string" &&
        typeof candidate.usage === "string" &&
        typeof candidate.run === "function"
      );
    });
    return [...new Set([...collecting, ...exported])];
  } finally {
    collecting = undefined;
  }
}

/** Entry point for a CLI file: runs the tool and sets the process exit code. */
export function main(tool: Tool): void {
  if (collecting) {
    collecting.push(tool);
    return;
  }
  runTool(tool).then((code) => {
    process.exitCode = code;
  });
}
