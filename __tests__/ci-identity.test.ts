import { ENVIRONMENTS, referenceTo, synthEnvironment, validConfig } from "./support/synth";

describe.each(ENVIRONMENTS)("CI identity in auth-%s-bootstrap", (env) => {
  const config = validConfig(env);
  const json = synthEnvironment(env).bootstrap;
  const role = (kind: string) => json.resourceList("aws_iam_role").find((candidate) => candidate.name === `auth-${env}-ci-${kind}`)!;
  const trustOf = (kind: string) => json.policyDocument(role(kind).assume_role_policy).statement[0];
  const providerArn = `arn:aws:iam::${config.aws.accountId}:oidc-provider/token.actions.githubusercontent.com`;

  test("a GitHub OIDC identity provider for sts.amazonaws.com", () => {
    expect(json.resource("aws_iam_openid_connect_provider")).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
  });

  test("the plan role trusts only jobs of the configured plan environment", () => {
    expect(trustOf("plan")).toMatchObject({
      actions: ["sts:AssumeRoleWithWebIdentity"],
      principals: [{ type: "Federated", identifiers: [providerArn] }],
      condition: [
        { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
        {
          test: "StringEquals",
          variable: "token.actions.githubusercontent.com:sub",
          values: [`repo:${config.ci.githubRepository}:environment:${config.ci.planEnvironment}`],
        },
      ],
    });
  });

  test("the plan role is read-only plus state read and lock files", () => {
    const attachments = json.resourceList("aws_iam_role_policy_attachment").filter((attachment) => attachment.role.includes("ci_plan-role"));
    expect(attachments.map((attachment) => attachment.policy_arn)).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    const statements = json.policyDocument(json.named("aws_iam_role_policy", "plan-policy").policy).statement;
    const bySid = Object.fromEntries(statements.map((statement: any) => [statement.sid, statement]));
    const bucketArn = referenceTo(json, "aws_s3_bucket", json.named("aws_s3_bucket", "state_storage"), "arn");
    expect(bySid.LockState).toEqual(expect.objectContaining({ actions: ["s3:PutObject", "s3:DeleteObject"], resources: [`${bucketArn}/*.tflock`] }));
    expect(bySid.ReadState.resources).toEqual([`${bucketArn}/*`]);
    expect(bySid.RefreshServiceSecrets.resources).toEqual([`arn:aws:secretsmanager:${config.aws.region}:${config.aws.accountId}:secret:auth-${env}*`]);
    expect(bySid.DecryptServiceSecrets).toMatchObject({
      actions: ["kms:Decrypt"],
      condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${config.aws.region}.amazonaws.com`] }],
    });
    for (const statement of statements) for (const action of statement.actions) expect(action).not.toMatch(/\*/);
  });

  test("the deploy role trusts only jobs of the configured GitHub environment", () => {
    expect(trustOf("deploy").condition).toContainEqual({
      test: "StringEquals",
      variable: "token.actions.githubusercontent.com:sub",
      values: [`repo:${config.ci.githubRepository}:environment:${config.ci.deployEnvironment}`],
    });
  });

  test("sessions last long enough for a deploy and a release (3 hours)", () => {
    expect(role("plan").max_session_duration).toBe(10800);
    expect(role("deploy").max_session_duration).toBe(10800);
  });

  test("both role ARNs are outputs", () => {
    expect(json.outputs().ci_plan_role_arn.value).toBe(referenceTo(json, "aws_iam_role", role("plan"), "arn"));
    expect(json.outputs().ci_deploy_role_arn.value).toBe(referenceTo(json, "aws_iam_role", role("deploy"), "arn"));
  });
});
