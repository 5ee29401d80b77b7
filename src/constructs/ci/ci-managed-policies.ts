import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { Construct } from "constructs";
import { suppressFinding } from "../../compliance/suppress";
import {
  IAM_LIMITS,
  packPolicies,
  policyChars,
  type PolicyDocument,
  type PolicyStatement,
} from "../../iam/ci-policies";

export interface CiManagedPoliciesProps {
  /** Prefix of the policy names, e.g. auth-staging-ci-deploy. */
  readonly name: string;
  /** The identity's generated statements (src/iam/ci-policies.ts). */
  readonly statements: readonly PolicyStatement[];
  /** Managed policies the roles already carry besides these, counted against the per-role quota. @default 0 */
  readonly otherAttachments?: number;
}

/**
 * An identity's generated statements as customer managed policies, as few as IAM's size limit
 * allows; synth fails when they would need more than a role may carry.
 */
export class CiManagedPolicies extends Construct {
  readonly documents: PolicyDocument[];
  readonly policies: IamPolicy[];

  constructor(scope: Construct, id: string, props: CiManagedPoliciesProps) {
    super(scope, id);
    this.documents = packPolicies(props.statements);
    const attached = this.documents.length + (props.otherAttachments ?? 0);
    if (attached > IAM_LIMITS.managedPoliciesPerRole) {
      throw new Error(
        `${props.name}: ${attached} managed policies, more than the ${IAM_LIMITS.managedPoliciesPerRole} IAM lets a role carry by default`,
      );
    }
    this.policies = this.documents.map(
      (document, index) =>
        new IamPolicy(this, `policy-${index + 1}`, {
          name: `${props.name}-${index + 1}`,
          description: `${props.name}: generated from src/iam/action-map.ts (part ${index + 1} of ${this.documents.length}, ${policyChars(document)} characters)`,
          policy: JSON.stringify(document),
        }),
    );
  }
}

export interface PermissionsBoundaryPolicyProps {
  /** Name of the boundary policy (naming.ts). */
  readonly name: string;
  /** What it is for, in the policy's description. */
  readonly description: string;
  /** The boundary document (src/iam/workload-boundary.ts or boundaryDocument in ci-policies.ts). */
  readonly document: PolicyDocument;
  /** The document allows "*" as a ceiling (the platform roles' boundary): record why with the compliance pack. @default false */
  readonly ceiling?: boolean;
}

/** A permissions boundary policy: a ceiling that grants nothing by itself. */
export class PermissionsBoundaryPolicy extends Construct {
  readonly policy: IamPolicy;

  constructor(scope: Construct, id: string, props: PermissionsBoundaryPolicyProps) {
    super(scope, id);
    // A role carries one boundary: it cannot be split over several policies as the CI identities' are.
    if (policyChars(props.document) > IAM_LIMITS.managedPolicyChars)
      throw new Error(
        `${props.name}: ${policyChars(props.document)} characters, more than the ${IAM_LIMITS.managedPolicyChars} IAM allows a managed policy`,
      );
    this.policy = new IamPolicy(this, "policy", {
      name: props.name,
      description: props.description,
      policy: JSON.stringify(props.document),
    });
    if (!props.ceiling) return;
    const reason =
      'a permissions boundary is a ceiling, not a grant: "*" caps a role at what its own policies allow, and the boundary\'s Deny statements remove IAM changes and detection tampering from every role under it';
    for (const rule of ["iam-no-wildcard-actions", "iam-no-wildcard-resource", "iam-no-admin-access"] as const)
      suppressFinding(this.policy, rule, reason);
  }
}
