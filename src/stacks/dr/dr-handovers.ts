import type { HandoverSpec } from "../shared/handover";
import { networkHandover } from "../network/network-handover";

/** What the pilot light adds to the network handover: what a restore in the DR region needs from it. */
export const pilotLightHandover = {
  repository_url: {
    type: "string",
    description: "Replica of the service repository in aws.drRegion (same name, same digests)",
    example: "111111111111.dkr.ecr.eu-central-1.amazonaws.com/auth-service",
  },
  repository_arn: {
    type: "string",
    description: "ARN of that repository (DR instances may pull from it)",
    example: "arn:aws:ecr:eu-central-1:111111111111:repository/auth-service",
  },
  registry_key_arn: {
    type: "string",
    description: "KMS key the image replicas are encrypted with",
    example: "arn:aws:kms:eu-central-1:111111111111:key/00000000-0000-0000-0000-000000000002",
  },
  certificate_arn: {
    type: "string",
    description: "Validated certificate of the service's names in aws.drRegion",
    example: "arn:aws:acm:eu-central-1:111111111111:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
  },
  trail_bucket: {
    type: "string",
    description:
      "Bucket of the DR trail's log files (empty when the organisation's trail covers the account: accounts.cloudTrail.mode organization)",
    example: "auth-production-dr-trail-111111111111",
  },
  trail_key_arn: {
    type: "string",
    description: "KMS key the DR trail encrypts its log files and log group with (empty in organization mode)",
    example: "arn:aws:kms:eu-central-1:111111111111:key/00000000-0000-0000-0000-000000000003",
  },
  trail_log_group_arn: {
    type: "string",
    description: "CloudWatch Logs group the DR trail delivers to, without the :* suffix (empty in organization mode)",
    example: "arn:aws:logs:eu-central-1:111111111111:log-group:/auth/production-dr/cloudtrail",
  },
  trail_log_group_name: {
    type: "string",
    description: "Name of that log group, which the restore's CIS metric filters read (empty in organization mode)",
    example: "/auth/production-dr/cloudtrail",
  },
  trail_role_arn: {
    type: "string",
    description: "Role the DR trail delivers to its log group with (empty in organization mode)",
    example: "arn:aws:iam::111111111111:role/auth-production-dr-trail-cloudwatch-logs",
  },
} as const satisfies HandoverSpec;

/** What auth-<env>-dr-network hands to the restore stacks: the network contract in the DR region, plus the pilot light. */
export const drNetworkHandover = { ...networkHandover, ...pilotLightHandover } as const satisfies HandoverSpec;
