import { catalogueProblem, METRIC_CATALOG } from "../src/constructs/monitoring/metric-catalog";
import { alarmMetrics, dashboardMetrics } from "./support/metric-references";
import { ENVIRONMENTS, synthEveryStack } from "./support/synth";

describe("the metric catalog", () => {
  test("names an AWS documentation source for every namespace, and each metric once per namespace", () => {
    for (const entry of METRIC_CATALOG) {
      expect(entry.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(entry.metrics.length).toBeGreaterThan(0);
    }
    for (const namespace of new Set(METRIC_CATALOG.map((entry) => entry.namespace))) {
      const names = METRIC_CATALOG.filter((entry) => entry.namespace === namespace).flatMap((entry) =>
        entry.metrics.map((metric) => metric.name),
      );
      expect(names.length).toBe(new Set(names).size);
    }
  });

  test("refuses an unknown namespace, an unknown metric and a dimension set the metric is not published with", () => {
    expect(catalogueProblem("AWS/RDS", "CPUUtilization", ["DBInstanceIdentifier"])).toBeUndefined();
    expect(catalogueProblem("AWS/Nope", "CPUUtilization", [])).toMatch(
      /namespace AWS\/Nope is not in the metric catalog/,
    );
    expect(catalogueProblem("AWS/RDS", "CpuUtilisation", ["DBInstanceIdentifier"])).toMatch(
      /CpuUtilisation is not in the metric catalog/,
    );
    // The mistake that leaves an alarm without data forever: a target-group metric without its load balancer.
    expect(catalogueProblem("AWS/ApplicationELB", "UnHealthyHostCount", ["TargetGroup"])).toMatch(
      /published with dimensions \[LoadBalancer,TargetGroup\], not \[TargetGroup\]/,
    );
  });
});

describe.each(ENVIRONMENTS)(
  "every alarm and dashboard widget of %s reads a catalogued metric with its published dimensions",
  (env) => {
    // Every stack, the pilot light's too.
    const stacks = synthEveryStack(env);

    test.each(Object.keys(stacks).map((name) => [name]))("%s", (name) => {
      const references = [...alarmMetrics(stacks[name]), ...dashboardMetrics(stacks[name])];
      const problems = references.flatMap((reference) => {
        const problem = catalogueProblem(reference.namespace, reference.metricName, Object.keys(reference.dimensions));
        return problem ? [`${reference.where}: ${problem}`] : [];
      });
      expect(problems).toEqual([]);
    });

    test("the stacks alarm on metrics at all (the scan is not vacuous)", () => {
      const all = Object.values(stacks).flatMap((stack) => [...alarmMetrics(stack), ...dashboardMetrics(stack)]);
      expect(all.length).toBeGreaterThan(20);
    });
  },
);
