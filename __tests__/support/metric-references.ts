import type { Synthesized } from "./synth";

/** One metric an alarm or a dashboard widget reads, as the synthesized JSON names it. */
export interface MetricReference {
  /** Where it was found, e.g. aws_cloudwatch_metric_alarm auth-staging-db-cpu. */
  readonly where: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
}

/** Every metric the metric alarms of a stack read: their own metric, or each metric of their metric math. */
export function alarmMetrics(json: Synthesized): MetricReference[] {
  return json.resourceList("aws_cloudwatch_metric_alarm").flatMap((alarm) => {
    const where = `aws_cloudwatch_metric_alarm ${alarm.alarm_name}`;
    if (alarm.metric_name)
      return [{ where, namespace: alarm.namespace, metricName: alarm.metric_name, dimensions: alarm.dimensions ?? {} }];
    return (alarm.metric_query ?? [])
      .filter((query: any) => query.metric)
      .map((query: any) => ({
        where: `${where} (${query.id})`,
        namespace: query.metric.namespace,
        metricName: query.metric.metric_name,
        dimensions: query.metric.dimensions ?? {},
      }));
  });
}

/**
 * Every metric the dashboards of a stack chart. A widget's metric row is
 * [namespace, name, dimension name, value, ..., {options}?], where "." repeats the row above at that position
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html#CloudWatch-Dashboard-Properties-Metrics-Array-Format);
 * a row holding only an {expression} object is metric math over the other rows.
 */
export function dashboardMetrics(json: Synthesized): MetricReference[] {
  return json.resourceList("aws_cloudwatch_dashboard").flatMap((dashboard) => {
    const body = JSON.parse(dashboard.dashboard_body);
    return (body.widgets as any[])
      .filter((widget) => widget.type === "metric")
      .flatMap((widget) => {
        let previous: unknown[] = [];
        return (widget.properties.metrics as unknown[][]).flatMap((row) => {
          const fields = row.filter((field) => typeof field === "string");
          if (fields.length === 0) return [];
          const resolved = fields.map((field, index) => (field === "." ? previous[index] : field)) as string[];
          previous = resolved;
          const [namespace, metricName, ...pairs] = resolved;
          const dimensions: Record<string, string> = {};
          for (let index = 0; index < pairs.length; index += 2) dimensions[pairs[index]] = pairs[index + 1];
          return [
            {
              where: `dashboard ${dashboard.dashboard_name} widget "${widget.properties.title}"`,
              namespace,
              metricName,
              dimensions,
            },
          ];
        });
      });
  });
}
