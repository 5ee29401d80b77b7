import { packPolicies } from "../src/iam/ci-policies";
import { environmentPolicies } from "../src/iam/environment-policies";
import {
  ciRoleName,
  drTrailName,
  permissionsBoundaryArn,
  securityAlertTopicName,
  securityFindingRulePrefix,
  stackName,
  stateKey,
  stateKeyAlias,
} from "../src/config/naming";
import { documentJson, simulate, type Identity } from "./support/iam-simulator";
import { ENVIRONMENTS, synthEnvironment, validConfig } from "./support/synth";

/**
 * The review's questions, answered by a local IAM policy simulator over exactly the policies the
 * bootstrap stack synthesizes (support/iam-simulator.ts). "Whatever else is attached" is modelled by
 * an allow-everything policy: an explicit Deny must win over it (IAM evaluation logic,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * Who may assume each role (environment, branch, workflow) is ci-identity.test.ts's.
 */
const ANYTHING_ELSE = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

describe.each(ENVIRONMENTS)("what the CI identities of %s may do", (env) => {
  const config = validConfig(env);
  const account = config.aws.accountId;
  const region = config.aws.region;
  const json = synthEnvironment(env).bootstrap;
  const generated = environmentPolicies(config);
  const boundaryArn = permissionsBoundaryArn(config);
  const stateBucket = `arn:aws:s3:::${config.state.bucket}`;
  const stateKeyArn = `arn:aws:kms:${config.state.region}:${account}:key/11111111-1111-1111-1111-111111111111`;
  // Terraform references of the synthesized inline policies, resolved to what they name.
  const resolve = (reference: string) => {
    const bucket = /^\$\{aws_s3_bucket\.([\w-]+)\.arn\}$/.exec(reference);
    if (bucket) return `arn:aws:s3:::${json.resources("aws_s3_bucket")[bucket[1]].bucket}`;
    if (/^\$\{aws_kms_key\.[\w-]+\.arn\}$/.test(reference)) return stateKeyArn;
    throw new Error(`unresolved ${reference}`);
  };
  const inline = (name: string, role: string) => {
    const policy = json
      .resourceList("aws_iam_role_policy")
      .find((candidate) => candidate.name === name && String(candidate.role).includes(role))!;
    return documentJson(json.policyDocument(policy.policy), resolve);
  };
  const identity = (name: "plan-pr" | "plan" | "deploy", policies: unknown[]): Identity => ({
    accountId: account,
    roleArn: `arn:aws:iam::${account}:role/${ciRoleName(env, name)}`,
    policies,
  });
  const planPr = identity("plan-pr", [inline("state-read-only", "plan-pr-role"), ANYTHING_ELSE]);
  const plan = identity("plan", [inline("state-no-secrets", "ci_plan-role_")]);
  const deploy = identity("deploy", [...packPolicies(generated.deploy), inline("state", "deploy-role")]);
  const lock = `${stateBucket}/${stateKey(env, "data")}.tflock`;
  const savedPlan = `${stateBucket}/plans/123-1/${stackName(env, "data")}.tfplan`;
  const inRegion = { "aws:RequestedRegion": region };

  describe("the PR plan role writes nothing", () => {
    test.each([
      ["create a lock", "s3:PutObject", lock],
      ["delete a running deploy's lock", "s3:DeleteObject", lock],
      ["write a saved plan", "s3:PutObject", savedPlan],
      ["overwrite state", "s3:PutObject", `${stateBucket}/${stateKey(env, "data")}`],
    ])("cannot %s, whatever else it is granted", async (_, action, resource) => {
      expect(await simulate(planPr, { action, resource })).toBe("ExplicitlyDenied");
    });

    test("reads state, which planning needs", async () => {
      expect(
        await simulate(planPr, { action: "s3:GetObject", resource: `${stateBucket}/${stateKey(env, "data")}` }),
      ).toBe("Allowed");
    });
  });

  describe("only the plan role on main takes locks and writes plans", () => {
    test.each([
      ["s3:PutObject", lock],
      ["s3:DeleteObject", lock],
      ["s3:PutObject", savedPlan],
    ])("%s %s", async (action, resource) => {
      expect(await simulate(plan, { action, resource })).toBe("Allowed");
    });
  });

  describe("the deploy role creates roles only under the boundary and cannot widen itself", () => {
    const role = `arn:aws:iam::${account}:role/auth-${env}-service`;
    const own = `arn:aws:iam::${account}:role/${ciRoleName(env, "deploy")}`;

    test("creates a role of its stacks with the boundary; without it, or with another, it cannot", async () => {
      expect(
        await simulate(deploy, {
          action: "iam:CreateRole",
          resource: role,
          context: { "iam:PermissionsBoundary": boundaryArn },
        }),
      ).toBe("Allowed");
      expect(await simulate(deploy, { action: "iam:CreateRole", resource: role })).toBe("ImplicitlyDenied");
      expect(
        await simulate(deploy, {
          action: "iam:CreateRole",
          resource: role,
          context: { "iam:PermissionsBoundary": `arn:aws:iam::${account}:policy/other` },
        }),
      ).toBe("ImplicitlyDenied");
      expect(await simulate(deploy, { action: "iam:PutRolePolicy", resource: role })).toBe("ImplicitlyDenied");
    });

    test("attaches only the AWS managed policies its stacks attach", async () => {
      const context = { "iam:PermissionsBoundary": boundaryArn };
      const managed = generated.inventories.deploy.managedPolicies[0];
      expect(
        await simulate(deploy, {
          action: "iam:AttachRolePolicy",
          resource: role,
          context: { ...context, "iam:PolicyARN": managed },
        }),
      ).toBe("Allowed");
      expect(
        await simulate(deploy, {
          action: "iam:AttachRolePolicy",
          resource: role,
          context: { ...context, "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" },
        }),
      ).toBe("ImplicitlyDenied");
    });

    test.each([
      "iam:PutRolePolicy",
      "iam:AttachRolePolicy",
      "iam:PutRolePermissionsBoundary",
      "iam:DeleteRolePermissionsBoundary",
      "iam:UpdateAssumeRolePolicy",
    ])("cannot %s on its own role, even naming the boundary", async (action) => {
      expect(
        await simulate(deploy, {
          action,
          resource: own,
          context: {
            "iam:PermissionsBoundary": boundaryArn,
            "iam:PolicyARN": generated.inventories.deploy.managedPolicies[0],
          },
        }),
      ).toBe("ExplicitlyDenied");
    });

    test.each(["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"])(
      "cannot %s on the boundary",
      async (action) => {
        expect(await simulate(deploy, { action, resource: boundaryArn })).toBe("ExplicitlyDenied");
      },
    );

    test("cannot assume a role it created, even one whose trust policy names it", async () => {
      const trust = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: own }, Action: "sts:AssumeRole" }],
      };
      expect(await simulate(deploy, { action: "sts:AssumeRole", resource: role, resourcePolicy: trust })).toBe(
        "ExplicitlyDenied",
      );
    });

    test("cannot rewrite its own managed policies", async () => {
      expect(
        await simulate(deploy, {
          action: "iam:CreatePolicyVersion",
          resource: `arn:aws:iam::${account}:policy/${ciRoleName(env, "deploy")}-1`,
        }),
      ).not.toBe("Allowed");
    });
  });

  describe("the deploy role cannot blind the account or lose its state", () => {
    const trail = `arn:aws:cloudtrail:${region}:${account}:trail/auth-${env}-trail`;
    test.each([
      ["stop CloudTrail logging", "cloudtrail:StopLogging", trail],
      ["delete the trail", "cloudtrail:DeleteTrail", trail],
      ["delete the state bucket", "s3:DeleteBucket", stateBucket],
      ["change the state bucket's policy", "s3:PutBucketPolicy", stateBucket],
      ["delete the state bucket's policy", "s3:DeleteBucketPolicy", stateBucket],
      ["suspend the state bucket's versioning", "s3:PutBucketVersioning", stateBucket],
    ])("cannot %s", async (_, action, resource) => {
      expect(await simulate(deploy, { action, resource, context: inRegion })).toBe("ExplicitlyDenied");
    });

    test("may delete only the DR trail restore mode starts (a drill's teardown deletes it), where there is a pilot light; every other trail of the account stays out of reach", async () => {
      const drTrail = `arn:aws:cloudtrail:${config.aws.drRegion}:${account}:trail/${drTrailName(env)}`;
      const inDr = { ...inRegion, "aws:RequestedRegion": config.aws.drRegion };
      expect(await simulate(deploy, { action: "cloudtrail:DeleteTrail", resource: drTrail, context: inDr })).toBe(
        config.dr.pilotLight ? "Allowed" : "ImplicitlyDenied",
      );
      for (const other of [trail, `arn:aws:cloudtrail:${config.aws.drRegion}:${account}:trail/landing-zone`]) {
        expect(await simulate(deploy, { action: "cloudtrail:DeleteTrail", resource: other, context: inDr })).toBe(
          "ExplicitlyDenied",
        );
      }
    });

    test("cannot stop any trail from logging, the DR trail included (a teardown deletes it without stopping it)", async () => {
      const drTrail = `arn:aws:cloudtrail:${config.aws.drRegion}:${account}:trail/${drTrailName(env)}`;
      const inDr = { ...inRegion, "aws:RequestedRegion": config.aws.drRegion };
      expect(await simulate(deploy, { action: "cloudtrail:StopLogging", resource: drTrail, context: inDr })).toBe(
        "ExplicitlyDenied",
      );
    });

    test("cannot turn the primary region's detection down (detector settings, filters, standards); only the pilot light's, in the DR region", async () => {
      // The security stack's detector carries the environment's tag like every resource (default tags).
      const detector = (where: string) =>
        `arn:aws:guardduty:${where}:${account}:detector/12abc34d567e8fa901bc2d34e56789f0`;
      const tagged = (where: string) => ({ "aws:RequestedRegion": where, "aws:ResourceTag/Environment": env });
      const onDetector = (suffix: string) => `${detector(region)}${suffix}`;
      for (const [action, resource] of [
        ["guardduty:UpdateDetector", onDetector("")],
        ["guardduty:CreateFilter", onDetector("/filter/quiet")],
        ["guardduty:CreateIPSet", "*"],
      ]) {
        expect([action, await simulate(deploy, { action, resource, context: tagged(region) })]).toEqual([
          action,
          "ExplicitlyDenied",
        ]);
      }
      expect(
        await simulate(deploy, {
          action: "securityhub:BatchDisableStandards",
          resource: `arn:aws:securityhub:${region}:${account}:hub/default`,
          context: { "aws:RequestedRegion": region },
        }),
      ).toBe("ExplicitlyDenied");
      const inDr = tagged(config.aws.drRegion);
      expect(
        await simulate(deploy, {
          action: "guardduty:UpdateDetector",
          resource: detector(config.aws.drRegion),
          context: inDr,
        }),
      ).toBe(config.dr.pilotLight ? "Allowed" : "ExplicitlyDenied");
    });

    test("cannot silence the primary region's security paging: the finding rules, the security topic, the trail's log group", async () => {
      const cases: [string, string][] = [
        [
          "events:DeleteRule",
          `arn:aws:events:${region}:${account}:rule/${securityFindingRulePrefix(env, "primary")}-guardduty`,
        ],
        ["sns:DeleteTopic", `arn:aws:sns:${region}:${account}:${securityAlertTopicName(env)}`],
        ["logs:DeleteMetricFilter", `arn:aws:logs:${region}:${account}:log-group:/aws/cloudtrail/auth-${env}-trail`],
      ];
      for (const [action, resource] of cases) {
        expect([action, await simulate(deploy, { action, resource, context: inRegion })]).toEqual([
          action,
          "ExplicitlyDenied",
        ]);
      }
      // The pilot light's own finding rules stay its own.
      const drRule = `arn:aws:events:${config.aws.drRegion}:${account}:rule/${securityFindingRulePrefix(env, "dr")}-guardduty`;
      expect(
        await simulate(deploy, {
          action: "events:DeleteRule",
          resource: drRule,
          context: { "aws:RequestedRegion": config.aws.drRegion },
        }),
      ).not.toBe("ExplicitlyDenied");
    });

    test("cannot re-tag another environment's resources into its own (a tagged grant follows the tag); tags its own", async () => {
      const key = `arn:aws:kms:${region}:${account}:key/22222222-2222-2222-2222-222222222222`;
      const tagKey = (owner: string) =>
        simulate(deploy, {
          action: "kms:TagResource",
          resource: key,
          context: { ...inRegion, "aws:ResourceTag/Environment": owner, "aws:RequestTag/Environment": env },
        });
      expect(await tagKey("someone-else")).toBe("ExplicitlyDenied");
      // Its own stay its own: the deny leaves them to the Allow statements.
      expect(await tagKey(env)).not.toBe("ExplicitlyDenied");
      const securityGroup = `arn:aws:ec2:${region}:${account}:security-group/sg-1`;
      expect(
        await simulate(deploy, {
          action: "ec2:CreateTags",
          resource: securityGroup,
          context: { ...inRegion, "aws:ResourceTag/Environment": "someone-else", "aws:RequestTag/Environment": env },
        }),
      ).toBe("ExplicitlyDenied");
    });

    test("cannot schedule deletion of the state key, though it manages its own stacks' keys (tagged for the environment)", async () => {
      // The stacks' key policies delegate to the account, so identity policies decide (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
      const resourcePolicy = {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
        ],
      };
      const keyContext = (alias: string) => ({
        ...inRegion,
        "aws:ResourceTag/Environment": env,
        "kms:ResourceAliases": [`alias/${alias}`],
      });
      expect(
        await simulate(deploy, {
          action: "kms:ScheduleKeyDeletion",
          resource: stateKeyArn,
          context: keyContext(stateKeyAlias(config.state.bucket)),
          resourcePolicy,
        }),
      ).toBe("ExplicitlyDenied");
      expect(
        await simulate(deploy, {
          action: "kms:PutKeyPolicy",
          resource: stateKeyArn,
          context: keyContext(stateKeyAlias(config.state.bucket)),
          resourcePolicy,
        }),
      ).toBe("ExplicitlyDenied");
      expect(
        await simulate(deploy, {
          action: "kms:ScheduleKeyDeletion",
          resource: stateKeyArn,
          context: keyContext(`auth-${env}-app`),
          resourcePolicy,
        }),
      ).toBe("Allowed");
    });
  });

  describe("scoped by tag and region", () => {
    const vpc = `arn:aws:ec2:${region}:${account}:vpc/vpc-1`;
    test("creates a VPC only tagged for its environment, only in the primary and DR regions", async () => {
      const create = (tag: string, requested: string) =>
        simulate(deploy, {
          action: "ec2:CreateVpc",
          resource: vpc,
          context: { "aws:RequestTag/Environment": tag, "aws:RequestedRegion": requested },
        });
      expect(await create(env, region)).toBe("Allowed");
      expect(await create(env, config.aws.drRegion)).toBe("Allowed");
      expect(await create(env, "us-east-2")).toBe("ImplicitlyDenied");
      expect(await create("other", region)).toBe("ImplicitlyDenied");
    });
  });

  describe("a role under the boundary cannot do more to IAM or the platform than the deploy role", () => {
    const workload: Identity = {
      accountId: account,
      roleArn: `arn:aws:iam::${account}:role/auth-${env}-service`,
      policies: [ANYTHING_ELSE],
      boundary: generated.boundary,
    };
    test.each([
      ["iam:CreateRole", `arn:aws:iam::${account}:role/auth-${env}-escalate`],
      ["iam:PutRolePolicy", `arn:aws:iam::${account}:role/auth-${env}-service`],
      ["iam:PassRole", `arn:aws:iam::${account}:role/auth-${env}-service`],
      ["sts:AssumeRole", `arn:aws:iam::${account}:role/${ciRoleName(env, "platform")}`],
      ["cloudtrail:StopLogging", `arn:aws:cloudtrail:${region}:${account}:trail/auth-${env}-trail`],
      ["s3:DeleteBucket", stateBucket],
    ])("even granted everything, it cannot %s %s", async (action, resource) => {
      expect(await simulate(workload, { action, resource })).toBe("ExplicitlyDenied");
    });

    // What its own policies grant still works, on the environment's resources only: role-boundary.test.ts.
    test("while what its workloads do on the environment's resources still works", async () => {
      expect(
        await simulate(workload, {
          action: "secretsmanager:GetSecretValue",
          resource: `arn:aws:secretsmanager:${region}:${account}:secret:auth-${env}/app-AbCdEf`,
          context: { "aws:ResourceTag/Environment": env },
        }),
      ).toBe("Allowed");
    });
  });
});
