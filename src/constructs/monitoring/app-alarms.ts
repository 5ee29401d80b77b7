import { Construct } from "constructs";
import type { Colour } from "../../release/release-state";
import { AlarmFactory } from "./alarm-factory";
import { targetGroupAlarmSuffix } from "./alarm-names";

export interface AppAlarmsProps {
  readonly alarms: AlarmFactory;
  /** ARN suffix of the ALB (app/<name>/<id>), the LoadBalancer dimension of AWS/ApplicationELB. */
  readonly loadBalancerArnSuffix: string;
  /** ARN suffixes of the target groups by colour, the TargetGroup dimension. */
  readonly targetGroupArnSuffixes: Readonly<Record<Colour, string>>;
  /** Name of the auto-scaling group of the colour taking traffic (a Terraform expression). */
  readonly liveGroupName: string;
  /** In-service instances the live colour must keep. */
  readonly liveGroupMinimum: number;
  readonly webAclName: string;
  readonly region: string;
  readonly thresholds: {
    readonly http5xxRatePercent: number;
    readonly p99LatencySeconds: number;
    readonly rejectedConnections: number;
    readonly wafBlockedRequests: number;
  };
}

/** Alarms on the edge and the servers, with the dimensions CloudWatch publishes (ARN suffixes, not ARNs). */
export class AppAlarms extends Construct {
  constructor(scope: Construct, id: string, props: AppAlarmsProps) {
    super(scope, id);
    const { alarms, thresholds } = props;
    const alb = { LoadBalancer: props.loadBalancerArnSuffix };
    const albMetric = (metricName: string) => ({
      metric: { namespace: "AWS/ApplicationELB", metricName, dimensions: alb, period: 60, stat: "Sum" },
    });

    alarms.create("alb-5xx-rate", {
      description: "Share of requests answered with a 5xx by the targets, in percent",
      runbook: "service-errors",
      comparisonOperator: "GreaterThanThreshold",
      threshold: thresholds.http5xxRatePercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
      metricQuery: [
        { id: "errors", returnData: false, ...albMetric("HTTPCode_Target_5XX_Count") },
        { id: "requests", returnData: false, ...albMetric("RequestCount") },
        { id: "rate", label: "5xx rate (%)", returnData: true, expression: "IF(requests > 0, 100 * errors / requests, 0)" },
      ],
    });
    alarms.create("alb-p99-latency", {
      description: "p99 target response time above threshold",
      runbook: "latency",
      namespace: "AWS/ApplicationELB",
      metricName: "TargetResponseTime",
      dimensions: alb,
      extendedStatistic: "p99",
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: thresholds.p99LatencySeconds,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    });
    alarms.threshold({
      name: "alb-rejected-connections",
      description: "The load balancer rejected connections (it reached its connection limit)",
      runbook: "service-errors",
      namespace: "AWS/ApplicationELB",
      metricName: "RejectedConnectionCount",
      dimensions: alb,
      statistic: "Sum",
      periodSeconds: 60,
      evaluationPeriods: 1,
      threshold: thresholds.rejectedConnections,
      breachWhen: "above",
      treatMissingData: "notBreaching",
    });
    // Per colour, so a release watches the new colour's own health, not only the ALB's.
    for (const [colour, targetGroup] of Object.entries(props.targetGroupArnSuffixes) as [Colour, string][]) {
      const dimensions = { TargetGroup: targetGroup, LoadBalancer: props.loadBalancerArnSuffix };
      const targetGroupMetric = (metricName: string) => ({
        metric: { namespace: "AWS/ApplicationELB", metricName, dimensions, period: 60, stat: "Sum" },
      });
      alarms.create(targetGroupAlarmSuffix(colour, "5xx-rate"), {
        description: `Share of ${colour} requests answered with a 5xx by its targets, in percent`,
        runbook: "colour-health",
        comparisonOperator: "GreaterThanThreshold",
        threshold: thresholds.http5xxRatePercent,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: "notBreaching",
        metricQuery: [
          { id: "errors", returnData: false, ...targetGroupMetric("HTTPCode_Target_5XX_Count") },
          { id: "requests", returnData: false, ...targetGroupMetric("RequestCount") },
          { id: "rate", label: `${colour} 5xx rate (%)`, returnData: true, expression: "IF(requests > 0, 100 * errors / requests, 0)" },
        ],
      });
      alarms.create(targetGroupAlarmSuffix(colour, "p99-latency"), {
        description: `p99 response time of the ${colour} targets above threshold`,
        runbook: "colour-health",
        namespace: "AWS/ApplicationELB",
        metricName: "TargetResponseTime",
        dimensions,
        extendedStatistic: "p99",
        period: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        threshold: thresholds.p99LatencySeconds,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
      alarms.threshold({
        name: targetGroupAlarmSuffix(colour, "unhealthy-hosts"),
        description: `Unhealthy ${colour} targets behind the load balancer`,
        runbook: "colour-health",
        namespace: "AWS/ApplicationELB",
        metricName: "UnHealthyHostCount",
        dimensions,
        statistic: "Maximum",
        periodSeconds: 60,
        evaluationPeriods: 3,
        threshold: 0,
        breachWhen: "above",
        treatMissingData: "notBreaching",
      });
    }
    alarms.threshold({
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
    });
    alarms.threshold({
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
    });
  }
}
