import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { Construct } from "constructs";
import type { AlarmDefinition } from "./alarm-factory";

/**
 * A CloudWatch dashboard as sections of widgets, in the documented body structure
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html).
 * Alarm graphs are drawn from the same definitions the alarms are created from, threshold included.
 */

/** One widget; x and y are assigned by the dashboard's layout. */
export interface DashboardWidget {
  readonly type: "metric" | "alarm" | "text";
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

/** A titled group of widgets, laid out in rows under a heading. */
export interface DashboardSection {
  readonly title: string;
  readonly widgets: readonly DashboardWidget[];
}

/** A metric row: [namespace, metric name, dimension name, value, ..., options]. */
export type MetricRow = (string | Record<string, unknown>)[];

const GRID_WIDTH = 24;
const GRAPH = { width: 8, height: 6 } as const;

/** A row for one metric with its dimensions in CloudWatch's order-free name/value pairs. */
export function metricRow(
  namespace: string,
  metricName: string,
  dimensions: Record<string, string>,
  options: Record<string, unknown> = {},
): MetricRow {
  return [
    namespace,
    metricName,
    ...Object.entries(dimensions).flat(),
    ...(Object.keys(options).length > 0 ? [options] : []),
  ];
}

/** A line graph of metrics. */
export function metricGraph(props: {
  readonly title: string;
  readonly region: string;
  readonly metrics: MetricRow[];
  readonly stat?: string;
  readonly period?: number;
  readonly thresholds?: { label: string; value: number }[];
}): DashboardWidget {
  return {
    type: "metric",
    ...GRAPH,
    properties: {
      title: props.title,
      region: props.region,
      view: "timeSeries",
      stacked: false,
      metrics: props.metrics,
      stat: props.stat ?? "Average",
      period: props.period ?? 60,
      ...(props.thresholds && { annotations: { horizontal: props.thresholds } }),
    },
  };
}

/** The graph of what an alarm watches, with its threshold, drawn from the alarm's own definition. */
export function alarmGraph(definition: AlarmDefinition, alarmName: string, region: string): DashboardWidget {
  const thresholds =
    definition.threshold === undefined ? undefined : [{ label: `${alarmName} threshold`, value: definition.threshold }];
  if (definition.metricName && definition.namespace) {
    const stat = definition.extendedStatistic ?? definition.statistic ?? "Average";
    return metricGraph({
      title: alarmName,
      region,
      metrics: [
        metricRow(
          definition.namespace,
          definition.metricName,
          (definition.dimensions ?? {}) as Record<string, string>,
          { stat, label: definition.metricName },
        ),
      ],
      stat,
      period: definition.period,
      thresholds,
    });
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the provider types metricQuery as a token-or-list union.
  const queries = (definition.metricQuery ?? []) as any[];
  const rows: MetricRow[] = queries.map((query) =>
    query.metric
      ? metricRow(query.metric.namespace, query.metric.metricName, query.metric.dimensions ?? {}, {
          id: query.id,
          stat: query.metric.stat,
          visible: false,
        })
      : [{ expression: query.expression, id: query.id, label: query.label ?? query.id }],
  );
  const period = queries.find((query) => query.metric)?.metric.period;
  return metricGraph({ title: alarmName, region, metrics: rows, period, thresholds });
}

/** The state of a set of alarms at a glance. */
export function alarmStatus(title: string, alarmArns: string[]): DashboardWidget {
  return {
    type: "alarm",
    width: GRID_WIDTH,
    height: 2 + Math.ceil(alarmArns.length / 4),
    properties: { title, alarms: alarmArns },
  };
}

/**
 * The body as JSON with one widget per line: the HCL export then writes a heredoc, which needs no
 * escaping of the quotes (cdktf escapes none in a one-line string that holds a reference).
 */
function dashboardBody(widgets: readonly Record<string, unknown>[]): string {
  return `{"widgets": [\n${widgets.map((widget) => JSON.stringify(widget)).join(",\n")}\n]}`;
}

export interface MonitoringDashboardProps {
  /** Dashboard name, e.g. auth-production. */
  readonly name: string;
  /** Sections in display order; each starts on a new row under its heading. */
  readonly sections: readonly DashboardSection[];
}

/** One CloudWatch dashboard: a heading per section, its widgets flowing left to right in rows of 24 units. */
export class MonitoringDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: MonitoringDashboardProps) {
    super(scope, id);
    const widgets: Record<string, unknown>[] = [];
    let y = 0;
    for (const section of props.sections) {
      if (section.widgets.length === 0) continue;
      widgets.push({
        type: "text",
        x: 0,
        y,
        width: GRID_WIDTH,
        height: 1,
        properties: { markdown: `## ${section.title}` },
      });
      y += 1;
      let x = 0;
      let rowHeight = 0;
      for (const widget of section.widgets) {
        if (x + widget.width > GRID_WIDTH) {
          y += rowHeight;
          x = 0;
          rowHeight = 0;
        }
        widgets.push({ ...widget, x, y });
        x += widget.width;
        rowHeight = Math.max(rowHeight, widget.height);
      }
      y += rowHeight;
    }
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: props.name,
      dashboardBody: dashboardBody(widgets),
    });
  }
}
