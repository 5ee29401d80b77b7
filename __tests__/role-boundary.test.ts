import { environmentPolicies } from "../src/iam/environment-policies";
import {
  applyingIdentity,
  ciRoleName,
  parseStackName,
  permissionsBoundaryArn,
  platformBoundaryArn,
  stateKeyAlias,
} from "../src/config/naming";
import { simulate, type Identity } from "./support/iam-simulator";
import { ENVIRONMENTS, synthEveryStack, validConfig } from "./support/synth";

/**
 * Requirement 3 of #23: no deploy identity can create a role more powerful than itself. Every role
 * the stacks create carries a boundary (src/iam/workload-boundary.ts for the deploy identity's
 * stacks); these tests put the boundary and the roles' own policies through @cloud-copilot/iam-simulate.
 * docs/explanation/least-privilege-delivery.md ("More powerful than itself") gives the answers.
 * That every role still works under its boundary (each action its own policies grant is allowed), restore
 * mode included, is __tests__/terraform/role-boundary-grants.test.ts (about 400 simulations: terraform tier).
 */
const ANYTHING = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

describe.each(ENVIRONMENTS)("roles the %s stacks create, under their boundary", (env) => {
  const config = validConfig(env);
  const account = config.aws.accountId;
  const region = config.aws.region;
  const generated = environmentPolicies(config);
  const stacks = Object.fromEntries(Object.entries(synthEveryStack(env)).map(([name, json]) => [name, json.json]));

  test("every role a deploy layer creates carries the workload boundary, every platform layer's role the platform one", () => {
    for (const [name, json] of Object.entries(stacks)) {
      const layer = parseStackName(name)!.layer;
      for (const role of Object.values((json.resource?.aws_iam_role ?? {}) as Record<string, any>)) {
        if (String(role.name).startsWith(`auth-${env}-ci-`)) continue;
        // The bootstrap stack creates the platform boundary, so its roles name it by reference.
        const expected =
          applyingIdentity(layer) === "deploy"
            ? permissionsBoundaryArn(config)
            : layer === "bootstrap"
              ? expect.stringMatching(/^\$\{aws_iam_policy\.platform-role-boundary_policy_\w+\.arn\}$/)
              : platformBoundaryArn(config);
        expect([role.name, role.permissions_boundary]).toEqual([role.name, expected]);
      }
    }
  });

  describe("a role under the workload boundary, whatever its own policies grant", () => {
    const other = ENVIRONMENTS.find((candidate) => candidate !== env)!;
    const role: Identity = {
      accountId: account,
      roleArn: `arn:aws:iam::${account}:role/auth-${env}-service`,
      policies: [ANYTHING],
      boundary: generated.boundary,
    };
    // The other environment's resources as they would be in one shared account (a supported layout).
    const tagged = (environment: string, extra: Record<string, string | string[]> = {}) => ({
      "aws:ResourceTag/Environment": environment,
      "aws:RequestedRegion": region,
      ...extra,
    });
    const stateBucket = `arn:aws:s3:::${config.state.bucket}`;
    const stateKeyArn = `arn:aws:kms:${config.state.region}:${account}:key/22222222-2222-2222-2222-222222222222`;

    test.each([
      [
        "read the other environment's secrets",
        "secretsmanager:GetSecretValue",
        `arn:aws:secretsmanager:${region}:${account}:secret:auth-${other}/app-AbCdEf`,
        tagged(other),
      ],
      [
        "decrypt with the other environment's keys",
        "kms:Decrypt",
        `arn:aws:kms:${region}:${account}:key/33333333-3333-3333-3333-333333333333`,
        tagged(other),
      ],
      [
        "read the other environment's data in S3",
        "s3:GetObject",
        `arn:aws:s3:::auth-${other}-canary-artifacts-${account}/x`,
        tagged(other),
      ],
      [
        "write the other environment's logs",
        "logs:PutLogEvents",
        `arn:aws:logs:${region}:${account}:log-group:/auth/${other}/service:log-stream:x`,
        tagged(other),
      ],
      [
        "do to its own environment's database what no workload does",
        "rds:DeleteDBInstance",
        `arn:aws:rds:${region}:${account}:db:auth-${env}-postgres`,
        tagged(env),
      ],
    ])("cannot %s", async (_, action, resource, context) => {
      expect(await simulate(role, { action, resource, context })).toBe("ImplicitlyDenied");
    });

    test.each([
      ["read the state", "s3:GetObject", `${stateBucket}/${env}/data.tfstate`, tagged(env)],
      ["list the state bucket", "s3:ListBucket", stateBucket, tagged(env)],
      [
        "decrypt with the state key",
        "kms:Decrypt",
        stateKeyArn,
        tagged(env, { "kms:ResourceAliases": [`alias/${stateKeyAlias(config.state.bucket)}`] }),
      ],
      [
        "stop CloudTrail logging",
        "cloudtrail:StopLogging",
        `arn:aws:cloudtrail:${region}:${account}:trail/auth-${env}-trail`,
        tagged(env),
      ],
      [
        "delete the GuardDuty detector",
        "guardduty:DeleteDetector",
        `arn:aws:guardduty:${region}:${account}:detector/1`,
        tagged(env),
      ],
      [
        "write into the trail's log group",
        "logs:PutLogEvents",
        `arn:aws:logs:${region}:${account}:log-group:/aws/cloudtrail/auth-${env}-trail:log-stream:x`,
        tagged(env),
      ],
      [
        "create a role",
        "iam:CreateRole",
        `arn:aws:iam::${account}:role/auth-${env}-escalate`,
        { "iam:PermissionsBoundary": permissionsBoundaryArn(config) },
      ],
      ["pass a role", "iam:PassRole", `arn:aws:iam::${account}:role/auth-${env}-service`, {}],
      [
        "change its own boundary",
        "iam:PutRolePermissionsBoundary",
        `arn:aws:iam::${account}:role/auth-${env}-service`,
        { "iam:PermissionsBoundary": platformBoundaryArn(config) },
      ],
      [
        "remove its own boundary",
        "iam:DeleteRolePermissionsBoundary",
        `arn:aws:iam::${account}:role/auth-${env}-service`,
        {},
      ],
      ["rewrite the boundary", "iam:CreatePolicyVersion", permissionsBoundaryArn(config), {}],
      ["assume a CI identity", "sts:AssumeRole", `arn:aws:iam::${account}:role/${ciRoleName(env, "deploy")}`, {}],
      [
        "grant its own key to a principal that is not an AWS service resource",
        "kms:CreateGrant",
        `arn:aws:kms:${region}:${account}:key/44444444-4444-4444-4444-444444444444`,
        tagged(env, { "kms:GrantIsForAWSResource": "false" }),
      ],
    ])("cannot %s (explicitly denied)", async (_, action, resource, context) => {
      expect(await simulate(role, { action, resource, context })).toBe("ExplicitlyDenied");
    });

    test("reads its own environment's secrets, which the deploy role deliberately cannot", async () => {
      expect(
        await simulate(role, {
          action: "secretsmanager:GetSecretValue",
          resource: `arn:aws:secretsmanager:${region}:${account}:secret:auth-${env}/app-AbCdEf`,
          context: tagged(env),
        }),
      ).toBe("Allowed");
    });
  });
});
