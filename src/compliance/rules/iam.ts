import { asArray, Block, Element, StackModel, Statement } from "../model";
import { defineRule, maps, ofType, when } from "../rule";

/**
 * IAM least privilege for identity policies (key, bucket and topic policies are resource policies:
 * "*" there means "this resource"). trivy's AVD-AWS-0057 is deprecated upstream as a default check
 * but still part of its CIS AWS 1.4 compliance spec, which is why it is still mapped.
 */

/** Resources that attach a policy document to an identity, and the attribute that holds it. */
const IDENTITY_POLICIES: Record<string, string> = {
  aws_iam_role_policy: "policy",
  aws_iam_policy: "policy",
  aws_iam_user_policy: "policy",
  aws_iam_group_policy: "policy",
};

const MANAGED_ADMIN_POLICIES = [/:policy\/AdministratorAccess$/, /:policy\/IAMFullAccess$/];

/**
 * Actions that have no resource type in the Service Authorization Reference, so "*" is the only
 * resource they accept (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 * Anything not listed is treated as resource-scopable.
 */
export const ACTIONS_WITHOUT_RESOURCE_TYPES: readonly RegExp[] = [
  /^ecr:GetAuthorizationToken$/,
  /^secretsmanager:GetRandomPassword$/,
  /^secretsmanager:ListSecrets$/,
  /^sts:GetCallerIdentity$/,
  /^cloudwatch:PutMetricData$/,
  /^cloudwatch:GetMetricData$/,
  /^cloudwatch:ListMetrics$/,
  /^logs:DescribeLogGroups$/,
  /^ec2:Describe[A-Za-z]*\*?$/,
  /^autoscaling:Describe[A-Za-z]*\*?$/,
  /^elasticloadbalancing:Describe[A-Za-z]*\*?$/,
  /^kms:CreateKey$/,
  /^kms:ListKeys$/,
  /^kms:ListAliases$/,
  /^xray:PutTraceSegments$/,
  /^xray:PutTelemetryRecords$/,
  /^s3:ListAllMyBuckets$/,
];

const isWildcardAction = (action: string) => action === "*" || /^[\w-]+:\*$/.test(action);
const scopable = (action: string) => !ACTIONS_WITHOUT_RESOURCE_TYPES.some((pattern) => pattern.test(action));

/** Every identity policy of the stack with its statements (undefined when unreadable). */
function identityPolicy(element: Element, stack: StackModel): { label: string; statements: Statement[] | undefined }[] {
  if (element.type === "aws_iam_role") {
    return asArray(element.body.inline_policy).map((inline: Block) => ({ label: `inline policy ${inline.name ?? ""}`.trim(), statements: stack.policyStatements(inline.policy) }));
  }
  return [{ label: "policy", statements: stack.policyStatements(element.body[IDENTITY_POLICIES[element.type]]) }];
}

const identityPolicyTargets = (stack: StackModel) => [
  ...stack.resources(...Object.keys(IDENTITY_POLICIES)),
  ...stack.resources("aws_iam_role").filter(({ body }) => asArray(body.inline_policy).length > 0),
];

export const iamNoWildcardResource = defineRule({
  id: "iam-no-wildcard-resource",
  title: 'Identity policies name their resources (no "*" for resource-scopable actions)',
  severity: "error",
  profile: "baseline",
  maps: maps([], ["CKV_AWS_355", "CKV_AWS_111"], ["AVD-AWS-0057"]),
  rationale: 'Resource "*" on an action that supports resource-level permissions grants it on every current and future resource of the account.',
  fix: 'List the ARNs the role needs; keep "*" only for actions without resource types (ecr:GetAuthorizationToken, ...).',
  targets: identityPolicyTargets,
  check: (element, stack) =>
    identityPolicy(element, stack).flatMap(({ label, statements }) => {
      if (statements === undefined) return [`${label} cannot be read statically (use aws_iam_policy_document)`];
      return statements
        .filter((statement) => statement.effect === "Allow" && (statement.resources.includes("*") || statement.notResources.length > 0))
        .flatMap((statement) => {
          const offending = [...statement.actions.filter(scopable), ...statement.notActions.map((action) => `NotAction ${action}`)];
          return when(offending.length > 0, `${statement.sid ?? "a statement"} allows ${offending.join(", ")} on resource "*"`);
        });
    }),
});

export const iamNoWildcardActions = defineRule({
  id: "iam-no-wildcard-actions",
  title: 'Identity policies list their actions (no "*" or "service:*")',
  severity: "error",
  profile: "baseline",
  maps: maps(["IAM.21"], ["CKV_AWS_63", "CKV_AWS_290"], ["AVD-AWS-0057"]),
  rationale: "A service-wide wildcard grants every action the service will ever add, including destructive and escalating ones.",
  fix: "List the actions the role calls.",
  targets: identityPolicyTargets,
  check: (element, stack) =>
    identityPolicy(element, stack).flatMap(({ statements }) =>
      (statements ?? [])
        .filter((statement) => statement.effect === "Allow")
        .flatMap((statement) => [
          ...when(statement.actions.some(isWildcardAction), `${statement.sid ?? "a statement"} allows ${statement.actions.filter(isWildcardAction).join(", ")}`),
          ...when(statement.notActions.length > 0, `${statement.sid ?? "a statement"} allows everything but ${statement.notActions.join(", ")}`),
        ]),
    ),
});

export const iamNoAdministratorAccess = defineRule({
  id: "iam-no-admin-access",
  title: "No identity has administrator access (except the deploy roles, suppressed with a reason)",
  severity: "error",
  profile: "baseline",
  maps: maps(["IAM.1"], ["CKV_AWS_274", "CKV_AWS_62", "CKV_AWS_1"], ["AVD-AWS-0057"]),
  rationale: "An administrator identity turns any compromise of it (a workload, a CI job) into a compromise of the account.",
  fix: "Attach a policy with the actions the identity needs; if it really deploys everything, suppress this rule on it with the reason and what limits who can use it.",
  targets: ofType("aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_role", ...Object.keys(IDENTITY_POLICIES)),
  check: (element, stack) => {
    const managed = element.type === "aws_iam_role" ? asArray(element.body.managed_policy_arns) : [element.body.policy_arn].filter(Boolean);
    const statements = element.type in IDENTITY_POLICIES || element.type === "aws_iam_role" ? identityPolicy(element, stack).flatMap(({ statements: found }) => found ?? []) : [];
    return [
      ...managed.filter((arn: string) => MANAGED_ADMIN_POLICIES.some((pattern) => pattern.test(arn))).map((arn: string) => `attaches ${arn.split("/").pop()}`),
      ...when(
        statements.some((statement) => statement.effect === "Allow" && statement.actions.includes("*") && statement.resources.includes("*")),
        'allows "*" on "*"',
      ),
    ];
  },
});
