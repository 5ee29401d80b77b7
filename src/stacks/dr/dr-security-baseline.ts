import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../config/schema/schema";
import { GUARDDUTY_SEVERITY_FLOOR } from "../../config/schema/security-schema";
import { AlarmFactory } from "../../constructs/monitoring/alarm-factory";
import { SecurityFindingAlerts } from "../../constructs/monitoring/security-finding-alerts";
import { ThreatDetection } from "../../constructs/security/threat-detection";
import { forgetResources } from "../shared/forget-resources";
import { securityFindingRulePrefix } from "../../config/naming";
import { threatDetectionProps } from "../security/threat-detection-props";

export interface DrSecurityBaselineProps {
  readonly config: EnvironmentConfig;
  /** The DR site's alert topic (auth-<env>-dr-alerts); its policy must admit the rules `securityFindingRulePrefix(env, "dr")-*`. */
  readonly topicArn: string;
  /** The DR site's alarm factory, for the rules' delivery-failure alarms. */
  readonly alarms: AlarmFactory;
}

/**
 * The security baseline of aws.drRegion, always on from the pilot light: GuardDuty and Security Hub
 * are regional (a detector and a hub subscription per account and region), so the primary's do not
 * watch the DR region, and enabling them only at restore would start GuardDuty with no baseline
 * during the incident and lengthen the RTO. Same modes and explicit feature set as the primary
 * (accounts.guardDuty, accounts.securityHub): created here in `create` mode, otherwise left to the
 * account or the organisation (whose delegated administrator must auto-enable this region too; the
 * preflight checks it) and forgotten, never deleted, by a stack that stops owning them. Findings of
 * the region reach the DR alert topic through the same rules the primary's reach its security topic:
 * they land on the member account's own event bus in every mode. No Access Analyzer here: IAM is
 * global and the primary's account analyzer already covers the account's shared resources of its
 * region; a DR-region analyzer is left (docs/explanation/paging.md).
 */
export class DrSecurityBaseline extends Construct {
  readonly detection: ThreatDetection;

  constructor(scope: Construct, id: string, props: DrSecurityBaselineProps) {
    super(scope, id);
    const { config } = props;
    const { accounts, security, aws } = config;
    const detectionProps = threatDetectionProps(config, aws.drRegion);
    this.detection = new ThreatDetection(this, "threat-detection", {
      ...detectionProps,
      guardDuty: accounts.guardDuty.mode === "create",
      securityHub: security.securityHub && accounts.securityHub.mode === "create",
      accessAnalyzer: false,
    });
    const forgotten = {
      guardDuty: accounts.guardDuty.mode !== "create",
      securityHub: accounts.securityHub.mode !== "create",
      accessAnalyzer: false,
    };
    if (forgotten.guardDuty || forgotten.securityHub) {
      // Same construct path as above, so the removed blocks name the addresses a create-mode apply left in state.
      forgetResources(
        stackOf(this),
        (stack) =>
          new ThreatDetection(new Construct(stack, id), "threat-detection", { ...detectionProps, ...forgotten }),
      );
    }
    new SecurityFindingAlerts(this, "finding-alerts", {
      prefix: securityFindingRulePrefix(config.environment, "dr"),
      topicArn: props.topicArn,
      guardDutyMinimumSeverity: GUARDDUTY_SEVERITY_FLOOR[security.guardDuty.alertAtSeverity],
      securityHub: security.securityHub,
      alarms: props.alarms,
    });
  }
}

function stackOf(construct: Construct) {
  // The baseline sits directly under its stack (forgetResources needs the stack to add removed blocks).
  return construct.node.scope as Parameters<typeof forgetResources>[0];
}
