/**
 * The app stack's reading of the release state, planned by the real Terraform: the
 * ReleaseStateReader alone in a stack, its AWS data sources stood in (as the proof harness does)
 * with release states the tool could write, or must never write.
 */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, DataResource, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { providerOverride, standInDataSources, TerraformJson } from "../../scripts/terraform-proof/overrides";
import { missingToolchain, offlineEnvironment, terraform } from "../../scripts/terraform-proof/terraform";
import { NO_IMAGE_STATUS, ReleaseStateReader } from "../../src/constructs/release/release-state-reader";
import { EXAMPLE_AMI_ID, ReleaseState, seedReleaseState, serializeReleaseState } from "../../src/release/release-state";
import { RELEASE_ITEM } from "../../src/release/release-store";
import { releaseTableName } from "../../src/config/naming";

const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`release state tests need Terraform: ${missing}`);
if (missing) console.log(`release state tests SKIPPED: ${missing}`);

const BLUE = `sha256:${"ab".repeat(32)}`;
const GREEN = `sha256:${"cd".repeat(32)}`;

/** The reader in a stack of its own, with what the app stack derives from it as outputs. */
function readerStack(): TerraformJson {
  const app = Testing.app() as App;
  const stack = new TerraformStack(app, "release-state");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const release = new ReleaseStateReader(stack, "release", {
    tableName: releaseTableName("staging"),
    repositoryName: "auth-service",
    maxCapacity: 4,
  });
  new TerraformOutput(stack, "capacity", {
    value: { blue: release.capacity("blue", 2), green: release.capacity("green", 2) },
  });
  new TerraformOutput(stack, "weights", { value: { blue: release.weight("blue"), green: release.weight("green") } });
  new TerraformOutput(stack, "idle_colour", { value: release.forIdleColour({ blue: "blue", green: "green" }) });
  new TerraformOutput(stack, "image", { value: { blue: release.digest("blue"), ami: release.amiId("blue") } });
  new TerraformOutput(stack, "fleet_status", { value: release.fleetStatus() });
  new DataResource(stack, "blue-fleet", { lifecycle: { precondition: [release.imagePresence("blue")] } });
  return JSON.parse(Testing.synth(stack));
}

(missing ? describe.skip : describe)("release state read by the app stack, planned by Terraform", () => {
  const dir = mkdtempSync(join(tmpdir(), "release-state-"));
  const env = offlineEnvironment(join(dir, "terraform.rc"));
  const synthesized = readerStack();

  /** Plans the reader with this release state in the item; `registryHolds` is what the ECR lookup finds. */
  async function plan(
    state: ReleaseState | string,
    registryHolds?: string,
  ): Promise<{ outputs: Record<string, any> } | { error: string }> {
    const value = typeof state === "string" ? state : serializeReleaseState(state);
    const { stack } = standInDataSources(synthesized, {
      // What the aws_dynamodb_table_item data source returns for the item projected to its state: DynamoDB JSON.
      aws_dynamodb_table_item: () => ({ item: JSON.stringify({ [RELEASE_ITEM.state]: { S: value } }) }),
      aws_ecr_image: (block) => ({ image_digest: registryHolds ?? block.image_digest }),
    });
    writeFileSync(
      join(dir, "main.tf.json"),
      JSON.stringify({ ...stack, terraform: { required_providers: stack.terraform.required_providers } }),
    );
    writeFileSync(join(dir, "provider_override.tf.json"), JSON.stringify(providerOverride(stack)));
    try {
      await terraform(dir, env, "plan", "-input=false", "-lock=false", "-refresh=false", "-out=plan.bin");
    } catch (error) {
      return { error: (error as Error).message.replace(/\s+/g, " ") };
    }
    const json = JSON.parse(await terraform(dir, env, "show", "-json", "plan.bin"));
    return {
      outputs: Object.fromEntries(
        Object.entries<any>(json.planned_values.outputs).map(([name, output]) => [name, output.value]),
      ),
    };
  }

  beforeAll(async () => {
    writeFileSync(
      join(dir, "main.tf.json"),
      JSON.stringify({ terraform: synthesized.terraform, provider: synthesized.provider }),
    );
    await terraform(dir, env, "init", "-input=false");
  });

  test("the seeded state (first deploy): no instance on either colour, and the outputs say why", async () => {
    const result = await plan(seedReleaseState(EXAMPLE_AMI_ID));
    expect(result).toEqual({
      outputs: {
        capacity: { blue: 0, green: 0 },
        weights: { blue: 100, green: 0 },
        idle_colour: "green",
        image: { blue: "", ami: EXAMPLE_AMI_ID },
        fleet_status: NO_IMAGE_STATUS,
      },
    });
  });

  test("mid-release at 50%: both colours at full capacity, green still the idle one (the tie rule)", async () => {
    const state = {
      ...seedReleaseState(EXAMPLE_AMI_ID),
      blue: { digest: BLUE, amiId: EXAMPLE_AMI_ID },
      green: { digest: GREEN, amiId: EXAMPLE_AMI_ID },
      greenTrafficPercent: 50,
      idleCapacity: 2,
    };
    expect(await plan(state)).toMatchObject({
      outputs: {
        capacity: { blue: 2, green: 2 },
        weights: { blue: 50, green: 50 },
        idle_colour: "green",
        fleet_status: "serving",
      },
    });
  });

  test("after a release: the old colour runs idleCapacity, and the test listener reaches it", async () => {
    const state = {
      ...seedReleaseState(EXAMPLE_AMI_ID),
      blue: { digest: BLUE, amiId: EXAMPLE_AMI_ID },
      green: { digest: GREEN, amiId: EXAMPLE_AMI_ID },
      greenTrafficPercent: 100,
      idleCapacity: 0,
    };
    expect(await plan(state)).toMatchObject({
      outputs: { capacity: { blue: 0, green: 2 }, idle_colour: "blue", image: { blue: BLUE } },
    });
  });

  test("a value the release tool never writes fails the plan with the field and the rule", async () => {
    // Written by hand: the tool's own serializer refuses it.
    const result = await plan(JSON.stringify({ ...seedReleaseState(EXAMPLE_AMI_ID), greenTrafficPercent: 150 }));
    expect(result).toEqual({
      error: expect.stringContaining(
        "auth-staging-release item release: greenTrafficPercent must be a whole number from 0 to 100.",
      ),
    });
  });

  test("a digest the registry does not hold stops the plan with the precondition's message", async () => {
    const state = { ...seedReleaseState(EXAMPLE_AMI_ID), blue: { digest: BLUE, amiId: EXAMPLE_AMI_ID } };
    const result = await plan(state, GREEN);
    expect(result).toEqual({
      error: expect.stringContaining(
        "The blue colour's image (release state in auth-staging-release item release) is not in repository auth-service: push it",
      ),
    });
  });
});
