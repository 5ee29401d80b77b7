import { Token } from "cdktf";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../config/schema/schema";
import { logsCanUseKey } from "../../constructs/monitoring/encrypted-log-group";
import { EncryptionKey } from "../../constructs/security/encryption-key";
import type { AppAssembly } from "./app-assembly";
import { appEdge } from "./app-edge";
import { appFleets } from "./app-fleets";
import { appHandover } from "./app-handover";
import { appObservability } from "./app-observability";
import { AppSite, primaryAppSite } from "./app-site";
import { BaseStack } from "../shared/base-stack";
import { publishHandover } from "../shared/handover";

/** auth-<env>-app (and auth-<env>-dr-app): TLS edge with WAF, blue and green server fleets on the release state, APM, alarms and the dashboard. */
export class AppStack extends BaseStack {
  constructor(scope: Construct, config: EnvironmentConfig, site: AppSite = primaryAppSite(config)) {
    super(scope, { config, layer: site.layer, region: site.region, drill: site.drill });
    const aws = { ...config.aws, region: site.region };
    const sources = site.sources(this);
    const appKey = new EncryptionKey(this, "app-key", {
      description: `Encrypts ${site.name} app and WAF logs`,
      alias: `${site.name}-app`,
      accountId: aws.accountId,
      serviceStatements: [logsCanUseKey(aws.region, aws.accountId)],
    });
    const assembly: AppAssembly = { stack: this, config, site, aws, sources, appKey, release: site.release(this) };
    const fleets = appFleets(assembly);
    const edge = appEdge(assembly, fleets);
    const dashboardName = appObservability(assembly, fleets, edge);

    const { release } = assembly;
    const { domainName } = config.dns;
    publishHandover(this, appHandover, {
      service_url: `https://${domainName}`,
      test_listener_url: `https://${domainName}:${config.app.testListenerPort}`,
      dashboard_url: `https://${aws.region}.console.aws.amazon.com/cloudwatch/home?region=${aws.region}#dashboards/dashboard/${dashboardName}`,
      load_balancer_dns_name: edge.loadBalancer.loadBalancer.dnsName,
      group_names: fleets.byColour((fleet) => fleet.group.name),
      target_group_arns: fleets.byColour((fleet) => fleet.targetGroup.arn),
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
      hosted_zone_name_servers: edge.createdZone?.nameServers,
    });
  }
}
