import { Construct } from "constructs";
import { AlarmFactory } from "./alarm-factory";
import { CIS_METRIC_FILTERS, CIS_NAMESPACE } from "../../compliance/filter-patterns";
import { LogEventAlarm } from "./log-event-alarm";

export interface CisTrailAlarmsProps {
  /** Creates every alarm, with the stack's prefix, topic and runbook links. */
  readonly alarms: AlarmFactory;
  /** The CloudTrail log group in CloudWatch Logs. */
  readonly trailLogGroupName: string;
  /** Refused API calls per 5 minutes above which that alarm fires (every other CIS alarm fires on any event). */
  readonly unauthorizedApiCallsThreshold: number;
}

/**
 * The CIS AWS Foundations monitoring recommendations: a metric filter on the trail's log group and an
 * alarm for each (sum over 5 minutes, as the benchmark's remediation steps set it up).
 */
export class CisTrailAlarms extends Construct {
  readonly alarms: LogEventAlarm[];

  constructor(scope: Construct, id: string, props: CisTrailAlarmsProps) {
    super(scope, id);
    this.alarms = CIS_METRIC_FILTERS.map(
      (filter) =>
        new LogEventAlarm(this, filter.name, {
          alarms: props.alarms,
          logGroupName: props.trailLogGroupName,
          name: filter.name,
          description: `${filter.description} (${filter.control})`,
          pattern: filter.pattern,
          namespace: CIS_NAMESPACE,
          metricName: filter.metricName,
          runbook: "account-activity",
          threshold: filter.metricName === "UnauthorizedApiCalls" ? props.unauthorizedApiCallsThreshold : 0,
          periodSeconds: 300,
        }),
    );
  }
}
