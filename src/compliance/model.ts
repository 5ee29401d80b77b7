/**
 * A read-only view of one synthesized stack (cdk.tf.json): its resources and data sources by
 * type, who references whom, suppressions written next to the constructs, and the statements
 * of the IAM policies attached to identities. Pure: no cdktf, no file system.
 */

/** One block as it appears in cdk.tf.json. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a block of synthesized Terraform JSON: any resource type's attributes.
export type Block = Record<string, any>;

/** The parts of a synthesized stack the rules read. */
export interface TerraformJson {
  readonly "//"?: Block;
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
}

/** Which rules apply to a stack: baseline ones everywhere, production ones too in a production environment. */
export type Profile = "baseline" | "production";

export interface Suppression {
  readonly rule: string;
  readonly reason: string;
}

export interface Element {
  readonly type: string;
  readonly name: string;
  /** Terraform address: aws_s3_bucket.x or data.aws_iam_policy_document.x */
  readonly address: string;
  /** Construct path, when cdktf recorded it. */
  readonly path?: string;
  readonly body: Block;
  readonly suppressions: readonly Suppression[];
}

/** A policy statement, normalized from an aws_iam_policy_document block or a JSON policy. */
export interface Statement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** The condition keys the statement tests (aws:ResourceTag/Environment, aws:SourceArn, ...). */
  readonly conditionKeys: readonly string[];
  /** The AWS service principals the statement names (resource and trust policies). */
  readonly servicePrincipals: readonly string[];
}

export const asArray = <T>(value: T | T[] | undefined | null): T[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

/** Terraform JSON often writes booleans as strings ("true"); both mean the same. */
export const isTrue = (value: unknown): boolean => value === true || value === "true";

/** First element of a nested block, which cdktf writes as an object or a one-element list. */
export const nested = (value: unknown): Block | undefined => {
  const first = Array.isArray(value) ? value[0] : value;
  return first && typeof first === "object" ? (first as Block) : undefined;
};

export class StackModel {
  private readonly elements: Element[];

  constructor(
    readonly name: string,
    readonly json: TerraformJson,
  ) {
    const read = (kind: "resource" | "data") =>
      Object.entries(json[kind] ?? {}).flatMap(([type, blocks]) =>
        Object.entries(blocks).map(([name, body]) => ({
          type,
          name,
          address: kind === "data" ? `data.${type}.${name}` : `${type}.${name}`,
          path: body["//"]?.metadata?.path,
          body,
          suppressions: asArray(body["//"]?.compliance?.suppressions) as Suppression[],
        })),
      );
    this.elements = [...read("resource"), ...read("data")];
  }

  /** Resources (not data sources) of the given types. */
  resources(...types: string[]): Element[] {
    return this.elements.filter((element) => types.includes(element.type) && !element.address.startsWith("data."));
  }

  dataSources(type: string): Element[] {
    return this.elements.filter((element) => element.type === type && element.address.startsWith("data."));
  }

  /** Resources of `type` whose `attribute` refers to `target`, e.g. bucket = ${aws_s3_bucket.logs.id}. */
  referencing(type: string, target: Element, attribute: string): Element[] {
    const pattern = new RegExp(`(?<![\\w.])${escape(target.address)}\\.`);
    return this.resources(type).filter((candidate) => pattern.test(JSON.stringify(candidate.body[attribute] ?? null)));
  }

  /** The element an expression such as ${data.aws_iam_policy_document.x.json} points to. */
  resolve(expression: unknown): Element | undefined {
    if (typeof expression !== "string") return undefined;
    const match = /^\$\{((?:data\.)?[\w-]+\.[\w-]+)\.[\w-]+\}$/.exec(expression);
    return match ? this.elements.find((element) => element.address === match[1]) : undefined;
  }

  /**
   * The statements of a policy attribute: a reference to an aws_iam_policy_document data
   * source or a literal JSON policy. Undefined when the policy cannot be read statically.
   */
  policyStatements(policy: unknown): Statement[] | undefined {
    const document = this.resolve(policy);
    if (document?.type === "aws_iam_policy_document") {
      return asArray(document.body.statement).map((statement: Block) => ({
        sid: statement.sid,
        effect: statement.effect === "Deny" ? "Deny" : "Allow",
        actions: asArray(statement.actions),
        notActions: asArray(statement.not_actions),
        resources: asArray(statement.resources),
        notResources: asArray(statement.not_resources),
        conditionKeys: asArray(statement.condition).map((condition: Block) => String(condition.variable)),
        servicePrincipals: asArray(statement.principals).flatMap((principal: Block) =>
          principal.type === "Service" ? asArray(principal.identifiers) : [],
        ),
      }));
    }
    if (typeof policy !== "string" || policy.includes("${")) return undefined;
    try {
      const parsed = JSON.parse(policy);
      return asArray(parsed.Statement).map((statement: Block) => ({
        sid: statement.Sid,
        effect: statement.Effect === "Deny" ? "Deny" : "Allow",
        actions: asArray(statement.Action),
        notActions: asArray(statement.NotAction),
        resources: asArray(statement.Resource),
        notResources: asArray(statement.NotResource),
        conditionKeys: Object.values((statement.Condition ?? {}) as Record<string, Block>).flatMap((test) =>
          Object.keys(test),
        ),
        servicePrincipals: asArray(statement.Principal?.Service),
      }));
    } catch {
      return undefined;
    }
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
