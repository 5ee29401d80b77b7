import type { HandoverSpec } from "../shared/handover";

/** What the registry stack hands to the app stack. */
export const registryHandover = {
  repository_url: {
    type: "string",
    description: "ECR repository of the service image (push by digest; tags are immutable)",
    example: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/auth-service",
  },
  repository_name: { type: "string", description: "Name of the ECR repository", example: "auth-service" },
  repository_arn: {
    type: "string",
    description: "ARN of the ECR repository (instances may pull from it)",
    example: "arn:aws:ecr:eu-west-1:111111111111:repository/auth-service",
  },
  registry_key_arn: {
    type: "string",
    description: "KMS key the images are encrypted with",
    example: "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001",
  },
  release_state_table: {
    type: "string",
    description:
      "DynamoDB table whose one item holds the release state and its lease (written only by npm run release)",
    example: "auth-staging-release",
  },
  image_push_role_arn: {
    type: "string",
    description:
      "Role the image pipeline pushes with (its push-role-arn input); empty where no repository may push (promotion by replication)",
    example: "arn:aws:iam::111111111111:role/auth-staging-image-push",
  },
} as const satisfies HandoverSpec;
