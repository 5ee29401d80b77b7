import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { callerSubject, IMAGE_WORKFLOW } from "../ci/reusable-workflow-subject";

const GITHUB_OIDC = "token.actions.githubusercontent.com";

export interface ImagePushRoleProps {
  /** Role name. */
  readonly name: string;
  /** Account of the role and of the GitHub OIDC provider it trusts. */
  readonly accountId: string;
  /** owner/name of the application repositories whose main-branch runs of the image workflow may push. */
  readonly repositories: readonly string[];
  /** owner/name of this infrastructure repository, which holds the reusable image workflow. */
  readonly workflowRepository: string;
  /** Refs of the image workflow a caller may pin (refs/heads/main, refs/tags/<prefix>*); GitHub reports the pinned ref in job_workflow_ref. */
  readonly workflowRefs: readonly string[];
  /** Path of the reusable image workflow in workflowRepository. @default IMAGE_WORKFLOW (.github/workflows/image-pipeline.yml) */
  readonly workflow?: string;
  /** ARN of the one repository they may push to and read scan results of. */
  readonly repositoryArn: string;
}

/**
 * The identity of the image pipeline (a reusable workflow run by the application repository):
 * GitHub OIDC from the application repository's main branch running this repository's image
 * workflow at a pinned ref, push to and read scans of one ECR repository, nothing else. The
 * subject carries job_workflow_ref only once the application repository customises its subject
 * template (docs/how-to/image-push-trust.md; npm run check-github checks it). The account's
 * GitHub OIDC provider comes from the bootstrap stack.
 */
export class ImagePushRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ImagePushRoleProps) {
    super(scope, id);
    const subjects = props.repositories.flatMap((caller) =>
      props.workflowRefs.map((ref) =>
        callerSubject({
          caller,
          callerRef: "refs/heads/main",
          workflowRepository: props.workflowRepository,
          workflow: props.workflow ?? IMAGE_WORKFLOW,
          ref,
        }),
      ),
    );
    // Conditions on one key AND together, so one operator for all values: StringLike once a release-tag pattern is among them.
    const subjectTest = subjects.some((subject) => subject.includes("*")) ? "StringLike" : "StringEquals";
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRoleWithWebIdentity"],
          principals: [
            { type: "Federated", identifiers: [`arn:aws:iam::${props.accountId}:oidc-provider/${GITHUB_OIDC}`] },
          ],
          condition: [
            { test: "StringEquals", variable: `${GITHUB_OIDC}:aud`, values: ["sts.amazonaws.com"] },
            { test: subjectTest, variable: `${GITHUB_OIDC}:sub`, values: subjects },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: "Image pipeline: push service images",
      assumeRolePolicy: trust.json,
    });
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
