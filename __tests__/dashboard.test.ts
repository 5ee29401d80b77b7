import { metricGraph } from "../src/constructs/monitoring/dashboard";
import { serviceDashboardSections } from "../src/constructs/monitoring/service-dashboard";
import { ENVIRONMENTS, synthEnvironment } from "./support/synth";

const PANELS = [
  "Overview",
  "Traffic",
  "Latency",
  "Errors",
  "Target health per colour",
  "Group capacity",
  "CPU and memory",
  "Certificate",
  "RDS",
  "Redis",
  "WAF",
  "Security events",
];

describe.each(ENVIRONMENTS)("the %s dashboard", (env) => {
  const stacks = synthEnvironment(env);
  const dashboard = stacks.app.resource("aws_cloudwatch_dashboard");
  const widgets: any[] = JSON.parse(dashboard.dashboard_body).widgets;
  const graphs = widgets.filter((widget) => widget.type === "metric");
  const graphOf = (alarmName: string) => graphs.find((widget) => widget.properties.title === alarmName);

  test("one dashboard per environment, with the panels the issue lists, in reading order", () => {
    expect(dashboard.dashboard_name).toBe(`auth-${env}`);
    const headings = widgets
      .filter((widget) => widget.type === "text")
      .map((widget) => widget.properties.markdown.replace(/^## /, ""));
    expect(headings).toEqual(PANELS);
  });

  test("every metric alarm of the app and data stacks is charted from its own definition, threshold drawn", () => {
    const alarms = [
      ...stacks.app.resourceList("aws_cloudwatch_metric_alarm"),
      ...stacks.data.resourceList("aws_cloudwatch_metric_alarm"),
    ]
      // Rotation failures are events, not capacity or performance: they sit in the overview's alarm status.
      .filter((alarm) => !/rotation|refresh|convergence|retirement/.test(alarm.alarm_name));
    expect(alarms.length).toBeGreaterThan(25);
    for (const alarm of alarms) {
      const graph = graphOf(alarm.alarm_name);
      expect([alarm.alarm_name, graph?.properties.annotations.horizontal[0].value]).toEqual([
        alarm.alarm_name,
        alarm.threshold,
      ]);
      if (alarm.metric_name) {
        const [namespace, metricName, ...rest] = graph.properties.metrics[0];
        expect([namespace, metricName]).toEqual([alarm.namespace, alarm.metric_name]);
        expect(Object.fromEntries(pairs(rest.filter((field: unknown) => typeof field === "string")))).toEqual(
          alarm.dimensions,
        );
        expect(graph.properties.stat).toBe(alarm.extended_statistic ?? alarm.statistic);
      } else {
        const expressions = graph.properties.metrics
          .filter((row: any[]) => row.length === 1)
          .map((row: any[]) => row[0].expression);
        expect(expressions).toEqual(
          alarm.metric_query.filter((query: any) => query.expression).map((query: any) => query.expression),
        );
      }
    }
  });

  test("the overview shows the state of every alarm of the app stack, service down first", () => {
    const overview = widgets.find((widget) => widget.type === "alarm");
    const appAlarms = [
      ...Object.keys(stacks.app.resources("aws_cloudwatch_metric_alarm")).map(
        (name) => `\${aws_cloudwatch_metric_alarm.${name}.arn}`,
      ),
    ];
    expect(overview.properties.alarms[0]).toMatch(/^\$\{aws_cloudwatch_composite_alarm\.alarm-service-down\.arn\}$/);
    expect([...overview.properties.alarms.slice(1)].sort()).toEqual(appAlarms.sort());
  });

  test("widgets fit the 24-unit grid without overlapping", () => {
    const owner = new Map<string, string>();
    const problems: string[] = [];
    for (const [index, widget] of widgets.entries()) {
      if (widget.x + widget.width > 24) problems.push(`widget ${index} is wider than the grid`);
      for (let x = widget.x; x < widget.x + widget.width; x++) {
        for (let y = widget.y; y < widget.y + widget.height; y++) {
          const cell = `${x},${y}`;
          if (owner.has(cell)) problems.push(`widget ${index} overlaps ${owner.get(cell)} at ${cell}`);
          owner.set(cell, `widget ${index}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test("the stack outputs the dashboard's console address", () => {
    expect(stacks.app.outputs().dashboard_url.value).toMatch(
      new RegExp(
        `^https://eu-west-1\\.console\\.aws\\.amazon\\.com/cloudwatch/home\\?region=eu-west-1#dashboards/dashboard/\\$\\{aws_cloudwatch_dashboard\\.`,
      ),
    );
  });
});

describe("the security events panel", () => {
  const base = {
    alarmPrefix: "auth-test",
    region: "eu-west-1",
    serviceAlarms: [],
    dataAlarms: [],
    overviewAlarmArns: [],
    loadBalancerArnSuffix: "app/auth-test/1",
    targetGroupArnSuffixes: { blue: "targetgroup/b/1", green: "targetgroup/g/1" },
    groupNames: { blue: "auth-test-blue", green: "auth-test-green" },
    webAclName: "auth-test",
    processPatterns: ["dockerd"],
  };

  test("takes the security metrics other stacks define (log metric filters) through securityEventWidgets", () => {
    const authFailures = metricGraph({
      title: "Authentication failures",
      region: "eu-west-1",
      stat: "Sum",
      metrics: [["AuthService/Security", "AuthenticationFailures"]],
    });
    const sections = serviceDashboardSections({ ...base, securityEventWidgets: [authFailures] });
    const security = sections.find((section) => section.title === "Security events")!;
    expect(security.widgets.map((widget) => widget.properties.title)).toEqual([
      "Requests matched by counting WAF rules",
      "Authentication failures",
    ]);
  });

  test("refuses to leave an alarm off the dashboard", () => {
    const orphan = {
      name: "mystery",
      description: "d",
      runbook: "service-errors",
      treatMissingData: "missing",
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: {},
      threshold: 1,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 1,
    } as const;
    expect(() => serviceDashboardSections({ ...base, serviceAlarms: [orphan] })).toThrow(
      /charts no panel for the alarms mystery/,
    );
  });
});

function pairs(fields: string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let index = 0; index < fields.length; index += 2) result.push([fields[index], fields[index + 1]]);
  return result;
}
