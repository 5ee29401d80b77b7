import { AccessanalyzerAnalyzer } from "@cdktf/provider-aws/lib/accessanalyzer-analyzer";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { GuarddutyDetectorFeature } from "@cdktf/provider-aws/lib/guardduty-detector-feature";
import { SecurityhubAccount } from "@cdktf/provider-aws/lib/securityhub-account";
import { SecurityhubStandardsSubscription } from "@cdktf/provider-aws/lib/securityhub-standards-subscription";
import { Construct } from "constructs";

/**
 * GuardDuty protections this workload has resources for: S3 buckets (S3 data events), RDS
 * PostgreSQL (login activity) and EC2 instances (runtime monitoring). Named as the
 * aws_guardduty_detector_feature resource takes them
 * (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfiguration.html).
 */
export const GUARDDUTY_FEATURES = ["S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "RUNTIME_MONITORING"] as const;

/** The AWS Foundational Security Best Practices standard, in the region the hub runs in. */
export function fsbpStandardArn(region: string): string {
  return `arn:aws:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`;
}

export interface ThreatDetectionProps {
  /** Prefix of the analyzer's name. */
  readonly name: string;
  /** Region of the detector (GuardDuty and Security Hub are regional). */
  readonly region: string;
  /** GuardDuty runtime monitoring on EC2, with the agent GuardDuty manages through SSM. @default false */
  readonly runtimeMonitoring?: boolean;
  /** How often GuardDuty re-publishes an updated finding. @default "FIFTEEN_MINUTES" */
  readonly findingPublishingFrequency?: string;
  /** Security Hub with the FSBP standard (its controls only; no default standards). @default true */
  readonly securityHub?: boolean;
}

/**
 * The services that produce security findings for the account: GuardDuty (threats), Security Hub
 * with FSBP (misconfigurations) and an account IAM Access Analyzer (resources shared outside the
 * account). Every GuardDuty feature is written out, on or off, so the stack owns its state.
 */
export class ThreatDetection extends Construct {
  readonly detector: GuarddutyDetector;
  readonly securityHub?: SecurityhubAccount;
  readonly analyzer: AccessanalyzerAnalyzer;

  constructor(scope: Construct, id: string, props: ThreatDetectionProps) {
    super(scope, id);
    this.detector = new GuarddutyDetector(this, "detector", {
      enable: true,
      findingPublishingFrequency: props.findingPublishingFrequency ?? "FIFTEEN_MINUTES",
    });
    const enabled = { S3_DATA_EVENTS: true, RDS_LOGIN_EVENTS: true, RUNTIME_MONITORING: props.runtimeMonitoring ?? false };
    for (const feature of GUARDDUTY_FEATURES) {
      new GuarddutyDetectorFeature(this, `feature-${feature.toLowerCase()}`, {
        detectorId: this.detector.id,
        name: feature,
        status: enabled[feature] ? "ENABLED" : "DISABLED",
        additionalConfiguration:
          feature === "RUNTIME_MONITORING" ? [{ name: "EC2_AGENT_MANAGEMENT", status: enabled[feature] ? "ENABLED" : "DISABLED" }] : undefined,
      });
    }

    if (props.securityHub ?? true) {
      this.securityHub = new SecurityhubAccount(this, "security-hub", {
        // Only the standard below; the default set would add CIS 1.2 with its duplicate controls.
        enableDefaultStandards: false,
        controlFindingGenerator: "SECURITY_CONTROL",
        autoEnableControls: true,
      });
      new SecurityhubStandardsSubscription(this, "fsbp", {
        standardsArn: fsbpStandardArn(props.region),
        dependsOn: [this.securityHub],
      });
    }

    this.analyzer = new AccessanalyzerAnalyzer(this, "access-analyzer", {
      analyzerName: `${props.name}-account`,
      type: "ACCOUNT",
    });
  }
}
