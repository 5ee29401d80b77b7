import { readFileSync } from "fs";
import { join } from "path";
import { affectedTests, applyEdits, productionMutation } from "../../scripts/mutation/config-mutation";
import { scratchCopy, ScratchCopy } from "../../scripts/mutation/scratch-copy";
import { stackName } from "../../src/config/naming";

/**
 * One home for every value (issue #26): in a scratch copy, the production DB instance class and two
 * data-alarm thresholds change in config; the generators run; then the unit tests the change can
 * reach (those naming a changed key or spelling an old value) and the staleness checks pass with no
 * test or doc edited by hand. A test that pinned the old value would fail here.
 */
const ROOT = join(__dirname, "..", "..");
const edits = productionMutation();

describe("one home: changing the production DB class and alarm thresholds in config needs no test or doc edit", () => {
  let copy: ScratchCopy;
  const step = (command: string, args: readonly string[], env?: NodeJS.ProcessEnv) => {
    const { status, output } = copy.run(command, args, env);
    if (status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${status}:\n${output.slice(-6000)}`);
    return output;
  };
  const tsx = (script: string, ...args: string[]) =>
    step(process.execPath, [join("node_modules", "tsx", "dist", "cli.mjs"), script, ...args]);

  beforeAll(() => {
    copy = scratchCopy(ROOT, "config-mutation-");
    applyEdits(copy.dir, edits);
    tsx("scripts/docs/cli.ts");
    tsx("scripts/workflows/cli.ts");
  }, 180_000);
  afterAll(() => copy?.remove());

  test("the generated docs and workflows are current after regeneration", () => {
    tsx("scripts/docs/cli.ts", "--check");
    tsx("scripts/workflows/cli.ts", "--check");
  }, 120_000);

  test("the tests the change reaches pass unchanged, on a synthesis that carries the new values", () => {
    const tests = affectedTests(copy.dir, edits);
    // The selection is not empty, and includes the tests that used to pin the DB class and the thresholds.
    expect(tests).toEqual(
      expect.arrayContaining([
        "__tests__/alarm-scenarios.test.ts",
        "__tests__/data.test.ts",
        "__tests__/dr-drill.test.ts",
      ]),
    );
    // The HCL synthesis only for tests that read it: half of the global setup's work otherwise.
    const readsHcl = tests.some((test) => readFileSync(join(copy.dir, test), "utf8").includes('"hcl"'));
    step(process.execPath, [join("node_modules", "jest", "bin", "jest.js"), "--ci", "--maxWorkers=2", ...tests], {
      JEST_SYNTH_HCL: readsHcl ? "1" : "0",
    });
    // Not vacuous: the synthesis those tests read has the mutated values.
    const data = JSON.parse(
      readFileSync(join(copy.dir, ".jest-synth", "stacks", stackName("production", "data"), "cdk.tf.json"), "utf8"),
    );
    const [instance] = Object.values<any>(data.resource.aws_db_instance);
    expect(`instanceClass: "${instance.instance_class}",`).toBe(edits[0].to);
  }, 600_000);
});
