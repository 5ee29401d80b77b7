/**
 * The runbook's "A tainted restore" step against the real Terraform: a DR data state in which the
 * restore timed out (its stores tainted, as Terraform leaves a resource whose create timed out),
 * untainted by the tool's core through `terraform state pull` and `terraform untaint`.
 */
import { execFile } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { promisify } from "util";
import { Testing } from "cdktf";
import { EXIT } from "../../scripts/cli/command-line";
import { drUntaintTool, untaintTarget } from "../../scripts/dr-untaint/cli";
import { RESTORED_STORE_TYPES, untaintRestoredStores } from "../../scripts/dr-untaint/untaint";
import { missingToolchain } from "../../scripts/terraform-proof/terraform";
import { RESTORE_SWITCHES } from "../../src/config/restore-mode";
import { DrDataStack } from "../../src/stacks/dr/dr-data-stack";
import { stackName } from "../../src/config/naming";
import { runCapturing } from "../support/run-tool";
import { validConfig } from "../support/synth";

const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`dr:untaint tests need Terraform: ${missing}`);
if (missing) console.log(`dr:untaint tests SKIPPED: ${missing}`);
const maybe = missing ? test.skip : test;

const exec = promisify(execFile);
const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';

/** The restore stack's resources as synthesized, in a state where the restore timed out. */
function timedOutState(): { state: object; stores: string[]; other: string } {
  const json = JSON.parse(Testing.synth(new DrDataStack(Testing.app(), validConfig("production"), {})));
  const named = (type: string) => Object.keys(json.resource[type]).map((name) => `${type}.${name}`);
  const stores = RESTORED_STORE_TYPES.flatMap(named);
  const other = named("aws_cloudwatch_log_group")[0];
  const resources = [...stores, other].map((address) => {
    const [type, name] = address.split(".");
    // Terraform writes "tainted" for a resource whose create failed or timed out.
    return {
      mode: "managed",
      type,
      name,
      provider: AWS,
      instances: [{ status: "tainted", schema_version: 0, attributes: { id: name }, sensitive_attributes: [] }],
    };
  });
  return {
    state: {
      version: 4,
      terraform_version: "1.11.4",
      serial: 7,
      lineage: "6f1c2d3e-0000-4000-8000-000000000021",
      outputs: {},
      resources,
      check_results: null,
    },
    stores,
    other,
  };
}

describe("npm run dr:untaint: a restore that timed out can be deployed again", () => {
  maybe("untaints the restored database and cache, and nothing else; a second run finds nothing to do", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dr-untaint-"));
    const { state, stores, other } = timedOutState();
    expect(stores.map((address) => address.split(".")[0]).sort()).toEqual([...RESTORED_STORE_TYPES].sort());
    writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify(state));
    const env = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
    const terraform = async (...args: string[]) =>
      (await exec("terraform", [`-chdir=${dir}`, ...args], { env })).stdout;
    const commands = {
      pull: () => terraform("state", "pull"),
      untaint: async (address: string) => void (await terraform("untaint", address)),
    };
    const log: string[] = [];

    expect(await untaintRestoredStores(commands, (line) => log.push(line))).toBe(EXIT.ok);
    const after = JSON.parse(readFileSync(join(dir, "terraform.tfstate"), "utf8"));
    const status = (address: string) =>
      after.resources.find((resource: any) => `${resource.type}.${resource.name}` === address).instances[0].status;
    for (const store of stores) expect([store, status(store)]).toEqual([store, undefined]);
    expect(status(other)).toBe("tainted");
    expect(log).toEqual([
      ...stores.map((store) => `untainted ${store}`),
      expect.stringContaining("deploy the stack again"),
    ]);

    const again: string[] = [];
    expect(await untaintRestoredStores(commands, (line) => again.push(line))).toBe(EXIT.ok);
    expect(again).toEqual(["no restored data store is tainted: nothing to do"]);
  });

  test("usage: --env is required and must name an environment", async () => {
    expect(await runCapturing(drUntaintTool, [])).toMatchObject({ code: EXIT.usage });
    expect(await runCapturing(drUntaintTool, ["--env", "nowhere"])).toMatchObject({ code: EXIT.usage });
    expect(await runCapturing(drUntaintTool, ["--env", "production", "--drill", "--primary"])).toMatchObject({
      code: EXIT.usage,
    });
  });

  test("a fail back's restored primary is untainted in the primary data stack, without restore mode; a DR restore in dr-data with it", () => {
    expect(untaintTarget("production", true, false)).toMatchObject({
      stack: stackName("production", "data"),
      switches: {},
    });
    expect(untaintTarget("production", false, true)).toMatchObject({
      stack: stackName("production", "dr-data"),
      switches: { [RESTORE_SWITCHES.restore]: "1", [RESTORE_SWITCHES.drill]: "1" },
    });
    expect(untaintTarget("staging", false, false).switches[RESTORE_SWITCHES.drill]).toBe("");
  });
});
