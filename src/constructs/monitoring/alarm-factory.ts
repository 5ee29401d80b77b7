import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";

export interface ThresholdAlarm {
  /** Suffix of the alarm name after the factory's prefix. */
  readonly name: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  /** Exactly the dimensions CloudWatch publishes the metric with. */
  readonly dimensions: Record<string, string>;
  readonly threshold: number;
  /** Which side of the threshold is bad. */
  readonly breachWhen: "above" | "below";
  /** @default "Average" */
  readonly statistic?: "Average" | "Maximum" | "Minimum" | "Sum";
  /** @default 300 */
  readonly periodSeconds?: number;
  /** @default 3 */
  readonly evaluationPeriods?: number;
  /** @default "missing" */
  readonly treatMissingData?: "missing" | "notBreaching" | "breaching" | "ignore";
}

/** Creates alarms that notify one topic on ALARM and on recovery, with a common name prefix. */
export class AlarmFactory {
  constructor(
    private readonly scope: Construct,
    /** Prefix of every alarm name, e.g. auth-production. */
    readonly prefix: string,
    /** Topic notified when an alarm fires and when it recovers. */
    readonly topicArn: string,
  ) {}

  threshold(alarm: ThresholdAlarm): CloudwatchMetricAlarm {
    return this.create(alarm.name, {
      alarmDescription: alarm.description,
      namespace: alarm.namespace,
      metricName: alarm.metricName,
      dimensions: alarm.dimensions,
      statistic: alarm.statistic ?? "Average",
      period: alarm.periodSeconds ?? 300,
      evaluationPeriods: alarm.evaluationPeriods ?? 3,
      threshold: alarm.threshold,
      comparisonOperator: alarm.breachWhen === "above" ? "GreaterThanThreshold" : "LessThanThreshold",
      treatMissingData: alarm.treatMissingData ?? "missing",
    });
  }

  /** An alarm on any configuration (metric math, extended statistics), with the topic wired in. */
  create(name: string, config: Omit<CloudwatchMetricAlarmConfig, "alarmName" | "alarmActions" | "okActions">): CloudwatchMetricAlarm {
    return new CloudwatchMetricAlarm(this.scope, `alarm-${name}`, {
      ...config,
      alarmName: `${this.prefix}-${name}`,
      alarmActions: [this.topicArn],
      okActions: [this.topicArn],
    });
  }
}
