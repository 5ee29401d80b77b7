import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { AlarmDefinition, AlarmFactory, thresholdDefinition } from "./alarm-factory";

/** A log event to count and alarm on, independent of where it is logged. */
export interface LogEventSpec {
  /** Filter name and alarm name suffix. */
  readonly name: string;
  readonly description: string;
  /** CloudWatch Logs filter pattern of one event. */
  readonly pattern: string;
  /** Custom namespace the filter counts into. */
  readonly namespace: string;
  readonly metricName: string;
  /** Anchor of the alarm's section in docs/how-to/runbooks.md. */
  readonly runbook: string;
  /** The alarm fires when more events than this match in one period. @default 0: any event */
  readonly threshold?: number;
  /** @default 300 */
  readonly periodSeconds?: number;
}

export interface LogEventAlarmProps extends LogEventSpec {
  /** Creates the alarm, with the stack's prefix, topic and runbook links. */
  readonly alarms: AlarmFactory;
  /** Log group the filter reads. */
  readonly logGroupName: string;
}

/** The alarm on a log event's count, as data: what LogEventAlarm creates and a dashboard charts. */
export function logEventDefinition(spec: LogEventSpec): AlarmDefinition {
  return thresholdDefinition({
    name: spec.name,
    description: spec.description,
    runbook: spec.runbook,
    namespace: spec.namespace,
    metricName: spec.metricName,
    dimensions: {},
    statistic: "Sum",
    periodSeconds: spec.periodSeconds ?? 300,
    evaluationPeriods: 1,
    threshold: spec.threshold ?? 0,
    breachWhen: "above",
    treatMissingData: "notBreaching",
  });
}

/**
 * Counts the log events matching a pattern into a custom metric (1 per event, no dimensions) and
 * alarms on the count per period. Periods without a matching event publish nothing, so missing
 * data is "no event", not a broken feed.
 */
export class LogEventAlarm extends Construct {
  readonly filter: CloudwatchLogMetricFilter;
  readonly alarm: CloudwatchMetricAlarm;
  /** What the alarm watches, for a dashboard to chart it the same way. */
  readonly definition: AlarmDefinition;

  constructor(scope: Construct, id: string, props: LogEventAlarmProps) {
    super(scope, id);
    this.filter = new CloudwatchLogMetricFilter(this, "filter", {
      name: props.name,
      logGroupName: props.logGroupName,
      pattern: props.pattern,
      metricTransformation: { name: props.metricName, namespace: props.namespace, value: "1", unit: "Count" },
    });
    this.definition = logEventDefinition(props);
    this.alarm = props.alarms.define(this.definition);
  }
}
