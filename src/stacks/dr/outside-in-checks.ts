import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../config/schema/schema";
import { AlarmFactory } from "../../constructs/monitoring/alarm-factory";
import { AlertTopic } from "../../constructs/monitoring/alert-topic";
import { EndpointHealthCheck } from "../../constructs/monitoring/endpoint-health-check";
import { LoginCanary } from "../../constructs/monitoring/login-canary";
import { HeartbeatReceiver } from "../../constructs/monitoring/region-heartbeat";
import { runbookDocumentUrl } from "../../constructs/monitoring/runbooks";
import { ROUTE53_METRICS_REGION } from "../../config/schema/regions";
import { awsProvider } from "../shared/base-stack";
import { canaryArtifactsBucketName, canaryName, globalSiteName, heartbeatRuleNames } from "../../config/naming";

/** The region CloudWatch holds Route 53 health-check metrics in, so their alarms must be there too. */

export interface OutsideInChecksProps {
  readonly config: EnvironmentConfig & { outsideIn: NonNullable<EnvironmentConfig["outsideIn"]> };
  /** Prefix of the DR site's names (auth-<env>-dr): IAM names are global, so the DR site's stay apart. */
  readonly siteName: string;
  /** The DR site's alarm factory: its topic is auth-<env>-dr-alerts. */
  readonly alarms: AlarmFactory;
}

/**
 * Wiring of the outside-in checks into the pilot-light stack (auth-<env>-dr-network), the one stack
 * that reads no primary state and keeps its own in the DR bucket, so it is planned, applied and alive
 * while the primary region is down. Route 53 health checks alarm in us-east-1 (provider alias) on a
 * topic there; the canary (against the primary endpoint) and the primary-silent heartbeat alarm in
 * aws.drRegion on the DR topic.
 */
export class OutsideInChecks extends Construct {
  constructor(scope: Construct, id: string, props: OutsideInChecksProps) {
    super(scope, id);
    const { config } = props;
    const { aws, outsideIn, dns, app } = config;
    const runbooks = runbookDocumentUrl(config.ci.githubRepository);

    const usEast1 = awsProvider(this, "us-east-1", config, ROUTE53_METRICS_REGION, ROUTE53_METRICS_REGION);
    const globalName = globalSiteName(config.environment);
    const globalTopic = new AlertTopic(this, "global-alerts", {
      name: `${globalName}-alerts`,
      accountId: aws.accountId,
      emails: config.alarms.emails,
      provider: usEast1,
    });
    const globalAlarms = new AlarmFactory(this, globalName, globalTopic.arn, runbooks, usEast1);
    new EndpointHealthCheck(this, "endpoint", {
      fqdn: dns.domainName,
      resourcePath: app.healthCheckPath,
      regions: outsideIn.healthCheck.checkerRegions,
      requestIntervalSeconds: outsideIn.healthCheck.requestIntervalSeconds,
      failureThreshold: outsideIn.healthCheck.failureThreshold,
      unhealthyMinutes: outsideIn.healthCheck.unhealthyMinutes,
      alarms: globalAlarms,
      provider: usEast1,
    });

    const { canary } = outsideIn;
    new LoginCanary(this, "canary", {
      name: canaryName(config.environment),
      roleName: `${props.siteName}-canary`,
      artifactBucketName: canaryArtifactsBucketName(config.environment, aws.drRegion, aws.accountId),
      accountId: aws.accountId,
      region: aws.drRegion,
      endpoint: `https://${dns.domainName}`,
      healthPath: app.healthCheckPath,
      testPath: canary.testPath,
      runtimeVersion: canary.runtimeVersion,
      scheduleMinutes: canary.scheduleMinutes,
      failedRunsToAlarm: canary.failedRunsToAlarm,
      evaluationRuns: canary.evaluationRuns,
      artifactRetentionDays: canary.artifactRetentionDays,
      alarms: props.alarms,
    });

    const heartbeat = heartbeatRuleNames(config.environment);
    new HeartbeatReceiver(this, "primary-heartbeat", {
      name: heartbeat.receiver,
      senderRegion: aws.region,
      senderRuleName: heartbeat.sender,
      accountId: aws.accountId,
      silentMinutes: outsideIn.silentPrimaryMinutes,
      alarms: props.alarms,
    });
  }
}
