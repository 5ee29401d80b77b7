import { existsSync, readdirSync, readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { addEnvironment } from "../../scripts/mutation/add-environment";
import { scratchCopy, ScratchCopy } from "../../scripts/mutation/scratch-copy";
import { LAYERS, stackName } from "../../src/config/naming";

/**
 * Adding an environment is one step in code (docs/how-to/add-an-environment.md): in a scratch copy
 * of the repository, one config file and one registration line; then only generators run, and
 * synth, terraform validate of the new environment's stacks (offline), the workflow
 * checks and the docs check pass. Nothing else is edited by hand.
 */
const ROOT = join(__dirname, "..", "..");
const NAME = "trial";
const STACKS = LAYERS.map((layer) => stackName(NAME, layer));

describe("adding an environment is a config file and a registration line; workflows, docs, deploy order and Terraform follow", () => {
  let copy: ScratchCopy;
  const step = (command: string, args: readonly string[], env?: NodeJS.ProcessEnv) => {
    const { status, output } = copy.run(command, args, env);
    if (status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${status}:\n${output.slice(-4000)}`);
    return output;
  };
  const tsx = (script: string, ...args: string[]) =>
    step(process.execPath, [join("node_modules", "tsx", "dist", "cli.mjs"), script, ...args]);

  beforeAll(() => {
    copy = scratchCopy(ROOT, "add-environment-");
    addEnvironment(copy.dir, NAME);
    // What follows by generation: the workflows and the docs.
    tsx("scripts/workflows/cli.ts");
    tsx("scripts/docs/cli.ts");
  }, 180_000);
  afterAll(() => copy?.remove());

  test("the change is exactly the config file and the registration", () => {
    // The copy is not a repository: compare its config folder with the original's.
    const added = readdirSync(join(copy.dir, "src", "config", "environments")).filter(
      (file) => !existsSync(join(ROOT, "src", "config", "environments", file)),
    );
    expect(added).toEqual([`${NAME}.ts`]);
    const index = readFileSync(join(copy.dir, "src", "config", "index.ts"), "utf8");
    expect(index).toContain(`import { ${NAME} } from "./environments/${NAME}";`);
    expect(index).toMatch(new RegExp(`export const environments = \\{ ${NAME}, `));
  });

  test("the deploy order, the workflows and the docs follow: the staleness checks and actionlint pass", () => {
    expect(tsx("scripts/stacks.ts")).toContain(`1. ${stackName(NAME, "bootstrap")}`);
    tsx("scripts/workflows/cli.ts", "--check");
    tsx("scripts/docs/cli.ts", "--check");
    tsx("scripts/lint-workflows.ts");
    const workflow = (name: string) => parse(readFileSync(join(copy.dir, ".github", "workflows", name), "utf8"));
    expect(Object.keys(workflow("main.yml").jobs)[0]).toBe(NAME);
    expect(workflow("release.yml").jobs.staging.needs).toBe(NAME);
    expect(workflow("pull-request.yml").jobs.plan.strategy.matrix.environment[0]).toBe(NAME);
    expect(Object.keys(workflow("scheduled-checks.yml").jobs)).toContain(`drift-${NAME}`);
  }, 180_000);

  test("its stacks synthesize, and terraform validate passes for each of them offline", () => {
    // The proof synthesizes with buildApp, what main.ts (cdktf synth) runs, and for named stacks of
    // one environment only that environment: the new stacks, nothing the full proof covers already.
    // --validate-only: one provider start-up a stack (the new stacks are staging's shape, which the
    // full proof plans).
    const proof = tsx("scripts/terraform-proof/run.ts", "--validate-only", ...STACKS);
    expect(proof).toContain(`synthesizing what ${STACKS.join(", ")} need`);
    for (const stack of STACKS) expect(proof).toMatch(new RegExp(`^ok +${stack}: validated|SKIPPED`, "m"));
  }, 600_000);
});
