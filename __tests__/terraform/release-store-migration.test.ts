/**
 * The migration of a deployed environment's release state into the release store, planned by the
 * real Terraform: the ReleaseStateTable alone in a stack next to the release state parameter it
 * copies from. The order is what keeps the previous (SSM) release tool from writing after the
 * copy: the never-expiring lease first, the parameter read only during apply, then the item.
 */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { App, TerraformStack, Testing } from "cdktf";
import { providerOverride, TerraformJson } from "../../scripts/terraform-proof/overrides";
import { missingToolchain, offlineEnvironment, terraform } from "../../scripts/terraform-proof/terraform";
import { movedLease, ReleaseStateTable } from "../../src/constructs/release/release-state-table";
import {
  EXAMPLE_RELEASE_STATE,
  releaseLeaseParameterName,
  releaseStateParameterName,
  serializeReleaseState,
} from "../../src/release/release-state";
import { releaseTableName } from "../../src/config/naming";

const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`release store migration tests need Terraform: ${missing}`);
if (missing) console.log(`release store migration tests SKIPPED: ${missing}`);

function migrationStack(): TerraformJson {
  const app = Testing.app() as App;
  const stack = new TerraformStack(app, "release-store");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  // Stands for the registry stack's parameter, left unchanged (whatever attributes the state below omits).
  const state = new SsmParameter(stack, "state", {
    name: releaseStateParameterName("staging"),
    type: "String",
    insecureValue: serializeReleaseState(EXAMPLE_RELEASE_STATE),
    lifecycle: { ignoreChanges: "all" },
  });
  new ReleaseStateTable(stack, "store", {
    tableName: releaseTableName("staging"),
    legacyStateParameter: state,
    legacyLeaseParameterName: releaseLeaseParameterName("staging"),
  });
  return JSON.parse(Testing.synth(stack));
}

/** Terraform state (format 4) holding the release state parameter and nothing else. */
function deployedState(stack: TerraformJson) {
  const [name, parameter] = Object.entries<any>(stack.resource.aws_ssm_parameter).find(
    ([, block]) => block.name === releaseStateParameterName("staging"),
  )!;
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "00000000-0000-0000-0000-000000000000",
    outputs: {},
    resources: [
      {
        mode: "managed",
        type: "aws_ssm_parameter",
        name,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            schema_version: 0,
            attributes: {
              id: parameter.name,
              name: parameter.name,
              arn: `arn:aws:ssm:eu-west-1:111111111111:parameter${parameter.name}`,
              type: "String",
              tier: "Standard",
              data_type: "text",
              insecure_value: serializeReleaseState({ ...EXAMPLE_RELEASE_STATE, greenTrafficPercent: 100 }),
              value: null,
              allowed_pattern: "",
              description: "",
              key_id: "",
              overwrite: null,
              tags: null,
              tags_all: {},
              version: 7,
            },
            // The provider marks these sensitive; a state without the marks would plan an update to add them.
            sensitive_attributes: ["value", "value_wo"].map((attribute) => [{ type: "get_attr", value: attribute }]),
          },
        ],
      },
    ],
  };
}

(missing ? describe.skip : describe)("moving the release state into the release store, planned by Terraform", () => {
  let changes: {
    address: string;
    type: string;
    mode: string;
    change: { actions: string[]; after: any; after_unknown: any };
    action_reason?: string;
  }[];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "release-store-"));
    const env = offlineEnvironment(join(dir, "terraform.rc"));
    const stack = migrationStack();
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(stack));
    writeFileSync(join(dir, "provider_override.tf.json"), JSON.stringify(providerOverride(stack)));
    // A deployed environment: the release state parameter exists, as the registry stack created it.
    writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify(deployedState(stack)));
    await terraform(dir, env, "init", "-input=false");
    await terraform(dir, env, "plan", "-input=false", "-lock=false", "-refresh=false", "-out=plan.bin");
    changes = JSON.parse(await terraform(dir, env, "show", "-json", "plan.bin")).resource_changes;
  }, 240_000);

  const one = (type: string, mode = "managed") => {
    const found = changes.filter(
      (change) => change.type === type && change.mode === mode && change.change.actions.join() !== "no-op",
    );
    expect(found).toHaveLength(1);
    return found[0];
  };

  test("a deployed environment's release state parameter is left as it is", () => {
    const state = changes.filter(
      (change) => change.type === "aws_ssm_parameter" && change.change.actions.join() === "no-op",
    );
    expect(state.map((change) => change.change.after.name)).toEqual([releaseStateParameterName("staging")]);
  });

  test("the previous tool's lease parameter gets a lease that never expires, naming the table", () => {
    const fence = one("aws_ssm_parameter");
    expect(fence.change.actions).toEqual(["create"]);
    expect(fence.change.after.name).toBe(releaseLeaseParameterName("staging"));
    expect(JSON.parse(fence.change.after.insecure_value)).toEqual(movedLease(releaseTableName("staging")));
  });

  test("the release state parameter is read during the apply, after that lease exists, never from the plan's earlier snapshot", () => {
    const read = one("aws_ssm_parameter", "data");
    expect(read.change.actions).toEqual(["read"]);
    expect(read.action_reason).toBe("read_because_dependency_pending");
  });

  test("the item is created from that read (unknown until apply), in a table with point-in-time recovery and deletion protection", () => {
    const item = one("aws_dynamodb_table_item");
    expect(item.change.actions).toEqual(["create"]);
    expect(item.change.after_unknown.item).toBe(true);
    const table = one("aws_dynamodb_table");
    expect(table.change.after).toMatchObject({
      name: releaseTableName("staging"),
      deletion_protection_enabled: true,
      server_side_encryption: [{ enabled: false }],
      point_in_time_recovery: [{ enabled: true, recovery_period_in_days: 35 }],
    });
  });
});
