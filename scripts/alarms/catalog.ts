/**
 * The alarm catalog of synthesized stacks: every metric and composite alarm with what it watches,
 * when it fires and the runbook section its description links. Pure: Terraform JSON in, rows out.
 */

/** One alarm as `npm run alarms` prints it. */
export interface AlarmRow {
  readonly stack: string;
  readonly name: string;
  /** What the alarm watches: namespace, metric, statistic and dimension names, or the metric math / composite rule. */
  readonly metric: string;
  /** When it fires, e.g. "> 5 in 3 of 5 periods of 60 s". */
  readonly threshold: string;
  /** Anchor of its section in docs/how-to/runbooks.md, or "(none)". */
  readonly runbook: string;
}

type Block = Record<string, any>;

const COMPARISONS: Record<string, string> = {
  GreaterThanThreshold: ">",
  GreaterThanOrEqualToThreshold: ">=",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "<=",
};

const metricText = (
  metric: { namespace: string; metric_name: string; dimensions?: Record<string, string> },
  stat: string,
) =>
  `${metric.namespace} ${metric.metric_name} ${stat}${metric.dimensions && Object.keys(metric.dimensions).length > 0 ? ` (${Object.keys(metric.dimensions).join(", ")})` : ""}`;

function watched(alarm: Block): string {
  if (alarm.metric_name) return metricText(alarm as any, alarm.extended_statistic ?? alarm.statistic);
  const queries: Block[] = alarm.metric_query ?? [];
  const result = queries.find((query) => query.return_data);
  const inputs = queries
    .filter((query) => query.metric)
    .map((query) => `${query.id} = ${metricText(query.metric, query.metric.stat)}`);
  return `${result?.expression ?? "?"} where ${inputs.join("; ")}`;
}

function when(alarm: Block): string {
  const period = alarm.period ?? alarm.metric_query?.find((query: Block) => query.metric)?.metric.period;
  const points = alarm.datapoints_to_alarm ?? alarm.evaluation_periods;
  const window =
    points === alarm.evaluation_periods ? `${alarm.evaluation_periods}` : `${points} of ${alarm.evaluation_periods}`;
  const periods = alarm.evaluation_periods === 1 ? "period" : "periods";
  return `${COMPARISONS[alarm.comparison_operator] ?? alarm.comparison_operator} ${alarm.threshold} in ${window} ${periods} of ${period} s (missing data: ${alarm.treat_missing_data})`;
}

/** The runbook anchor an alarm description links ("... Runbook: <url>#anchor"). */
export function runbookOf(description: string | undefined): string {
  return /Runbook: \S+#([a-z0-9-]+)$/.exec(description ?? "")?.[1] ?? "(none)";
}

/** Every alarm of one stack's Terraform JSON, metric alarms first, each kind sorted by name. */
export function alarmRows(stack: string, json: Block): AlarmRow[] {
  const metricAlarms: Record<string, Block> = json.resource?.aws_cloudwatch_metric_alarm ?? {};
  const composites: Record<string, Block> = json.resource?.aws_cloudwatch_composite_alarm ?? {};
  // Composite rules reference their members' names; print the names.
  const resolveNames = (rule: string) =>
    rule.replace(
      /\$\{aws_cloudwatch_(?:metric|composite)_alarm\.([\w-]+)\.alarm_name\}/g,
      (reference, logical: string) => metricAlarms[logical]?.alarm_name ?? composites[logical]?.alarm_name ?? reference,
    );
  const byName = (left: AlarmRow, right: AlarmRow) => left.name.localeCompare(right.name);
  return [
    ...Object.values(metricAlarms)
      .map((alarm) => ({
        stack,
        name: alarm.alarm_name,
        metric: watched(alarm),
        threshold: when(alarm),
        runbook: runbookOf(alarm.alarm_description),
      }))
      .sort(byName),
    ...Object.values(composites)
      .map((alarm) => ({
        stack,
        name: alarm.alarm_name,
        metric: `composite: ${resolveNames(alarm.alarm_rule)}`,
        threshold: "when the rule is true",
        runbook: runbookOf(alarm.alarm_description),
      }))
      .sort(byName),
  ];
}

/** Rows as an aligned text table, one block per stack; the metric comes last, as it is the longest. */
export function renderTable(rows: readonly AlarmRow[]): string {
  const stacks = [...new Set(rows.map((row) => row.stack))];
  const columns = ["name", "threshold", "runbook", "metric"] as const;
  return stacks
    .map((stack) => {
      const ofStack = rows.filter((row) => row.stack === stack);
      const widths = columns.map((column) => Math.max(column.length, ...ofStack.map((row) => row[column].length)));
      const line = (cells: readonly string[]) =>
        cells.map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index]))).join("  ");
      return [
        `${stack} (${ofStack.length} alarms)`,
        line(columns),
        ...ofStack.map((row) => line(columns.map((column) => row[column]))),
      ].join("\n");
    })
    .join("\n\n");
}

/** Rows as one Markdown table with a stack column. */
export function renderMarkdown(rows: readonly AlarmRow[]): string {
  const escape = (text: string) => text.replace(/\|/g, "\\|");
  return [
    "| stack | name | metric | threshold | runbook |",
    "|---|---|---|---|---|",
    ...rows.map(
      (row) =>
        `| ${row.stack} | \`${row.name}\` | ${escape(row.metric)} | ${escape(row.threshold)} | [${row.runbook}](docs/how-to/runbooks.md#${row.runbook}) |`,
    ),
  ].join("\n");
}
