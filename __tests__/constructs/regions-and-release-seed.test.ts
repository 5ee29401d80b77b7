import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { replicateSecrets } from "../../src/constructs/data/secret-replicas";
import { RegionScope } from "../../src/constructs/region/region-scope";
import { ReleaseStateSeed } from "../../src/constructs/release/release-state-seed";
import { EncryptionKey } from "../../src/constructs/security/encryption-key";
import { AL2023_AMI_PARAMETER } from "../../src/release/release-state";
import { Synthesized } from "../support/synth";
import { constructStack, synthAlone } from "../support/construct-stack";

describe("RegionScope alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    const dr = new AwsProvider(stack, "dr", { region: "eu-central-1", alias: "dr" });
    const other = new AwsProvider(stack, "other", { region: "us-east-1", alias: "other" });
    new EncryptionKey(new RegionScope(stack, "dr-region", dr), "key", { description: "d", alias: "in-dr", accountId: "111122223333" });
    new EncryptionKey(new RegionScope(stack, "pinned", dr), "key", { description: "d", alias: "pinned", accountId: "111122223333", provider: other });
    new EncryptionKey(stack, "home", { description: "d", alias: "home", accountId: "111122223333" });
    json = synthAlone(stack);
  });

  test("resources and data sources created under it use its provider", () => {
    expect(json.named("aws_kms_key", "dr-region").provider).toBe("aws.dr");
    expect(json.named("aws_kms_alias", "dr-region").provider).toBe("aws.dr");
    const policies = Object.entries(json.dataSources("aws_iam_policy_document")).filter(([name]) => name.includes("dr-region"));
    expect(policies.map(([, policy]) => policy.provider)).toEqual(["aws.dr"]);
  });

  test("a resource that names its provider keeps it; resources outside the scope keep the default", () => {
    expect(json.named("aws_kms_key", "pinned").provider).toBe("aws.other");
    expect(json.named("aws_kms_key", "home").provider).toBeUndefined();
  });
});

describe("replicateSecrets alone", () => {
  test("every secret gets one replica in the DR region, under that region's key", () => {
    const stack = constructStack();
    const secrets = ["a", "b"].map((name) => new SecretsmanagerSecret(stack, name, { name }));
    replicateSecrets(secrets, { region: "eu-central-1", kmsKeyArn: "arn:aws:kms:eu-central-1:111122223333:key/dr" });
    for (const secret of synthAlone(stack).resourceList("aws_secretsmanager_secret")) {
      expect(secret.replica).toEqual([{ region: "eu-central-1", kms_key_id: "arn:aws:kms:eu-central-1:111122223333:key/dr" }]);
    }
  });
});

describe("ReleaseStateSeed alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new ReleaseStateSeed(stack, "seed", { parameterName: "/auth/test/release-state" });
    json = synthAlone(stack);
  });

  test("seeds no image on either colour, all traffic on blue, the current AL2023 AMI on both", () => {
    const parameter = json.resource("aws_ssm_parameter");
    expect(parameter).toMatchObject({ name: "/auth/test/release-state", type: "String", tier: "Standard" });
    expect(Object.values(json.dataSources("aws_ssm_parameter"))[0].name).toBe(AL2023_AMI_PARAMETER);
    const ami = "data.aws_ssm_parameter.seed_al2023-ami_[0-9A-F]+.insecure_value";
    expect(parameter.insecure_value).toMatch(
      new RegExp(`^\\$\\{jsonencode\\(\\{"version" = 1, "blue" = \\{"digest" = "", "amiId" = ${ami}\\}, "green" = \\{"digest" = "", "amiId" = ${ami}\\}, "greenTrafficPercent" = 0, "idleCapacity" = 0, "inFlight" = null\\}\\)\\}$`),
    );
  });

  test("after the first deploy only the release tool writes it: Terraform ignores its value", () => {
    expect(json.resource("aws_ssm_parameter").lifecycle).toEqual({ ignore_changes: ["insecure_value"] });
  });
});
