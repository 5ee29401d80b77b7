import { githubSubject, SUBJECT_CLAIM_KEYS } from "../src/constructs/ci/github-oidc-subject";
import { CI_IDENTITIES } from "../src/config/naming";
import { ENVIRONMENTS, referenceTo, synthEnvironment, validConfig } from "./support/synth";

/**
 * IAM's string condition operators: StringEquals compares exactly; StringLike matches `*` (any run
 * of characters) and `?` (one character); every condition of a statement must hold.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
 */
function conditionHolds(
  condition: { test: string; variable: string; values: string[] },
  claims: Record<string, string>,
): boolean {
  const value = claims[condition.variable.replace("token.actions.githubusercontent.com:", "")];
  if (value === undefined) return false;
  if (condition.test === "StringEquals") return condition.values.includes(value);
  if (condition.test === "StringLike") {
    return condition.values.some((pattern) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
          .replace(/\*/g, ".*")
          .replace(/\?/g, ".")}$`,
      ).test(value),
    );
  }
  throw new Error(`operator ${condition.test} not modelled`);
}

/**
 * IAM's evaluation for one policy: an explicit Deny that matches wins over any Allow
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * Wildcards in actions and resources follow the same `*` rule.
 */
function decision(statements: any[], action: string, resource: string): "allow" | "deny" | "none" {
  const like = (pattern: string, value: string) =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(value);
  const matches = (statement: any) =>
    statement.actions.some((candidate: string) => like(candidate, action)) &&
    (statement.resources
      ? statement.resources.some((candidate: string) => like(candidate, resource))
      : !statement.not_resources.some((candidate: string) => like(candidate, resource)));
  const matching = statements.filter(matches);
  if (matching.some((statement) => statement.effect === "Deny")) return "deny";
  return matching.length > 0 ? "allow" : "none";
}

describe.each(ENVIRONMENTS)("CI identity in auth-%s-bootstrap", (env) => {
  const config = validConfig(env);
  const json = synthEnvironment(env).bootstrap;
  const role = (kind: string) =>
    json.resourceList("aws_iam_role").find((candidate) => candidate.name === `auth-${env}-ci-${kind}`)!;
  const trustOf = (kind: string) => json.policyDocument(role(kind).assume_role_policy).statement[0];
  const providerArn = `arn:aws:iam::${config.aws.accountId}:oidc-provider/token.actions.githubusercontent.com`;
  const repository = config.ci.githubRepository;
  /** The claims of a job's token under the customized subject template. */
  const token = (environment: string, workflow: string, ref: string) => ({
    aud: "sts.amazonaws.com",
    sub: githubSubject({ repository, environment, workflow, ref }),
  });
  const canAssume = (kind: string, claims: Record<string, string>) =>
    trustOf(kind).condition.every((condition: any) => conditionHolds(condition, claims));

  test("a GitHub OIDC identity provider for sts.amazonaws.com", () => {
    expect(json.resource("aws_iam_openid_connect_provider")).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
    // Created in this stack: the roles name the provider resource, so IAM never sees a trust policy
    // whose federated principal does not exist yet (the roles wait for the provider).
    const [providerId] = Object.keys(json.resources("aws_iam_openid_connect_provider"));
    expect(trustOf("deploy")).toMatchObject({
      actions: ["sts:AssumeRoleWithWebIdentity"],
      principals: [{ type: "Federated", identifiers: [`\${aws_iam_openid_connect_provider.${providerId}.arn}`] }],
    });
    expect(providerArn).toMatch(/oidc-provider\/token\.actions\.githubusercontent\.com$/);
  });

  test("the subject template holds the repository, the job's environment and the workflow with its ref", () => {
    expect(SUBJECT_CLAIM_KEYS).toEqual(["repo", "context", "job_workflow_ref"]);
    expect(
      githubSubject({
        repository: "o/r",
        environment: "production",
        workflow: ".github/workflows/deploy.yml",
        ref: "refs/heads/main",
      }),
    ).toBe("repo:o/r:environment:production:job_workflow_ref:o/r/.github/workflows/deploy.yml@refs/heads/main");
  });

  describe("the deploy role", () => {
    test("is assumed by the deploy workflow from main in the deploy environment", () => {
      expect(
        canAssume("deploy", token(config.ci.deployEnvironment, ".github/workflows/deploy.yml", "refs/heads/main")),
      ).toBe(true);
    });

    test("is assumed by the release workflow from main (job_workflow_ref names the called reusable workflow)", () => {
      expect(
        canAssume(
          "deploy",
          token(config.ci.deployEnvironment, ".github/workflows/release-environment.yml", "refs/heads/main"),
        ),
      ).toBe(true);
      expect(
        canAssume(
          "deploy",
          token(config.ci.deployEnvironment, ".github/workflows/release-environment.yml", "refs/heads/feature"),
        ),
      ).toBe(false);
      expect(
        canAssume(
          "deploy",
          token(config.ci.planEnvironment, ".github/workflows/release-environment.yml", "refs/heads/main"),
        ),
      ).toBe(false);
    });

    test.each([
      ["the deploy workflow from another branch", ".github/workflows/deploy.yml", "refs/heads/feature", undefined],
      ["another workflow from main", ".github/workflows/pull-request.yml", "refs/heads/main", undefined],
      [
        "a new workflow on a branch that names the environment",
        ".github/workflows/evil.yml",
        "refs/heads/evil",
        undefined,
      ],
      ["the deploy workflow from a tag", ".github/workflows/deploy.yml", "refs/tags/v1", undefined],
      [
        "the deploy workflow in the plan environment",
        ".github/workflows/deploy.yml",
        "refs/heads/main",
        config.ci.planEnvironment,
      ],
    ])("is refused to %s", (_, workflow, ref, environment) => {
      expect(canAssume("deploy", token(environment ?? config.ci.deployEnvironment, workflow, ref))).toBe(false);
    });

    test("is refused to the default subject (environment only) and to another audience", () => {
      expect(
        canAssume("deploy", {
          aud: "sts.amazonaws.com",
          sub: `repo:${repository}:environment:${config.ci.deployEnvironment}`,
        }),
      ).toBe(false);
      expect(
        canAssume("deploy", {
          ...token(config.ci.deployEnvironment, ".github/workflows/deploy.yml", "refs/heads/main"),
          aud: "https://github.com/example-org",
        }),
      ).toBe(false);
    });
  });

  describe("the PR plan role", () => {
    test("is assumed by pull request plans in the plan environment, and by nothing else", () => {
      expect(
        canAssume(
          "plan-pr",
          token(config.ci.planEnvironment, ".github/workflows/pull-request.yml", "refs/pull/42/merge"),
        ),
      ).toBe(true);
      expect(
        canAssume("plan-pr", token(config.ci.planEnvironment, ".github/workflows/deploy.yml", "refs/heads/main")),
      ).toBe(false);
      expect(
        canAssume(
          "plan-pr",
          token(config.ci.deployEnvironment, ".github/workflows/pull-request.yml", "refs/pull/42/merge"),
        ),
      ).toBe(false);
    });
  });

  describe("the platform role", () => {
    test("is assumed by the deploy workflow from main in the platform environment only", () => {
      expect(
        canAssume("platform", token(config.ci.platformEnvironment, ".github/workflows/deploy.yml", "refs/heads/main")),
      ).toBe(true);
      expect(
        canAssume("platform", token(config.ci.deployEnvironment, ".github/workflows/deploy.yml", "refs/heads/main")),
      ).toBe(false);
      expect(
        canAssume(
          "platform",
          token(config.ci.platformEnvironment, ".github/workflows/deploy.yml", "refs/heads/feature"),
        ),
      ).toBe(false);
      expect(
        canAssume(
          "platform",
          token(config.ci.platformEnvironment, ".github/workflows/release-environment.yml", "refs/heads/main"),
        ),
      ).toBe(false);
    });
  });

  describe("the plan role", () => {
    test("is assumed by the deploy workflow's plan job from main, in the plan environment; pull requests get the PR plan role instead", () => {
      expect(
        canAssume("plan", token(config.ci.planEnvironment, ".github/workflows/deploy.yml", "refs/heads/main")),
      ).toBe(true);
      expect(
        canAssume("plan", token(config.ci.planEnvironment, ".github/workflows/pull-request.yml", "refs/pull/42/merge")),
      ).toBe(false);
    });

    test("is refused to other workflows and to the deploy workflow from a branch", () => {
      expect(canAssume("plan", token(config.ci.planEnvironment, ".github/workflows/evil.yml", "refs/heads/evil"))).toBe(
        false,
      );
      expect(
        canAssume("plan", token(config.ci.planEnvironment, ".github/workflows/deploy.yml", "refs/heads/feature")),
      ).toBe(false);
      expect(
        canAssume("plan", token(config.ci.deployEnvironment, ".github/workflows/deploy.yml", "refs/heads/main")),
      ).toBe(false);
    });

    const statements = () => json.policyDocument(json.named("aws_iam_role_policy", "plan-policy").policy).statement;
    const bucketArn = () => referenceTo(json, "aws_s3_bucket", json.named("aws_s3_bucket", "state_storage"), "arn");
    const stateKeyArn = () => referenceTo(json, "aws_kms_key", json.resourceList("aws_kms_key")[0], "arn");

    test("reads resources (ReadOnlyAccess) and state, writes lock files and saved plans only", () => {
      const attachments = json
        .resourceList("aws_iam_role_policy_attachment")
        .filter((attachment) => attachment.role.includes("ci_plan-role_"));
      expect(attachments.map((attachment) => attachment.policy_arn)).toEqual([
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
      ]);
      const all = statements();
      expect(decision(all, "s3:GetObject", `${bucketArn()}/staging/auth-staging-data.tfstate`)).toBe("allow");
      expect(decision(all, "s3:PutObject", `${bucketArn()}/staging/auth-staging-data.tfstate.tflock`)).toBe("allow");
      expect(decision(all, "s3:PutObject", `${bucketArn()}/plans/123-1/auth-staging-data.tfplan`)).toBe("allow");
      // Saved plans hold prior state and secret values: the plan role writes them but may never read them.
      expect(decision(all, "s3:GetObject", `${bucketArn()}/plans/123-1/auth-staging-data.tfplan`)).toBe("deny");
      expect(decision(all, "s3:PutObject", `${bucketArn()}/staging/auth-staging-data.tfstate`)).toBe("none");
      expect(decision(all, "kms:Decrypt", stateKeyArn())).toBe("allow");
    });

    test.each([
      ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:eu-west-1:111111111111:secret:auth-staging/app-AbCdEf`],
      ["secretsmanager:BatchGetSecretValue", "*"],
      // SecureString parameters decrypt through KMS (aws/ssm or a customer key): refused.
      ["kms:Decrypt", "arn:aws:kms:eu-west-1:111111111111:alias/aws/ssm"],
      ["kms:Decrypt", "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"],
    ])("is explicitly denied %s on %s, whatever ReadOnlyAccess allows", (action, resource) => {
      expect(decision(statements(), action, resource)).toBe("deny");
    });

    test("grants no action with a wildcard", () => {
      for (const statement of statements().filter((candidate: any) => candidate.effect !== "Deny")) {
        for (const action of statement.actions) expect(action).not.toMatch(/\*/);
      }
    });
  });

  test("saved plans expire from the state bucket after a week", () => {
    const rules = json.named("aws_s3_bucket_lifecycle_configuration", "state_storage").rule;
    expect(rules).toContainEqual(
      expect.objectContaining({
        id: "expire-saved-plans",
        status: "Enabled",
        filter: [{ prefix: "plans/" }],
        expiration: [{ days: 7 }],
        noncurrent_version_expiration: [{ noncurrent_days: 1 }],
      }),
    );
  });

  test("sessions last long enough for a deploy and a release (3 hours)", () => {
    for (const identity of CI_IDENTITIES) expect(role(identity).max_session_duration).toBe(10800);
  });

  test("the four role ARNs are outputs", () => {
    for (const identity of CI_IDENTITIES)
      expect(json.outputs()[`ci_${identity.replace("-", "_")}_role_arn`].value).toBe(
        referenceTo(json, "aws_iam_role", role(identity), "arn"),
      );
  });
});
