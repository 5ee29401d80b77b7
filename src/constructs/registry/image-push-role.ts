import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";

const GITHUB_OIDC = "token.actions.githubusercontent.com";

export interface ImagePushRoleProps {
  /** Role name. */
  readonly name: string;
  /** Account of the role and of the GitHub OIDC provider it trusts. */
  readonly accountId: string;
  /** owner/name of the application repositories whose main-branch workflows may push. */
  readonly repositories: readonly string[];
  /** ARN of the one repository they may push to and read scan results of. */
  readonly repositoryArn: string;
}

/**
 * The identity of the image pipeline (a reusable workflow run by the application repository):
 * GitHub OIDC from the main branch only, push to and read scans of one ECR repository, nothing
 * else. The account's GitHub OIDC provider comes from the bootstrap stack.
 */
export class ImagePushRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ImagePushRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRoleWithWebIdentity"],
          principals: [{ type: "Federated", identifiers: [`arn:aws:iam::${props.accountId}:oidc-provider/${GITHUB_OIDC}`] }],
          condition: [
            { test: "StringEquals", variable: `${GITHUB_OIDC}:aud`, values: ["sts.amazonaws.com"] },
            { test: "StringEquals", variable: `${GITHUB_OIDC}:sub`, values: props.repositories.map((repository) => `repo:${repository}:ref:refs/heads/main`) },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", { name: props.name, description: "Image pipeline: push service images", assumeRolePolicy: trust.json });
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
      statement: [
        // The registry login token is account-wide; IAM accepts no narrower resource for it.
        { sid: "LogInToRegistry", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
        {
          sid: "PushServiceImages",
          actions: [
            "ecr:BatchCheckLayerAvailability",
            "ecr:InitiateLayerUpload",
            "ecr:UploadLayerPart",
            "ecr:CompleteLayerUpload",
            "ecr:PutImage",
            "ecr:BatchGetImage",
            "ecr:DescribeImages",
            "ecr:DescribeImageScanFindings",
          ],
          resources: [props.repositoryArn],
        },
      ],
    });
    new IamRolePolicy(this, "permissions-policy", { name: props.name, role: this.role.id, policy: permissions.json });
  }
}
