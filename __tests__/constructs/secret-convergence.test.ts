import { SecretConvergence } from "../../src/constructs/compute/secret-convergence";
import { AlarmFactory } from "../../src/constructs/monitoring/alarm-factory";
import { Synthesized } from "../support/synth";
import { constructStack, synthAlone } from "../support/construct-stack";

const SECRETS = ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:app", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db"];
const GROUPS = [
  { name: "t-blue", arn: "arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:1:autoScalingGroupName/t-blue" },
  { name: "t-green", arn: "arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:2:autoScalingGroupName/t-green" },
];

describe("SecretConvergence alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new SecretConvergence(stack, "convergence", {
      name: "t",
      region: "eu-west-1",
      accountId: "111122223333",
      secretArns: SECRETS,
      groups: GROUPS,
      redis: { secretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:redis", rotationFunctionName: "t-redis-auth-rotation" },
      alarms: new AlarmFactory(stack, "t", "arn:aws:sns:eu-west-1:111122223333:alerts", "https://example.com/docs/runbooks.md"),
      kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k",
      logRetentionDays: 14,
    });
    json = synthAlone(stack);
  });

  test("a successful rotation of any service secret invokes the refresh function, which outlasts its 840 s wait", () => {
    const rule = json.named("aws_cloudwatch_event_rule", "rotation-succeeded");
    expect(rule.name).toBe("t-secret-rotated");
    expect(rule.event_pattern).toContain('"eventName" = ["RotationSucceeded"]');
    for (const secret of SECRETS) expect(rule.event_pattern).toContain(secret);
    expect(json.resource("aws_lambda_function")).toMatchObject({ function_name: "t-secret-convergence", timeout: 900 });
    expect(json.resource("aws_lambda_function_event_invoke_config")).toMatchObject({ maximum_retry_attempts: 2, maximum_event_age_in_seconds: 10800 });
  });

  test("the function may refresh only the service's groups and invoke only the Redis rotation function", () => {
    const statements = json.policyDocument(json.resource("aws_iam_role_policy").policy).statement;
    const bySid = (sid: string) => statements.find((statement: { sid: string }) => statement.sid === sid);
    expect(bySid("RefreshServiceGroups").resources).toEqual(GROUPS.map((group) => group.arn));
    expect(bySid("RetireOldRedisToken").resources).toEqual(["arn:aws:lambda:eu-west-1:111122223333:function:t-redis-auth-rotation"]);
  });

  test("each rule may invoke the function, and failed rotations, refreshes, convergence and Redis retirement each alarm", () => {
    expect(json.resourceList("aws_lambda_permission").map((permission) => permission.principal)).toEqual(["events.amazonaws.com", "events.amazonaws.com", "events.amazonaws.com"]);
    expect(json.resourceList("aws_cloudwatch_metric_alarm").map((alarm) => alarm.alarm_name).sort()).toEqual([
      "t-instance-refresh-failed",
      "t-redis-token-retirement-failed",
      "t-secret-convergence-failed",
      "t-secret-rotation-failed",
    ]);
  });
});
