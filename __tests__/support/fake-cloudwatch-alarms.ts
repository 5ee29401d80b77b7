/**
 * A fake of CloudWatch alarm evaluation for the synthesized alarms, modelling the documented rules:
 * - metric math over the alarm's queries, per timestamp, with the functions our alarms use
 *   (IF, FILL, arithmetic, comparisons, AND/OR;
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html);
 * - "M out of N": the alarm is in ALARM when at least datapoints_to_alarm of the last
 *   evaluation_periods points breach; missing points count as breaching or not per
 *   treat_missing_data, and with "missing" a window without any point is INSUFFICIENT_DATA
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-evaluating-missing-data);
 * - a composite alarm's rule over its members' states (ALARM("name") OR ...).
 * Series are one value per period, oldest first; undefined is a period without data.
 */

export type Series = readonly (number | undefined)[];
export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** Metric data by "<metric name>" or "<metric name> <dimension values...>" key, as the scenario provides it. */
export type MetricData = (metric: {
  namespace: string;
  metric_name: string;
  dimensions?: Record<string, string>;
}) => Series;

const COMPARE: Record<string, (value: number, threshold: number) => boolean> = {
  GreaterThanThreshold: (value, threshold) => value > threshold,
  GreaterThanOrEqualToThreshold: (value, threshold) => value >= threshold,
  LessThanThreshold: (value, threshold) => value < threshold,
  LessThanOrEqualToThreshold: (value, threshold) => value <= threshold,
};

/** The expression as a JavaScript function of the query ids (only the grammar our alarms use). */
function compile(
  expression: string,
  ids: string[],
): (values: Record<string, number | undefined>) => number | undefined {
  const javascript = expression
    .replace(/\bIF\(/g, "iff(")
    .replace(/\bFILL\(/g, "fill(")
    .replace(/\bAND\b/g, "&&")
    .replace(/\bOR\b/g, "||");
  if (/[^\w\s().,+\-*/<>=&|!]/.test(javascript)) throw new Error(`unsupported metric math: ${expression}`);
  const body = `return (${javascript});`;
  const run = new Function("iff", "fill", ...ids, body) as (...args: unknown[]) => number | boolean | undefined;
  const iff = (condition: unknown, whenTrue: number, whenFalse: number) => (condition ? whenTrue : whenFalse);
  const fill = (value: number | undefined, replacement: number) => (value === undefined ? replacement : value);
  return (values) => {
    // A period where an unfilled input has no data yields no point.
    if (ids.some((id) => values[id] === undefined && !new RegExp(`FILL\\(${id}\\b`).test(expression))) return undefined;
    const result = run(iff, fill, ...ids.map((id) => values[id]));
    return typeof result === "boolean" ? Number(result) : result;
  };
}

/** The series an alarm evaluates: its metric, or its metric math's returned expression. */
export function evaluatedSeries(alarm: Record<string, any>, data: MetricData): Series {
  if (alarm.metric_name) return data(alarm as any);
  const queries: Record<string, any>[] = alarm.metric_query;
  const inputs = queries.filter((query) => query.metric);
  const series: Record<string, Series> = Object.fromEntries(inputs.map((query) => [query.id, data(query.metric)]));
  const length = Math.max(...Object.values(series).map((values) => values.length));
  const result = queries.find((query) => query.return_data)!;
  const evaluate = compile(
    result.expression,
    inputs.map((query) => query.id),
  );
  return Array.from({ length }, (_, index) =>
    evaluate(Object.fromEntries(inputs.map((query) => [query.id, series[query.id][index]]))),
  );
}

/** The state of a metric alarm after the last period of the data. */
export function alarmState(alarm: Record<string, any>, data: MetricData): AlarmState {
  // The window always spans evaluation_periods; periods before the data began have none.
  const series = evaluatedSeries(alarm, data);
  const window = Array.from(
    { length: alarm.evaluation_periods },
    (_, index) => series[series.length - alarm.evaluation_periods + index],
  );
  const needed = alarm.datapoints_to_alarm ?? alarm.evaluation_periods;
  const breaches = (value: number) => COMPARE[alarm.comparison_operator](value, alarm.threshold);
  const present = window.filter((value): value is number => value !== undefined);
  if (present.length === 0 && (alarm.treat_missing_data === "missing" || alarm.treat_missing_data === "ignore"))
    return "INSUFFICIENT_DATA";
  const missingBreach = alarm.treat_missing_data === "breaching" ? window.length - present.length : 0;
  const breaching = present.filter(breaches).length + missingBreach;
  return breaching >= needed ? "ALARM" : "OK";
}

/** The state of a composite alarm whose rule is ALARM("name") joined by OR / AND. */
export function compositeState(rule: string, states: Record<string, AlarmState>): AlarmState {
  const javascript = rule
    .replace(/ALARM\("([^"]+)"\)/g, (_, name: string) => {
      if (!(name in states)) throw new Error(`composite rule names an unknown alarm ${name}`);
      return String(states[name] === "ALARM");
    })
    .replace(/\bOR\b/g, "||")
    .replace(/\bAND\b/g, "&&");
  return new Function(`return (${javascript});`)() ? "ALARM" : "OK";
}
