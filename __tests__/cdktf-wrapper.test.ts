import { execFileSync } from "child_process";
import { join } from "path";
import { pathToFileURL } from "url";

type Parsed = { command: string; environment?: string; passThrough: string[] } | { error: string };
type ParseArguments = (
  argv: string[],
  env?: Record<string, string>,
) => { command: string; environment?: string; passThrough: string[] };

/** The wrapper is an ES module with top-level await, which jest's CommonJS runtime cannot load: one node run parses every case. */
function parseAll(cases: ReadonlyArray<readonly [string[], Record<string, string>]>): Parsed[] {
  const script = `
    const { parseArguments } = await import(${JSON.stringify(pathToFileURL(join(__dirname, "..", "scripts", "cdktf.mjs")).href)});
    const cases = JSON.parse(process.argv[1]);
    console.log(JSON.stringify(cases.map(([argv, env]) => { try { return parseArguments(argv, env); } catch (error) { return { error: error.message }; } })));`;
  return JSON.parse(
    execFileSync(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(cases)], { encoding: "utf8" }),
  );
}

describe("npm run deploy | destroy | dr:cutover: what reaches the cdktf CLI", () => {
  const cases: Array<readonly [string[], Record<string, string>]> = [];
  const results = new Map<string, Parsed>();
  /** Registers a case at collection time; its result is read in the tests, after one node run. */
  const parseArguments: ParseArguments = (argv, env = {}) => {
    const key = JSON.stringify([argv, env]);
    const result = results.get(key);
    if (!result) throw new Error(`case not collected: ${key}`);
    if ("error" in result) throw new Error(result.error);
    return result;
  };
  const collect = (argv: string[], env: Record<string, string> = {}) => cases.push([argv, env]);
  collect(["deploy", "--env", "staging", "auth-staging-network"]);
  collect(["deploy", "auth-staging-app", "--ignore-missing-stack-dependencies"]);
  collect(["deploy", "--env", "staging", "auth-staging-*"]);
  collect(["synth", "--env", "staging"]);
  collect(["destroy", "auth-production-data"]);
  collect(["destroy", "auth-production-dr-app", "auth-production-dr-data"]);
  collect(["deploy", "auth-production-app"], { AUTH_DR_CUTOVER: "1" });
  collect(["deploy", "auth-production-dr-app"], { AUTH_DR_CUTOVER: "1" });
  beforeAll(() => {
    parseAll(cases).forEach((result, index) => results.set(JSON.stringify(cases[index]), result));
  });

  test("named stacks deploy without naming the stacks they read from (their state is already applied)", () => {
    expect(parseArguments(["deploy", "--env", "staging", "auth-staging-network"])).toEqual({
      command: "deploy",
      environment: "staging",
      passThrough: ["auth-staging-network", "--ignore-missing-stack-dependencies"],
    });
    expect(parseArguments(["deploy", "auth-staging-app", "--ignore-missing-stack-dependencies"]).passThrough).toEqual([
      "auth-staging-app",
      "--ignore-missing-stack-dependencies",
    ]);
  });

  test("a wildcard deploys in dependency order, with cdktf's check left on", () => {
    expect(parseArguments(["deploy", "--env", "staging", "auth-staging-*"]).passThrough).toEqual(["auth-staging-*"]);
    expect(parseArguments(["synth", "--env", "staging"]).passThrough).toEqual([]);
  });

  test("destroy takes only the DR restore stacks, by name", () => {
    expect(() => parseArguments(["destroy", "auth-production-data"])).toThrow(
      /only takes the DR restore stacks by name/,
    );
    expect(parseArguments(["destroy", "auth-production-dr-app", "auth-production-dr-data"]).passThrough).toEqual([
      "auth-production-dr-app",
      "auth-production-dr-data",
    ]);
  });

  test("a cutover deploys exactly the DR app stack", () => {
    expect(() => parseArguments(["deploy", "auth-production-app"], { AUTH_DR_CUTOVER: "1" })).toThrow(
      /deploys exactly one stack, auth-ENV-dr-app/,
    );
    expect(parseArguments(["deploy", "auth-production-dr-app"], { AUTH_DR_CUTOVER: "1" }).passThrough).toEqual([
      "auth-production-dr-app",
      "--ignore-missing-stack-dependencies",
    ]);
  });
});
