import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { Construct } from "constructs";
import { PROTECTED_IMAGES_KEPT } from "../../release/image-protection";

export interface ContainerRegistryProps {
  /** Repository name. */
  readonly name: string;
  /** Customer-managed key for the images. */
  readonly kmsKeyArn: string;
  /** Tagged images kept; older ones expire. @default 30 */
  readonly keepImages?: number;
  /** Images with a tag starting with this are kept ahead of every other rule (the release tool's protecting tags). @default none */
  readonly protectedTagPrefix?: string;
}

/**
 * An ECR repository with immutable tags (a tag always means one image), a basic scan of every
 * push (the release tool's scan gate reads its findings), KMS, and a lifecycle that keeps the
 * images a release references, the newest tagged images, and drops untagged leftovers.
 */
export class ContainerRegistry extends Construct {
  readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    this.repository = new EcrRepository(this, "repository", {
      name: props.name,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKeyArn }],
    });
    const keep = props.keepImages ?? 30;
    // An image that meets a higher-priority rule's tag selection cannot be expired by a lower one
    // (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lp_evaluation_rules),
    // so the protected images survive any number of later pushes; they still count among the newest
    // `keep`, which only shortens how long unreleased builds stay.
    const protect = props.protectedTagPrefix
      ? [
          {
            rulePriority: 1,
            description: `Keep images a release references (tags ${props.protectedTagPrefix}*)`,
            selection: {
              tagStatus: "tagged",
              tagPrefixList: [props.protectedTagPrefix],
              countType: "imageCountMoreThan",
              countNumber: PROTECTED_IMAGES_KEPT,
            },
            action: { type: "expire" },
          },
        ]
      : [];
    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          ...protect,
          {
            rulePriority: 2,
            // Layers of a build whose push failed half-way; every released image has a tag.
            description: "Expire untagged images after a day",
            selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
            action: { type: "expire" },
          },
          {
            rulePriority: 3,
            description: `Keep the last ${keep} tagged images`,
            selection: {
              tagStatus: "tagged",
              tagPatternList: ["*"],
              countType: "imageCountMoreThan",
              countNumber: keep,
            },
            action: { type: "expire" },
          },
        ],
      }),
    });
  }

  /** The statement a puller of this repository's images needs (see {@link imagePullStatement}). */
  pullStatement(sid?: string): DataAwsIamPolicyDocumentStatement {
    return imagePullStatement(this.repository.arn, sid);
  }
}

/**
 * Pull images from one repository. The registry login (ecr:GetAuthorizationToken) is account-wide
 * and granted apart: IAM accepts no narrower resource for it.
 */
export function imagePullStatement(repositoryArn: string, sid?: string): DataAwsIamPolicyDocumentStatement {
  return {
    sid,
    actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    resources: [repositoryArn],
  };
}
