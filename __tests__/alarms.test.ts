import { readFileSync } from "fs";
import { join } from "path";
import { Testing, TerraformStack } from "cdktf";
import { AlarmFactory } from "../src/constructs/monitoring/alarm-factory";
import {
  documentAnchors,
  headingAnchor,
  RUNBOOK_PATH,
  runbookDocumentUrl,
} from "../src/constructs/monitoring/runbooks";
import { ENVIRONMENTS, Synthesized, synthEveryStack, validConfig } from "./support/synth";

const runbookAnchors = documentAnchors(readFileSync(join(__dirname, "..", RUNBOOK_PATH), "utf8"));

describe("runbook links", () => {
  test("anchors follow GitHub's heading rule", () => {
    expect(headingAnchor("Service errors")).toBe("service-errors");
    expect(headingAnchor("NAT gateway: ports & drops")).toBe("nat-gateway-ports--drops");
  });

  test("an alarm without a well-formed runbook anchor fails synth", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const factory = new AlarmFactory(
      stack,
      "auth-test",
      "arn:aws:sns:eu-west-1:111111111111:alerts",
      runbookDocumentUrl("example-org/infra"),
    );
    const alarm = {
      name: "x",
      description: "d",
      namespace: "AWS/RDS",
      metricName: "CPUUtilization",
      dimensions: {},
      threshold: 1,
      breachWhen: "above",
      treatMissingData: "missing",
    } as const;
    expect(() => factory.threshold({ ...alarm, runbook: "Service Errors" })).toThrow(
      /runbook anchor "Service Errors" must be a lowercase heading anchor/,
    );
    expect(() => factory.threshold({ ...alarm, runbook: "" })).toThrow(/runbook anchor/);
  });

  test("a composite alarm watches alarms of its own factory by name, after they exist", () => {
    const stack = new TerraformStack(Testing.app(), "composite");
    const factory = new AlarmFactory(
      stack,
      "auth-test",
      "arn:aws:sns:eu-west-1:111111111111:alerts",
      runbookDocumentUrl("example-org/infra"),
    );
    const other = new AlarmFactory(
      stack,
      "other",
      "arn:aws:sns:eu-west-1:111111111111:alerts",
      runbookDocumentUrl("example-org/infra"),
    );
    const alarm = {
      description: "d",
      runbook: "service-down",
      namespace: "AWS/RDS",
      metricName: "CPUUtilization",
      dimensions: {},
      threshold: 1,
      breachWhen: "above",
      treatMissingData: "missing",
    } as const;
    const first = factory.threshold({ ...alarm, name: "first" });
    const second = factory.threshold({ ...alarm, name: "second" });
    factory.composite("down", { description: "Down", runbook: "service-down", anyOf: [first, second] });
    const composite = Object.values<any>(JSON.parse(Testing.synth(stack)).resource.aws_cloudwatch_composite_alarm)[0];
    expect(composite).toMatchObject({
      alarm_rule: 'ALARM("auth-test-first") OR ALARM("auth-test-second")',
      depends_on: ["aws_cloudwatch_metric_alarm.alarm-first", "aws_cloudwatch_metric_alarm.alarm-second"],
    });
    expect(() =>
      factory.composite("mixed", {
        description: "d",
        runbook: "service-down",
        anyOf: [other.threshold({ ...alarm, name: "x" })],
      }),
    ).toThrow(/only watch alarms of its own factory/);
    expect(() => factory.composite("empty", { description: "d", runbook: "service-down", anyOf: [] })).toThrow(
      /needs at least one alarm/,
    );
  });
});

describe.each(ENVIRONMENTS)("every alarm of %s pages on ALARM and OK and links its runbook", (env) => {
  // Every stack, the pilot light's too (the outside-in alarms, in the DR region and us-east-1).
  const stacks = synthEveryStack(env);
  const everyAlarm = (json: Synthesized) => [
    ...json.resourceList("aws_cloudwatch_metric_alarm"),
    ...json.resourceList("aws_cloudwatch_composite_alarm"),
  ];

  test.each(Object.keys(stacks).map((name) => [name]))("%s", (name) => {
    for (const alarm of everyAlarm(stacks[name])) {
      const context = `${alarm.alarm_name}`;
      expect([context, alarm.alarm_actions]).toEqual([
        context,
        [
          expect.stringMatching(
            /alert_topic_arn|aws_sns_topic\.alerts_topic|aws_sns_topic\.security-alerts_topic|aws_sns_topic\.outside-in_global-alerts_topic/,
          ),
        ],
      ]);
      expect([context, alarm.ok_actions]).toEqual([context, alarm.alarm_actions]);
      if (alarm.metric_name || alarm.metric_query)
        expect([context, alarm.treat_missing_data]).toEqual([
          context,
          expect.stringMatching(/^(missing|notBreaching|breaching|ignore)$/),
        ]);
      const link = /Runbook: (https:\/\/github\.com\/[^ ]+\/blob\/main\/docs\/how-to\/runbooks\.md)#([a-z0-9-]+)$/.exec(
        alarm.alarm_description,
      );
      expect([context, link?.[1]]).toEqual([context, runbookDocumentUrl(validConfig(env).ci.githubRepository)]);
      expect([context, runbookAnchors]).toEqual([context, expect.arrayContaining([link![2]])]);
      expect(alarm.alarm_description.length).toBeLessThanOrEqual(1024);
    }
  });

  test("the stacks have alarms at all (the check is not vacuous)", () => {
    expect(Object.values(stacks).flatMap(everyAlarm).length).toBeGreaterThan(20);
  });
});

describe("docs/how-to/runbooks.md", () => {
  test("has no section that no alarm links (one section per alarm family, none stale)", () => {
    const markdown = readFileSync(join(__dirname, "..", RUNBOOK_PATH), "utf8");
    const families = [...markdown.matchAll(/^## (.+)$/gm)].map((match) => headingAnchor(match[1]));
    const linked = new Set(
      ENVIRONMENTS.flatMap((env) => {
        return Object.values(synthEveryStack(env)).flatMap((stack) => [
          ...stack.resourceList("aws_cloudwatch_metric_alarm"),
          ...stack.resourceList("aws_cloudwatch_composite_alarm"),
        ]);
      }).map((alarm) => /#([a-z0-9-]+)$/.exec(alarm.alarm_description)?.[1]),
    );
    expect(families.filter((family) => !linked.has(family))).toEqual([]);
    expect(families.length).toBeGreaterThanOrEqual(12);
  });
});
