import { MANAGED_POLICY_NEEDS } from "../../iam/managed-policy-needs";
import { EXTRA_ACTIONS, DATA_SOURCE_ACTIONS, RESOURCE_ACTIONS } from "../../iam/action-map";
import { applyingIdentity, isCiRoleName, parseStackName } from "../../config/naming";
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

/** The action map's actions that take "*" only: __tests__/iam-catalogue.test.ts checks each against the AWS action catalogue. */
const MAPPED_WILDCARD_ONLY = new Set(
  [RESOURCE_ACTIONS, DATA_SOURCE_ACTIONS, EXTRA_ACTIONS, MANAGED_POLICY_NEEDS]
    .flatMap((table) => Object.values(table))
    .flatMap((entry) => entry.anyResource ?? []),
);

const isWildcardAction = (action: string) => action === "*" || /^[\w-]+:\*$/.test(action);
const scopable = (action: string) =>
  !ACTIONS_WITHOUT_RESOURCE_TYPES.some((pattern) => pattern.test(action)) && !MAPPED_WILDCARD_ONLY.has(action);
/** A statement on "*" that only matches resources tagged for the environment, or requests that tag them so: scoped by tag, not by ARN. */
const tagScoped = (statement: Statement) =>
  statement.conditionKeys.some((key) => /^aws:(ResourceTag|RequestTag)\//i.test(key));

/** Every identity policy of the stack with its statements (undefined when unreadable). */
function identityPolicy(element: Element, stack: StackModel): { label: string; statements: Statement[] | undefined }[] {
  if (element.type === "aws_iam_role") {
    return asArray(element.body.inline_policy).map((inline: Block) => ({
      label: `inline policy ${inline.name ?? ""}`.trim(),
      statements: stack.policyStatements(inline.policy),
    }));
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
  rationale:
    'Resource "*" on an action that supports resource-level permissions grants it on every current and future resource of the account.',
  fix: 'List the ARNs the role needs; keep "*" only for actions without resource types (ecr:GetAuthorizationToken, ...).',
  targets: identityPolicyTargets,
  check: (element, stack) =>
    identityPolicy(element, stack).flatMap(({ label, statements }) => {
      if (statements === undefined) return [`${label} cannot be read statically (use aws_iam_policy_document)`];
      return statements
        .filter(
          (statement) =>
            statement.effect === "Allow" &&
            !tagScoped(statement) &&
            (statement.resources.includes("*") || statement.notResources.length > 0),
        )
        .flatMap((statement) => {
          const offending = [
            ...statement.actions.filter(scopable),
            ...statement.notActions.map((action) => `NotAction ${action}`),
          ];
          return when(
            offending.length > 0,
            `${statement.sid ?? "a statement"} allows ${offending.join(", ")} on resource "*"`,
          );
        });
    }),
});

export const iamNoWildcardActions = defineRule({
  id: "iam-no-wildcard-actions",
  title: 'Identity policies list their actions (no "*" or "service:*")',
  severity: "error",
  profile: "baseline",
  maps: maps(["IAM.21"], ["CKV_AWS_63", "CKV_AWS_290"], ["AVD-AWS-0057"]),
  rationale:
    "A service-wide wildcard grants every action the service will ever add, including destructive and escalating ones.",
  fix: "List the actions the role calls.",
  targets: identityPolicyTargets,
  check: (element, stack) =>
    identityPolicy(element, stack).flatMap(({ statements }) =>
      (statements ?? [])
        .filter((statement) => statement.effect === "Allow")
        .flatMap((statement) => [
          ...when(
            statement.actions.some(isWildcardAction),
            `${statement.sid ?? "a statement"} allows ${statement.actions.filter(isWildcardAction).join(", ")}`,
          ),
          ...when(
            statement.notActions.length > 0,
            `${statement.sid ?? "a statement"} allows everything but ${statement.notActions.join(", ")}`,
          ),
        ]),
    ),
});

export const iamNoAdministratorAccess = defineRule({
  id: "iam-no-admin-access",
  title: "No identity has administrator access",
  severity: "error",
  profile: "baseline",
  maps: maps(["IAM.1"], ["CKV_AWS_274", "CKV_AWS_62", "CKV_AWS_1"], ["AVD-AWS-0057"]),
  rationale:
    "An administrator identity turns any compromise of it (a workload, a CI job) into a compromise of the account.",
  fix: "Attach a policy with the actions the identity needs; if it really deploys everything, suppress this rule on it with the reason and what limits who can use it.",
  targets: ofType(
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_role",
    ...Object.keys(IDENTITY_POLICIES),
  ),
  check: (element, stack) => {
    const managed =
      element.type === "aws_iam_role"
        ? asArray(element.body.managed_policy_arns)
        : [element.body.policy_arn].filter(Boolean);
    const statements =
      element.type in IDENTITY_POLICIES || element.type === "aws_iam_role"
        ? identityPolicy(element, stack).flatMap(({ statements: found }) => found ?? [])
        : [];
    return [
      ...managed
        .filter((arn: string) => MANAGED_ADMIN_POLICIES.some((pattern) => pattern.test(arn)))
        .map((arn: string) => `attaches ${arn.split("/").pop()}`),
      ...when(
        statements.some(
          (statement) =>
            statement.effect === "Allow" && statement.actions.includes("*") && statement.resources.includes("*"),
        ),
        'allows "*" on "*"',
      ),
    ];
  },
});

export const iamRolesHaveBoundary = defineRule({
  id: "iam-role-boundary",
  title: "Every role the stacks create carries the environment's permissions boundary (CI identities excepted)",
  severity: "error",
  profile: "baseline",
  maps: maps([], [], []),
  rationale:
    "The deploy identity may create roles only with the boundary; a role without it could hold more than the identity that made it (docs/explanation/least-privilege-delivery.md).",
  fix: "Create the role in a stack derived from BaseStack (its RoleBoundary aspect sets permissions_boundary), or set permissions_boundary to layerBoundaryArn(config, layer).",
  targets: ofType("aws_iam_role"),
  check: (element, stack) => {
    // The CI identities are the documented exception: the boundary protects them (naming.ts ciRolePrefixes).
    if (isCiRoleName(String(element.body.name ?? ""))) return [];
    const boundary = String(element.body.permissions_boundary ?? "");
    // The platform layers' roles carry the platform boundary; every other layer's the workload boundary, which alone the deploy identity may give.
    const layer = parseStackName(stack.name)?.layer;
    const platform = layer !== undefined && applyingIdentity(layer) === "platform";
    const expected = platform
      ? /:policy\/auth-[a-z][a-z0-9]*-platform-role-boundary$|^\$\{aws_iam_policy\.platform-role-boundary_/
      : /:policy\/auth-[a-z][a-z0-9]*-role-boundary$|^\$\{aws_iam_policy\.role-boundary_/;
    if (boundary === "") return ["has no permissions boundary"];
    return when(
      !expected.test(boundary) || (!platform && boundary.includes("platform-role-boundary")),
      `carries ${boundary}, not the ${platform ? "platform" : "workload"} boundary of its layer`,
    );
  },
});

/**
 * Condition keys AWS documents as a service principal's confused-deputy guard: the global
 * aws:Source* keys (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html), and for
 * CloudWatch Logs on a KMS key the log group in the encryption context
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
 */
const DEPUTY_GUARDS = [
  /^aws:SourceArn$/i,
  /^aws:SourceAccount$/i,
  /^aws:SourceOrgID$/i,
  /^aws:SourceOrgPaths$/i,
  /^kms:EncryptionContext:aws:logs:arn$/i,
];

/** Service principals granted without a guard, each with why: AWS documents no guard for that grant. */
export const ACCEPTED_UNGUARDED_PRINCIPALS: readonly {
  readonly principal: RegExp;
  readonly where: "trust" | "resource";
  readonly reason: string;
}[] = [
  {
    principal: /^ec2\.amazonaws\.com$/,
    where: "trust",
    reason:
      "EC2 documents no aws:Source* condition for instance-profile roles; only iam:PassRole (the deploy policy passes exactly the stacks' roles) puts the role on an instance",
  },
  {
    principal: /^lambda\.amazonaws\.com$/,
    where: "trust",
    reason:
      "Lambda documents no aws:Source* condition for execution roles; only iam:PassRole on the stacks' own roles attaches one to a function",
  },
  {
    principal: /^backup\.amazonaws\.com$/,
    where: "trust",
    reason:
      "AWS Backup documents no confused-deputy condition for its service role; iam:PassRole on the stack's role is what hands it to a backup plan",
  },
  {
    principal: /^events\.amazonaws\.com$/,
    where: "resource",
    reason:
      "the KMS grant for EventBridge publishing to an encrypted topic: SNS documents aws:SourceArn/aws:SourceAccount as unsupported there",
  },
  {
    principal: /^(budgets|costalerts)\.amazonaws\.com$/,
    where: "resource",
    reason:
      "the KMS grant for AWS Budgets and Cost Anomaly Detection publishing to the encrypted alert topic: SNS documents the key grant for service publishers without a condition (sns-key-management.html, compatibility with AWS services), and as with EventBridge a condition the KMS request does not carry would drop every alert; the topic policy's aws:SourceAccount/aws:SourceArn conditions limit publishing to this account",
  },
  {
    principal: /^logdelivery\.elasticloadbalancing\.amazonaws\.com$/,
    where: "resource",
    reason:
      "ELB documents this bucket grant without a condition; the object prefix (AWSLogs/<account>/) limits it to this account's logs",
  },
];

/** Policies that grant to service principals: trust policies of roles, and resource policies. */
const SERVICE_GRANT_POLICIES: Record<string, { attribute: string; where: "trust" | "resource" }> = {
  aws_iam_role: { attribute: "assume_role_policy", where: "trust" },
  aws_kms_key: { attribute: "policy", where: "resource" },
  aws_s3_bucket_policy: { attribute: "policy", where: "resource" },
  aws_sns_topic_policy: { attribute: "policy", where: "resource" },
  aws_sqs_queue_policy: { attribute: "policy", where: "resource" },
};

export const servicePrincipalsGuarded = defineRule({
  id: "iam-service-principal-guarded",
  title: "Every grant to an AWS service carries its confused-deputy condition, or is a listed exception",
  severity: "error",
  profile: "baseline",
  maps: maps([], [], []),
  rationale:
    "A service principal acts for every AWS account; without aws:SourceArn/aws:SourceAccount another account's resource can make the service use this grant (the confused deputy).",
  fix: "Add aws:SourceAccount and aws:SourceArn conditions as the service documents; where AWS documents none, add the principal to ACCEPTED_UNGUARDED_PRINCIPALS with the reason.",
  targets: (stack) => [
    ...stack.resources(...Object.keys(SERVICE_GRANT_POLICIES)),
    ...stack.resources("aws_lambda_permission"),
  ],
  check: (element, stack) => {
    if (element.type === "aws_lambda_permission") {
      return when(
        String(element.body.principal ?? "").endsWith(".amazonaws.com") &&
          !element.body.source_arn &&
          !element.body.source_account,
        `grants ${element.body.principal} without source_arn or source_account`,
      );
    }
    const { attribute, where } = SERVICE_GRANT_POLICIES[element.type];
    return (stack.policyStatements(element.body[attribute]) ?? [])
      .filter(
        (statement) =>
          statement.effect === "Allow" &&
          !statement.conditionKeys.some((key) => DEPUTY_GUARDS.some((guard) => guard.test(key))),
      )
      .flatMap((statement) =>
        statement.servicePrincipals
          .filter(
            (principal) =>
              !ACCEPTED_UNGUARDED_PRINCIPALS.some(
                (accepted) => accepted.where === where && accepted.principal.test(principal),
              ),
          )
          .map(
            (principal) =>
              `${statement.sid ?? "a statement"} grants ${principal} without aws:SourceArn or aws:SourceAccount`,
          ),
      );
  },
});
