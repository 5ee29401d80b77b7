import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { RELEASE_TOOL_ECR_ACTIONS } from "../../release/image-protection";

export interface ReleaseImagePermissionsProps {
  /** Name (not ARN) of the role the release tool runs as. */
  readonly roleName: string;
  /** Policy name. @default "release-images" */
  readonly policyName?: string;
  /** ARNs of the repositories the environment releases from: its primary and pilot-light repository. */
  readonly repositoryArns: readonly string[];
}

/**
 * What the release tool does to images, on those repositories only: the scan gate, the existence
 * check, and the protecting tags that keep released images out of the lifecycle rules' reach
 * (RELEASE_TOOL_ECR_ACTIONS). Read, retag and untag; no layer upload, so it can never push an
 * image of its own making.
 */
export class ReleaseImagePermissions extends Construct {
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ReleaseImagePermissionsProps) {
    super(scope, id);
    const document = new DataAwsIamPolicyDocument(this, "document", {
      statement: [
        { sid: "ReleaseImages", actions: [...RELEASE_TOOL_ECR_ACTIONS], resources: [...props.repositoryArns] },
      ],
    });
    this.policy = new IamRolePolicy(this, "policy", {
      name: props.policyName ?? "release-images",
      role: props.roleName,
      policy: document.json,
    });
  }
}
