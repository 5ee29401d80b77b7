import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import {
  additionsOf,
  backendOverride,
  editedHcl,
  providerOverride,
  standInEphemeralPasswords,
} from "../../scripts/terraform-proof/overrides";
import { missingToolchain, offlineEnvironment, planAsJson } from "../../scripts/terraform-proof/terraform";

const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`secret-in-plan tests need Terraform: ${missing}`);
if (missing) console.log(`secret-in-plan tests SKIPPED: ${missing}`);

/** A secret version fed by an ephemeral password through the given attribute. */
function stackWriting(attribute: "secret_string_wo" | "secret_string") {
  return {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
    provider: { aws: [{ region: "eu-west-1" }] },
    ephemeral: { aws_secretsmanager_random_password: { token: { password_length: 32 } } },
    resource: {
      aws_secretsmanager_secret: { s: { name: "proof" } },
      aws_secretsmanager_secret_version: {
        v: {
          secret_id: "${aws_secretsmanager_secret.s.id}",
          [attribute]: '${jsonencode({"token" = ephemeral.aws_secretsmanager_random_password.token.random_password})}',
          ...(attribute === "secret_string_wo" ? { secret_string_wo_version: 1 } : {}),
        },
      },
    },
  };
}

/** The same stack as HCL, laid out as `cdktf synth --hcl` writes it. */
function hclWriting(attribute: "secret_string_wo" | "secret_string"): string {
  return [
    'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "5.100.0" }\n  }\n}',
    'provider "aws" {\n  region = "eu-west-1"\n}',
    'ephemeral "aws_secretsmanager_random_password" "token" {\n  password_length = 32\n}',
    'resource "aws_secretsmanager_secret" "s" {\n  name = "proof"\n}',
    `resource "aws_secretsmanager_secret_version" "v" {\n  secret_id = aws_secretsmanager_secret.s.id\n  ${attribute} = "\${jsonencode({"token" = ephemeral.aws_secretsmanager_random_password.token.random_password})}"\n${
      attribute === "secret_string_wo" ? "  secret_string_wo_version = 1\n" : ""
    }}`,
  ].join("\n");
}

/**
 * What the proof harness does to a stack: stand the ephemeral passwords in with markers, plan,
 * show -json. For an HCL stack the JSON twin's edit is applied to the HCL text and its variables
 * go into a .tf.json file beside it.
 */
async function planWithMarkers(stack: object, hcl?: string): Promise<{ plan: string; markers: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "secret-in-plan-"));
  const { stack: copy, markers, tfvars, edit } = standInEphemeralPasswords(stack);
  if (hcl === undefined) writeFileSync(join(dir, "main.tf.json"), JSON.stringify(copy));
  else {
    writeFileSync(join(dir, "main.tf"), editedHcl(hcl, edit));
    writeFileSync(join(dir, "proof_stand_ins.tf.json"), JSON.stringify(additionsOf([edit])));
  }
  writeFileSync(join(dir, "ephemeral_stand_ins.auto.tfvars.json"), JSON.stringify(tfvars));
  writeFileSync(join(dir, "backend_override.tf.json"), JSON.stringify(backendOverride()));
  writeFileSync(join(dir, "provider_override.tf.json"), JSON.stringify(providerOverride(copy)));
  const { json } = await planAsJson(dir, offlineEnvironment(join(dir, "terraform.rc")));
  return { plan: json, markers };
}

(missing ? describe.skip : describe)("no secret value in plans: the marker check of the proof harness", () => {
  test.concurrent("a value written through secret_string_wo never appears in terraform show -json", async () => {
    const { plan, markers } = await planWithMarkers(stackWriting("secret_string_wo"));
    expect(markers).toHaveLength(1);
    expect(plan).toContain('"has_secret_string_wo"');
    for (const marker of markers) expect(plan).not.toContain(marker);
  });

  test.concurrent(
    "the stand-in stays ephemeral: Terraform refuses it in an attribute it would store (secret_string)",
    async () => {
      await expect(planWithMarkers(stackWriting("secret_string"))).rejects.toThrow(
        /Invalid use of ephemeral value[\s\S]*"secret_string", because it is not a\s+write-only attribute/,
      );
    },
  );

  test.concurrent(
    "the same holds for the HCL twin: no marker in its plan, and the stand-in is refused where it would be stored",
    async () => {
      const { plan, markers } = await planWithMarkers(stackWriting("secret_string_wo"), hclWriting("secret_string_wo"));
      expect(plan).toContain('"has_secret_string_wo"');
      for (const marker of markers) expect(plan).not.toContain(marker);
      await expect(planWithMarkers(stackWriting("secret_string"), hclWriting("secret_string"))).rejects.toThrow(
        /Invalid use of ephemeral value[\s\S]*"secret_string", because it is not a\s+write-only attribute/,
      );
    },
  );
});
