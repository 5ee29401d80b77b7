import { readFileSync } from "fs";
import { join } from "path";
import { DATA_SOURCE_EXAMPLES } from "../scripts/terraform-proof/data-source-examples";
import {
  STAND_IN_MARKER,
  backendOverride,
  editedHcl,
  producerLayerOf,
  providerOverride,
  remoteStateOverride,
  standInDataSources,
  standInEphemeralPasswords,
  standInRandomProvider,
  stateWithOutputs,
} from "../scripts/terraform-proof/overrides";
import { EXAMPLE_AMI_ID, EXAMPLE_RELEASE_STATE, parseReleaseState } from "../src/release/release-state";
import { dataHandover } from "../src/stacks/data/data-handover";
import { ENVIRONMENTS, SYNTH_DIR, synthEnvironment } from "./support/synth";

describe("offline proof harness: overrides written into the stack copies", () => {
  const stacks = synthEnvironment("production");

  test("a local backend replaces S3", () => {
    expect(backendOverride()).toEqual({ terraform: { backend: { local: { path: "terraform.tfstate" } } } });
  });

  test("every AWS provider block, aliases included, gets mock credentials, skip flags and no account allow-list", () => {
    const override = providerOverride(stacks.data.json);
    expect(override.provider.aws.map((block: any) => block.alias)).toEqual([undefined, "dr"]);
    for (const block of override.provider.aws) {
      expect(block).toMatchObject({
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        allowed_account_ids: null,
      });
    }
  });

  test("remote state reads local state files named after the producing layer", () => {
    const override = remoteStateOverride(stacks.app.json, (layer) => `/state/${layer}.tfstate`)!;
    const configs = Object.values(override.data.terraform_remote_state) as any[];
    expect(configs.map((config) => config.config.path).sort()).toEqual([
      "/state/data.tfstate",
      "/state/network.tfstate",
      "/state/registry.tfstate",
    ]);
    for (const source of Object.values(stacks.app.dataSources("terraform_remote_state")))
      expect(["registry", "network", "data"]).toContain(producerLayerOf(source));
  });

  test("upstream state carries every handover output with its type", () => {
    const state = stateWithOutputs(dataHandover);
    expect(Object.keys(state.outputs).sort()).toEqual(Object.keys(dataHandover).sort());
    expect(state.outputs.db_port).toEqual({ value: 5432, type: "number" });
  });

  test("random_password becomes terraform_data in a stack copy, and the original is untouched", () => {
    const original = {
      terraform: { required_providers: { random: { source: "hashicorp/random" } } },
      provider: { random: [{}] },
      resource: {
        random_password: { token: { length: 32 } },
        aws_ssm_parameter: { p: { value: "${random_password.token.result}" } },
      },
    };
    const before = JSON.stringify(original);
    const { stack, replaced } = standInRandomProvider(original);
    expect(replaced.length).toBeGreaterThan(0);
    const text = JSON.stringify(stack);
    expect(text).not.toMatch(/random_password|"random"/);
    for (const name of replaced) expect(text).toContain(`terraform_data.${name}.output`);
    expect(JSON.stringify(original)).toBe(before);
  });

  test.each(ENVIRONMENTS)(
    "in the %s app stack copy, the AWS data sources read at plan time become locals with the release-state contract's example",
    (env) => {
      const original = synthEnvironment(env).app.json;
      const before = JSON.stringify(original);
      const { stack, replaced } = standInDataSources(original, DATA_SOURCE_EXAMPLES);
      expect(replaced.map((name) => name.split(".")[0]).sort()).toEqual([
        "aws_dynamodb_table_item",
        "aws_ecr_image",
        "aws_ecr_image",
      ]);
      const text = JSON.stringify(stack);
      expect(text).not.toMatch(/data\.aws_(dynamodb_table_item|ecr_image)\./);
      expect(stack.data.aws_dynamodb_table_item).toBeUndefined();
      const [item] = Object.entries(stack.locals)
        .find(([name]) => name.startsWith("stand_in_aws_dynamodb_table_item_"))!
        .slice(1) as any[];
      // The example is what the release tool itself would write: it passes the same contract.
      expect(parseReleaseState(JSON.parse(item.item).state.S)).toEqual(EXAMPLE_RELEASE_STATE);
      // The reader's postconditions still judge the example, as preconditions of a stand-in resource.
      const [checkName, check] = Object.entries<any>(stack.resource.terraform_data).find(([name]) =>
        name.startsWith("stand_in_aws_dynamodb_table_item_"),
      )!;
      expect(check.lifecycle.precondition).toHaveLength(4);
      expect(check.lifecycle.precondition[0].condition).toContain(
        `jsondecode(jsondecode(local.${checkName}.item).state.S).greenTrafficPercent >= 0`,
      );
      expect(JSON.stringify(check)).not.toContain("self.");
      // A data source with count becomes a list of that many examples, echoing its own arguments.
      const image = Object.entries(stack.locals).find(
        ([name]) => name.includes("aws_ecr_image") && name.includes("blue"),
      )![1];
      expect(image).toMatch(
        /^\$\{\[for index in range\(local\.release_state\.blue\.digest == "" \? 0 : 1\) : \{"image_digest" = local\.release_state\.blue\.digest, /,
      );
      expect(JSON.stringify(original)).toBe(before);
    },
  );

  test("the registry stack copy reads the example AMI for the seed, and the example release state as the one the release store copies", () => {
    const { stack, replaced } = standInDataSources(synthEnvironment("staging").registry.json, DATA_SOURCE_EXAMPLES);
    expect(replaced).toHaveLength(2);
    const values = Object.values<any>(stack.locals).map((local) => local.insecure_value);
    expect(values).toContain(EXAMPLE_AMI_ID);
    expect(values.filter((value) => value !== EXAMPLE_AMI_ID).map(parseReleaseState)).toEqual([EXAMPLE_RELEASE_STATE]);
  });
});

describe("offline proof harness: ephemeral passwords in the planned copy", () => {
  test.each(["staging", "production"] as const)(
    "each ephemeral password of the %s data stack becomes an ephemeral variable set to its own marker; the original is untouched",
    (env) => {
      const original = synthEnvironment(env).data.json;
      const before = JSON.stringify(original);
      const names = Object.keys(original.ephemeral.aws_secretsmanager_random_password);
      const { stack, markers, tfvars } = standInEphemeralPasswords(original);
      expect(markers).toEqual(names.map((name) => `${STAND_IN_MARKER}-${name}`));
      expect(stack.ephemeral).toBeUndefined();
      for (const name of names) {
        expect(stack.variable[`ephemeral_stand_in_${name}`]).toEqual({
          type: "string",
          ephemeral: true,
          sensitive: true,
        });
        expect(tfvars[`ephemeral_stand_in_${name}`]).toBe(`${STAND_IN_MARKER}-${name}`);
      }
      const version = Object.values<any>(stack.resource.aws_secretsmanager_secret_version)[0];
      for (const name of names) expect(version.secret_string_wo).toContain(`var.ephemeral_stand_in_${name}`);
      expect(JSON.stringify(stack)).not.toContain(STAND_IN_MARKER);
      expect(JSON.stringify(original)).toBe(before);
    },
  );

  test("a stack without ephemeral resources is left as it is", () => {
    const stack = { resource: { aws_s3_bucket: { b: { bucket: "x" } } } };
    const result = standInEphemeralPasswords(stack);
    expect(result.stack).toBe(stack);
    expect([result.markers, result.tfvars, result.edit.drops]).toEqual([[], {}, []]);
  });
});

describe("offline proof harness: the same stand-ins in a stack's HCL", () => {
  /** A stack's cdk.tf from the global setup's HCL synthesis, as cdktf writes it (the proof runs terraform fmt on it first). */
  const hclOf = (stack: string) => readFileSync(join(SYNTH_DIR, "hcl", "stacks", stack, "cdk.tf"), "utf8");

  test.each(ENVIRONMENTS)(
    "the %s data stack's HCL loses its ephemeral blocks and reads the JSON stand-in's variables instead",
    (env) => {
      const original = hclOf(`auth-${env}-data`);
      const { edit, stack } = standInEphemeralPasswords(synthEnvironment(env).data.json);
      expect(original).toMatch(/^ephemeral "aws_secretsmanager_random_password" /m);
      const text = editedHcl(original, edit);
      expect(text).not.toMatch(/ephemeral "|ephemeral\.aws_secretsmanager_random_password/);
      for (const name of Object.keys(edit.additions.variable)) expect(text).toContain(`var.${name}`);
      // What the HCL copy gains beside it is exactly what the JSON copy gained.
      expect(edit.additions.variable).toEqual(stack.variable);
    },
  );

  test.each(ENVIRONMENTS)(
    "the %s app stack's HCL loses the data sources read at plan time and reads the JSON stand-in's locals instead",
    (env) => {
      const original = hclOf(`auth-${env}-app`);
      const { edit, stack, replaced } = standInDataSources(synthEnvironment(env).app.json, DATA_SOURCE_EXAMPLES);
      const text = editedHcl(original, edit);
      expect(text).not.toMatch(/data "aws_(ssm_parameter|ecr_image)"|data\.aws_(ssm_parameter|ecr_image)\./);
      // Nothing else goes: every other block of the original is still there.
      const blocks = (hcl: string) =>
        hcl.match(/^(resource|data|output|locals|provider|terraform|ephemeral)\b.*\{$/gm) ?? [];
      expect(blocks(text)).toHaveLength(blocks(original).length - replaced.length);
      for (const local of Object.keys(edit.additions.locals)) expect(text).toContain(`local.${local}`);
      expect(edit.additions.locals).toEqual(
        Object.fromEntries(Object.entries(stack.locals).filter(([name]) => name.startsWith("stand_in_"))),
      );
      expect(edit.additions.resource.terraform_data).toEqual(stack.resource.terraform_data);
    },
  );

  test("a block the edit drops but the HCL lacks is an error, not a silent no-op", () => {
    const { edit } = standInDataSources(synthEnvironment("staging").registry.json, DATA_SOURCE_EXAMPLES);
    expect(() => editedHcl('resource "aws_s3_bucket" "b" {\n}\n', edit)).toThrow(
      /the HCL has no data "aws_ssm_parameter" ".+" block to stand in/,
    );
  });
});
