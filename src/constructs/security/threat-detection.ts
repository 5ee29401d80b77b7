import { AccessanalyzerAnalyzer } from "@cdktf/provider-aws/lib/accessanalyzer-analyzer";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { GuarddutyDetectorFeature } from "@cdktf/provider-aws/lib/guardduty-detector-feature";
import { SecurityhubAccount } from "@cdktf/provider-aws/lib/securityhub-account";
import { SecurityhubStandardsSubscription } from "@cdktf/provider-aws/lib/securityhub-standards-subscription";
import { Construct } from "constructs";
import {
  GUARDDUTY_FEATURES,
  GuardDutyFeature,
  RUNTIME_AGENT_MANAGEMENT,
  RuntimeAgentManagement,
} from "../../config/schema/accounts-schema";

/** Feature names as the GuardDuty API and aws_guardduty_detector_feature take them (src/config/schema/accounts-schema.ts). */
export { GUARDDUTY_FEATURES, RUNTIME_AGENT_MANAGEMENT };

/** The AWS Foundational Security Best Practices standard, in the region the hub runs in. */
export function fsbpStandardArn(region: string): string {
  return `arn:aws:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`;
}

export interface ThreatDetectionProps {
  /** Prefix of the analyzer's name. */
  readonly name: string;
  /** Region of the detector (GuardDuty and Security Hub are regional). */
  readonly region: string;
  /** Create the region's GuardDuty detector; false when it exists already or the organisation runs it. @default true */
  readonly guardDuty?: boolean;
  /** Detector features on (true) or off; every one is written either way, so the stack owns all of them. @default every feature on */
  readonly features?: Readonly<Record<GuardDutyFeature, boolean>>;
  /** Who installs the Runtime Monitoring agent, per compute type (ignored while RUNTIME_MONITORING is off). @default GuardDuty on EC2 only */
  readonly runtimeAgents?: Readonly<Record<RuntimeAgentManagement, boolean>>;
  /** Create the account's IAM Access Analyzer; false when one exists or the organisation runs it. @default true */
  readonly accessAnalyzer?: boolean;
  /** How often GuardDuty re-publishes an updated finding. @default "FIFTEEN_MINUTES" */
  readonly findingPublishingFrequency?: string;
  /** Security Hub with the FSBP standard (its controls only; no default standards). @default true */
  readonly securityHub?: boolean;
}

/**
 * The services that produce security findings for the account: GuardDuty (threats), Security Hub
 * with FSBP (misconfigurations) and an account IAM Access Analyzer (resources shared outside the
 * account). Every GuardDuty feature is written out, on or off, so the stack owns its state. Each
 * service can be left out where the account already has it: a region has one detector, one hub
 * subscription and one account analyzer, and creating a second fails.
 */
export class ThreatDetection extends Construct {
  readonly detector?: GuarddutyDetector;
  readonly securityHub?: SecurityhubAccount;
  readonly analyzer?: AccessanalyzerAnalyzer;

  constructor(scope: Construct, id: string, props: ThreatDetectionProps) {
    super(scope, id);
    if (props.guardDuty ?? true) this.detector = this.guardDuty(props);

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

    if (props.accessAnalyzer ?? true) {
      this.analyzer = new AccessanalyzerAnalyzer(this, "access-analyzer", {
        analyzerName: `${props.name}-account`,
        type: "ACCOUNT",
      });
    }
  }

  private guardDuty(props: ThreatDetectionProps): GuarddutyDetector {
    const detector = new GuarddutyDetector(this, "detector", {
      enable: true,
      findingPublishingFrequency: props.findingPublishingFrequency ?? "FIFTEEN_MINUTES",
    });
    const status = (on: boolean) => (on ? "ENABLED" : "DISABLED");
    const features =
      props.features ??
      (Object.fromEntries(GUARDDUTY_FEATURES.map((feature) => [feature, true])) as Record<GuardDutyFeature, boolean>);
    const agents = props.runtimeAgents ?? {
      EC2_AGENT_MANAGEMENT: true,
      ECS_FARGATE_AGENT_MANAGEMENT: false,
      EKS_ADDON_MANAGEMENT: false,
    };
    for (const feature of GUARDDUTY_FEATURES) {
      new GuarddutyDetectorFeature(this, `feature-${feature.toLowerCase()}`, {
        detectorId: detector.id,
        name: feature,
        status: status(features[feature]),
        // An agent never runs without the feature it reports to.
        additionalConfiguration:
          feature === "RUNTIME_MONITORING"
            ? RUNTIME_AGENT_MANAGEMENT.map((agent) => ({
                name: agent,
                status: status(features[feature] && agents[agent]),
              }))
            : undefined,
      });
    }
    return detector;
  }
}
