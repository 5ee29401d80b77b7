import { MANAGED_POLICY_NEEDS } from "../../src/iam/managed-policy-needs";
import type { SimulatedRequest } from "./iam-simulator";
import type { Block } from "./synth";

/**
 * Every request a role of the synth output needs to succeed: each action of each Allow statement of
 * its own policies on each resource it names (Terraform references resolved to ARNs of the same
 * shape AWS gives, following remote state to the stack that outputs them), with a request context
 * that meets the statement's conditions; and what its AWS managed policies are used for
 * (managed-policy-needs.ts). Every resource the stacks create carries Environment=<env> (default tags).
 */
export interface RoleRequest extends SimulatedRequest {
  readonly role: string;
  readonly stack: string;
}

type Stacks = Record<string, Record<string, any>>;

const KEY_ID = "11111111-1111-1111-1111-111111111111";

export function roleRequests(stacks: Stacks, environment: string, accountId: string): RoleRequest[] {
  const requests: RoleRequest[] = [];
  for (const [stack, json] of Object.entries(stacks)) {
    const region = String([].concat(json.provider?.aws ?? [])[0]?.["region"] ?? "eu-west-1");
    const resolve = resolver(stacks, stack, accountId);
    const roles = (json.resource?.aws_iam_role ?? {}) as Record<string, Block>;
    const documents = (json.data?.aws_iam_policy_document ?? {}) as Record<string, Block>;
    const roleName = (reference: string) => {
      const logical = /aws_iam_role\.([\w-]+)\./.exec(reference)?.[1];
      return String(roles[logical ?? ""]?.name ?? reference);
    };
    const policies = [
      ...Object.values((json.resource?.aws_iam_role_policy ?? {}) as Record<string, Block>).map((block) => ({
        role: roleName(String(block.role)),
        policy: String(block.policy),
      })),
      ...Object.values(roles).flatMap((role) =>
        ([] as Block[])
          .concat(role.inline_policy ?? [])
          .map((inline) => ({ role: String(role.name), policy: String(inline.policy) })),
      ),
    ];
    const context = { "aws:ResourceTag/Environment": environment, "aws:RequestedRegion": region };
    for (const { role, policy } of policies) {
      if (role.includes(`auth-${environment}-ci-`)) continue;
      const document = documents[/aws_iam_policy_document\.([\w-]+)\.json/.exec(policy)![1]];
      for (const statement of ([] as Block[]).concat(document.statement ?? [])) {
        if ((statement.effect ?? "Allow") !== "Allow") continue;
        const resources = resourcesOf(statement.resources, resolve, region, accountId);
        const conditions = Object.fromEntries(
          ([] as Block[])
            .concat(statement.condition ?? [])
            .map((condition) => [
              condition.variable,
              concrete(String(([] as string[]).concat(condition.values)[0]), region, accountId, resolve),
            ]),
        );
        for (const action of statement.actions as string[])
          for (const resource of resources)
            requests.push({
              role,
              stack,
              action,
              resource,
              context: { ...context, ...conditions },
              ...keyPolicy(resource, accountId),
            });
      }
    }
    for (const attachment of Object.values(
      (json.resource?.aws_iam_role_policy_attachment ?? {}) as Record<string, Block>,
    )) {
      const need = MANAGED_POLICY_NEEDS[String(attachment.policy_arn)];
      const role = roleName(String(attachment.role));
      if (!need || role.includes(`auth-${environment}-ci-`)) continue;
      const tagged = (action: string) => {
        const service = action.split(":")[0];
        if (service === "kms") return `arn:aws:kms:${region}:${accountId}:key/${KEY_ID}`;
        if (service === "backup") return `arn:aws:backup:${region}:${accountId}:backup-vault:auth-${environment}-vault`;
        return `arn:aws:ec2:${region}:${accountId}:instance/i-0123456789abcdef0`;
      };
      for (const action of need.anyResource ?? []) requests.push({ role, stack, action, resource: "*", context });
      for (const action of need.tagged ?? [])
        requests.push({
          role,
          stack,
          action,
          resource: tagged(action),
          context,
          ...keyPolicy(tagged(action), accountId),
        });
      for (const action of need.named ?? []) {
        for (const pattern of need.resources ?? []) {
          const resource = pattern
            .split("{account}")
            .join(accountId)
            .split("{env}")
            .join(environment)
            .replace(/:\*:/, `:${region}:`)
            .replace(/\*/g, "x");
          requests.push({ role, stack, action, resource, context });
        }
      }
    }
  }
  return requests;
}

/** A wildcard ARN made concrete: the stack's region and account, "x" for what a wildcard stands for. */
function concrete(value: string, region: string, accountId: string, resolve: (reference: string) => string): string {
  const listed = /^\$\{formatlist\("([^"]+)", [^}]+\)\}$/.exec(value);
  if (listed) return concrete(listed[1].replace("%s", "subnet-1"), region, accountId, resolve);
  return value
    .replace(/\$\{[^}]+\}/g, (reference) => resolve(reference))
    .replace(/^(arn:aws:[\w-]+):\*:\*:/, `$1:${region}:${accountId}:`)
    .replace(/^(arn:aws:[\w-]+):\*:/, `$1:${region}:`)
    .replace(/\*/g, "x");
}

function resourcesOf(
  resources: unknown,
  resolve: (reference: string) => string,
  region: string,
  accountId: string,
): string[] {
  if (typeof resources === "string") {
    // ${concat(["arn:...network-interface/*"], formatlist("arn:aws:ec2:*:*:subnet/%s", ...), ...)}: the literal ARNs, ids made up.
    return [...resources.matchAll(/arn:aws:ec2:\*:\*:([\w-]+)\/(%s|\*)/g)].map(
      ([, type]) => `arn:aws:ec2:${region}:${accountId}:${type}/${type}-1`,
    );
  }
  return (resources as string[]).map((resource) =>
    resource === "*" ? "*" : concrete(resource, region, accountId, resolve),
  );
}

/** Resolves ${type.name.arn}-like references of a stack to ARNs, following remote state to the stack that outputs them. */
function resolver(stacks: Stacks, stack: string, accountId: string): (reference: string) => string {
  const json = stacks[stack];
  const region = String([].concat(json.provider?.aws ?? [])[0]?.["region"] ?? "eu-west-1");
  const block = (type: string, name: string) => json.resource?.[type]?.[name] as Block;
  const self = (reference: string): string => {
    const remote = /^\$\{data\.terraform_remote_state\.[\w-]+\.outputs\.([\w]+)\}$/.exec(reference);
    if (remote) {
      const source = Object.keys(stacks).find(
        (candidate) => candidate !== stack && stacks[candidate].output?.[remote[1]],
      );
      if (!source) throw new Error(`${stack}: no stack outputs ${remote[1]}`);
      return resolver(stacks, source, accountId)(String(stacks[source].output[remote[1]].value));
    }
    // ${replace(<reference>, ":<region>:", ":<region>:")}: a replica's ARN (dr-data-stack.ts replicaArn).
    const replaced = /^\$\{replace\((\S+), "([^"]*)", "([^"]*)"\)\}$/.exec(reference);
    if (replaced) return self(`\${${replaced[1]}}`).split(replaced[2]).join(replaced[3]);
    const master = /^\$\{aws_db_instance\.[\w-]+\.master_user_secret\[0\]\.secret_arn\}$/.exec(reference);
    if (master) return `arn:aws:secretsmanager:${region}:${accountId}:secret:rds!db-0a1b2c3d-AbCdEf`;
    const match = /^\$\{(aws_[\w]+)\.([\w-]+)\.(arn|id)\}$/.exec(reference);
    if (!match) throw new Error(`${stack}: cannot resolve ${reference}`);
    const [, type, name] = match;
    const found = block(type, name);
    const arnOf: Record<string, () => string> = {
      aws_cloudwatch_log_group: () => `arn:aws:logs:${region}:${accountId}:log-group:${found.name}`,
      aws_secretsmanager_secret: () => `arn:aws:secretsmanager:${region}:${accountId}:secret:${found.name}-AbCdEf`,
      aws_kms_key: () => `arn:aws:kms:${region}:${accountId}:key/${KEY_ID}`,
      aws_s3_bucket: () => `arn:aws:s3:::${found.bucket}`,
      aws_ecr_repository: () => `arn:aws:ecr:${region}:${accountId}:repository/${found.name}`,
      aws_autoscaling_group: () =>
        `arn:aws:autoscaling:${region}:${accountId}:autoScalingGroup:${KEY_ID}:autoScalingGroupName/${found.name}`,
      aws_security_group: () => `arn:aws:ec2:${region}:${accountId}:security-group/sg-1`,
      aws_sns_topic: () => `arn:aws:sns:${region}:${accountId}:${found.name}`,
    };
    if (!found || !arnOf[type]) throw new Error(`${stack}: cannot resolve ${reference}`);
    // A key, security group or subnet id stands where the value is a list of ids.
    return arnOf[type]();
  };
  return (reference: string) => {
    if (/^\$\{[^}]*\}$/.test(reference)) return self(reference);
    return reference.replace(/\$\{[^}]+\}/g, (inner) => self(inner));
  };
}

/** The stacks' key policies delegate to the account, so identity policies decide (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html). */
function keyPolicy(resource: string, accountId: string): { resourcePolicy?: unknown } {
  if (!resource.startsWith("arn:aws:kms:")) return {};
  return {
    resourcePolicy: {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
      ],
    },
  };
}
