import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Testing } from "cdktf";
import { GeneratedSecret, INITIAL_VERSION_LABEL } from "../../src/constructs/data/generated-secret";
import { backendOverride, providerOverride, standInEphemeralPasswords } from "../../scripts/terraform-proof/overrides";
import { missingToolchain, offlineEnvironment, planAsJson } from "../../scripts/terraform-proof/terraform";
import { constructStack } from "../support/construct-stack";

const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`initial-version-label tests need Terraform: ${missing}`);
if (missing) console.log(`initial-version-label tests SKIPPED: ${missing}`);

const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:auth-staging/app-AbCdEf";
const FIRST_VERSION = "11111111-2222-3333-4444-555555555555";

/** The GeneratedSecret as the data stack synthesizes it, with the ephemeral passwords stood in. */
function stack(): { json: Record<string, any>; tfvars: object; secret: string; version: string } {
  const scope = constructStack();
  new GeneratedSecret(scope, "app-secret", {
    name: "auth-staging/app",
    description: "d",
    kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/k",
    fields: ["signing_key"],
  });
  const synthesized = JSON.parse(Testing.synth(scope));
  const { stack: json, tfvars } = standInEphemeralPasswords(synthesized);
  const [secret] = Object.keys(json.resource.aws_secretsmanager_secret);
  const [version] = Object.keys(json.resource.aws_secretsmanager_secret_version);
  return { json, tfvars, secret, version };
}

/**
 * The state of an environment deployed before the label existed, as Terraform last refreshed it:
 * the first version Terraform wrote, its stages as rotations left them.
 */
function priorState(secret: string, version: string, stages: string[]): object {
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 7,
    lineage: "0f3c5a6e-8d41-4b8e-9d3a-1c2b3a4d5e6f",
    outputs: {},
    resources: [
      {
        mode: "managed",
        type: "aws_secretsmanager_secret",
        name: secret,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            schema_version: 0,
            attributes: {
              id: SECRET_ARN,
              arn: SECRET_ARN,
              name: "auth-staging/app",
              description: "d",
              kms_key_id: "arn:aws:kms:eu-west-1:111111111111:key/k",
              recovery_window_in_days: 30,
              force_overwrite_replica_secret: false,
              replica: [],
              tags: {},
              tags_all: {},
            },
          },
        ],
      },
      {
        mode: "managed",
        type: "aws_secretsmanager_secret_version",
        name: version,
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            schema_version: 0,
            attributes: {
              id: `${SECRET_ARN}|${FIRST_VERSION}`,
              arn: SECRET_ARN,
              secret_id: SECRET_ARN,
              version_id: FIRST_VERSION,
              version_stages: stages,
              secret_string_wo_version: 1,
              has_secret_string_wo: true,
            },
          },
        ],
      },
    ],
  };
}

async function planAgainst(stages: string[]) {
  const { json, tfvars, secret, version } = stack();
  const dir = mkdtempSync(join(tmpdir(), "initial-version-label-"));
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify(json));
  writeFileSync(join(dir, "ephemeral_stand_ins.auto.tfvars.json"), JSON.stringify(tfvars));
  writeFileSync(join(dir, "backend_override.tf.json"), JSON.stringify(backendOverride()));
  writeFileSync(join(dir, "provider_override.tf.json"), JSON.stringify(providerOverride(json)));
  writeFileSync(join(dir, "terraform.tfstate"), JSON.stringify(priorState(secret, version, stages)));
  const { json: plan } = await planAsJson(dir, offlineEnvironment(join(dir, "terraform.rc")));
  const changes: any[] = JSON.parse(plan).resource_changes ?? [];
  return changes.find((change) => change.type === "aws_secretsmanager_secret_version");
}

(missing ? describe.skip : describe)(
  "the first version's own label reaches deployed environments only by the migration",
  () => {
    test.concurrent(
      "deployed before the label (stages as two rotations left them: none): the plan leaves the version as it is, so an apply never adds the label",
      async () => {
        const change = await planAgainst([]);
        // Terraform 1.11 plans an in-place "update" whenever a write-only argument is set in the
        // configuration; with secret_string_wo_version unchanged the provider writes no value.
        expect(change.change.actions).not.toContain("create");
        expect(change.change.actions).not.toContain("delete");
        expect(change.change.after.secret_string_wo_version).toBe(change.change.before.secret_string_wo_version);
        expect(change.change.after.version_stages).toEqual([]);
      },
    );

    test.concurrent(
      "after the migration (update-secret-version-stage added the label): nothing to change, and the label stays",
      async () => {
        const change = await planAgainst(["AWSPREVIOUS", INITIAL_VERSION_LABEL]);
        expect(change.change.actions).not.toContain("create");
        expect(change.change.actions).not.toContain("delete");
        expect(change.change.after).toEqual(change.change.before);
      },
    );
  },
);
