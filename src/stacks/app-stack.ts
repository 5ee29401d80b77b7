import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { suppressFinding } from "../compliance/suppress";
import type { EnvironmentConfig } from "../config/schema";
import { ColourFleet } from "../constructs/compute/colour-fleet";
import { SecretConvergence } from "../constructs/compute/secret-convergence";
import { ServiceInstanceRole } from "../constructs/compute/instance-role";
import { ServiceTelemetry } from "../constructs/compute/service-telemetry";
import { UserDataTemplate } from "../constructs/compute/user-data";
import { AccessLogBucket } from "../constructs/edge/access-log-bucket";
import { AliasRecords } from "../constructs/edge/alias-records";
import { DnsValidatedCertificate } from "../constructs/edge/dns-validated-certificate";
import { PublicLoadBalancer } from "../constructs/edge/public-load-balancer";
import { redisAuthRotationFunctionName } from "../constructs/data/redis-auth-rotation";
import { WebApplicationFirewall } from "../constructs/edge/web-application-firewall";
import { AlarmFactory } from "../constructs/monitoring/alarm-factory";
import { certificateExpiryAlarmDefinition } from "../constructs/monitoring/certificate-alarms";
import { AppAlarms } from "../constructs/monitoring/app-alarms";
import { MonitoringDashboard } from "../constructs/monitoring/dashboard";
import { serviceDashboardSections } from "../constructs/monitoring/service-dashboard";
import { runbookDocumentUrl } from "../constructs/monitoring/runbooks";
import { EncryptedLogGroup, logsCanUseKey } from "../constructs/monitoring/encrypted-log-group";
import { databaseFailedLogins } from "../constructs/monitoring/database-failed-logins";
import { logEventDefinition } from "../constructs/monitoring/log-event-alarm";
import { securityEventWidgets } from "../constructs/monitoring/security-event-widgets";
import { ServiceSecurityAlarms } from "../constructs/monitoring/service-security-alarms";
import { EncryptionKey } from "../constructs/security/encryption-key";
import { COLOURS, Colour } from "../release/release-state";
import { BaseStack } from "./base-stack";
import { standardTags } from "./naming";
import { CutoverAliasRecords } from "../constructs/edge/cutover-alias-records";
import { appHandover } from "./app-handover";
import { AppSite, primaryAppSite } from "./app-site";
import { publishHandover } from "./handover";

/** auth-<env>-app (and auth-<env>-dr-app): TLS edge with WAF, blue and green server fleets on the release state, APM, alarms and the dashboard. */
export class AppStack extends BaseStack {
  constructor(scope: Construct, config: EnvironmentConfig, site: AppSite = primaryAppSite(config)) {
    super(scope, { config, layer: site.layer, region: site.region, drill: site.drill });
    const { name } = site;
    const { app, dns } = config;
    // Every aws.region below is the site's region.
    const aws = { ...config.aws, region: site.region };
    const { network, data, registry } = site.sources(this);

    const appKey = new EncryptionKey(this, "app-key", {
      description: `Encrypts ${name} app and WAF logs`,
      alias: `${name}-app`,
      accountId: aws.accountId,
      serviceStatements: [logsCanUseKey(aws.region, aws.accountId)],
    });

    const edgeDns = site.dns(this);
    // Without a zone id the primary creates the domain's zone; the parent domain then delegates to its name servers.
    const createdZone = edgeDns.mode === "primary" && dns.hostedZoneId === undefined ? new Route53Zone(this, "zone", { name: dns.domainName }) : undefined;
    // The DR site requires dns.hostedZoneId (checkDisasterRecoveryRules): it never creates a second zone.
    const zoneId = dns.hostedZoneId ?? createdZone!.zoneId;
    const certificateArn =
      edgeDns.mode === "primary"
        ? new DnsValidatedCertificate(this, "certificate", { domainName: dns.domainName, alternativeNames: app.alternativeNames, hostedZoneId: zoneId }).certificateArn
        : edgeDns.certificateArn;
    const accessLogs = new AccessLogBucket(this, "access-logs", {
      bucketName: `${name}-alb-logs-${aws.accountId}`,
      accountId: aws.accountId,
      prefix: name,
      expiryDays: app.accessLogExpiryDays,
    });

    const serviceLogs = new EncryptedLogGroup(this, "service-logs", {
      name: site.serviceLogGroupName,
      retentionInDays: app.logRetentionDays,
      kmsKeyArn: appKey.arn,
    });
    const secretArns = {
      // The service's own rotated login; the master secret is for the rotation function and people only.
      db: data.string("db_service_secret_arn"),
      redis: data.string("redis_auth_secret_arn"),
      app: data.string("app_secret_arn"),
    };
    const instanceRole = new ServiceInstanceRole(this, "instance-role", {
      name: `${name}-service`,
      region: aws.region,
      secretArns: Object.values(secretArns),
      kmsKeyArns: [data.string("data_kms_key_arn"), registry.keyArn],
      repositoryArn: registry.repositoryArn,
      logGroupArn: serviceLogs.arn,
    });

    const telemetry = new ServiceTelemetry(this, "telemetry", {
      name,
      environment: config.environment,
      region: aws.region,
      accountId: aws.accountId,
      serviceName: config.apm.serviceName,
      traceSamplingRatio: config.apm.traceSamplingRatio,
      metricsIntervalSeconds: config.apm.metricsIntervalSeconds,
      processPatterns: config.apm.processes,
    });
    telemetry.grantTo(instanceRole.role);

    const userData = new UserDataTemplate(this, "user-data");
    const release = site.release(this);
    const fleets = Object.fromEntries(
      COLOURS.map((colour) => [
        colour,
        new ColourFleet(this, colour, {
          name: `${name}-${colour}`,
          colour,
          vpcId: network.string("vpc_id"),
          subnetIds: network.list("private_subnet_ids"),
          securityGroupIds: [network.string("app_security_group_id")],
          imageId: release.amiId(colour),
          instanceType: app.instanceType,
          instanceProfileArn: instanceRole.instanceProfile.arn,
          userDataBase64: userData.base64({
            colour,
            region: aws.region,
            registry: `${aws.accountId}.dkr.ecr.${aws.region}.amazonaws.com`,
            repository_url: registry.repositoryUrl,
            image_digest: release.digest(colour),
            db_secret_arn: secretArns.db,
            redis_secret_arn: secretArns.redis,
            app_secret_arn: secretArns.app,
            db_host: data.string("db_endpoint"),
            db_port: Token.asString(data.number("db_port")),
            db_name: data.string("db_name"),
            redis_host: data.string("redis_endpoint"),
            redis_port: Token.asString(data.number("redis_port")),
            node_env: app.nodeEnv,
            port: String(app.port),
            log_group: serviceLogs.name,
            ...telemetry.userDataValues(colour),
          }),
          port: app.port,
          healthCheckPath: app.healthCheckPath,
          containerNeedsInstanceMetadata: app.containerNeedsInstanceMetadata,
          rootVolumeGb: app.rootVolumeGb,
          minSize: release.capacity(colour, app.capacity.min),
          maxSize: release.capacity(colour, app.capacity.max),
          desiredCapacity: release.capacity(colour, app.capacity.desired),
          healthCheckGracePeriodSeconds: app.healthCheckGracePeriodSeconds,
          minHealthyPercent: app.instanceRefreshMinHealthyPercent,
          preconditions: [release.imagePresence(colour)],
          deregistrationDelaySeconds: app.deregistrationDelaySeconds,
          slowStartSeconds: app.slowStartSeconds,
          targetCpuPercent: app.targetCpuPercent,
          instanceTags: standardTags(config),
        }),
      ]),
    ) as Record<Colour, ColourFleet>;
    const byColour = <T>(pick: (fleet: ColourFleet) => T) => ({ blue: pick(fleets.blue), green: pick(fleets.green) });

    const loadBalancer = new PublicLoadBalancer(this, "edge", {
      name,
      subnetIds: network.list("public_subnet_ids"),
      securityGroupIds: [network.string("alb_security_group_id")],
      certificateArn,
      targets: COLOURS.map((colour) => ({ targetGroup: fleets[colour].targetGroup, weight: release.weight(colour) })),
      testListenerPort: app.testListenerPort,
      testTargetGroupArn: release.forIdleColour(byColour((fleet) => fleet.targetGroup.arn)),
      accessLogs: { bucket: accessLogs.bucket.bucket, prefix: name, dependsOn: [accessLogs.policy] },
      dualStack: config.network.publicIpv6,
      deletionProtection: site.loadBalancerDeletionProtection ?? app.albDeletionProtection,
    });
    if (site.loadBalancerDeletionProtection === false) {
      suppressFinding(loadBalancer.loadBalancer, "alb-deletion-protection", "a DR restore about to be torn down (a drill, or a decommission after fail back): AWS refuses to delete a protected load balancer");
    }
    for (const colour of COLOURS) {
      fleets[colour].scaleOnRequestsPerTarget(app.targetRequestsPerTarget, loadBalancer.loadBalancer.arnSuffix, loadBalancer.httpsListener);
    }
    const firewall = new WebApplicationFirewall(this, "waf", {
      name,
      resourceArn: loadBalancer.loadBalancer.arn,
      rateLimitPerIp: app.waf.rateLimitPerIp,
      loginRateLimitPerIp: app.waf.loginRateLimitPerIp,
      loginPaths: app.waf.loginPaths,
      logRetentionDays: app.logRetentionDays,
      kmsKeyArn: appKey.arn,
    });
    const aliases = {
      zoneId,
      names: [dns.domainName, ...app.alternativeNames],
      target: { dnsName: loadBalancer.loadBalancer.dnsName, zoneId: loadBalancer.loadBalancer.zoneId },
      ipv6: config.network.publicIpv6,
    };
    if (edgeDns.mode === "primary") new AliasRecords(this, "dns", aliases);
    else new CutoverAliasRecords(this, "dns-cutover", { ...aliases, cutover: edgeDns.mode === "dr-cutover" });

    const runbooks = runbookDocumentUrl(config.ci.githubRepository);
    // The site's name is the alarms' prefix: the release tool reads the primary colours' alarms by it.
    const alarms = new AlarmFactory(this, name, network.string("alert_topic_arn"), runbooks);
    // Only the certificate this stack owns; a DR site's is the pilot light's, which alarms on it there.
    const certificateAlarms = edgeDns.mode === "primary" ? [certificateExpiryAlarmDefinition({ name: "certificate-expiry", certificateArn, purpose: "load balancer's" })] : [];
    for (const definition of certificateAlarms) alarms.define(definition);
    const appAlarms = new AppAlarms(this, "alarms", {
      alarms,
      loadBalancerArnSuffix: loadBalancer.loadBalancer.arnSuffix,
      targetGroupArnSuffixes: byColour((fleet) => fleet.targetGroup.arnSuffix),
      liveTargetGroupArnSuffix: release.forLiveColour(byColour((fleet) => fleet.targetGroup.arnSuffix)),
      groupNames: byColour((fleet) => fleet.group.name),
      liveGroupName: release.forLiveColour(byColour((fleet) => fleet.group.name)),
      liveGroupMinimum: app.capacity.min,
      servingAlarmsEnabled: release.released(),
      webAclName: firewall.webAcl.name,
      region: aws.region,
      thresholds: config.alarms.service,
      capacity: config.alarms.capacity,
    });
    const securityAlarms = new ServiceSecurityAlarms(this, "security-alarms", {
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

    new SecretConvergence(this, "secret-convergence", {
      name,
      region: aws.region,
      accountId: aws.accountId,
      secretArns: Object.values(secretArns),
      masterSecretArn: data.string("db_master_secret_arn"),
      groups: COLOURS.map((colour) => ({ name: fleets[colour].group.name, arn: fleets[colour].group.arn })),
      redis: { secretArn: secretArns.redis, rotationFunctionName: redisAuthRotationFunctionName(name) },
      alarms,
      kmsKeyArn: appKey.arn,
      logRetentionDays: app.logRetentionDays,
    });

    const dashboard = new MonitoringDashboard(this, "dashboard", {
      name,
      sections: serviceDashboardSections({
        alarmPrefix: alarms.prefix,
        region: aws.region,
        serviceAlarms: [...appAlarms.definitions, ...certificateAlarms],
        dataAlarms: site.dataAlarms,
        overviewAlarmArns: [appAlarms.serviceDown.arn, ...alarms.created.filter((created) => created.alarm !== appAlarms.serviceDown).map((created) => created.alarm.arn)],
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

    publishHandover(this, appHandover, {
      service_url: `https://${dns.domainName}`,
      test_listener_url: `https://${dns.domainName}:${app.testListenerPort}`,
      dashboard_url: `https://${aws.region}.console.aws.amazon.com/cloudwatch/home?region=${aws.region}#dashboards/dashboard/${dashboard.dashboard.dashboardName}`,
      load_balancer_dns_name: loadBalancer.loadBalancer.dnsName,
      group_names: byColour((fleet) => fleet.group.name),
      target_group_arns: byColour((fleet) => fleet.targetGroup.arn),
      current_release: {
        blue_digest: release.digest("blue"),
        green_digest: release.digest("green"),
        blue_ami_id: release.amiId("blue"),
        green_ami_id: release.amiId("green"),
        green_traffic_percent: release.weight("green"),
        idle_capacity: Token.asNumber("${local.release_state.idleCapacity}"),
      },
      fleet_status: release.fleetStatus(),
      idle_colour: release.forIdleColour({ blue: "blue", green: "green" }),
      hosted_zone_name_servers: createdZone?.nameServers,
    });
  }
}
