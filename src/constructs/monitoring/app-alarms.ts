import type { CloudwatchCompositeAlarm } from "@cdktf/provider-aws/lib/cloudwatch-composite-alarm";
import type { IResolvable } from "cdktf";
import { Construct } from "constructs";
import type { Colour } from "../../release/release-state";
import { COLOURS } from "../../release/release-state";
import { AlarmDefinition, AlarmFactory, thresholdDefinition } from "./alarm-factory";
import { targetGroupAlarmSuffix } from "./alarm-names";

export interface ServiceAlarmThresholds {
  readonly http5xxRatePercent: number;
  readonly p99LatencySeconds: number;
  readonly rejectedConnections: number;
  readonly loadBalancer5xxPerMinute: number;
  readonly wafBlockedRequests: number;
}

export interface CapacityAlarmThresholds {
  readonly groupAtMaxMinutes: number;
  readonly cpuPercent: number;
  readonly cpuMinutes: number;
  readonly memoryPercent: number;
  readonly diskPercent: number;
}

export interface ServiceAlarmDefinitionsProps {
  /** ARN suffix of the ALB (app/<name>/<id>), the LoadBalancer dimension of AWS/ApplicationELB. */
  readonly loadBalancerArnSuffix: string;
  /** ARN suffixes of the target groups by colour, the TargetGroup dimension. */
  readonly targetGroupArnSuffixes: Readonly<Record<Colour, string>>;
  /** ARN suffix of the target group of the colour taking traffic (a Terraform expression). */
  readonly liveTargetGroupArnSuffix: string;
  /** Auto-scaling group names by colour, the AutoScalingGroupName dimension. */
  readonly groupNames: Readonly<Record<Colour, string>>;
  /** Name of the auto-scaling group of the colour taking traffic (a Terraform expression). */
  readonly liveGroupName: string;
  /** In-service instances the live colour must keep. */
  readonly liveGroupMinimum: number;
  /** Name of the web ACL and its region, the WebACL and Region dimensions of AWS/WAFV2. */
  readonly webAclName: string;
  /** Region of the web ACL, the Region dimension of AWS/WAFV2. */
  readonly region: string;
  /**
   * Whether the alarms on the serving fleet notify (a Terraform expression: true once released).
   * Before the first release both colours run no instance, the load balancer has no target, and
   * these alarms would page about a fleet that does not exist yet.
   */
  readonly servingAlarmsEnabled: boolean | IResolvable;
  /** Thresholds of the service alarms (config alarms.service). */
  readonly thresholds: ServiceAlarmThresholds;
  /** Thresholds of the capacity alarms (config alarms.capacity). */
  readonly capacity: CapacityAlarmThresholds;
}

/** Alarm name suffixes the composite "service down" alarm is made of. */
export const SERVICE_DOWN = {
  alarm: "service-down",
  loadBalancer5xx: "alb-elb-5xx",
  liveWithoutHealthyTargets: "live-no-healthy-targets",
} as const;

const ELB = "AWS/ApplicationELB";
const rate = (errors: string, requests: string) => `IF(${requests} > 0, 100 * ${errors} / ${requests}, 0)`;

/**
 * The service's alarms on the edge and the servers, with the dimensions CloudWatch publishes
 * (ARN suffixes, not ARNs): what the app stack creates and what its dashboard charts.
 */
export function serviceAlarmDefinitions(props: ServiceAlarmDefinitionsProps): AlarmDefinition[] {
  const { thresholds, capacity } = props;
  const alb = { LoadBalancer: props.loadBalancerArnSuffix };
  const metric = (metricName: string, dimensions: Record<string, string>, stat = "Sum") => ({
    metric: { namespace: ELB, metricName, dimensions, period: 60, stat },
  });

  const definitions: AlarmDefinition[] = [
    {
      name: "alb-5xx-rate",
      actionsEnabled: props.servingAlarmsEnabled,
      description:
        "Share of requests answered with a 5xx, by the load balancer itself (no healthy target, target reset or timeout) or by the targets, in percent",
      runbook: "service-errors",
      comparisonOperator: "GreaterThanThreshold",
      threshold: thresholds.http5xxRatePercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
      // The load balancer's own 5xx are published only when non-zero, and requests it could not
      // route to a target are not in RequestCount: both are filled and added to the denominator.
      metricQuery: [
        { id: "target", returnData: false, ...metric("HTTPCode_Target_5XX_Count", alb) },
        { id: "elb", returnData: false, ...metric("HTTPCode_ELB_5XX_Count", alb) },
        { id: "requests", returnData: false, ...metric("RequestCount", alb) },
        {
          id: "rate",
          label: "5xx rate (%)",
          returnData: true,
          expression: rate("(FILL(target, 0) + FILL(elb, 0))", "(FILL(requests, 0) + FILL(elb, 0))"),
        },
      ],
    },
    {
      name: SERVICE_DOWN.loadBalancer5xx,
      actionsEnabled: props.servingAlarmsEnabled,
      description:
        "The load balancer itself answers 5xx (502/503/504): no healthy target, targets resetting or timing out",
      runbook: "service-down",
      namespace: ELB,
      metricName: "HTTPCode_ELB_5XX_Count",
      dimensions: alb,
      statistic: "Sum",
      period: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      threshold: thresholds.loadBalancer5xxPerMinute,
      comparisonOperator: "GreaterThanThreshold",
      // Published only when non-zero: no data is no error.
      treatMissingData: "notBreaching",
    },
    {
      name: SERVICE_DOWN.liveWithoutHealthyTargets,
      actionsEnabled: props.servingAlarmsEnabled,
      description: "The colour taking traffic has no healthy target",
      runbook: "service-down",
      namespace: ELB,
      metricName: "HealthyHostCount",
      dimensions: { LoadBalancer: props.loadBalancerArnSuffix, TargetGroup: props.liveTargetGroupArnSuffix },
      statistic: "Minimum",
      period: 60,
      evaluationPeriods: 2,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      // ELB publishes the count every minute while the group is attached: silence is an outage too.
      treatMissingData: "breaching",
    },
    {
      name: "alb-p99-latency",
      description: "p99 target response time above threshold",
      runbook: "latency",
      namespace: ELB,
      metricName: "TargetResponseTime",
      dimensions: alb,
      extendedStatistic: "p99",
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: thresholds.p99LatencySeconds,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    },
    thresholdDefinition({
      name: "alb-rejected-connections",
      description: "The load balancer rejected connections (it reached its connection limit)",
      runbook: "service-errors",
      namespace: ELB,
      metricName: "RejectedConnectionCount",
      dimensions: alb,
      statistic: "Sum",
      periodSeconds: 60,
      evaluationPeriods: 1,
      threshold: thresholds.rejectedConnections,
      breachWhen: "above",
      treatMissingData: "notBreaching",
    }),
  ];

  for (const colour of COLOURS) {
    // Per colour, so a release watches the new colour's own health, not only the ALB's.
    const dimensions = { TargetGroup: props.targetGroupArnSuffixes[colour], LoadBalancer: props.loadBalancerArnSuffix };
    const group = { AutoScalingGroupName: props.groupNames[colour] };
    definitions.push(
      {
        name: targetGroupAlarmSuffix(colour, "5xx-rate"),
        description: `Share of ${colour} requests answered with a 5xx by its targets, in percent`,
        runbook: "colour-health",
        comparisonOperator: "GreaterThanThreshold",
        threshold: thresholds.http5xxRatePercent,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: "notBreaching",
        metricQuery: [
          { id: "errors", returnData: false, ...metric("HTTPCode_Target_5XX_Count", dimensions) },
          { id: "requests", returnData: false, ...metric("RequestCount", dimensions) },
          { id: "rate", label: `${colour} 5xx rate (%)`, returnData: true, expression: rate("errors", "requests") },
        ],
      },
      {
        name: targetGroupAlarmSuffix(colour, "p99-latency"),
        description: `p99 response time of the ${colour} targets above threshold`,
        runbook: "colour-health",
        namespace: ELB,
        metricName: "TargetResponseTime",
        dimensions,
        extendedStatistic: "p99",
        period: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        threshold: thresholds.p99LatencySeconds,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      },
      thresholdDefinition({
        name: targetGroupAlarmSuffix(colour, "unhealthy-hosts"),
        description: `Unhealthy ${colour} targets behind the load balancer`,
        runbook: "colour-health",
        namespace: ELB,
        metricName: "UnHealthyHostCount",
        dimensions,
        statistic: "Maximum",
        periodSeconds: 60,
        evaluationPeriods: 3,
        threshold: 0,
        breachWhen: "above",
        treatMissingData: "notBreaching",
      }),
      {
        name: `${colour}-at-max-capacity`,
        description: `The ${colour} group has run as many instances as its maximum for ${capacity.groupAtMaxMinutes} minutes: scaling has no headroom left`,
        runbook: "fleet-capacity",
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        evaluationPeriods: capacity.groupAtMaxMinutes,
        datapointsToAlarm: capacity.groupAtMaxMinutes,
        // An idle colour shrunk to nothing publishes nothing and has no maximum worth alarming on.
        treatMissingData: "notBreaching",
        metricQuery: [
          {
            id: "inService",
            returnData: false,
            metric: {
              namespace: "AWS/AutoScaling",
              metricName: "GroupInServiceInstances",
              dimensions: group,
              period: 60,
              stat: "Minimum",
            },
          },
          {
            id: "maxSize",
            returnData: false,
            metric: {
              namespace: "AWS/AutoScaling",
              metricName: "GroupMaxSize",
              dimensions: group,
              period: 60,
              stat: "Maximum",
            },
          },
          {
            id: "atMax",
            label: `${colour} at its maximum (1 = yes)`,
            returnData: true,
            expression: "IF(maxSize > 0 AND inService >= maxSize, 1, 0)",
          },
        ],
      },
      thresholdDefinition({
        name: `${colour}-cpu-sustained`,
        description: `Average CPU of the ${colour} instances above ${capacity.cpuPercent} % for ${capacity.cpuMinutes} minutes`,
        runbook: "fleet-capacity",
        namespace: "AWS/EC2",
        metricName: "CPUUtilization",
        dimensions: group,
        statistic: "Average",
        periodSeconds: 300,
        evaluationPeriods: capacity.cpuMinutes / 5,
        threshold: capacity.cpuPercent,
        breachWhen: "above",
        treatMissingData: "notBreaching",
      }),
      thresholdDefinition({
        name: `${colour}-memory`,
        description: `Memory used on the ${colour} instances above threshold (CloudWatch agent)`,
        runbook: "instance-resources",
        namespace: "CWAgent",
        metricName: "mem_used_percent",
        dimensions: group,
        statistic: "Maximum",
        periodSeconds: 300,
        evaluationPeriods: 3,
        threshold: capacity.memoryPercent,
        breachWhen: "above",
        treatMissingData: "notBreaching",
      }),
      thresholdDefinition({
        name: `${colour}-disk`,
        description: `Root disk used on the ${colour} instances above threshold (CloudWatch agent)`,
        runbook: "instance-resources",
        namespace: "CWAgent",
        metricName: "disk_used_percent",
        dimensions: group,
        statistic: "Maximum",
        periodSeconds: 300,
        evaluationPeriods: 2,
        threshold: capacity.diskPercent,
        breachWhen: "above",
        treatMissingData: "notBreaching",
      }),
    );
  }

  definitions.push(
    {
      ...thresholdDefinition({
        name: "live-in-service-instances",
        description: "The colour taking traffic has fewer in-service instances than its minimum",
        runbook: "fleet-capacity",
        namespace: "AWS/AutoScaling",
        metricName: "GroupInServiceInstances",
        dimensions: { AutoScalingGroupName: props.liveGroupName },
        statistic: "Minimum",
        periodSeconds: 60,
        evaluationPeriods: 5,
        threshold: props.liveGroupMinimum,
        breachWhen: "below",
        treatMissingData: "breaching",
      }),
      actionsEnabled: props.servingAlarmsEnabled,
    },
    thresholdDefinition({
      name: "waf-blocked-requests",
      description: "Spike in requests blocked by the web ACL (attack or a rule blocking real users)",
      runbook: "waf",
      namespace: "AWS/WAFV2",
      metricName: "BlockedRequests",
      dimensions: { WebACL: props.webAclName, Region: props.region, Rule: "ALL" },
      statistic: "Sum",
      periodSeconds: 300,
      evaluationPeriods: 1,
      threshold: thresholds.wafBlockedRequests,
      breachWhen: "above",
      treatMissingData: "notBreaching",
    }),
  );
  return definitions;
}

export interface AppAlarmsProps extends ServiceAlarmDefinitionsProps {
  /** Makes the alarms (prefix, alert topic, runbook links). */
  readonly alarms: AlarmFactory;
}

/**
 * Creates the service's alarms, and "service down": a composite alarm in ALARM while the load
 * balancer answers 5xx itself or the live colour has no healthy target, the two faces of an outage
 * that target 5xx never show.
 */
export class AppAlarms extends Construct {
  /** The definitions the alarms were created from (the dashboard charts them). */
  readonly definitions: AlarmDefinition[];
  readonly serviceDown: CloudwatchCompositeAlarm;

  constructor(scope: Construct, id: string, props: AppAlarmsProps) {
    super(scope, id);
    this.definitions = serviceAlarmDefinitions(props);
    const created = Object.fromEntries(
      this.definitions.map((definition) => [definition.name, props.alarms.define(definition)]),
    );
    this.serviceDown = props.alarms.composite(SERVICE_DOWN.alarm, {
      description:
        "The service is down: the load balancer answers 5xx itself, or the live colour has no healthy target",
      runbook: "service-down",
      anyOf: [created[SERVICE_DOWN.loadBalancer5xx], created[SERVICE_DOWN.liveWithoutHealthyTargets]],
      actionsEnabled: props.servingAlarmsEnabled,
    });
  }
}
