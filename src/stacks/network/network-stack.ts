import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../config/schema/schema";
import { AlarmFactory } from "../../constructs/monitoring/alarm-factory";
import { AlertTopic } from "../../constructs/monitoring/alert-topic";
import { CostAlerts } from "../../constructs/monitoring/cost-alerts";
import { natGatewayAlarmDefinitions } from "../../constructs/monitoring/nat-gateway-alarms";
import { HeartbeatSender } from "../../constructs/monitoring/region-heartbeat";
import { runbookDocumentUrl } from "../../constructs/monitoring/runbooks";
import { logsCanUseKey } from "../../constructs/monitoring/encrypted-log-group";
import { VpcFlowLogs } from "../../constructs/network/flow-logs";
import { InterfaceEndpoints } from "../../constructs/network/interface-endpoints";
import { Network } from "../../constructs/network/network";
import { ServiceSecurityGroups } from "../../constructs/network/security-groups";
import { EncryptionKey } from "../../constructs/security/encryption-key";
import { BaseStack } from "../shared/base-stack";
import { heartbeatRuleNames, Layer, resourcePrefix } from "../../config/naming";
import { publishHandover } from "../shared/handover";
import { networkHandover } from "./network-handover";

/** Where a network stack builds its VPC: the primary site, or the DR site's pilot light. */
export interface NetworkSite {
  readonly layer: Extract<Layer, "network" | "dr-network">;
  readonly region: string;
  /** Prefix of every name; IAM names are global, so the two sites' prefixes differ. */
  readonly name: string;
  readonly network: Pick<EnvironmentConfig["network"], "vpcCidr" | "availabilityZones" | "subnets" | "natGatewayCount">;
  /** The environment's budget and anomaly alerts, on the site whose alert topic receives them. @default none */
  readonly cost?: EnvironmentConfig["cost"];
  /** EventBridge rules (ARN patterns) that may publish to the site's alert topic, e.g. the DR region's security findings. @default none */
  readonly eventRuleArns?: string[];
}

/** The primary site: config.network in aws.region. */
export function primarySite(config: EnvironmentConfig): NetworkSite {
  return {
    layer: "network",
    region: config.aws.region,
    name: resourcePrefix(config.environment),
    network: config.network,
    cost: config.cost,
  };
}

/** auth-<env>-network: the VPC, the tier security groups, flow logs, the alert topic and the NAT gateway alarms. */
export class NetworkStack extends BaseStack {
  /** The site's VPC and subnets, for what a subclass adds to the site. */
  protected readonly network: Network;
  /** The site's alert topic and the factory of its alarms (the DR site adds the outside-in and certificate alarms to them). */
  protected readonly alarms: AlarmFactory;
  /** The site's alert topic (auth-<env>-alerts or auth-<env>-dr-alerts). */
  protected readonly alertTopicArn: string;

  constructor(scope: Construct, config: EnvironmentConfig, site: NetworkSite = primarySite(config)) {
    super(scope, { config, layer: site.layer, region: site.region });
    const { name } = site;
    const { aws } = config;
    const network = { ...config.network, ...site.network };
    const region = site.region;

    const vpc = new Network(this, "network", {
      name,
      region,
      cidr: network.vpcCidr,
      availabilityZones: network.availabilityZones,
      publicSubnetCidrs: network.subnets.public,
      privateSubnetCidrs: network.subnets.private,
      isolatedSubnetCidrs: network.subnets.isolated,
      natGatewayCount: network.natGatewayCount,
      publicIpv6: network.publicIpv6,
    });
    this.network = vpc;
    const securityGroups = new ServiceSecurityGroups(this, "security-groups", {
      name,
      vpcId: vpc.vpc.id,
      appPort: config.app.port,
      testListenerPort: config.app.testListenerPort,
      testListenerAllowedCidrs: config.app.testListenerAllowedCidrs,
      allowIpv6Clients: network.publicIpv6,
    });
    new InterfaceEndpoints(this, "api-endpoints", {
      name,
      vpcId: vpc.vpc.id,
      region,
      services: ["secretsmanager"],
      subnetIds: vpc.privateSubnetIds,
      securityGroupIds: [securityGroups.apiEndpoints.id],
    });
    const logsKey = new EncryptionKey(this, "network-logs-key", {
      description: `Encrypts ${name} network logs`,
      alias: `${name}-network-logs`,
      accountId: aws.accountId,
      serviceStatements: [logsCanUseKey(region, aws.accountId)],
    });
    new VpcFlowLogs(this, "flow-logs", {
      name,
      vpcId: vpc.vpc.id,
      region,
      accountId: aws.accountId,
      retentionInDays: network.flowLogRetentionDays,
      kmsKeyArn: logsKey.arn,
    });
    const alerts = new AlertTopic(this, "alerts", {
      name: `${name}-alerts`,
      accountId: aws.accountId,
      emails: config.alarms.emails,
      costAlerts: site.cost !== undefined,
      eventRuleArns: site.eventRuleArns,
    });
    this.alertTopicArn = alerts.arn;
    if (site.cost) {
      new CostAlerts(this, "cost-alerts", {
        name,
        topicArn: alerts.arn,
        monthlyLimitUsd: site.cost.budget.monthlyLimitUsd,
        actualThresholdsPercent: site.cost.budget.actualThresholdsPercent,
        forecastThresholdPercent: site.cost.budget.forecastThresholdPercent,
        anomalyMonitor: site.cost.anomalyDetection.monitor === "create",
        anomalyMinimumImpactUsd: site.cost.anomalyDetection.minimumImpactUsd,
      });
    }

    const alarms = new AlarmFactory(this, name, alerts.arn, runbookDocumentUrl(config.ci.githubRepository));
    this.alarms = alarms;
    const natAlarms = natGatewayAlarmDefinitions({
      gateways: vpc.natGatewayIds.map((id, index) => ({ zone: network.availabilityZones[index], id })),
      portAllocationErrors: config.alarms.network.natPortAllocationErrors,
      packetsDropped: config.alarms.network.natPacketsDropped,
    });
    for (const definition of natAlarms) alarms.define(definition);
    // The primary site's heartbeat into aws.drRegion, where its absence pages (auth-<env>-dr-network).
    if (site.layer === "network" && config.outsideIn) {
      new HeartbeatSender(this, "heartbeat", {
        name: heartbeatRuleNames(config.environment).sender,
        receiverRegion: aws.drRegion,
        accountId: aws.accountId,
      });
    }

    publishHandover(this, networkHandover, {
      vpc_id: vpc.vpc.id,
      public_subnet_ids: vpc.publicSubnetIds,
      private_subnet_ids: vpc.privateSubnetIds,
      isolated_subnet_ids: vpc.isolatedSubnetIds,
      alb_security_group_id: securityGroups.alb.id,
      app_security_group_id: securityGroups.app.id,
      db_security_group_id: securityGroups.database.id,
      cache_security_group_id: securityGroups.cache.id,
      db_rotation_security_group_id: securityGroups.databaseRotation.id,
      cache_rotation_security_group_id: securityGroups.cacheRotation.id,
      alert_topic_arn: alerts.arn,
    });
  }
}
