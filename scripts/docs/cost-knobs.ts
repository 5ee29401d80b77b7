/**
 * docs/reference/cost-knobs.md: what each cost-bearing setting costs and buys, computed from the
 * price catalogue and the shipped configs (npm run docs writes it; a unit test fails when stale).
 */
import { environments, validateConfigs } from "../../src/config";
import { CATALOGUE_READ_ON, unitPrice } from "../../src/cost/catalogue";
import { HOURS_PER_MONTH } from "../../src/cost/price-resource";

export const COST_KNOBS_PAGE = "docs/reference/cost-knobs.md";

const usd = (value: number) => (value > 0 && value < 0.01 ? `$${value}` : `$${value.toFixed(2)}`);

export function costKnobsPage(): string {
  const configs = validateConfigs(environments);
  const region = configs[0].aws.region;
  const drRegion = configs[0].aws.drRegion;
  const p = (key: string, where = region) => unitPrice(key, where).usd;
  const month = HOURS_PER_MONTH;
  const nat = (p("nat:hour") + p("ipv4:hour")) * month;
  const endpointPerAz = p("endpoint:az-hour") * month;
  const values = (read: (config: (typeof configs)[number]) => unknown) =>
    configs.map((config) => `${config.environment}: ${String(read(config))}`).join("; ");
  const instance = (type: string, rootGb: number) =>
    p(`ec2:${type}`) * month + rootGb * p("ebs:gp3") + 7 * p("cloudwatch:custom-metric");
  const app = configs[0].app;
  const db = (config: (typeof configs)[number]) =>
    p(`rds-postgres:${config.data.postgres.instanceClass}`) * month +
    config.data.postgres.allocatedStorageGb * p("rds:gp3-storage");
  const cacheNode = (config: (typeof configs)[number]) => p(`elasticache:${config.data.redis.nodeType}`) * month;
  const dr = configs.find((config) => config.dr.pilotLight) ?? configs[0];
  const pilotLight =
    dr.dr.network.natGatewayCount * (p("nat:hour", drRegion) + p("ipv4:hour", drRegion)) * month +
    dr.dr.network.availabilityZones.length * p("endpoint:az-hour", drRegion) * month +
    3 * p("kms:key", drRegion) +
    3 * p("secrets:secret", drRegion);
  const rows: [string, string, string, string][] = [
    [
      "`network.natGatewayCount`",
      `${usd(nat)} a month per gateway (hours and its public IPv4), plus ${usd(p("nat:gb"))}/GB processed`,
      "one per AZ: private subnets keep egress when an AZ fails",
      "one shared gateway: an AZ outage cuts every instance's egress (image pulls, AWS APIs without an endpoint)",
    ],
    [
      "interface endpoints (network stack: Secrets Manager)",
      `${usd(endpointPerAz)} a month per endpoint per AZ, plus ${usd(p("endpoint:gb"))}/GB`,
      "secrets fetched without NAT or the internet, per-AZ resilient",
      "dropping one sends secret traffic through NAT: cheaper only below ~" +
        Math.round(endpointPerAz / p("nat:gb")) +
        " GB a month per AZ",
    ],
    [
      "`app.instanceType`, `app.capacity.desired`",
      `${usd(instance(app.instanceType, app.rootVolumeGb))} a month per ${app.instanceType} (with ${app.rootVolumeGb} GB gp3 and detailed monitoring); during a release both colours run full`,
      "headroom for traffic and for losing an instance",
      "smaller or fewer instances: cheaper, less headroom while one is replaced",
    ],
    [
      "`data.postgres.instanceClass`",
      values((config) => `${config.data.postgres.instanceClass} ${usd(db(config))} a month single-AZ with storage`),
      "memory and connections for the service",
      "a micro class has the least memory; the alarms read its limits",
    ],
    [
      "`data.postgres.multiAz`",
      values((config) => `+${usd(db(config))} a month (standby instance and its storage)`),
      "automatic failover to a synchronous standby in another AZ",
      "off: an AZ or instance failure means a restore from backup (minutes to hours)",
    ],
    [
      "`data.redis.nodeType`, `shards`, `replicasPerShard`",
      values((config) => `${usd(cacheNode(config))} a month per ${config.data.redis.nodeType} node`),
      "replicas and cluster mode fail over automatically",
      "single node: losing it drops sessions until it is replaced",
    ],
    [
      "alarm count (`alarms.*`, security alarms)",
      `${usd(p("cloudwatch:alarm"))} a month per alarm (each metric of a metric-math alarm counts), ${usd(p("cloudwatch:composite-alarm"))} per composite alarm`,
      "a page for each failure mode, with a runbook",
      "fewer alarms: cheaper by cents, blind to that failure",
    ],
    [
      "`dr.pilotLight`",
      `about ${usd(pilotLight)} a month fixed for ${dr.environment}'s pilot light in ${drRegion} (NAT, endpoint, 3 keys, 3 secret replicas) before alarms, logs and replication transfer; npm run cost -- --env ${dr.environment} has the full figure`,
      "images, secrets and state already in the DR region: the 4-hour RTO",
      "off: a regional disaster means rebuilding from nothing, far beyond the RTO",
    ],
    [
      "`*.logRetentionDays` (app, data, network flow logs, trail)",
      `${usd(p("logs:storage-gb") * (30 / 30.4))} a month per GB ingested per month for each 30 days kept (ingestion: ${usd(p("logs:ingest-gb"))}/GB)`,
      "investigations and audits reach further back",
      "short retention: evidence gone before an incident is noticed",
    ],
    [
      "`security.guardDuty.runtimeMonitoring`",
      `${usd(p("guardduty:runtime-vcpu"))} a month per monitored vCPU`,
      "process-level threat detection on the instances",
      "off: only API, network and DNS findings",
    ],
    [
      "`security.securityHub`, `security.configRecorder`",
      `${usd(p("securityhub:check"))} per check and ${usd(p("config:item"))} per configuration item recorded`,
      "continuous compliance checks and a change history of every resource",
      "off: no posture score, no resource history",
    ],
  ];
  return [
    "# Cost-bearing settings",
    "",
    `<!-- generated by npm run docs from src/cost/catalogue.ts and src/config/: do not edit -->`,
    "",
    `What each setting costs and what it buys, from the offline price catalogue of ${CATALOGUE_READ_ON} (${region}, ${drRegion} for DR; AWS on-demand list prices, ${month} hours a month). An estimate, not a quote: \`npm run cost -- --env <name>\` prices a whole environment, and every pull request's plan report shows the change.`,
    "",
    "| setting | what it costs | what it buys | the trade-off |",
    "|---|---|---|---|",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
    "",
  ].join("\n");
}
