/**
 * Fail back after a DNS cutover, planned by the real Terraform: the DR app's state holds the alias
 * records it took over (as `npm run dr:cutover` leaves it); the DR app synthesized without
 * AUTH_DR_CUTOVER must forget them, never delete them, as the primary has pointed them back at its
 * own load balancer by then. Only the synthesized DNS part is planned (provider and `removed`
 * blocks), against a state built from the cutover synth's own records.
 */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Testing } from "cdktf";
import { providerOverride, TerraformJson } from "../../scripts/terraform-proof/overrides";
import { missingToolchain, offlineEnvironment, terraform } from "../../scripts/terraform-proof/terraform";
import { environments } from "../../src/config";
import { validateConfigs } from "../../src/config/rules/validate";
import { DrAppStack } from "../../src/stacks/dr/dr-app-stack";

const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`DR cutover tests need Terraform: ${missing}`);
if (missing) console.log(`DR cutover tests SKIPPED: ${missing}`);

const [production] = validateConfigs({ production: environments.production });
const synth = (cutover: boolean): TerraformJson =>
  JSON.parse(Testing.synth(new DrAppStack(Testing.app(), production, { cutover })));

/** The state after a cutover: the records the cutover synth declares, as the provider stores them (schema version 2). */
function stateAfterCutover(cutover: TerraformJson): TerraformJson {
  const records = Object.entries<TerraformJson>(cutover.resource.aws_route53_record);
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "dr-cutover-test",
    outputs: {},
    resources: records.map(([name, record]) => ({
      mode: "managed",
      type: "aws_route53_record",
      name,
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [
        {
          schema_version: 2,
          attributes: {
            id: `${record.zone_id}_${record.name}_${record.type}`,
            zone_id: record.zone_id,
            name: record.name,
            fqdn: record.name,
            type: record.type,
            allow_overwrite: true,
            alias: [
              {
                name: "auth-production-dr-1234567890.eu-central-1.elb.amazonaws.com",
                zone_id: "Z215JYRZR1TBD5",
                evaluate_target_health: true,
              },
            ],
          },
        },
      ],
    })),
  };
}

(missing ? describe.skip : describe)("fail back after a DNS cutover, planned by Terraform", () => {
  const dir = mkdtempSync(join(tmpdir(), "dr-cutover-"));
  const env = offlineEnvironment(join(dir, "terraform.rc"));
  const cutover = synth(true);
  const standby = synth(false);
  const recordNames = Object.keys(cutover.resource.aws_route53_record).map((name) => `aws_route53_record.${name}`);

  beforeAll(async () => {
    // The DR app without the cutover, reduced to what decides the records' fate: its provider and its removed blocks.
    writeFileSync(
      join(dir, "main.tf.json"),
      JSON.stringify({
        terraform: { required_providers: standby.terraform.required_providers },
        provider: standby.provider,
        removed: standby.removed,
      }),
    );
    writeFileSync(join(dir, "provider_override.tf.json"), JSON.stringify(providerOverride(standby)));
    writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify(stateAfterCutover(cutover)));
    await terraform(dir, env, "init", "-input=false");
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function planned(...args: string[]): Promise<Record<string, string[]>> {
    await terraform(dir, env, "plan", "-input=false", "-lock=false", "-refresh=false", "-out=plan.bin", ...args);
    const plan = JSON.parse(await terraform(dir, env, "show", "-json", "plan.bin"));
    return Object.fromEntries(
      (plan.resource_changes ?? []).map((change: any) => [change.address, change.change.actions]),
    );
  }

  test("deploying the DR app without AUTH_DR_CUTOVER forgets every record it took over and deletes none", async () => {
    expect(recordNames.length).toBeGreaterThanOrEqual(2);
    expect(await planned()).toEqual(Object.fromEntries(recordNames.map((address) => [address, ["forget"]])));
  }, 120_000);

  test("whereas a teardown while it still holds them would delete the live records: why the runbook releases them first", async () => {
    expect(await planned("-destroy")).toEqual(Object.fromEntries(recordNames.map((address) => [address, ["delete"]])));
  }, 120_000);
});
