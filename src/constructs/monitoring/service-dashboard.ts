import type { Colour } from "../../release/release-state";
import { COLOURS } from "../../release/release-state";
import type { AlarmDefinition } from "./alarm-factory";
import { alarmGraph, alarmStatus, DashboardSection, DashboardWidget, metricGraph, metricRow } from "./dashboard";

export interface ServiceDashboardProps {
  /** Prefix of the alarm names, e.g. auth-production. */
  readonly alarmPrefix: string;
  /** Region the dashboard's metrics are read in. */
  readonly region: string;
  /** The app stack's alarm definitions (serviceAlarmDefinitions). */
  readonly serviceAlarms: readonly AlarmDefinition[];
  /** The data stack's alarm definitions (dataAlarmDefinitions), charted here as they are alarmed there. */
  readonly dataAlarms: readonly AlarmDefinition[];
  /** ARNs of the alarms whose state the overview shows (service down first). */
  readonly overviewAlarmArns: string[];
  /** ARN suffix of the ALB, the LoadBalancer dimension of AWS/ApplicationELB. */
  readonly loadBalancerArnSuffix: string;
  /** ARN suffixes of the target groups by colour, the TargetGroup dimension. */
  readonly targetGroupArnSuffixes: Readonly<Record<Colour, string>>;
  /** Auto Scaling group names by colour, the AutoScalingGroupName dimension. */
  readonly groupNames: Readonly<Record<Colour, string>>;
  /** Name of the web ACL, the WebACL dimension of AWS/WAFV2. */
  readonly webAclName: string;
  /** Process patterns the CloudWatch agent reports (procstat). */
  readonly processPatterns: readonly string[];
  /**
   * Widgets of the "Security events" section beyond the WAF's counted requests: the extension point
   * for security metrics defined elsewhere (log metric filters on the service and trail logs). @default none
   */
  readonly securityEventWidgets?: readonly DashboardWidget[];
}

const ELB = "AWS/ApplicationELB";

/**
 * The sections of the environment's dashboard, in the order an on-call engineer reads them:
 * traffic, latency, errors, target health per colour, group capacity, CPU and memory, RDS, Redis,
 * WAF and security events. Every alarm of the service appears as the graph of what it watches.
 */
export function serviceDashboardSections(props: ServiceDashboardProps): DashboardSection[] {
  const { region } = props;
  const alb = { LoadBalancer: props.loadBalancerArnSuffix };
  const targetGroup = (colour: Colour) => ({
    LoadBalancer: props.loadBalancerArnSuffix,
    TargetGroup: props.targetGroupArnSuffixes[colour],
  });
  const group = (colour: Colour) => ({ AutoScalingGroupName: props.groupNames[colour] });
  const charted = new Set<string>();
  const graphsOf = (definitions: readonly AlarmDefinition[], pick: (name: string) => boolean): DashboardWidget[] =>
    definitions
      .filter((definition) => pick(definition.name))
      .map((definition) => {
        charted.add(definition.name);
        return alarmGraph(definition, `${props.alarmPrefix}-${definition.name}`, region);
      });
  const named =
    (...names: string[]) =>
    (name: string) =>
      names.includes(name);
  const forColours =
    (...suffixes: string[]) =>
    (name: string) =>
      COLOURS.some((colour) => suffixes.some((suffix) => name === `${colour}-${suffix}`));

  const sections: DashboardSection[] = [
    { title: "Overview", widgets: [alarmStatus("Service alarms", props.overviewAlarmArns)] },
    {
      title: "Traffic",
      widgets: [
        metricGraph({
          title: "Requests per minute",
          region,
          stat: "Sum",
          metrics: [
            metricRow(ELB, "RequestCount", alb, { label: "all" }),
            ...COLOURS.map((colour) => metricRow(ELB, "RequestCount", targetGroup(colour), { label: colour })),
          ],
        }),
        metricGraph({
          title: "Active connections",
          region,
          stat: "Sum",
          metrics: [metricRow(ELB, "ActiveConnectionCount", alb)],
        }),
        ...graphsOf(props.serviceAlarms, named("alb-rejected-connections")),
      ],
    },
    {
      title: "Latency",
      widgets: [
        metricGraph({
          title: "Target response time percentiles",
          region,
          metrics: ["p50", "p90", "p99"].map((percentile) =>
            metricRow(ELB, "TargetResponseTime", alb, { stat: percentile, label: percentile }),
          ),
        }),
        ...graphsOf(props.serviceAlarms, named("alb-p99-latency")),
      ],
    },
    {
      title: "Errors",
      widgets: [
        metricGraph({
          title: "Responses by origin",
          region,
          stat: "Sum",
          metrics: [
            metricRow(ELB, "HTTPCode_ELB_5XX_Count", alb, { label: "load balancer 5xx" }),
            metricRow(ELB, "HTTPCode_Target_5XX_Count", alb, { label: "target 5xx" }),
            metricRow(ELB, "HTTPCode_Target_4XX_Count", alb, { label: "target 4xx" }),
          ],
        }),
        ...graphsOf(props.serviceAlarms, named("alb-5xx-rate", "alb-elb-5xx", "live-no-healthy-targets")),
      ],
    },
    {
      title: "Target health per colour",
      widgets: [
        ...COLOURS.map((colour) =>
          metricGraph({
            title: `${colour} targets`,
            region,
            stat: "Minimum",
            metrics: [
              metricRow(ELB, "HealthyHostCount", targetGroup(colour), { label: "healthy" }),
              metricRow(ELB, "UnHealthyHostCount", targetGroup(colour), { stat: "Maximum", label: "unhealthy" }),
            ],
          }),
        ),
        ...graphsOf(props.serviceAlarms, forColours("5xx-rate", "p99-latency", "unhealthy-hosts")),
      ],
    },
    {
      title: "Group capacity",
      widgets: [
        ...COLOURS.map((colour) =>
          metricGraph({
            title: `${colour} group`,
            region,
            stat: "Maximum",
            metrics: ["GroupInServiceInstances", "GroupDesiredCapacity", "GroupMaxSize"].map((metric) =>
              metricRow("AWS/AutoScaling", metric, group(colour), { label: metric }),
            ),
          }),
        ),
        ...graphsOf(
          props.serviceAlarms,
          (name) => forColours("at-max-capacity")(name) || name === "live-in-service-instances",
        ),
      ],
    },
    {
      title: "CPU and memory",
      widgets: [
        ...graphsOf(props.serviceAlarms, forColours("cpu-sustained", "memory", "disk")),
        ...(["procstat_cpu_usage", "procstat_memory_rss"] as const).map((metric) =>
          metricGraph({
            title: metric === "procstat_cpu_usage" ? "CPU per process (%)" : "Resident memory per process (bytes)",
            region,
            metrics: COLOURS.flatMap((colour) =>
              props.processPatterns.map((pattern) =>
                metricRow("CWAgent", metric, { ...group(colour), pattern }, { label: `${colour} ${pattern}` }),
              ),
            ),
          }),
        ),
      ],
    },
    // Only where the stack owns its certificate (a DR site charts nothing here).
    ...[{ title: "Certificate", widgets: graphsOf(props.serviceAlarms, named("certificate-expiry")) }].filter(
      (section) => section.widgets.length > 0,
    ),
    { title: "RDS", widgets: graphsOf(props.dataAlarms, (name) => name.startsWith("db-")) },
    { title: "Redis", widgets: graphsOf(props.dataAlarms, (name) => !name.startsWith("db-")) },
    {
      title: "WAF",
      widgets: [
        metricGraph({
          title: "Web ACL decisions",
          region,
          stat: "Sum",
          period: 300,
          metrics: (["AllowedRequests", "BlockedRequests"] as const).map((metric) =>
            metricRow(
              "AWS/WAFV2",
              metric,
              { WebACL: props.webAclName, Region: region, Rule: "ALL" },
              { label: metric },
            ),
          ),
        }),
        ...graphsOf(props.serviceAlarms, named("waf-blocked-requests")),
      ],
    },
    {
      title: "Security events",
      widgets: [
        metricGraph({
          title: "Requests matched by counting WAF rules",
          region,
          stat: "Sum",
          period: 300,
          metrics: [
            metricRow("AWS/WAFV2", "CountedRequests", { WebACL: props.webAclName, Region: region, Rule: "ALL" }),
          ],
        }),
        ...(props.securityEventWidgets ?? []),
      ],
    },
  ];
  const missing = [...props.serviceAlarms, ...props.dataAlarms]
    .filter((definition) => !charted.has(definition.name))
    .map((definition) => definition.name);
  if (missing.length > 0)
    throw new Error(`the dashboard charts no panel for the alarms ${missing.join(", ")}: add them to a section`);
  return sections;
}
