import { planJobTool } from "../scripts/plan-job/cli";
import { runCapturing } from "./support/run-tool";

/** The plan job's command line in this process: exit code and what it printed. */
async function planJob(...args: string[]) {
  const { code, out, err } = await runCapturing(planJobTool, args);
  return { code, output: out + err.join("") };
}

describe("npm run plan-job: usage", () => {
  test("--help prints the usage and exits 0", async () => {
    const { code, output } = await planJob("--help");
    expect(code).toBe(0);
    expect(output).toContain("usage: npm run plan-job");
  });

  test.each([
    ["no stack", ["--out-dir", "x", "--no-lock"], "--stack must name a stack"],
    ["no output directory", ["--stack", "auth-staging-data", "--no-lock"], "--out-dir is required"],
    [
      "neither lock mode",
      ["--stack", "auth-staging-data", "--out-dir", "x"],
      "exactly one of --no-lock or --lock-timeout",
    ],
    [
      "both lock modes",
      ["--stack", "auth-staging-data", "--out-dir", "x", "--no-lock", "--lock-timeout", "5m"],
      "exactly one of --no-lock or --lock-timeout",
    ],
    [
      "a lock timeout without a unit",
      ["--stack", "auth-staging-data", "--out-dir", "x", "--lock-timeout", "10"],
      "--lock-timeout must be a duration",
    ],
    [
      "an unknown environment",
      ["--stack", "auth-prod-data", "--out-dir", "x", "--no-lock"],
      "unknown environment prod",
    ],
    [
      "a stack that was not synthesized",
      ["--stack", "auth-staging-data", "--dir", "/nonexistent/stack", "--out-dir", "x", "--no-lock"],
      "run npm run synth first",
    ],
  ])("%s is a usage error: exit 2, one line", async (_, args, message) => {
    const { code, output } = await planJob(...args);
    expect(code).toBe(2);
    expect(output.trim().split("\n")).toHaveLength(1);
    expect(output).toContain(message);
  });
});
