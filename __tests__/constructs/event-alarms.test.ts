import { AlarmFactory } from "../../src/constructs/monitoring/alarm-factory";
import { CisTrailAlarms } from "../../src/constructs/monitoring/cis-trail-alarms";
import { CIS_METRIC_FILTERS, CIS_NAMESPACE } from "../../src/constructs/monitoring/filter-patterns";
import { LogEventAlarm } from "../../src/constructs/monitoring/log-event-alarm";
import { natGatewayAlarmDefinitions } from "../../src/constructs/monitoring/nat-gateway-alarms";
import { SecurityFindingAlerts } from "../../src/constructs/monitoring/security-finding-alerts";
import { Synthesized } from "../support/synth";
import { constructStack, synthAlone } from "../support/construct-stack";

const TOPIC = "arn:aws:sns:eu-west-1:111122223333:alerts";
const RUNBOOKS = "https://example.com/docs/runbooks.md";

describe("LogEventAlarm alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new LogEventAlarm(stack, "event", {
      alarms: new AlarmFactory(stack, "t", TOPIC, RUNBOOKS),
      logGroupName: "/svc/logs",
      name: "root-login",
      description: "Root signed in",
      pattern: '{ $.userIdentity.type = "Root" }',
      namespace: "Test/Events",
      metricName: "RootLogins",
      runbook: "account-activity",
    });
    json = synthAlone(stack);
  });

  test("counts each matching event as 1 into a dimensionless metric", () => {
    expect(json.resource("aws_cloudwatch_log_metric_filter")).toMatchObject({
      name: "root-login",
      log_group_name: "/svc/logs",
      pattern: '{ $.userIdentity.type = "Root" }',
      metric_transformation: { name: "RootLogins", namespace: "Test/Events", value: "1", unit: "Count" },
    });
  });

  test("by default fires on any event in 5 minutes, and a quiet period is no event, not missing data", () => {
    expect(json.resource("aws_cloudwatch_metric_alarm")).toMatchObject({
      alarm_name: "t-root-login",
      statistic: "Sum",
      period: 300,
      evaluation_periods: 1,
      threshold: 0,
      comparison_operator: "GreaterThanThreshold",
      treat_missing_data: "notBreaching",
    });
  });
});

describe("CisTrailAlarms alone", () => {
  test("one filter and one alarm per CIS recommendation on the trail's log group; only unauthorized calls have a threshold", () => {
    const stack = constructStack();
    new CisTrailAlarms(stack, "cis", { alarms: new AlarmFactory(stack, "t", TOPIC, RUNBOOKS), trailLogGroupName: "/aws/cloudtrail/t", unauthorizedApiCallsThreshold: 5 });
    const json = synthAlone(stack);
    const filters = json.resourceList("aws_cloudwatch_log_metric_filter");
    expect(filters).toHaveLength(CIS_METRIC_FILTERS.length);
    for (const filter of filters) expect(filter).toMatchObject({ log_group_name: "/aws/cloudtrail/t", metric_transformation: { namespace: CIS_NAMESPACE } });
    const thresholds = Object.fromEntries(json.resourceList("aws_cloudwatch_metric_alarm").map((alarm) => [alarm.metric_name, alarm.threshold]));
    expect(Object.entries(thresholds).filter(([, threshold]) => threshold !== 0)).toEqual([["UnauthorizedApiCalls", 5]]);
  });
});

describe("SecurityFindingAlerts alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new SecurityFindingAlerts(stack, "findings", { prefix: "t", topicArn: TOPIC, guardDutyMinimumSeverity: 7, alarms: new AlarmFactory(stack, "t", TOPIC, RUNBOOKS) });
    json = synthAlone(stack);
  });

  test("by default forwards GuardDuty findings at the severity and new critical Security Hub findings", () => {
    expect(JSON.parse(json.named("aws_cloudwatch_event_rule", "guardduty").event_pattern)).toEqual({
      source: ["aws.guardduty"],
      "detail-type": ["GuardDuty Finding"],
      detail: { severity: [{ numeric: [">=", 7] }] },
    });
    expect(JSON.parse(json.named("aws_cloudwatch_event_rule", "securityhub").event_pattern).detail.findings).toEqual({ Severity: { Label: ["CRITICAL"] }, RecordState: ["ACTIVE"], Workflow: { Status: ["NEW"] } });
  });

  test("targets retry for a day, and a failed delivery raises an alarm per rule", () => {
    for (const target of json.resourceList("aws_cloudwatch_event_target")) {
      expect(target).toMatchObject({ arn: TOPIC, retry_policy: { maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 } });
    }
    expect(json.resourceList("aws_cloudwatch_metric_alarm").map((alarm) => `${alarm.metric_name} ${alarm.dimensions.RuleName}`).sort()).toEqual([
      "FailedInvocations t-guardduty",
      "FailedInvocations t-securityhub-critical",
    ]);
  });

  test("GuardDuty only, and one delivery alarm, when Security Hub is off", () => {
    const stack = constructStack();
    new SecurityFindingAlerts(stack, "findings", { prefix: "t", topicArn: TOPIC, guardDutyMinimumSeverity: 4, securityHub: false, alarms: new AlarmFactory(stack, "t", TOPIC, RUNBOOKS) });
    const custom = synthAlone(stack);
    expect(custom.resourceList("aws_cloudwatch_event_rule").map((rule) => rule.name)).toEqual(["t-guardduty"]);
    expect(custom.resourceList("aws_cloudwatch_metric_alarm")).toHaveLength(1);
  });
});

describe("natGatewayAlarmDefinitions", () => {
  test("two alarms per gateway, named by its zone, on that gateway's id", () => {
    const definitions = natGatewayAlarmDefinitions({ gateways: [{ zone: "eu-west-1a", id: "nat-1" }], portAllocationErrors: 0, packetsDropped: 100 });
    expect(definitions.map((definition) => `${definition.name} ${definition.metricName} > ${definition.threshold} ${definition.statistic}/${definition.period}`)).toEqual([
      "nat-eu-west-1a-port-allocation-errors ErrorPortAllocation > 0 Sum/300",
      "nat-eu-west-1a-packets-dropped PacketsDropCount > 100 Sum/300",
    ]);
    for (const definition of definitions) expect(definition).toMatchObject({ namespace: "AWS/NATGateway", dimensions: { NatGatewayId: "nat-1" }, treatMissingData: "notBreaching" });
  });
});
