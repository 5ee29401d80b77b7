/**
 * The release tool's preflight reads a real `terraform show -json` plan: an in-place update of the
 * app stack is a change no release may carry; a plan against matching state has none.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { pendingAddresses } from "../../scripts/release/terraform-deployer";
import { missingToolchain, offlineEnvironment, planAsJson } from "../../scripts/terraform-proof/terraform";

const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`release preflight tests need Terraform: ${missing}`);
const FIXTURE = join(__dirname, "..", "fixtures", "plans", "update-in-place");

async function plan(priorState: (state: any) => any): Promise<any> {
  const dir = mkdtempSync(join(tmpdir(), "release-preflight-"));
  cpSync(join(FIXTURE, "main.tf.json"), join(dir, "main.tf.json"));
  writeFileSync(
    join(dir, "terraform.tfstate"),
    JSON.stringify(priorState(JSON.parse(readFileSync(join(FIXTURE, "prior-state.json"), "utf8")))),
  );
  return JSON.parse((await planAsJson(dir, offlineEnvironment(join(dir, "terraform.rc")))).json);
}

(missing ? describe.skip : describe)("release preflight on real Terraform plans", () => {
  test("an unapplied in-place update is a pending change, named by its address", async () => {
    expect(pendingAddresses(await plan((state) => state))).toEqual(["aws_cloudwatch_log_group.service"]);
  }, 120_000);

  test("state that matches the code leaves nothing pending", async () => {
    const configured = JSON.parse(readFileSync(join(FIXTURE, "main.tf.json"), "utf8")).resource.aws_cloudwatch_log_group
      .service;
    const matching = (state: any) => {
      state.resources[0].instances[0].attributes.retention_in_days = configured.retention_in_days;
      return state;
    };
    expect(pendingAddresses(await plan(matching))).toEqual([]);
  }, 120_000);
});
