import { AGENT_DIMENSIONS } from "../compute/cloudwatch-agent-config";
import {
  CIS_METRIC_FILTERS,
  CIS_NAMESPACE,
  SECURITY_EVENT_METRICS,
  SECURITY_EVENTS_NAMESPACE,
} from "../../compliance/filter-patterns";

/**
 * Every CloudWatch namespace, metric and dimension set this project alarms on or charts, each
 * with the AWS page that documents it. A metric published with other dimensions than the ones an
 * alarm names is a different time series: the alarm would sit in INSUFFICIENT_DATA (or OK) forever.
 * __tests__/metric-catalog.test.ts holds every alarm and dashboard widget of the synthesized
 * stacks to this table. Add a namespace or metric here, with its source, before using it.
 */

export interface CataloguedMetric {
  readonly name: string;
  /** Each set of dimension names CloudWatch publishes the metric with (order does not matter). */
  readonly dimensionSets: readonly (readonly string[])[];
}

export interface CataloguedNamespace {
  readonly namespace: string;
  /** The AWS documentation page that lists these metrics and their dimensions. */
  readonly source: string;
  readonly metrics: readonly CataloguedMetric[];
}

const metrics = (names: readonly string[], dimensionSets: readonly (readonly string[])[]): CataloguedMetric[] =>
  names.map((name) => ({ name, dimensionSets }));

const LOAD_BALANCER = ["LoadBalancer"];
const TARGET_GROUP = ["LoadBalancer", "TargetGroup"];

export const METRIC_CATALOG: readonly CataloguedNamespace[] = [
  {
    namespace: "AWS/ApplicationELB",
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html",
    metrics: [
      ...metrics(
        [
          "HTTPCode_ELB_5XX_Count",
          "HTTPCode_ELB_502_Count",
          "HTTPCode_ELB_503_Count",
          "HTTPCode_ELB_504_Count",
          "RejectedConnectionCount",
          "ActiveConnectionCount",
        ],
        [LOAD_BALANCER],
      ),
      ...metrics(
        [
          "RequestCount",
          "HTTPCode_Target_2XX_Count",
          "HTTPCode_Target_4XX_Count",
          "HTTPCode_Target_5XX_Count",
          "TargetResponseTime",
        ],
        [LOAD_BALANCER, TARGET_GROUP],
      ),
      ...metrics(["HealthyHostCount", "UnHealthyHostCount", "RequestCountPerTarget"], [TARGET_GROUP]),
    ],
  },
  {
    namespace: "AWS/AutoScaling",
    // Published only for the metrics listed in the group's enabled_metrics.
    source: "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html",
    metrics: metrics(
      [
        "GroupInServiceInstances",
        "GroupMaxSize",
        "GroupMinSize",
        "GroupDesiredCapacity",
        "GroupPendingInstances",
        "GroupTerminatingInstances",
      ],
      [["AutoScalingGroupName"]],
    ),
  },
  {
    namespace: "AWS/EC2",
    // Aggregated by group for instances launched by an Auto Scaling group.
    source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html",
    metrics: metrics(
      ["CPUUtilization", "NetworkIn", "NetworkOut", "StatusCheckFailed"],
      [["AutoScalingGroupName"], ["InstanceId"]],
    ),
  },
  {
    namespace: "CWAgent",
    // Published with the dimensions our agent config aggregates to (src/constructs/compute/cloudwatch-agent-config.ts).
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/metrics-collected-by-CloudWatch-agent.html",
    metrics: metrics(["mem_used_percent", "disk_used_percent", "disk_inodes_free"], [AGENT_DIMENSIONS.host]),
  },
  {
    namespace: "CWAgent",
    source:
      "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-procstat-process-metrics.html",
    metrics: metrics(
      ["procstat_cpu_usage", "procstat_memory_rss", "procstat_lookup_pid_count"],
      [AGENT_DIMENSIONS.process],
    ),
  },
  {
    namespace: "AWS/WAFV2",
    source: "https://docs.aws.amazon.com/waf/latest/developerguide/waf-metrics.html",
    metrics: metrics(["AllowedRequests", "BlockedRequests", "CountedRequests"], [["Region", "Rule", "WebACL"]]),
  },
  {
    namespace: "AWS/RDS",
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html",
    metrics: metrics(
      [
        "CPUUtilization",
        "DatabaseConnections",
        "FreeStorageSpace",
        "FreeableMemory",
        "ReadLatency",
        "WriteLatency",
        "ReadIOPS",
        "WriteIOPS",
      ],
      [["DBInstanceIdentifier"]],
    ),
  },
  {
    namespace: "AWS/ElastiCache",
    // Redis publishes per node: CacheClusterId is the member cluster, CacheNodeId its node (0001).
    source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html",
    metrics: metrics(
      [
        "EngineCPUUtilization",
        "DatabaseMemoryUsagePercentage",
        "Evictions",
        "CurrConnections",
        "ReplicationLag",
        "CacheHitRate",
      ],
      [["CacheClusterId", "CacheNodeId"]],
    ),
  },
  {
    namespace: "AWS/CertificateManager",
    // Published once a day per certificate until it expires.
    source: "https://docs.aws.amazon.com/acm/latest/userguide/cloudwatch-metrics.html",
    metrics: metrics(["DaysToExpiry"], [["CertificateArn"]]),
  },
  {
    namespace: "AWS/NATGateway",
    source: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway-cloudwatch.html",
    metrics: metrics(["ErrorPortAllocation", "PacketsDropCount", "ActiveConnectionCount"], [["NatGatewayId"]]),
  },
  {
    namespace: "AWS/Events",
    source: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html",
    // MatchedEvents: the primary region's heartbeats arriving in aws.drRegion (src/constructs/monitoring/region-heartbeat.ts).
    metrics: [...metrics(["TriggeredRules"], [["RuleName"]]), ...metrics(["MatchedEvents"], [["RuleName"]])],
  },
  {
    namespace: "AWS/SQS",
    // The security finding rules' dead-letter queue (src/constructs/monitoring/security-finding-alerts.ts).
    source:
      "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html",
    metrics: metrics(["ApproximateNumberOfMessagesVisible"], [["QueueName"]]),
  },
  {
    namespace: "AWS/Events",
    // Deliveries of the security finding rules that failed (src/constructs/monitoring/security-finding-alerts.ts).
    source: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html",
    metrics: metrics(["FailedInvocations"], [["RuleName"]]),
  },
  {
    // Our metric filters (src/compliance/filter-patterns.ts) publish these without dimensions:
    // a metric filter's dimensions are only the ones its transformation names.
    namespace: CIS_NAMESPACE,
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringPolicyExamples.html",
    metrics: metrics(
      CIS_METRIC_FILTERS.map((filter) => filter.metricName),
      [[]],
    ),
  },
  {
    namespace: SECURITY_EVENTS_NAMESPACE,
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringPolicyExamples.html",
    metrics: metrics(Object.values(SECURITY_EVENT_METRICS), [[]]),
  },
  {
    namespace: "AWS/Route53",
    // Health-check metrics exist only in us-east-1.
    source: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-check-status.html",
    metrics: metrics(["HealthCheckStatus", "HealthCheckPercentageHealthy", "TimeToFirstByte"], [["HealthCheckId"]]),
  },
  {
    namespace: "CloudWatchSynthetics",
    source:
      "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_metrics.html",
    metrics: metrics(["SuccessPercent", "Duration", "Failed"], [["CanaryName"]]),
  },
  {
    namespace: "AWS/Lambda",
    source: "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
    metrics: metrics(["Errors", "Throttles"], [["FunctionName"]]),
  },
];

/** Why a metric reference is not in the catalog, or undefined when it is. */
export function catalogueProblem(
  namespace: string,
  metricName: string,
  dimensionNames: readonly string[],
): string | undefined {
  const inNamespace = METRIC_CATALOG.filter((entry) => entry.namespace === namespace);
  if (inNamespace.length === 0) return `namespace ${namespace} is not in the metric catalog`;
  const metric = inNamespace.flatMap((entry) => entry.metrics).filter((candidate) => candidate.name === metricName);
  if (metric.length === 0) return `${namespace} ${metricName} is not in the metric catalog`;
  const wanted = [...dimensionNames].sort().join(",");
  const allowed = metric.flatMap((candidate) => candidate.dimensionSets).map((set) => [...set].sort().join(","));
  if (!allowed.includes(wanted))
    return `${namespace} ${metricName} is published with dimensions [${allowed.join("] or [")}], not [${wanted}]`;
  return undefined;
}
