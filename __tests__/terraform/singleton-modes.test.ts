/**
 * Moving a deployed environment from `create` to `organization` (accounts.*.mode), planned by the
 * real Terraform: the state holds every resource the create-mode stack owned that the
 * organisation-mode stack no longer declares (detector, hub, recorder, trail, analyzer, OIDC
 * provider and everything built with them), the configuration is the organisation-mode stack
 * itself (data sources stood in as the proof harness does). Terraform must forget each of them
 * and delete nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Testing, TerraformStack } from "cdktf";
import { DATA_SOURCE_EXAMPLES } from "../../scripts/terraform-proof/data-source-examples";
import {
  backendOverride,
  providerOverride,
  standInDataSources,
  TerraformJson,
} from "../../scripts/terraform-proof/overrides";
import { missingToolchain, offlineEnvironment, terraform } from "../../scripts/terraform-proof/terraform";
import { environments } from "../../src/config";
import { organizationMemberLayout } from "../../src/config/environments/layouts";
import type { EnvironmentConfig } from "../../src/config/schema/schema";
import { validateConfigs } from "../../src/config/rules/validate";
import { BootstrapStack } from "../../src/stacks/bootstrap/bootstrap-stack";
import { DrNetworkStack } from "../../src/stacks/dr/dr-network-stack";
import { SecurityStack } from "../../src/stacks/security/security-stack";
import { addressesOf, deployedStateOf } from "../support/deployed-state";

const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`singleton mode migration tests need Terraform: ${missing}`);
if (missing) console.log(`singleton mode migration tests SKIPPED: ${missing}`);

const [standalone] = validateConfigs({ production: environments.production });
const [member] = validateConfigs(organizationMemberLayout);
const synth = (build: (config: EnvironmentConfig) => TerraformStack, config: EnvironmentConfig): TerraformJson =>
  JSON.parse(Testing.synth(build(config)));

const stateOf = (owned: readonly string[], schemaVersions: Record<string, number>) =>
  deployedStateOf(owned, schemaVersions, { lineage: "singleton-modes-test" });

const cases = [
  {
    stack: "security",
    build: (config: EnvironmentConfig) => new SecurityStack(Testing.app(), config),
    singletons: [
      "aws_guardduty_detector",
      "aws_securityhub_account",
      "aws_config_configuration_recorder",
      "aws_cloudtrail",
      "aws_accessanalyzer_analyzer",
    ],
  },
  {
    stack: "bootstrap",
    build: (config: EnvironmentConfig) => new BootstrapStack(Testing.app(), config),
    singletons: ["aws_iam_openid_connect_provider"],
  },
  // The pilot light's DR-region detector and hub, and the DR trail's store (an organisation trail needs none).
  {
    stack: "dr-network",
    build: (config: EnvironmentConfig) => new DrNetworkStack(Testing.app(), config),
    singletons: [
      "aws_guardduty_detector",
      "aws_guardduty_detector_feature",
      "aws_securityhub_account",
      "aws_s3_bucket",
    ],
  },
] as const;

(missing ? describe.skip : describe)("create -> organization on a deployed environment, planned by Terraform", () => {
  const dir = mkdtempSync(join(tmpdir(), "singleton-modes-"));
  const env = offlineEnvironment(join(dir, "terraform.rc"));
  // The provider's schema is large: read once, for the state's schema versions.
  let versions: Promise<Record<string, number>> | undefined;
  const schemaVersions = (work: string) =>
    (versions ??= terraform(work, env, "providers", "schema", "-json").then((text) =>
      Object.fromEntries(
        Object.entries<any>(
          JSON.parse(text).provider_schemas["registry.terraform.io/hashicorp/aws"].resource_schemas,
        ).map(([type, schema]) => [type, schema.version ?? 0]),
      ),
    ));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe.each(cases)("the $stack stack", ({ stack, build, singletons }) => {
    const before = synth(build, standalone);
    const after = synth(build, member);
    const kept = new Set(addressesOf(after));
    const owned = addressesOf(before).filter((address) => !kept.has(address));
    const work = join(dir, stack);
    let actions: Record<string, string[]> = {};

    beforeAll(async () => {
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work);
      writeFileSync(join(work, "cdk.tf.json"), JSON.stringify(standInDataSources(after, DATA_SOURCE_EXAMPLES).stack));
      writeFileSync(join(work, "backend_override.tf.json"), JSON.stringify(backendOverride()));
      writeFileSync(join(work, "provider_override.tf.json"), JSON.stringify(providerOverride(after)));
      await terraform(work, env, "init", "-input=false");
      writeFileSync(join(work, "terraform.tfstate"), JSON.stringify(stateOf(owned, await schemaVersions(work))));
      await terraform(work, env, "plan", "-input=false", "-lock=false", "-refresh=false", "-out=plan.bin");
      const plan = JSON.parse(await terraform(work, env, "show", "-json", "plan.bin"));
      actions = Object.fromEntries(
        (plan.resource_changes ?? []).map((change: any) => [change.address, change.change.actions]),
      );
    }, 900_000);

    test("the state holds the singletons the create mode owned", () => {
      for (const type of singletons) expect(owned.some((address) => address.startsWith(`${type}.`))).toBe(true);
    });

    test("Terraform forgets every resource the stack stops declaring and deletes nothing", () => {
      expect(Object.entries(actions).filter(([, planned]) => planned.includes("delete"))).toEqual([]);
      expect(Object.fromEntries(owned.map((address) => [address, actions[address]]))).toEqual(
        Object.fromEntries(owned.map((address) => [address, ["forget"]])),
      );
    });
  });
});
