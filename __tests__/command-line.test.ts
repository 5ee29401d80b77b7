import {
  EXIT,
  UsageError,
  integerListOption,
  integerOption,
  parseCommandLine,
  runTool,
} from "../scripts/cli/command-line";

function capture(run: () => Promise<number>) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest
    .spyOn(process.stdout, "write")
    .mockImplementation((chunk: any) => (out.push(String(chunk)), true));
  const stderr = jest
    .spyOn(console, "error")
    .mockImplementation((...parts: unknown[]) => void err.push(parts.join(" ")));
  return run().then((code) => {
    stdout.mockRestore();
    stderr.mockRestore();
    return { code, out: out.join(""), err };
  });
}

describe("one command-line model for every tool", () => {
  const tool = (run: (argv: string[]) => number) => ({ name: "demo", usage: "usage: demo [--count N]", run });

  test("--help prints usage and exits 0 without running the tool", async () => {
    const run = jest.fn(() => EXIT.refused);
    const { code, out } = await capture(() => runTool(tool(run), ["--help"]));
    expect(code).toBe(EXIT.ok);
    expect(out).toContain("usage: demo");
    expect(run).not.toHaveBeenCalled();
  });

  test("a usage error is one line on stderr and exit 2", async () => {
    const { code, err } = await capture(() =>
      runTool(
        tool((argv) => (parseCommandLine(argv, { count: { type: "string" } }), EXIT.ok)),
        ["--colour", "blue"],
      ),
    );
    expect(code).toBe(EXIT.usage);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^demo: .*--colour/);
    expect(err[0]).not.toMatch(/\n|at .*\.ts/);
  });

  test("an unexpected failure is one line and exit 3, never a stack trace", async () => {
    const { code, err } = await capture(() =>
      runTool(
        tool(() => {
          throw new Error("AccessDenied: not authorized\n    at somewhere.ts:1:1");
        }),
        [],
      ),
    );
    expect(code).toBe(EXIT.failed);
    expect(err).toEqual(["demo: AccessDenied: not authorized"]);
  });

  test.each([["abc"], ["1.5"], [""], ["10s"]])("integerOption rejects %j", (raw) => {
    expect(() => integerOption("--bake-seconds", raw, 300)).toThrow(UsageError);
    expect(() => integerOption("--bake-seconds", raw, 300)).toThrow(/--bake-seconds must be a whole number/);
  });

  test("integerOption applies bounds and the default", () => {
    expect(integerOption("--n", undefined, 7)).toBe(7);
    expect(integerOption("--n", "12", 7, { min: 1 })).toBe(12);
    expect(() => integerOption("--n", "0", 7, { min: 1 })).toThrow(/--n must be at least 1, got 0/);
    expect(() => integerOption("--n", "101", 7, { max: 100 })).toThrow(/at most 100/);
  });

  test("integerListOption parses each element", () => {
    expect(integerListOption("--steps", "10, 50,100")).toEqual([10, 50, 100]);
    expect(() => integerListOption("--steps", "10,x")).toThrow(/--steps must be a whole number, got "x"/);
  });

  test("exit codes have one meaning each", () => {
    expect(new Set(Object.values(EXIT)).size).toBe(Object.values(EXIT).length);
  });
});
