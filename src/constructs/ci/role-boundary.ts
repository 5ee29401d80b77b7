import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { IAspect } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * Puts the environment's permissions boundary on every role a stack creates, so no construct can
 * forget it and the deploy identity's CreateRole (allowed only with this boundary) never fails on
 * one. The CI identities' own roles are the exception: they are what the boundary protects, and
 * the platform identity alone changes them. Service-linked roles are made by AWS, never here.
 */
export class RoleBoundary implements IAspect {
  /** ARN of the boundary policy; the bootstrap stack, which creates it, swaps in its reference so its roles wait for it. */
  boundaryArn: string;

  constructor(
    boundaryArn: string,
    /** Role name prefixes left without the boundary (the CI identities). */
    private readonly exemptPrefixes: readonly string[],
  ) {
    this.boundaryArn = boundaryArn;
  }

  visit(node: IConstruct): void {
    if (!(node instanceof IamRole) || node.permissionsBoundaryInput !== undefined) return;
    const name = node.nameInput;
    if (typeof name === "string" && this.exemptPrefixes.some((prefix) => name.startsWith(prefix))) return;
    node.permissionsBoundary = this.boundaryArn;
  }
}
