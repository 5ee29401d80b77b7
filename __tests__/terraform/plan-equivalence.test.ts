import { cpSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { planDifferences, plannedChanges } from "../../scripts/terraform-proof/plan-equivalence";
import { missingToolchain, offlineEnvironment, planAsJson } from "../../scripts/terraform-proof/terraform";

const FIXTURE = join(__dirname, "..", "fixtures", "plans", "update-in-place");
const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`plan equivalence tests need Terraform: ${missing}`);
if (missing) console.log(`plan equivalence tests SKIPPED: ${missing}`);

/** The fixture's configuration written as HCL, as `cdktf synth --hcl` would write it. */
const hclConfig = (retentionInDays: number) => `terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}
provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
resource "aws_cloudwatch_log_group" "service" {
  name              = "/auth/staging/service"
  retention_in_days = ${retentionInDays}
}
output "log_group" {
  value = aws_cloudwatch_log_group.service.name
}
`;

/** A real plan of one configuration file against the fixture's prior state, without refresh. */
async function realPlan(file: string, content?: string) {
  const dir = mkdtempSync(join(tmpdir(), "plan-equivalence-"));
  if (content === undefined) cpSync(join(FIXTURE, file), join(dir, file));
  else writeFileSync(join(dir, file), content);
  cpSync(join(FIXTURE, "prior-state.json"), join(dir, "terraform.tfstate"));
  const { json } = await planAsJson(dir, offlineEnvironment(join(dir, "terraform.rc")));
  return plannedChanges(JSON.parse(json));
}

(missing ? describe.skip : describe)("HCL plans the same as JSON: the comparison on real Terraform plans", () => {
  let json: ReturnType<typeof plannedChanges>;
  let sameAsHcl: ReturnType<typeof plannedChanges>;
  let otherRetention: ReturnType<typeof plannedChanges>;
  beforeAll(async () => {
    [json, sameAsHcl, otherRetention] = await Promise.all([
      realPlan("main.tf.json"),
      realPlan("main.tf", hclConfig(90)),
      realPlan("main.tf", hclConfig(60)),
    ]);
  });

  test("the same configuration as JSON and as HCL plans the same", () => {
    expect(Object.keys(json.resources)).toEqual(["aws_cloudwatch_log_group.service"]);
    expect(planDifferences(json, sameAsHcl, ["JSON", "HCL"])).toEqual([]);
  });

  test("one attribute that differs is named with its path and both values", () => {
    expect(planDifferences(json, otherRetention, ["JSON", "HCL"])).toEqual([
      "resource aws_cloudwatch_log_group.service: .change.after.retention_in_days: 90 vs 60 (JSON vs HCL)",
    ]);
  });
});
