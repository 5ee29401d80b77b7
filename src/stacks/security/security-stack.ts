import { DataAwsGuarddutyDetector } from "@cdktf/provider-aws/lib/data-aws-guardduty-detector";
import { Construct } from "constructs";
import { declareAccountControl } from "../../compliance/account-controls";
import { modeOf, SingletonMode } from "../../config/schema/accounts-schema";
import type { EnvironmentConfig } from "../../config/schema/schema";
import { GUARDDUTY_SEVERITY_FLOOR } from "../../config/schema/security-schema";
import { AlarmFactory } from "../../constructs/monitoring/alarm-factory";
import { AlertTopic } from "../../constructs/monitoring/alert-topic";
import { CisTrailAlarms } from "../../constructs/monitoring/cis-trail-alarms";
import { runbookDocumentUrl } from "../../constructs/monitoring/runbooks";
import { SecurityFindingAlerts } from "../../constructs/monitoring/security-finding-alerts";
import { AuditTrail, AuditTrailProps } from "../../constructs/security/audit-trail";
import { ConfigRecorder } from "../../constructs/security/config-recorder";
import { ThreatDetection } from "../../constructs/security/threat-detection";
import { BaseStack } from "../shared/base-stack";
import { forgetResources } from "../shared/forget-resources";
import { publishHandover } from "../shared/handover";
import { securityHandover } from "./security-handover";
import { threatDetectionProps } from "./threat-detection-props";
import { resourcePrefix, securityAlertTopicName, securityFindingRulePrefix, trailName } from "../../config/naming";

/** Key prefix of the AWS Config deliveries in the trail bucket (the trail writes under AWSLogs/). */
const CONFIG_PREFIX = "config";

/** What the compliance report says provides a control the stack does not create. */
const PROVIDED_BY: Record<Exclude<SingletonMode, "create">, string> = {
  existing: "already runs in this account and region, outside these stacks (checked by npm run preflight)",
  organization:
    "run by the AWS Organization (delegated administrator, organisation trail or Control Tower; docs/explanation/accounts-and-organisations.md)",
};

/**
 * auth-<env>-security: the account's security baseline, deployed right after bootstrap so the
 * trail records the creation of everything else. It reads no other stack and owns its own
 * security alert topic (same recipients as the network stack's alert topic), because the
 * network stack deploys after it and the findings must have somewhere to go from the start.
 *
 * Each singleton follows its accounts.<singleton>.mode: created here, or left to the account or
 * the organisation, with the alarms and finding rules wired all the same. A singleton the stack
 * stops creating is forgotten, never deleted (forgetResources).
 */
export class SecurityStack extends BaseStack {
  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, { config, layer: "security" });
    const name = resourcePrefix(config.environment);
    const { aws, security, accounts } = config;
    const recorderCreated = security.configRecorder && accounts.configRecorder.mode === "create";

    const trailProps: AuditTrailProps = {
      name: trailName(config.environment),
      accountId: aws.accountId,
      region: aws.region,
      logRetentionDays: security.trail.logRetentionDays,
      archiveAfterDays: security.trail.archiveAfterDays,
      expireAfterDays: security.trail.expireAfterDays,
      // Kept while the trail is this stack's, whoever runs the recorder: a recorder this stack
      // forgets (moved to existing/organization) keeps delivering here until someone deletes it.
      configDeliveryPrefix: security.configRecorder ? CONFIG_PREFIX : undefined,
    };
    const trail = accounts.cloudTrail.mode === "create" ? new AuditTrail(this, "trail", trailProps) : undefined;
    if (!trail)
      forgetResources(
        this,
        (scope) => new AuditTrail(scope, "trail", { ...trailProps, configDeliveryPrefix: CONFIG_PREFIX }),
      );

    // The recorder delivers into the trail's bucket; the config rules refuse one without the other.
    if (recorderCreated && trail) {
      new ConfigRecorder(this, "config", {
        name,
        accountId: aws.accountId,
        bucketName: trail.bucket.bucket.bucket,
        bucketArn: trail.bucket.bucket.arn,
        prefix: CONFIG_PREFIX,
        kmsKeyArn: trail.key.arn,
        includeGlobalResourceTypes: accounts.configRecorder.includeGlobalResourceTypes,
        dependsOn: [trail.bucket.policy],
      });
    } else if (accounts.configRecorder.mode !== "create") {
      forgetResources(
        this,
        (scope) =>
          new ConfigRecorder(scope, "config", {
            name,
            accountId: aws.accountId,
            bucketName: "forgotten",
            bucketArn: "forgotten",
            prefix: CONFIG_PREFIX,
            kmsKeyArn: "forgotten",
          }),
      );
    }

    const created = {
      guardDuty: accounts.guardDuty.mode === "create",
      securityHub: security.securityHub && accounts.securityHub.mode === "create",
      accessAnalyzer: accounts.accessAnalyzer.mode === "create",
    };
    const detectionProps = threatDetectionProps(config, aws.region);
    const detection = new ThreatDetection(this, "threat-detection", { ...detectionProps, ...created });
    const forgotten = {
      guardDuty: accounts.guardDuty.mode !== "create",
      securityHub: accounts.securityHub.mode !== "create",
      accessAnalyzer: accounts.accessAnalyzer.mode !== "create",
    };
    if (Object.values(forgotten).some(Boolean))
      forgetResources(
        this,
        (scope) => new ThreatDetection(scope, "threat-detection", { ...detectionProps, ...forgotten }),
      );
    // A member account has its own detector even under a delegated administrator (one per account and region).
    const detectorId = detection.detector?.id ?? new DataAwsGuarddutyDetector(this, "guardduty-detector").id;

    const findingRulePrefix = securityFindingRulePrefix(config.environment, "primary");
    const alerts = new AlertTopic(this, "security-alerts", {
      name: securityAlertTopicName(config.environment),
      accountId: aws.accountId,
      emails: config.alarms.emails,
      eventRuleArns: [`arn:aws:events:${aws.region}:${aws.accountId}:rule/${findingRulePrefix}-*`],
    });
    const alarms = new AlarmFactory(this, name, alerts.arn, runbookDocumentUrl(config.ci.githubRepository));
    // Findings reach the member account's own event bus whoever administers the service, so the
    // rules are the same in every mode.
    new SecurityFindingAlerts(this, "finding-alerts", {
      prefix: findingRulePrefix,
      topicArn: alerts.arn,
      guardDutyMinimumSeverity: GUARDDUTY_SEVERITY_FLOOR[security.guardDuty.alertAtSeverity],
      securityHub: security.securityHub,
      alarms,
    });
    const trailLogGroup = trail?.logGroup.name ?? accounts.cloudTrail.logGroupName;
    if (trailLogGroup) {
      new CisTrailAlarms(this, "cis-alarms", {
        alarms,
        trailLogGroupName: trailLogGroup,
        unauthorizedApiCallsThreshold: config.alarms.security.unauthorizedApiCalls,
      });
    } else {
      // Kept on the forgotten trail's log group, which keeps running until the how-to's clean-up.
      forgetResources(
        this,
        (scope) =>
          new CisTrailAlarms(scope, "cis-alarms", {
            alarms: new AlarmFactory(scope, name, "forgotten", "forgotten"),
            trailLogGroupName: "forgotten",
            unauthorizedApiCallsThreshold: 1,
          }),
      );
    }

    this.declareControls(config, trailLogGroup !== undefined);
    publishHandover(this, securityHandover, {
      trail_arn: trail?.trail?.arn ?? accounts.cloudTrail.trailArn!,
      security_alert_topic_arn: alerts.arn,
      guardduty_detector_id: detectorId,
    });
  }

  /** Tells the compliance pack who provides each control, so the report states it instead of finding nothing. */
  private declareControls(config: EnvironmentConfig, cisFiltersHere: boolean) {
    const declare = (control: Parameters<typeof declareAccountControl>[1], mode: SingletonMode, providedBy?: string) =>
      declareAccountControl(
        this,
        control,
        mode === "create" ? { mode } : { mode, providedBy: providedBy ?? PROVIDED_BY[mode] },
      );
    declare("guardduty", modeOf(config, "guardDuty"));
    if (config.security.configRecorder) declare("config", modeOf(config, "configRecorder"));
    if (config.security.securityHub) declare("securityhub", modeOf(config, "securityHub"));
    const trailMode = modeOf(config, "cloudTrail");
    declare(
      "cloudtrail",
      trailMode,
      trailMode === "create" ? undefined : `${PROVIDED_BY[trailMode]}: ${config.accounts.cloudTrail.trailArn}`,
    );
    if (cisFiltersHere) declare("cis-metric-filters", "create");
    else {
      declare(
        "cis-metric-filters",
        trailMode,
        trailMode === "organization"
          ? "the organisation trail's log group is in the management account, beyond this account's metric filters: the organisation provides the CIS filters and alarms there"
          : "the trail's log group is not in this account and region (accounts.cloudTrail.logGroupName unset): whoever owns that log group provides the CIS filters and alarms",
      );
    }
  }
}
