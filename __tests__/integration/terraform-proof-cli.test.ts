import { join } from "path";
import { runScript } from "../support/run-process";

describe("offline proof harness: command line, and without Terraform", () => {
  // Each case starts tsx in a child process: seconds on a busy 2-core machine, never the 5 s default.
  const SPAWN_TIMEOUT = 60_000;
  const run = (env: Record<string, string>, args: string[] = []) =>
    runScript(join("scripts", "terraform-proof", "run.ts"), args, {
      TERRAFORM_BINARY: "/nonexistent/terraform",
      ...env,
    });

  test.concurrent(
    "under CI it fails with a clear message",
    async () => {
      const result = await run({ CI: "true" });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("terraform proof: cannot run: terraform not found at /nonexistent/terraform");
    },
    SPAWN_TIMEOUT,
  );

  test.concurrent(
    "elsewhere it is skipped, and says so",
    async () => {
      const result = await run({ CI: "" });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("terraform proof: SKIPPED: terraform not found at /nonexistent/terraform");
    },
    SPAWN_TIMEOUT,
  );

  test.concurrent(
    "--help prints usage and exits 0; an unknown flag is one line and exit 2",
    async () => {
      const [help, bad] = await Promise.all([run({}, ["--help"]), run({}, ["--planz"])]);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain("usage: npm run validate -- [--validate-only] [STACK]...");
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^validate: .*--planz/)]);
    },
    SPAWN_TIMEOUT,
  );
});
