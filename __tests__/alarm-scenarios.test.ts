import { maxConnectionsOf } from "../src/config/schema/catalogue";
import {
  alarmState,
  AlarmState,
  compositeState,
  evaluatedSeries,
  MetricData,
  Series,
} from "./support/fake-cloudwatch-alarms";
import { synthEnvironment, validConfig } from "./support/synth";

/**
 * What the on-call engineer sees: the synthesized alarms evaluated against the metric data
 * CloudWatch would publish in each situation (fake in support/fake-cloudwatch-alarms.ts).
 */
const env = "production";
const config = validConfig(env);
const stacks = synthEnvironment(env);
const alarms = [
  ...stacks.app.resourceList("aws_cloudwatch_metric_alarm"),
  ...stacks.data.resourceList("aws_cloudwatch_metric_alarm"),
];
const alarm = (suffix: string) => {
  const found = alarms.find((candidate) => candidate.alarm_name === `auth-${env}-${suffix}`);
  if (!found) throw new Error(`no alarm auth-${env}-${suffix}`);
  return found;
};
const minutes = (count: number, value: number | undefined): Series => Array.from({ length: count }, () => value);
/** Metric data by metric name; a metric not listed publishes nothing. */
const byMetric =
  (series: Record<string, Series>): MetricData =>
  (metric) =>
    series[metric.metric_name] ?? [];
const stateOf = (names: string[], data: MetricData) =>
  Object.fromEntries(names.map((suffix) => [`auth-${env}-${suffix}`, alarmState(alarm(suffix), data)])) as Record<
    string,
    AlarmState
  >;

describe("a total outage: no target is healthy, the load balancer answers every request with 503", () => {
  // ELB publishes its own 5xx, no target 5xx, and no RequestCount for requests it could not route.
  const outage = byMetric({ HTTPCode_ELB_5XX_Count: minutes(5, 300), HealthyHostCount: minutes(5, 0) });

  test("the 5xx rate counts the load balancer's own 503s and fires", () => {
    expect(evaluatedSeries(alarm("alb-5xx-rate"), outage)).toEqual(minutes(5, 100));
    expect(alarmState(alarm("alb-5xx-rate"), outage)).toBe("ALARM");
  });

  test("a rate over target 5xx alone would have stayed quiet (why the ELB codes are in it)", () => {
    const targetsOnly = { ...alarm("alb-5xx-rate"), metric_query: alarm("blue-5xx-rate").metric_query };
    expect(alarmState(targetsOnly, outage)).toBe("OK");
  });

  test("service down fires: the load balancer's own 5xx and no healthy target in the live colour", () => {
    const members = stateOf(["alb-elb-5xx", "live-no-healthy-targets"], outage);
    expect(members).toEqual({ [`auth-${env}-alb-elb-5xx`]: "ALARM", [`auth-${env}-live-no-healthy-targets`]: "ALARM" });
    const composite = stacks.app.resource("aws_cloudwatch_composite_alarm");
    expect(compositeState(composite.alarm_rule, members)).toBe("ALARM");
  });

  test("a live colour that stops publishing health (its target group detached) is down too", () => {
    expect(alarmState(alarm("live-no-healthy-targets"), byMetric({}))).toBe("ALARM");
  });
});

describe("a healthy service under ordinary traffic", () => {
  const normal = byMetric({
    RequestCount: minutes(5, 1200),
    HTTPCode_Target_5XX_Count: minutes(5, 3),
    HealthyHostCount: minutes(5, 2),
  });

  test("no error, outage or latency alarm fires, and service down stays OK", () => {
    const states = stateOf(["alb-5xx-rate", "alb-elb-5xx", "live-no-healthy-targets"], normal);
    expect(Object.values(states)).toEqual(["OK", "OK", "OK"]);
    expect(compositeState(stacks.app.resource("aws_cloudwatch_composite_alarm").alarm_rule, states)).toBe("OK");
  });
});

describe("capacity planning", () => {
  const { groupAtMaxMinutes, cpuPercent, cpuMinutes } = config.alarms.capacity;
  const max = config.app.capacity.max;

  test(`a group at its maximum (${max}) fires after ${groupAtMaxMinutes} minutes, not before`, () => {
    const atMaxFor = (count: number) =>
      byMetric({
        GroupMaxSize: minutes(groupAtMaxMinutes, max),
        GroupInServiceInstances: [...minutes(groupAtMaxMinutes - count, max - 1), ...minutes(count, max)],
      });
    expect(alarmState(alarm("green-at-max-capacity"), atMaxFor(groupAtMaxMinutes - 1))).toBe("OK");
    expect(alarmState(alarm("green-at-max-capacity"), atMaxFor(groupAtMaxMinutes))).toBe("ALARM");
  });

  test("an idle colour shrunk to nothing (maximum 0) never counts as at its maximum", () => {
    expect(
      alarmState(
        alarm("blue-at-max-capacity"),
        byMetric({
          GroupMaxSize: minutes(groupAtMaxMinutes, 0),
          GroupInServiceInstances: minutes(groupAtMaxMinutes, 0),
        }),
      ),
    ).toBe("OK");
    expect(alarmState(alarm("blue-at-max-capacity"), byMetric({}))).toBe("OK");
  });

  test(`CPU above ${cpuPercent} % fires after ${cpuMinutes} minutes, not after a shorter burst`, () => {
    const periods = cpuMinutes / 5;
    expect(
      alarmState(
        alarm("blue-cpu-sustained"),
        byMetric({ CPUUtilization: [...minutes(periods - 1, 95), cpuPercent - 10] }),
      ),
    ).toBe("OK");
    expect(
      alarmState(alarm("blue-cpu-sustained"), byMetric({ CPUUtilization: minutes(periods, cpuPercent + 5) })),
    ).toBe("ALARM");
  });

  const { instanceClass, allocatedStorageGb } = config.data.postgres;
  const { dbConnectionsPercent, dbFreeStoragePercent } = config.alarms.data;
  const maxConnections = maxConnectionsOf(instanceClass);
  const connectionLimit = Math.floor((maxConnections * dbConnectionsPercent) / 100);

  test(`database connections: more than ${dbConnectionsPercent} % of ${instanceClass}'s ${maxConnections} fire, that many do not`, () => {
    expect(
      alarmState(alarm("db-connections"), byMetric({ DatabaseConnections: minutes(3, connectionLimit + 1) })),
    ).toBe("ALARM");
    expect(alarmState(alarm("db-connections"), byMetric({ DatabaseConnections: minutes(3, connectionLimit) }))).toBe(
      "OK",
    );
    // The share is of the class's real ceiling: a full database is well past it.
    expect(alarmState(alarm("db-connections"), byMetric({ DatabaseConnections: minutes(3, maxConnections) }))).toBe(
      "ALARM",
    );
  });

  test(`database storage: less free than ${dbFreeStoragePercent} % of ${allocatedStorageGb} GiB fires, a little more does not`, () => {
    const gib = 1024 ** 3;
    const floor = (allocatedStorageGb * dbFreeStoragePercent) / 100;
    expect(alarmState(alarm("db-free-storage"), byMetric({ FreeStorageSpace: minutes(3, (floor - 0.1) * gib) }))).toBe(
      "ALARM",
    );
    expect(alarmState(alarm("db-free-storage"), byMetric({ FreeStorageSpace: minutes(3, (floor + 0.1) * gib) }))).toBe(
      "OK",
    );
  });
});
