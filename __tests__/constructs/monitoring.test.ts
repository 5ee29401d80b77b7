import { AlarmFactory } from "../../src/constructs/monitoring/alarm-factory";
import { AlertTopic } from "../../src/constructs/monitoring/alert-topic";
import { CisTrailAlarms } from "../../src/constructs/monitoring/cis-trail-alarms";
import { EncryptedLogGroup, logsCanUseKey } from "../../src/constructs/monitoring/encrypted-log-group";
import { CIS_METRIC_FILTERS, CIS_NAMESPACE } from "../../src/compliance/filter-patterns";
import { LogEventAlarm } from "../../src/constructs/monitoring/log-event-alarm";
import { natGatewayAlarmDefinitions } from "../../src/constructs/monitoring/nat-gateway-alarms";
import { SecurityFindingAlerts } from "../../src/constructs/monitoring/security-finding-alerts";
import { constructStack, synthAlone } from "../support/construct-stack";
import { Synthesized } from "../support/synth";

const ACCOUNT = "111122223333";
const TOPIC = "arn:aws:sns:eu-west-1:111122223333:alerts";
const RUNBOOKS = "https://example.com/docs/how-to/runbooks.md";

describe("EncryptedLogGroup alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new EncryptedLogGroup(stack, "logs", {
      name: "/test/logs",
      retentionInDays: 30,
      kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k",
    });
    json = synthAlone(stack);
  });

  test("always has the given retention and customer-managed key", () => {
    expect(json.resource("aws_cloudwatch_log_group")).toMatchObject({
      name: "/test/logs",
      retention_in_days: 30,
      kms_key_id: "arn:aws:kms:eu-west-1:111122223333:key/k",
    });
  });

  test("the key statement lets CloudWatch Logs of one region use the key for this account's log groups only", () => {
    expect(logsCanUseKey("eu-west-1", ACCOUNT)).toMatchObject({
      principals: [{ type: "Service", identifiers: ["logs.eu-west-1.amazonaws.com"] }],
      condition: [
        {
          test: "ArnLike",
          variable: "kms:EncryptionContext:aws:logs:arn",
          values: ["arn:aws:logs:eu-west-1:111122223333:log-group:*"],
        },
      ],
    });
  });
});

describe("AlertTopic alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new AlertTopic(stack, "alerts", { name: "auth-test-alerts", accountId: ACCOUNT });
    json = synthAlone(stack);
  });

  const sids = (statements: { sid: string }[]) => statements.map((statement) => statement.sid);

  test("encrypted with its own rotating key that CloudWatch alarms of this account may use", () => {
    const key = json.resource("aws_kms_key");
    expect(key.enable_key_rotation).toBe(true);
    expect(json.resource("aws_sns_topic").kms_master_key_id).toMatch(/^\$\{aws_kms_key\./);
    expect(json.resource("aws_kms_alias").name).toBe("alias/auth-test-alerts-sns");
    expect(sids(json.policyDocument(key.policy).statement)).toEqual([
      "AccountAdministersKey",
      "CloudWatchAlarmsPublish",
    ]);
  });

  test("by default: only CloudWatch alarms of the account publish, over TLS, and nobody is subscribed", () => {
    const statements = json.policyDocument(json.resource("aws_sns_topic_policy").policy).statement;
    expect(sids(statements)).toEqual(["CloudWatchAlarmsPublish", "DenyInsecureTransport"]);
    expect(statements[0].condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: [ACCOUNT] },
    ]);
    expect(statements[1]).toMatchObject({
      effect: "Deny",
      condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
    });
    expect(json.resourceList("aws_sns_topic_subscription")).toEqual([]);
  });

  test("EventBridge rules and e-mail recipients when given: each may publish only under the topic and key policies", () => {
    const stack = constructStack();
    new AlertTopic(stack, "alerts", {
      name: "t",
      accountId: ACCOUNT,
      emails: ["a@example.com", "b@example.com"],
      eventRuleArns: ["arn:aws:events:eu-west-1:111122223333:rule/findings-*"],
    });
    const custom = synthAlone(stack);
    const topicPolicy = custom.policyDocument(custom.resource("aws_sns_topic_policy").policy).statement;
    expect(sids(topicPolicy)).toEqual(["CloudWatchAlarmsPublish", "EventBridgeRulesPublish", "DenyInsecureTransport"]);
    expect(topicPolicy[1].condition).toEqual([
      { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:aws:events:eu-west-1:111122223333:rule/findings-*"] },
    ]);
    expect(sids(custom.policyDocument(custom.resource("aws_kms_key").policy).statement)).toEqual([
      "AccountAdministersKey",
      "CloudWatchAlarmsPublish",
      "EventBridgeRulesPublish",
    ]);
    expect(
      custom
        .resourceList("aws_sns_topic_subscription")
        .map((subscription) => `${subscription.protocol}:${subscription.endpoint}`)
        .sort(),
    ).toEqual(["email:a@example.com", "email:b@example.com"]);
  });
});

describe("AlarmFactory alone", () => {
  let json: Synthesized;
  let factory: AlarmFactory;
  beforeAll(() => {
    const stack = constructStack();
    factory = new AlarmFactory(stack, "auth-test", TOPIC, RUNBOOKS);
    const errors = factory.threshold({
      name: "errors",
      description: "Too many errors.",
      runbook: "service-errors",
      namespace: "AWS/ApplicationELB",
      metricName: "HTTPCode_Target_5XX_Count",
      dimensions: { LoadBalancer: "app/lb/1" },
      threshold: 5,
      breachWhen: "above",
      treatMissingData: "notBreaching",
    });
    const healthy = factory.threshold({
      name: "healthy",
      description: "Too few healthy hosts",
      runbook: "service-down",
      namespace: "AWS/ApplicationELB",
      metricName: "HealthyHostCount",
      dimensions: { LoadBalancer: "app/lb/1" },
      threshold: 1,
      breachWhen: "below",
      treatMissingData: "breaching",
      statistic: "Minimum",
      periodSeconds: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 2,
    });
    factory.composite("down", { description: "Service down", runbook: "service-down", anyOf: [errors, healthy] });
    json = synthAlone(stack);
  });

  test("threshold defaults: Average over 300 s, 3 periods, every period must breach", () => {
    expect(json.named("aws_cloudwatch_metric_alarm", "errors")).toMatchObject({
      alarm_name: "auth-test-errors",
      statistic: "Average",
      period: 300,
      evaluation_periods: 3,
      comparison_operator: "GreaterThanThreshold",
      treat_missing_data: "notBreaching",
    });
    expect(json.named("aws_cloudwatch_metric_alarm", "errors").datapoints_to_alarm).toBeUndefined();
  });

  test("every alarm notifies the topic on ALARM and OK and links its runbook section", () => {
    for (const alarm of [
      ...json.resourceList("aws_cloudwatch_metric_alarm"),
      ...json.resourceList("aws_cloudwatch_composite_alarm"),
    ]) {
      expect(alarm.alarm_actions).toEqual([TOPIC]);
      expect(alarm.ok_actions).toEqual([TOPIC]);
    }
    expect(json.named("aws_cloudwatch_metric_alarm", "errors").alarm_description).toBe(
      `Too many errors. Runbook: ${RUNBOOKS}#service-errors`,
    );
  });

  test("a below-threshold alarm with its own statistic, period and M of N", () => {
    expect(json.named("aws_cloudwatch_metric_alarm", "healthy")).toMatchObject({
      comparison_operator: "LessThanThreshold",
      statistic: "Minimum",
      period: 60,
      evaluation_periods: 5,
      datapoints_to_alarm: 2,
      treat_missing_data: "breaching",
    });
  });

  test("a composite alarm fires on any member, by literal name, after its members exist", () => {
    const composite = json.resource("aws_cloudwatch_composite_alarm");
    expect(composite.alarm_rule).toBe('ALARM("auth-test-errors") OR ALARM("auth-test-healthy")');
    expect(composite.depends_on).toHaveLength(2);
    expect(factory.created.map((alarm) => alarm.name)).toEqual([
      "auth-test-errors",
      "auth-test-healthy",
      "auth-test-down",
    ]);
  });

  test("refuses an empty composite, a foreign member and a runbook anchor that is not a heading anchor", () => {
    const stack = constructStack();
    const own = new AlarmFactory(stack, "a", TOPIC, RUNBOOKS);
    const foreign = new AlarmFactory(stack, "b", TOPIC, RUNBOOKS).create("x", {
      description: "x",
      runbook: "x",
      treatMissingData: "missing",
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 1,
    });
    expect(() => own.composite("empty", { description: "d", runbook: "r", anyOf: [] })).toThrow(
      "composite alarm empty needs at least one alarm to watch",
    );
    expect(() => own.composite("foreign", { description: "d", runbook: "r", anyOf: [foreign] })).toThrow(
      "a composite alarm can only watch alarms of its own factory",
    );
    expect(() =>
      own.create("bad", {
        description: "d",
        runbook: "Service Errors",
        treatMissingData: "missing",
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 1,
      }),
    ).toThrow(/runbook anchor "Service Errors"/);
  });
});

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
    new CisTrailAlarms(stack, "cis", {
      alarms: new AlarmFactory(stack, "t", TOPIC, RUNBOOKS),
      trailLogGroupName: "/aws/cloudtrail/t",
      unauthorizedApiCallsThreshold: 5,
    });
    const json = synthAlone(stack);
    const filters = json.resourceList("aws_cloudwatch_log_metric_filter");
    expect(filters).toHaveLength(CIS_METRIC_FILTERS.length);
    for (const filter of filters)
      expect(filter).toMatchObject({
        log_group_name: "/aws/cloudtrail/t",
        metric_transformation: { namespace: CIS_NAMESPACE },
      });
    const thresholds = Object.fromEntries(
      json.resourceList("aws_cloudwatch_metric_alarm").map((alarm) => [alarm.metric_name, alarm.threshold]),
    );
    expect(Object.entries(thresholds).filter(([, threshold]) => threshold !== 0)).toEqual([
      ["UnauthorizedApiCalls", 5],
    ]);
  });
});

describe("SecurityFindingAlerts alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new SecurityFindingAlerts(stack, "findings", {
      prefix: "t",
      topicArn: TOPIC,
      guardDutyMinimumSeverity: 7,
      alarms: new AlarmFactory(stack, "t", TOPIC, RUNBOOKS),
    });
    json = synthAlone(stack);
  });

  test("by default forwards GuardDuty findings at the severity and new critical Security Hub findings", () => {
    expect(JSON.parse(json.named("aws_cloudwatch_event_rule", "guardduty").event_pattern)).toEqual({
      source: ["aws.guardduty"],
      "detail-type": ["GuardDuty Finding"],
      detail: { severity: [{ numeric: [">=", 7] }] },
    });
    expect(JSON.parse(json.named("aws_cloudwatch_event_rule", "securityhub").event_pattern).detail.findings).toEqual({
      Severity: { Label: ["CRITICAL"] },
      RecordState: ["ACTIVE"],
      Workflow: { Status: ["NEW"] },
    });
  });

  test("targets retry for a day, then park undelivered findings in one dead-letter queue; a failed delivery and a parked finding each raise an alarm", () => {
    const queue = json.resource("aws_sqs_queue");
    for (const target of json.resourceList("aws_cloudwatch_event_target")) {
      expect(target).toMatchObject({
        arn: TOPIC,
        retry_policy: { maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 },
      });
      expect(target.dead_letter_config.arn).toContain(".arn}");
    }
    expect(queue.sqs_managed_sse_enabled).toBe(true);
    const watched = (alarm: Record<string, any>) =>
      `${alarm.metric_name} ${alarm.dimensions.RuleName ?? "queue " + alarm.dimensions.QueueName}`;
    expect(json.resourceList("aws_cloudwatch_metric_alarm").map(watched).sort()).toEqual([
      expect.stringMatching(/^ApproximateNumberOfMessagesVisible queue /),
      "FailedInvocations t-guardduty",
      "FailedInvocations t-securityhub-critical",
    ]);
  });

  test("GuardDuty only, and one delivery alarm, when Security Hub is off", () => {
    const stack = constructStack();
    new SecurityFindingAlerts(stack, "findings", {
      prefix: "t",
      topicArn: TOPIC,
      guardDutyMinimumSeverity: 4,
      securityHub: false,
      alarms: new AlarmFactory(stack, "t", TOPIC, RUNBOOKS),
    });
    const custom = synthAlone(stack);
    expect(custom.resourceList("aws_cloudwatch_event_rule").map((rule) => rule.name)).toEqual(["t-guardduty"]);
    expect(
      custom
        .resourceList("aws_cloudwatch_metric_alarm")
        .map((alarm) => alarm.metric_name)
        .sort(),
    ).toEqual(["ApproximateNumberOfMessagesVisible", "FailedInvocations"]);
  });
});

describe("natGatewayAlarmDefinitions", () => {
  test("two alarms per gateway, named by its zone, on that gateway's id", () => {
    const definitions = natGatewayAlarmDefinitions({
      gateways: [{ zone: "eu-west-1a", id: "nat-1" }],
      portAllocationErrors: 0,
      packetsDropped: 100,
    });
    expect(
      definitions.map(
        (definition) =>
          `${definition.name} ${definition.metricName} > ${definition.threshold} ${definition.statistic}/${definition.period}`,
      ),
    ).toEqual([
      "nat-eu-west-1a-port-allocation-errors ErrorPortAllocation > 0 Sum/300",
      "nat-eu-west-1a-packets-dropped PacketsDropCount > 100 Sum/300",
    ]);
    for (const definition of definitions)
      expect(definition).toMatchObject({
        namespace: "AWS/NATGateway",
        dimensions: { NatGatewayId: "nat-1" },
        treatMissingData: "notBreaching",
      });
  });
});
