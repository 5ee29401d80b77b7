import type { HandoverSpec } from "../shared/handover";

/** What the security stack publishes for operators (`npm run output`); no stack reads it. */
export const securityHandover = {
  trail_arn: {
    type: "string",
    description: "The account's CloudTrail",
    example: "arn:aws:cloudtrail:eu-west-1:111111111111:trail/auth-staging",
  },
  security_alert_topic_arn: {
    type: "string",
    description: "SNS topic of GuardDuty, Security Hub and CIS alerts",
    example: "arn:aws:sns:eu-west-1:111111111111:auth-staging-security-alerts",
  },
  guardduty_detector_id: {
    type: "string",
    description: "GuardDuty detector of the region",
    example: "12abc34d567e8fa901bc2d34e56789f0",
  },
} as const satisfies HandoverSpec;
