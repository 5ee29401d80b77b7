import { pathPrefix, resourcePrefix } from "../config/naming";
import { arnPatterns, type ArnScope } from "./arn-patterns";
import {
  ciRolePattern,
  IAM_WRITE_ACTIONS,
  protections,
  type PolicyDocument,
  type PolicyStatement,
} from "./ci-policies";
import type { LayerInventory } from "./layer-inventory";
import { MANAGED_POLICY_NEEDS, type ManagedPolicyNeed } from "./managed-policy-needs";

/**
 * The permissions boundary of every role the deploy identity's stacks create (instance role,
 * rotation and convergence functions, canary, flow logs, RDS monitoring, backup, image push), derived:
 * - the actions are those the deploy layers' roles' own policies allow (layer-inventory.json,
 *   recorded from the synth) and what their AWS managed policies are used for (managed-policy-needs.ts);
 * - the resources are the environment's own: the ARN patterns of arn-patterns.ts that name it, the
 *   resources tagged Environment=<env>, and a few AWS names listed below with their reason.
 * So a role under it does at most what the environment's workloads do, on the environment's
 * resources: not the other environment's, not the platform's state and audit resources, nothing
 * to IAM. See docs/explanation/least-privilege-delivery.md ("More powerful than itself").
 */
export interface WorkloadBoundaryInputs extends ArnScope {
  /** ARN of this boundary (its own versions and deletion are denied). */
  readonly boundaryArn: string;
  /** Other boundary policies no role under this one may change (the platform roles' boundary). */
  readonly otherBoundaryArns: readonly string[];
  /** The deploy identity's layers (restore stacks included): whose roles the boundary carries. */
  readonly inventory: LayerInventory;
  /** The platform layers: their buckets, keys and roles are out of reach. */
  readonly protectedInventory: LayerInventory;
}

/** Resources the workloads use whose names AWS or the service picks, without the environment in them, and why each is accepted. */
export const SERVICE_NAMED_RESOURCES: readonly { readonly arn: string; readonly reason: string }[] = [
  {
    arn: "arn:aws:ec2:*:{account}:network-interface/*",
    reason:
      "a VPC function's network interfaces are created by Lambda with generated ids and no tags; the rotation functions' own policies scope them by the environment's subnets, and creating one also needs the environment's tagged subnet and security group",
  },
  {
    arn: "arn:aws:events:*:{account}:event-bus/default",
    reason:
      "the heartbeat publishes to the account's default bus in the outside-in region, where the rules that listen are the environment's",
  },
  {
    arn: "arn:aws:secretsmanager:*:{account}:secret:rds!db-*",
    reason:
      "RDS names the master user secret it manages rds!db-<id>; only the database rotation function's policy names it, by its exact ARN, and reading it also takes kms:Decrypt with the key that encrypts it, the environment's data key (postgres-database.ts), which only EnvironmentTaggedResources allows",
  },
];

const fill = (template: string, scope: ArnScope) =>
  template.split("{account}").join(scope.accountId).split("{env}").join(scope.environment);
const unique = (values: Iterable<string>) => [...new Set(values)].sort();
const pascal = (text: string) =>
  text
    .split(/[^A-Za-z0-9]/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join("");

/** Services whose resources the workloads use are named by generated ids (KMS keys; subnets, security groups, instances): the stacks tag them Environment=<env> (default tags), so the boundary scopes them by that tag. */
export const TAG_SCOPED_SERVICES: readonly string[] = ["ec2", "kms", "ssm"];

const serviceOf = (action: string) => action.split(":")[0];

/**
 * The environment's own resources: every ARN of the account whose name carries the environment's
 * prefix (naming.ts: auth-<env>, /auth/<env>/), its buckets (S3 ARNs have no account) and the service
 * image repository. One pattern for every service, because a boundary is one managed policy
 * (6,144 characters); a test checks that it covers each pattern of arn-patterns.ts that names the
 * environment and matches none of another environment's.
 */
export function environmentArnPatterns(scope: ArnScope): string[] {
  const prefix = resourcePrefix(scope.environment);
  const any = `arn:aws:*:*:${scope.accountId}:`;
  return [
    `${any}*${prefix}`,
    `${any}*${prefix}-*`,
    // Log groups named exactly auth-<env> or /auth/<env>/..., and their streams (group ARN :log-stream:...).
    ...[`*${prefix}:*`, `${pathPrefix(scope.environment)}/*`, `${pathPrefix(scope.environment)}-*`].map(
      (name) => `arn:aws:logs:*:${scope.accountId}:log-group:${name}`,
    ),
    // Secrets are named auth-<env>/...: a policy simulator does not match "*auth-<env>/*" against them, so name them as arn-patterns.ts does.
    ...arnPatterns(scope).secretsmanager.filter((pattern) => pattern.includes(`${prefix}/`)),
    `arn:aws:s3:::${prefix}-*`,
    `arn:aws:ecr:*:${scope.accountId}:repository/${scope.repositoryName}`,
  ];
}

export function workloadBoundaryDocument(inputs: WorkloadBoundaryInputs): PolicyDocument {
  const { inventory, protectedInventory } = inputs;
  const needs = inventory.managedPolicies.map((arn) => {
    const need = MANAGED_POLICY_NEEDS[arn];
    if (!need)
      throw new Error(
        `${arn} is attached by a deploy layer but has no entry in src/iam/managed-policy-needs.ts: say what the service uses it for, so the boundary lets that through`,
      );
    return [arn, need] as const;
  });
  const ownActions = unique(inventory.roleActions);
  const statements: PolicyStatement[] = [
    {
      Sid: "EnvironmentResources",
      Effect: "Allow",
      Action: ownActions,
      Resource: [...environmentArnPatterns(inputs), ...SERVICE_NAMED_RESOURCES.map(({ arn }) => fill(arn, inputs))],
    },
    {
      Sid: "EnvironmentTaggedResources",
      Effect: "Allow",
      Action: unique([
        ...ownActions.filter((action) => TAG_SCOPED_SERVICES.includes(serviceOf(action))),
        ...needs.flatMap(([, need]) => need.tagged ?? []),
      ]),
      Resource: ["*"],
      Condition: { StringEquals: { "aws:ResourceTag/Environment": inputs.environment } },
    },
    {
      Sid: "NoResourceType",
      Effect: "Allow",
      Action: unique([...inventory.roleActionsOnAnyResource, ...needs.flatMap(([, need]) => need.anyResource ?? [])]),
      Resource: ["*"],
    },
    ...managedStatements(
      needs.map(([arn, need]) => ({ arn, need })),
      inputs,
    ),
  ];
  const account = inputs.accountId;
  const denies: PolicyStatement[] = [
    { Sid: "DenyIamChanges", Effect: "Deny", Action: IAM_WRITE_ACTIONS, Resource: ["*"] },
    // AWS Backup's grants are for AWS resources; a grant to a person would outlive IAM and the boundary
    // (https://docs.aws.amazon.com/kms/latest/developerguide/grant-authorization.html).
    {
      Sid: "DenyGrantsToPeople",
      Effect: "Deny",
      Action: ["kms:CreateGrant"],
      Resource: ["*"],
      Condition: { Bool: { "kms:GrantIsForAWSResource": "false" } },
    },
    {
      Sid: "DenyAssumingCiIdentities",
      Effect: "Deny",
      Action: ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
      Resource: [`arn:aws:iam::${account}:role/${ciRolePattern(inputs.environment)}`],
    },
    // The boundary's own denies (removal, versions, deletion) and detection tampering; role, bucket and
    // key changes are covered by DenyIamChanges and the two below (IAM's 6,144-character limit for a
    // managed policy leaves no room for saying it twice).
    ...protections({
      accountId: account,
      environment: inputs.environment,
      boundaryArn: inputs.boundaryArn,
      otherBoundaryArns: inputs.otherBoundaryArns,
      protectedInventory: { ...protectedInventory, roles: [], buckets: [], keyAliases: [] },
      protectCiRoles: false,
    }),
    // The platform's buckets (state, trail) and keys share the environment's prefix and tag: nothing of them, not even a read.
    ...(protectedInventory.buckets.length
      ? [
          {
            Sid: "DenyPlatformBuckets",
            Effect: "Deny" as const,
            Action: ["s3:*"],
            Resource: protectedInventory.buckets.map((bucket) => `arn:aws:s3:::${bucket}*`),
          },
        ]
      : []),
    ...(protectedInventory.keyAliases.length
      ? [
          {
            Sid: "DenyPlatformKeys",
            Effect: "Deny" as const,
            Action: ["kms:*"],
            Resource: ["*"],
            Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": [...protectedInventory.keyAliases] } },
          },
        ]
      : []),
    // The trail's log group (security layer) carries the environment's prefix too.
    {
      Sid: "DenyTrailLogGroup",
      Effect: "Deny",
      Action: ["logs:*"],
      Resource: [`arn:aws:logs:*:${account}:log-group:/aws/cloudtrail/*`],
    },
  ];
  return {
    Version: "2012-10-17",
    Statement: [...statements.filter((statement) => statement.Action.length > 0), ...denies],
  };
}

/** One statement per set of resources the managed policies' services need (both AWS Backup policies act on the same snapshots). */
function managedStatements(
  needs: readonly { arn: string; need: ManagedPolicyNeed }[],
  scope: ArnScope,
): PolicyStatement[] {
  const byResources = new Map<string, { names: string[]; actions: string[] }>();
  for (const { arn, need } of needs) {
    if (!need.named?.length) continue;
    const key = JSON.stringify(need.resources);
    const entry = byResources.get(key) ?? { names: [], actions: [] };
    entry.names.push(arn.split("/").pop()!);
    entry.actions.push(...need.named);
    byResources.set(key, entry);
  }
  return [...byResources].map(([key, { names, actions }]) => ({
    Sid: `Managed${pascal(names[0])}`,
    Effect: "Allow",
    Action: unique(actions),
    Resource: (JSON.parse(key) as string[]).map((resource) => fill(resource, scope)),
  }));
}
