import { redisAuthRotationFunctionName } from "../../constructs/data/redis-auth-rotation";
import { SecretConvergence } from "../../constructs/compute/secret-convergence";
import { AlarmFactory } from "../../constructs/monitoring/alarm-factory";
import { AppAlarms } from "../../constructs/monitoring/app-alarms";
import { certificateExpiryAlarmDefinition } from "../../constructs/monitoring/certificate-alarms";
import { MonitoringDashboard } from "../../constructs/monitoring/dashboard";
import { databaseFailedLogins } from "../../constructs/monitoring/database-failed-logins";
import { logEventDefinition } from "../../constructs/monitoring/log-event-alarm";
import { runbookDocumentUrl } from "../../constructs/monitoring/runbooks";
import { securityEventWidgets } from "../../constructs/monitoring/security-event-widgets";
import { serviceDashboardSections } from "../../constructs/monitoring/service-dashboard";
import { ServiceSecurityAlarms } from "../../constructs/monitoring/service-security-alarms";
import { COLOURS } from "../../release/release-state";
import type { AppAssembly } from "./app-assembly";
import type { AppEdge } from "./app-edge";
import type { AppFleets } from "./app-fleets";

/**
 * The service's alarms (serving, capacity, certificate, security events), the function that
 * converges the fleets on rotated secrets, and the dashboard; returns the dashboard's name.
 */
export function appObservability(
  { stack, config, site, aws, sources, release, appKey }: AppAssembly,
  fleets: AppFleets,
  edge: AppEdge,
): string {
  const { byColour, serviceLogs, secretArns } = fleets;
  const { loadBalancer, firewall } = edge;
  // The site's name is the alarms' prefix: the release tool reads the primary colours' alarms by it.
  const alarms = new AlarmFactory(
    stack,
    site.name,
    sources.network.string("alert_topic_arn"),
    runbookDocumentUrl(config.ci.githubRepository),
  );
  // Only the certificate this stack owns; a DR site's is the pilot light's, which alarms on it there.
  const certificateAlarms =
    edge.ownCertificateArn === undefined
      ? []
      : [
          certificateExpiryAlarmDefinition({
            name: "certificate-expiry",
            certificateArn: edge.ownCertificateArn,
            purpose: "load balancer's",
          }),
        ];
  for (const definition of certificateAlarms) alarms.define(definition);
  const appAlarms = new AppAlarms(stack, "alarms", {
    alarms,
    loadBalancerArnSuffix: loadBalancer.loadBalancer.arnSuffix,
    targetGroupArnSuffixes: byColour((fleet) => fleet.targetGroup.arnSuffix),
    liveTargetGroupArnSuffix: release.forLiveColour(byColour((fleet) => fleet.targetGroup.arnSuffix)),
    groupNames: byColour((fleet) => fleet.group.name),
    liveGroupName: release.forLiveColour(byColour((fleet) => fleet.group.name)),
    liveGroupMinimum: config.app.capacity.min,
    servingAlarmsEnabled: release.released(),
    webAclName: firewall.webAcl.name,
    region: aws.region,
    thresholds: config.alarms.service,
    capacity: config.alarms.capacity,
  });
  const securityAlarms = new ServiceSecurityAlarms(stack, "security-alarms", {
    alarms,
    serviceLogGroupName: serviceLogs.name,
    authenticationFailure: config.security.serviceLogEvents.authenticationFailure,
    accountLockout: config.security.serviceLogEvents.accountLockout,
    webAclName: firewall.webAcl.name,
    region: aws.region,
    wafRules: firewall.ruleMetrics,
    periodSeconds: config.alarms.security.periodSeconds,
    thresholds: config.alarms.security,
  });

  new SecretConvergence(stack, "secret-convergence", {
    name: site.name,
    region: aws.region,
    accountId: aws.accountId,
    secretArns: Object.values(secretArns),
    masterSecretArn: sources.data.string("db_master_secret_arn"),
    groups: COLOURS.map((colour) => ({ name: fleets.fleets[colour].group.name, arn: fleets.fleets[colour].group.arn })),
    redis: { secretArn: secretArns.redis, rotationFunctionName: redisAuthRotationFunctionName(site.name) },
    alarms,
    kmsKeyArn: appKey.arn,
    logRetentionDays: config.app.logRetentionDays,
  });

  const dashboard = new MonitoringDashboard(stack, "dashboard", {
    name: site.name,
    sections: serviceDashboardSections({
      alarmPrefix: alarms.prefix,
      region: aws.region,
      serviceAlarms: [...appAlarms.definitions, ...certificateAlarms],
      dataAlarms: site.dataAlarms,
      overviewAlarmArns: [
        appAlarms.serviceDown.arn,
        ...alarms.created
          .filter((created) => created.alarm !== appAlarms.serviceDown)
          .map((created) => created.alarm.arn),
      ],
      loadBalancerArnSuffix: loadBalancer.loadBalancer.arnSuffix,
      targetGroupArnSuffixes: byColour((fleet) => fleet.targetGroup.arnSuffix),
      groupNames: byColour((fleet) => fleet.group.name),
      webAclName: firewall.webAcl.name,
      processPatterns: config.apm.processes,
      securityEventWidgets: securityEventWidgets({
        alarmPrefix: alarms.prefix,
        region: aws.region,
        alarms: [...securityAlarms.definitions, logEventDefinition(databaseFailedLogins(config.alarms.security))],
      }),
    }),
  });
  return dashboard.dashboard.dashboardName;
}
