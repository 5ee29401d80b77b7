import { join } from "path";
import { runScript } from "../support/run-process";
import { DIGEST } from "../support/release-world";

describe("npm run release: the command line, in its own process", () => {
  const digest = DIGEST.next;

  const cli = (argv: string[], env: Record<string, string> = {}) =>
    runScript(join("scripts", "release", "cli.ts"), argv, env);

  test.concurrent(
    "the CLI: a bad argument exits 2 with one line and no stack trace, even with another AUTH_ENV left in the shell",
    async () => {
      const result = await cli(["--env", "staging", "--digest", digest, "--steps", "10,50"], {
        AUTH_ENV: "production",
      });
      expect(result).toEqual({
        status: 2,
        stdout: "",
        stderr: "release: --steps must end at 100, got 10,50 (see --help)\n",
      });
      const unknown = await cli(["--env", "prod"]);
      expect(unknown).toEqual({
        status: 2,
        stdout: "",
        stderr: 'release: --env: unknown environment "prod" (known: staging, production) (see --help)\n',
      });
    },
    30_000,
  );

  test.concurrent(
    "the CLI: --help exits 0 and prints usage",
    async () => {
      const result = await cli(["--help"]);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^npm run release -- --env ENV --digest sha256:/);
    },
    30_000,
  );
});
