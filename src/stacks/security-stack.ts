import { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema";
import { GUARDDUTY_SEVERITY_FLOOR } from "../config/security-schema";
import { AlarmFactory } from "../constructs/monitoring/alarm-factory";
import { AlertTopic } from "../constructs/monitoring/alert-topic";
import { CisTrailAlarms } from "../constructs/monitoring/cis-trail-alarms";
import { runbookDocumentUrl } from "../constructs/monitoring/runbooks";
import { SecurityFindingAlerts } from "../constructs/monitoring/security-finding-alerts";
import { AuditTrail } from "../constructs/security/audit-trail";
import { ConfigRecorder } from "../constructs/security/config-recorder";
import { ThreatDetection } from "../constructs/security/threat-detection";
import { BaseStack } from "./base-stack";
import { publishHandover } from "./handover";
import { securityHandover } from "./security-handover";
import { securityAlertTopicName } from "./naming";

/** Key prefix of the AWS Config deliveries in the trail bucket (the trail writes under AWSLogs/). */
const CONFIG_PREFIX = "config";

/**
 * auth-<env>-security: the account's security baseline, deployed right after bootstrap so the
 * trail records the creation of everything else. It reads no other stack and owns its own
 * security alert topic (same recipients as the network stack's alert topic), because the
 * network stack deploys after it and the findings must have somewhere to go from the start.
 */
export class SecurityStack extends BaseStack {
  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, { config, layer: "security" });
    const name = `auth-${config.environment}`;
    const { aws, security } = config;

    const trail = new AuditTrail(this, "trail", {
      name: `${name}-trail`,
      accountId: aws.accountId,
      region: aws.region,
      logRetentionDays: security.trail.logRetentionDays,
      archiveAfterDays: security.trail.archiveAfterDays,
      expireAfterDays: security.trail.expireAfterDays,
      configDeliveryPrefix: security.configRecorder ? CONFIG_PREFIX : undefined,
    });
    if (security.configRecorder) {
      new ConfigRecorder(this, "config", {
        name,
        accountId: aws.accountId,
        bucketName: trail.bucket.bucket.bucket,
        bucketArn: trail.bucket.bucket.arn,
        prefix: CONFIG_PREFIX,
        kmsKeyArn: trail.key.arn,
        dependsOn: [trail.bucket.policy],
      });
    }
    const detection = new ThreatDetection(this, "threat-detection", {
      name,
      region: aws.region,
      runtimeMonitoring: security.guardDuty.runtimeMonitoring,
      findingPublishingFrequency: security.guardDuty.findingPublishingFrequency,
      securityHub: security.securityHub,
    });

    const findingRulePrefix = `${name}-security-findings`;
    const alerts = new AlertTopic(this, "security-alerts", {
      name: securityAlertTopicName(config.environment),
      accountId: aws.accountId,
      emails: config.alarms.emails,
      eventRuleArns: [`arn:aws:events:${aws.region}:${aws.accountId}:rule/${findingRulePrefix}-*`],
    });
    const alarms = new AlarmFactory(this, name, alerts.arn, runbookDocumentUrl(config.ci.githubRepository));
    new SecurityFindingAlerts(this, "finding-alerts", {
      prefix: findingRulePrefix,
      topicArn: alerts.arn,
      guardDutyMinimumSeverity: GUARDDUTY_SEVERITY_FLOOR[security.guardDuty.alertAtSeverity],
      securityHub: security.securityHub,
      alarms,
    });
    new CisTrailAlarms(this, "cis-alarms", {
      alarms,
      trailLogGroupName: trail.logGroup.name,
      unauthorizedApiCallsThreshold: config.alarms.security.unauthorizedApiCalls,
    });

    publishHandover(this, securityHandover, {
      trail_arn: trail.trail.arn,
      security_alert_topic_arn: alerts.arn,
      guardduty_detector_id: detection.detector.id,
    });
  }
}
