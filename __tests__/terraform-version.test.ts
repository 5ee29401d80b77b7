import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { Testing } from "cdktf";
import { REQUIRED_TERRAFORM_VERSION } from "../src/stacks/shared/base-stack";
import { DrAppStack } from "../src/stacks/dr/dr-app-stack";
import { DrDataStack } from "../src/stacks/dr/dr-data-stack";
import { SYNTH_DIR, validConfig } from "./support/synth";

/**
 * The Terraform release each language feature the synthesized JSON uses first appeared in
 * (Terraform's CHANGELOG and language docs): write-only attributes (`*_wo`) 1.11, ephemeral
 * resources and the S3 backend's `use_lockfile` 1.10, `removed` blocks 1.7, `import` and `check`
 * blocks 1.5, `moved` blocks 1.1.
 */
const FEATURES: ReadonlyArray<{
  readonly feature: string;
  readonly since: string;
  readonly uses: (json: Record<string, any>) => boolean;
}> = [
  {
    feature: "write-only attributes (*_wo)",
    since: "1.11.0",
    uses: (json) => /"[a-z0-9_]+_wo":/.test(JSON.stringify(json.resource ?? {})),
  },
  { feature: "ephemeral resources", since: "1.10.0", uses: (json) => json.ephemeral !== undefined },
  {
    feature: "S3 native locking (use_lockfile)",
    since: "1.10.0",
    uses: (json) => json.terraform?.backend?.s3?.use_lockfile === true,
  },
  { feature: "removed blocks", since: "1.7.0", uses: (json) => json.removed !== undefined },
  { feature: "import blocks", since: "1.5.0", uses: (json) => json.import !== undefined },
  { feature: "check blocks", since: "1.5.0", uses: (json) => json.check !== undefined },
  { feature: "moved blocks", since: "1.1.0", uses: (json) => json.moved !== undefined },
];

const numeric = (version: string) => version.split(".").map(Number);
const compare = (a: string, b: string) => {
  const [x, y] = [numeric(a), numeric(b)];
  for (let index = 0; index < 3; index++) if (x[index] !== y[index]) return x[index] - y[index];
  return 0;
};

/** Every stack of every environment as cdktf synth wrote it, and the restore-mode stacks. */
function everyStack(): Array<[string, Record<string, any>]> {
  const stacksDir = join(SYNTH_DIR, "stacks");
  const synthesized = readdirSync(stacksDir).map((name): [string, Record<string, any>] => [
    name,
    JSON.parse(readFileSync(join(stacksDir, name, "cdk.tf.json"), "utf8")),
  ]);
  const production = validConfig("production");
  const restore = [new DrDataStack(Testing.app(), production), new DrAppStack(Testing.app(), production, {})].map(
    (stack): [string, Record<string, any>] => [`${stack.node.id} (restore mode)`, JSON.parse(Testing.synth(stack))],
  );
  return [...synthesized, ...restore];
}

describe("required_version matches the language features the synthesized JSON uses", () => {
  const stacks = everyStack();
  const minimum = /^>= (\d+\.\d+\.\d+),/.exec(REQUIRED_TERRAFORM_VERSION)?.[1] ?? "";

  test("every stack requires the same Terraform range", () => {
    expect(minimum).not.toBe("");
    for (const [, json] of stacks) expect(json.terraform.required_version).toBe(REQUIRED_TERRAFORM_VERSION);
  });

  test("the minimum is the newest feature's release: lower would accept a Terraform that cannot run a stack, higher would exclude one that can", () => {
    const used = FEATURES.filter((feature) => stacks.some(([, json]) => feature.uses(json)));
    const newest = used.reduce(
      (latest, feature) => (compare(feature.since, latest) > 0 ? feature.since : latest),
      "0.0.0",
    );
    expect(used.map((feature) => feature.feature)).toEqual(
      expect.arrayContaining(["write-only attributes (*_wo)", "removed blocks"]),
    );
    expect(minimum).toBe(newest);
  });
});
