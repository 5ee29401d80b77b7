import { Testing } from "cdktf";
import { validateConfigs } from "../src/config/rules/validate";
import { applyingIdentity, LAYERS } from "../src/config/naming";
import { BootstrapStack } from "../src/stacks/bootstrap/bootstrap-stack";
import { Block, Synthesized, editedConfig, referenceTo, synthEnvironment } from "./support/synth";

/**
 * What STS checks when a Terraform Cloud run phase calls AssumeRoleWithWebIdentity: the role's
 * trust policy must allow the action for the token's issuer (the OIDC provider of its host), and
 * every condition must hold for the token's claims (aud, sub); StringEquals is exact and
 * case-sensitive. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
 */
function stsAllows(trust: Block, token: { host: string; aud: string; sub: string }, accountId: string): boolean {
  const claims: Record<string, string> = { [`${token.host}:aud`]: token.aud, [`${token.host}:sub`]: token.sub };
  return trust.statement.some(
    (statement: Block) =>
      statement.actions.includes("sts:AssumeRoleWithWebIdentity") &&
      statement.principals.some(
        (principal: Block) =>
          principal.type === "Federated" &&
          principal.identifiers.includes(`arn:aws:iam::${accountId}:oidc-provider/${token.host}`),
      ) &&
      statement.condition.every(
        (condition: Block) =>
          condition.test === "StringEquals" && condition.values.includes(claims[condition.variable]),
      ),
  );
}

describe("Terraform Cloud dynamic credentials in auth-<env>-bootstrap (state.backend = terraform-cloud)", () => {
  const [config] = validateConfigs({
    staging: editedConfig("staging", (c: any) => {
      c.state.backend = "terraform-cloud";
      c.state.terraformCloud = {
        organization: "example-org",
        hostname: "app.terraform.io",
        workspacePrefix: "tfc-",
        project: "auth",
      };
    }),
  });
  const json = Synthesized.of(new BootstrapStack(Testing.app(), config));
  const role = (suffix: string) =>
    json.resourceList("aws_iam_role").find((candidate) => candidate.name === `auth-staging-tfc-${suffix}`)!;
  const trustOf = (suffix: string) => json.policyDocument(role(suffix).assume_role_policy);
  const token = (
    workspace: string,
    phase: string,
    overrides: Partial<{ host: string; aud: string; sub: string }> = {},
  ) => ({
    host: "app.terraform.io",
    aud: "aws.workload.identity",
    sub: `organization:example-org:project:auth:workspace:${workspace}:run_phase:${phase}`,
    ...overrides,
  });

  test("an OIDC provider for the Terraform Cloud host, with Terraform Cloud's AWS audience", () => {
    const providers = json
      .resourceList("aws_iam_openid_connect_provider")
      .filter((provider) => provider.url === "https://app.terraform.io");
    expect(providers).toEqual([expect.objectContaining({ client_id_list: ["aws.workload.identity"] })]);
  });

  test.each([...LAYERS])(
    "the plan phase of workspace tfc-auth-staging-%s gets the plan role; its apply phase the role of the identity that applies the layer",
    (layer) => {
      const applying = applyingIdentity(layer) === "platform" ? "platform" : "apply";
      const other = applying === "platform" ? "apply" : "platform";
      expect(stsAllows(trustOf("plan"), token(`tfc-auth-staging-${layer}`, "plan"), config.aws.accountId)).toBe(true);
      expect(stsAllows(trustOf(applying), token(`tfc-auth-staging-${layer}`, "plan"), config.aws.accountId)).toBe(
        false,
      );
      expect(stsAllows(trustOf(applying), token(`tfc-auth-staging-${layer}`, "apply"), config.aws.accountId)).toBe(
        true,
      );
      expect(stsAllows(trustOf(other), token(`tfc-auth-staging-${layer}`, "apply"), config.aws.accountId)).toBe(false);
    },
  );

  test.each([
    ["another workspace of the project", token("tfc-auth-production-app", "apply")],
    [
      "the same workspace name in another project",
      token("tfc-auth-staging-app", "apply", {
        sub: "organization:example-org:project:other:workspace:tfc-auth-staging-app:run_phase:apply",
      }),
    ],
    [
      "another organization",
      token("tfc-auth-staging-app", "apply", {
        sub: "organization:evil-org:project:auth:workspace:tfc-auth-staging-app:run_phase:apply",
      }),
    ],
    ["a token for another audience", token("tfc-auth-staging-app", "apply", { aud: "sts.amazonaws.com" })],
    ["a token from another host", token("tfc-auth-staging-app", "apply", { host: "tfe.example.com" })],
  ])("%s is refused", (_case, claims) => {
    expect(stsAllows(trustOf("apply"), claims, config.aws.accountId)).toBe(false);
    expect(
      stsAllows(trustOf("plan"), { ...claims, sub: claims.sub.replace(/apply$/, "plan") }, config.aws.accountId),
    ).toBe(false);
  });

  test("the plan role reads but can neither read a secret value nor decrypt (a speculative plan runs a pull request's code); the apply roles get the generated policies, never AdministratorAccess", () => {
    const attachments = json.resourceList("aws_iam_role_policy_attachment");
    const policiesOf = (suffix: string) =>
      attachments
        .filter((attachment) => attachment.role === referenceTo(json, "aws_iam_role", role(suffix), "name"))
        .map((attachment) => attachment.policy_arn);
    expect(policiesOf("plan")).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    expect(
      policiesOf("apply").every((arn) => /^\$\{aws_iam_policy\.deploy-policies_policy-\d+_\w+\.arn\}$/.test(arn)),
    ).toBe(true);
    expect(
      policiesOf("platform").every((arn) => /^\$\{aws_iam_policy\.platform-policies_policy-\d+_\w+\.arn\}$/.test(arn)),
    ).toBe(true);
    expect(attachments.map((attachment) => attachment.policy_arn)).not.toContain(
      "arn:aws:iam::aws:policy/AdministratorAccess",
    );
    const planPolicy = json.resourceList("aws_iam_role_policy").find((policy) => policy.name === "no-secrets")!;
    const denied = json
      .policyDocument(planPolicy.policy)
      .statement.filter((statement: Block) => statement.effect === "Deny")
      .flatMap((statement: Block) => statement.actions);
    expect(denied).toEqual(
      expect.arrayContaining(["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue", "kms:Decrypt"]),
    );
    expect(Object.keys(json.outputs())).toEqual(
      expect.arrayContaining(["tfc_plan_role_arn", "tfc_apply_role_arn", "tfc_platform_role_arn"]),
    );
  });

  test("the project defaults to Terraform Cloud's Default Project", () => {
    const [defaulted] = validateConfigs({
      staging: editedConfig("staging", (c: any) => {
        c.state.backend = "terraform-cloud";
        c.state.terraformCloud = { organization: "example-org", hostname: "app.terraform.io", workspacePrefix: "" };
      }),
    });
    expect(defaulted.state.terraformCloud?.project).toBe("Default Project");
  });

  test("with state in S3 (the shipped configs) the bootstrap stack trusts no Terraform Cloud host", () => {
    const shipped = synthEnvironment("production").bootstrap;
    expect(shipped.resourceList("aws_iam_role").map((candidate) => candidate.name)).not.toContainEqual(
      expect.stringMatching(/tfc/),
    );
    expect(JSON.stringify(shipped.json)).not.toContain("app.terraform.io");
  });
});
