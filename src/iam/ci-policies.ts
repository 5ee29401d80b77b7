import { ciRolePrefixes, resourcePrefix } from "../config/naming";
import { DATA_SOURCE_ACTIONS, EXTRA_ACTIONS, RESOURCE_ACTIONS, type ActionMapEntry } from "./action-map";
import { arnPatterns, GLOBAL_SERVICES, type ArnScope } from "./arn-patterns";
import type { LayerInventory } from "./layer-inventory";
import { drTrailName, securityAlertTopicName, securityFindingRulePrefix } from "../config/naming";

/**
 * The CI identities' policies, generated from the action map (action-map.ts) and the inventory
 * of the layers each identity applies (layer-inventory.ts): nothing here lists a resource type.
 * Plain JSON (no Terraform references), so tests simulate exactly what is synthesized.
 */

export type PolicyStatement = {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
} & (
  | { readonly Resource: string[]; readonly NotResource?: never }
  | { readonly NotResource: string[]; readonly Resource?: never }
);

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
}

export interface CiPolicyInputs extends ArnScope {
  /** aws.region and aws.drRegion: the only regions the identity may call (global services exempt). */
  readonly regions: readonly string[];
  /** ARN of the permissions boundary every created role must carry. */
  readonly boundaryArn: string;
  /** The layers this identity applies. */
  readonly inventory: LayerInventory;
  /** The other identity's layers: what this one must not change (their roles, buckets, keys). */
  readonly protectedInventory: LayerInventory;
  /** Entries of EXTRA_ACTIONS this identity also needs (the release tool, provider setup). */
  readonly extras: readonly (keyof typeof EXTRA_ACTIONS)[];
  /** Names (patterns) of roles this identity may create without the boundary: the CI identities, for the platform identity. @default none */
  readonly unboundedRoles?: readonly string[];
  /**
   * Regions where this identity's own layers run threat detection (the pilot light's, in aws.drRegion):
   * everywhere else it may not reconfigure GuardDuty or Security Hub. Only read when detection is protected. @default none
   */
  readonly ownDetectionRegions?: readonly string[];
  /** Which protections apply (protections()). @default all */
  readonly protect?: Pick<
    ProtectionInputs,
    "protectCiRoles" | "protectBoundary" | "protectDetection" | "otherBoundaryArns"
  >;
}

/** AWS's quotas: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html */
export const IAM_LIMITS = {
  /** Managed policy size, characters, whitespace not counted. */
  managedPolicyChars: 6144,
  /** Managed policies attached to a role (default quota; raisable to 20). */
  managedPoliciesPerRole: 10,
  /** All inline policies of a role together, characters, whitespace not counted. */
  inlinePolicyChars: 10240,
} as const;

/** The IAM actions that change identities: never granted without the boundary. */
const ROLE_GRANTING = ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"];
const ROLE_WRITES = [
  "iam:CreateRole",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateRole",
  "iam:DeleteRole",
  "iam:TagRole",
  "iam:UntagRole",
];

type Kind = "named" | "tagged" | "created" | "anyResource";
const KINDS: readonly Kind[] = ["named", "tagged", "created", "anyResource"];
const serviceOf = (action: string) => action.split(":")[0];
const unique = (values: Iterable<string>) => [...new Set(values)].sort();
const pascal = (service: string) =>
  service
    .split(/[^a-z0-9]/i)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join("");

/** The map entries of an inventory; a type without an entry fails, naming it. */
export function entriesOf(inventory: LayerInventory, extras: readonly string[] = []): ActionMapEntry[] {
  const lookup = (table: Readonly<Record<string, ActionMapEntry>>, kind: string) => (type: string) => {
    const entry = table[type];
    if (!entry)
      throw new Error(
        `${kind} ${type} has no entry in src/iam/action-map.ts: add the IAM actions the provider calls for it, with their source`,
      );
    return entry;
  };
  return [
    ...inventory.resources.map(lookup(RESOURCE_ACTIONS, "resource type")),
    ...inventory.dataSources.map(lookup(DATA_SOURCE_ACTIONS, "data source")),
    ...extras.map(lookup(EXTRA_ACTIONS, "extra")),
  ];
}

/** Every action the map lists for an inventory, by how it is scoped. */
export function mappedActions(inventory: LayerInventory, extras: readonly string[] = []): Record<Kind, string[]> {
  const entries = entriesOf(inventory, extras);
  const of = (kind: Kind) =>
    unique(entries.flatMap((entry) => entry[kind] ?? []).filter((action) => !ROLE_GRANTING.includes(action)));
  return { named: of("named"), tagged: of("tagged"), created: of("created"), anyResource: of("anyResource") };
}

/** The Allow statements of an identity, then its Deny statements (protections()). */
export function identityStatements(inputs: CiPolicyInputs): PolicyStatement[] {
  const patterns = arnPatterns(inputs);
  const actions = mappedActions(inputs.inventory, inputs.extras);
  const region = (service: string): Record<string, Record<string, string | string[]>> =>
    GLOBAL_SERVICES.includes(service) ? {} : { StringEquals: { "aws:RequestedRegion": [...inputs.regions] } };
  const tag = (key: string) => ({ [`aws:${key}/Environment`]: inputs.environment });
  const statements: PolicyStatement[] = [];
  for (const kind of KINDS) {
    const byService = new Map<string, string[]>();
    for (const action of actions[kind])
      byService.set(serviceOf(action), [...(byService.get(serviceOf(action)) ?? []), action]);
    for (const [service, list] of [...byService].sort(([a], [b]) => a.localeCompare(b))) {
      const regional = region(service);
      const withTag = (key: string) => ({
        ...regional,
        StringEquals: { ...(regional.StringEquals ?? {}), ...tag(key) },
      });
      if (kind === "named" && !patterns[service])
        throw new Error(`src/iam/arn-patterns.ts has no ARN pattern for ${service} (actions ${list.join(", ")})`);
      const base = { Sid: `${pascal(service)}${pascal(kind)}`, Effect: "Allow" as const, Action: list };
      if (kind === "named") statements.push({ ...base, Resource: [...patterns[service]], ...condition(regional) });
      if (kind === "tagged") statements.push({ ...base, Resource: ["*"], Condition: withTag("ResourceTag") });
      if (kind === "created") statements.push({ ...base, Resource: ["*"], Condition: withTag("RequestTag") });
      if (kind === "anyResource") statements.push({ ...base, Resource: ["*"], ...condition(regional) });
    }
  }
  statements.push(...roleStatements(inputs), ...protections({ ...inputs, ...inputs.protect }));
  if (inputs.protect?.protectDetection !== false) statements.push(...identityOnlyProtections(inputs));
  statements.push({
    // A role it creates may trust it (it may write trust policies), and in one account a trust policy
    // naming the caller needs no identity grant: only an explicit deny keeps the identity from
    // taking on a workload role's runtime powers (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
    Sid: "DenyAssumingRoles",
    Effect: "Deny",
    Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
    Resource: [`arn:aws:iam::${inputs.accountId}:role/*`],
  });
  return statements;
}

const condition = (value: PolicyStatement["Condition"]) =>
  value && Object.keys(value).length > 0 ? { Condition: value } : {};

/** Creating and shaping roles: only with the boundary; passing exactly the roles the stacks pass; service-linked roles the services need. */
function roleStatements(inputs: CiPolicyInputs): PolicyStatement[] {
  const account = inputs.accountId;
  const prefix = resourcePrefix(inputs.environment);
  const roleArn = (name: string) => `arn:aws:iam::${account}:role/${name}`;
  const entries = entriesOf(inputs.inventory, inputs.extras);
  const linked = unique(entries.flatMap((entry) => (entry.serviceLinkedRole ? [entry.serviceLinkedRole] : [])));
  const boundary = { StringEquals: { "iam:PermissionsBoundary": inputs.boundaryArn } };
  const statements: PolicyStatement[] = [];
  if (inputs.inventory.resources.includes("aws_iam_role")) {
    statements.push({
      Sid: "RolesOnlyWithBoundary",
      Effect: "Allow",
      Action: ROLE_GRANTING,
      Resource: [roleArn(`${prefix}-*`)],
      Condition: boundary,
    });
    if (inputs.inventory.managedPolicies.length > 0) {
      statements.push({
        Sid: "AttachOnlyStackPoliciesWithBoundary",
        Effect: "Allow",
        Action: ["iam:AttachRolePolicy"],
        Resource: [roleArn(`${prefix}-*`)],
        Condition: {
          StringEquals: { ...boundary.StringEquals, "iam:PolicyARN": [...inputs.inventory.managedPolicies] },
        },
      });
    }
  }
  if (inputs.unboundedRoles?.length) {
    statements.push({
      Sid: "CiIdentities",
      Effect: "Allow",
      Action: [...ROLE_GRANTING, "iam:AttachRolePolicy"],
      Resource: inputs.unboundedRoles.map(roleArn),
    });
  }
  if (inputs.inventory.passedRoles.length > 0) {
    statements.push({
      Sid: "PassOnlyStackRoles",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: inputs.inventory.passedRoles.map(roleArn),
    });
  }
  if (linked.length > 0) {
    statements.push({
      Sid: "ServiceLinkedRoles",
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: [`arn:aws:iam::${account}:role/aws-service-role/*`],
      Condition: { StringEquals: { "iam:AWSServiceName": linked } },
    });
  }
  return statements;
}

/** The CI identities' own roles: no stack may change them but the platform layers'. */
export function ciRolePattern(environment: string): string {
  return `${ciRolePrefixes(environment)[0]}*`;
}

/**
 * What an identity (and every role under the boundary) must never do: remove or rewrite the
 * boundary, change the CI identities' or the other identity's roles, or weaken what the other
 * identity owns (state buckets, trail bucket, their keys); stop the trail or threat detection.
 */
/** What protections() protects; the platform identity maintains the boundary, the trail and the CI roles, so it turns those off. */
export type ProtectionInputs = Pick<
  CiPolicyInputs,
  "accountId" | "environment" | "boundaryArn" | "protectedInventory"
> & {
  /** Deny changes to every CI identity's role. @default true */
  readonly protectCiRoles?: boolean;
  /** Deny rewriting or deleting the boundary policy. @default true */
  readonly protectBoundary?: boolean;
  /** Deny stopping the trail, threat detection, the recorder and the analyzer. @default true */
  readonly protectDetection?: boolean;
  /** Other boundary policies protected like boundaryArn (the platform roles' boundary). @default none */
  readonly otherBoundaryArns?: readonly string[];
};

/** Tag writes of the services whose "tagged" statements grant control by aws:ResourceTag/Environment. */
const TAG_WRITES = [
  "kms:TagResource",
  "kms:UntagResource",
  "ec2:CreateTags",
  "ec2:DeleteTags",
  "guardduty:TagResource",
  "guardduty:UntagResource",
  "acm:AddTagsToCertificate",
  "acm:RemoveTagsFromCertificate",
  "backup:TagResource",
  "backup:UntagResource",
];

/** What turns detection down without deleting it: settings, suppression filters, trusted IP lists, standards. */
const DETECTION_SETTINGS = [
  "guardduty:UpdateDetector",
  "guardduty:CreateFilter",
  "guardduty:UpdateFilter",
  "guardduty:CreateIPSet",
  "guardduty:UpdateIPSet",
  "guardduty:CreateThreatIntelSet",
  "guardduty:UpdateThreatIntelSet",
  "securityhub:BatchDisableStandards",
  "securityhub:UpdateStandardsControl",
  "securityhub:CreateAutomationRule",
  "securityhub:BatchUpdateFindings",
];

/**
 * Denies of the deploy identity that the workload boundary has no room for (and its roles no
 * grants to need them): no re-tagging of another environment's resources, since a "tagged" grant
 * follows the tag (Environment=<env> put on production's key would hand staging its policy); and
 * no detection settings outside the regions where its own layers run detection.
 */
function identityOnlyProtections(inputs: CiPolicyInputs): PolicyStatement[] {
  return [
    {
      Sid: "DenyRetaggingOtherEnvironments",
      Effect: "Deny",
      Action: TAG_WRITES,
      Resource: ["*"],
      // Only resources that carry an Environment tag of another value: a create has no resource tag yet.
      Condition: {
        Null: { "aws:ResourceTag/Environment": "false" },
        StringNotEquals: { "aws:ResourceTag/Environment": inputs.environment },
      },
    },
    {
      // What pages on the primary region's findings and the trail's CIS filters is the platform's: its
      // finding rules, its alert topic and the trail's log group (the DR site's are named apart).
      Sid: "DenyPlatformPagingChanges",
      Effect: "Deny",
      Action: [
        "events:DeleteRule",
        "events:DisableRule",
        "events:PutRule",
        "events:PutTargets",
        "events:RemoveTargets",
        "sns:DeleteTopic",
        "sns:SetTopicAttributes",
        "sns:AddPermission",
        "sns:RemovePermission",
        "logs:DeleteLogGroup",
        "logs:DeleteMetricFilter",
        "logs:PutMetricFilter",
        "logs:PutRetentionPolicy",
        "logs:DisassociateKmsKey",
      ],
      Resource: [
        `arn:aws:events:*:${inputs.accountId}:rule/${securityFindingRulePrefix(inputs.environment, "primary")}-*`,
        `arn:aws:sns:*:${inputs.accountId}:${securityAlertTopicName(inputs.environment)}`,
        `arn:aws:logs:*:${inputs.accountId}:log-group:/aws/cloudtrail/*`,
      ],
    },
    {
      Sid: "DenyDetectionSettings",
      Effect: "Deny",
      Action: DETECTION_SETTINGS,
      Resource: ["*"],
      ...((inputs.ownDetectionRegions ?? []).length > 0
        ? { Condition: { StringNotEquals: { "aws:RequestedRegion": [...(inputs.ownDetectionRegions ?? [])] } } }
        : {}),
    },
  ];
}

export function protections(inputs: ProtectionInputs): PolicyStatement[] {
  const account = inputs.accountId;
  const roles = [
    ...(inputs.protectCiRoles === false ? [] : [ciRolePattern(inputs.environment)]),
    ...inputs.protectedInventory.roles.filter((name) => !name.startsWith(ciRolePrefixes(inputs.environment)[0])),
  ];
  const { buckets, keyAliases } = inputs.protectedInventory;
  const statements: PolicyStatement[] = [
    { Sid: "DenyBoundaryRemoval", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"], Resource: ["*"] },
  ];
  if (inputs.protectBoundary !== false) {
    statements.push({
      Sid: "DenyBoundaryChanges",
      Effect: "Deny",
      Action: ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion"],
      Resource: [inputs.boundaryArn, ...(inputs.otherBoundaryArns ?? [])],
    });
  }
  if (inputs.protectDetection !== false) {
    statements.push({
      Sid: "DenyDetectionTampering",
      Effect: "Deny",
      Action: [
        "guardduty:DeleteDetector",
        "guardduty:DisassociateFromMasterAccount",
        "securityhub:DisableSecurityHub",
        "config:StopConfigurationRecorder",
        "config:DeleteConfigurationRecorder",
        "access-analyzer:DeleteAnalyzer",
      ],
      Resource: ["*"],
    });
    // No trail stops logging, the DR trail included: a teardown deletes it without stopping it.
    statements.push({ Sid: "DenyStopLogging", Effect: "Deny", Action: ["cloudtrail:StopLogging"], Resource: ["*"] });
    // Every trail of the account, the organisation's included, except the DR trail restore mode starts
    // (created with its event selectors) and a drill's or decommission's teardown deletes (its logs stay
    // in the pilot light's bucket).
    statements.push({
      Sid: "DenyTrailTampering",
      Effect: "Deny",
      Action: ["cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"],
      NotResource: [`arn:aws:cloudtrail:*:${account}:trail/${drTrailName(inputs.environment)}`],
    });
  }
  if (roles.length > 0)
    statements.push({
      Sid: "DenyProtectedRoleChanges",
      Effect: "Deny",
      Action: ROLE_WRITES,
      Resource: roles.map((name) => `arn:aws:iam::${account}:role/${name}`),
    });
  if (buckets.length > 0) {
    statements.push({
      Sid: "DenyProtectedBucketChanges",
      Effect: "Deny",
      Action: [
        "s3:DeleteBucket",
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:PutBucketVersioning",
        "s3:PutLifecycleConfiguration",
        "s3:PutEncryptionConfiguration",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutReplicationConfiguration",
        "s3:PutBucketObjectLockConfiguration",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketLogging",
        "s3:DeleteObjectVersion",
      ],
      Resource: buckets.flatMap((bucket) => [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]),
    });
  }
  if (keyAliases.length > 0) {
    statements.push({
      Sid: "DenyProtectedKeyChanges",
      Effect: "Deny",
      Action: [
        "kms:ScheduleKeyDeletion",
        "kms:DisableKey",
        "kms:PutKeyPolicy",
        "kms:DisableKeyRotation",
        "kms:UpdateAlias",
        "kms:DeleteAlias",
      ],
      Resource: ["*"],
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": [...keyAliases] } },
    });
  }
  return statements;
}

/**
 * The permissions boundary of the roles the platform layers create (state replication, trail
 * delivery, Config): a ceiling, not a grant (each role's own policies grant), because those roles
 * reach the platform's own buckets. Under it no role may change IAM at all, assume a CI identity,
 * stop the trail or detection, or rewrite a boundary. The deploy identity cannot give it to a role:
 * its CreateRole requires the workload boundary (workload-boundary.ts).
 */
/** Every IAM action that writes (by verb prefix): both boundaries deny them all. */
export const IAM_WRITE_ACTIONS = [
  "Add",
  "Attach",
  "Create",
  "Delete",
  "Detach",
  "Pass",
  "Put",
  "Remove",
  "Set",
  "Tag",
  "Untag",
  "Update",
  "Upload",
  "Change",
  "Reset",
  "Enable",
  "Deactivate",
  "Resync",
].map((verb) => `iam:${verb}*`);

export function boundaryDocument(
  inputs: Pick<CiPolicyInputs, "accountId" | "environment" | "boundaryArn" | "protectedInventory">,
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "Ceiling", Effect: "Allow", Action: ["*"], Resource: ["*"] },
      { Sid: "DenyIamChanges", Effect: "Deny", Action: IAM_WRITE_ACTIONS, Resource: ["*"] },
      {
        Sid: "DenyAssumingCiIdentities",
        Effect: "Deny",
        Action: ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
        Resource: [`arn:aws:iam::${inputs.accountId}:role/${ciRolePattern(inputs.environment)}`],
      },
      ...protections(inputs),
    ],
  };
}

/** Characters IAM counts for a policy: its JSON without whitespace. */
export function policyChars(document: unknown): number {
  return JSON.stringify(document).length;
}

/** The statements packed into as few managed policies as fit IAM's size limit; a statement too large alone is split by its actions. */
export function packPolicies(
  statements: readonly PolicyStatement[],
  limit: number = IAM_LIMITS.managedPolicyChars,
): PolicyDocument[] {
  const fits = (statement: PolicyStatement) => policyChars({ Version: "2012-10-17", Statement: [statement] }) <= limit;
  const split = (statement: PolicyStatement): PolicyStatement[] => {
    if (fits(statement)) return [statement];
    if (statement.Action.length < 2) throw new Error(`statement ${statement.Sid} alone exceeds ${limit} characters`);
    const half = Math.ceil(statement.Action.length / 2);
    return [
      ...split({ ...statement, Sid: `${statement.Sid}A`, Action: statement.Action.slice(0, half) }),
      ...split({ ...statement, Sid: `${statement.Sid}B`, Action: statement.Action.slice(half) }),
    ];
  };
  const documents: PolicyStatement[][] = [];
  for (const statement of statements.flatMap(split)) {
    const target = documents.find(
      (candidate) => policyChars({ Version: "2012-10-17", Statement: [...candidate, statement] }) <= limit,
    );
    if (target) target.push(statement);
    else documents.push([statement]);
  }
  return documents.map((Statement) => ({ Version: "2012-10-17", Statement }));
}
