/**
 * What one synthesized stack (cdk.tf.json) asks of the identity that applies it: the resource
 * types and data sources it uses, the roles it passes to services, the AWS managed policies it
 * attaches, and the names of what it owns. Pure: reads JSON, no cdktf. The CI policies are
 * generated from these facts (ci-policies.ts), recorded per environment and layer in
 * layer-inventory.json by `npm run iam -- --update` and checked against the synth by a test.
 */

/** The parts of a stack's inventory the policies are derived from. */
export interface LayerInventory {
  /** resource.<type> blocks the stack has. */
  readonly resources: readonly string[];
  /** data.<type> blocks the stack has. */
  readonly dataSources: readonly string[];
  /** Names of the roles the stack passes to a service (a role's ARN given to another resource, or a role in an instance profile). */
  readonly passedRoles: readonly string[];
  /** AWS managed policy ARNs attached to the stack's roles. */
  readonly managedPolicies: readonly string[];
  /** Names of the roles the stack creates. */
  readonly roles: readonly string[];
  /** Names of the buckets the stack creates. */
  readonly buckets: readonly string[];
  /** KMS aliases (alias/...) the stack creates. */
  readonly keyAliases: readonly string[];
  /** Actions the stack's roles' own policies (inline and aws_iam_role_policy) allow on named resources: what the workload boundary allows on the environment's resources. */
  readonly roleActions: readonly string[];
  /** Actions those policies allow on "*": what the workload boundary allows on any resource (a test checks each has no resource type). */
  readonly roleActionsOnAnyResource: readonly string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized Terraform JSON: any resource type's attributes.
type Blocks = Record<string, Record<string, Record<string, any>>>;

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
const ROLE_REFERENCE = /\$\{aws_iam_role\.([\w-]+)\.(arn|name|id)\}/g;

/** The inventory of one synthesized stack. */
export function layerInventory(json: { resource?: Blocks; data?: Blocks }): LayerInventory {
  const resources = json.resource ?? {};
  const roleNames = new Map(
    Object.entries(resources.aws_iam_role ?? {}).map(([logical, block]) => [logical, String(block.name)]),
  );
  const passed = new Set<string>();
  for (const [type, blocks] of Object.entries(resources)) {
    // IAM's own resources reference roles to attach policies, not to pass them.
    if (type.startsWith("aws_iam_") && type !== "aws_iam_instance_profile") continue;
    const text = JSON.stringify(blocks);
    for (const match of text.matchAll(ROLE_REFERENCE)) {
      if (type === "aws_iam_instance_profile" || match[2] === "arn") passed.add(roleNames.get(match[1]) ?? match[1]);
    }
  }
  const grants = roleGrants(json);
  const names = (type: string, attribute: string) =>
    Object.values(resources[type] ?? {}).map((block) => String(block[attribute]));
  return {
    resources: sorted(Object.keys(resources)),
    dataSources: sorted(Object.keys(json.data ?? {})),
    passedRoles: sorted(passed),
    managedPolicies: sorted(
      names("aws_iam_role_policy_attachment", "policy_arn").filter((arn) => arn.startsWith("arn:aws:iam::aws:policy/")),
    ),
    roles: sorted(roleNames.values()),
    buckets: sorted(names("aws_s3_bucket", "bucket")),
    keyAliases: sorted(names("aws_kms_alias", "name")),
    roleActions: sorted(grants.named),
    roleActionsOnAnyResource: sorted(grants.anyResource),
  };
}

const POLICY_DOCUMENT = /data\.aws_iam_policy_document\.([\w-]+)\.json/;

/** The Allow statements' actions of the policies a stack puts on its roles, split by whether they name a resource or "*". */
function roleGrants(json: { resource?: Blocks; data?: Blocks }): { named: string[]; anyResource: string[] } {
  const resources = json.resource ?? {};
  const documents = json.data?.aws_iam_policy_document ?? {};
  const policies = [
    ...Object.values(resources.aws_iam_role_policy ?? {}).map((block) => block.policy),
    ...Object.values(resources.aws_iam_role ?? {}).flatMap((block) =>
      [].concat(block.inline_policy ?? []).map((inline: { policy?: unknown }) => inline.policy),
    ),
  ];
  const named: string[] = [];
  const anyResource: string[] = [];
  for (const policy of policies) {
    const reference = POLICY_DOCUMENT.exec(String(policy));
    if (!reference)
      throw new Error(`a role policy that is not an aws_iam_policy_document: ${String(policy).slice(0, 80)}`);
    type Statement = { effect?: string; resources?: unknown; actions: string[] };
    for (const statement of [].concat(documents[reference[1]]?.statement ?? []) as Statement[]) {
      if ((statement.effect ?? "Allow") !== "Allow") continue;
      const onAny = JSON.stringify(statement.resources) === '["*"]';
      (onAny ? anyResource : named).push(...statement.actions);
    }
  }
  return { named, anyResource };
}

/** Inventories of several stacks of one identity, merged. */
export function mergeInventories(inventories: readonly LayerInventory[]): LayerInventory {
  const merge = (key: keyof LayerInventory) => sorted(inventories.flatMap((inventory) => inventory[key] ?? []));
  return {
    resources: merge("resources"),
    dataSources: merge("dataSources"),
    passedRoles: merge("passedRoles"),
    managedPolicies: merge("managedPolicies"),
    roles: merge("roles"),
    buckets: merge("buckets"),
    keyAliases: merge("keyAliases"),
    roleActions: merge("roleActions"),
    roleActionsOnAnyResource: merge("roleActionsOnAnyResource"),
  };
}
