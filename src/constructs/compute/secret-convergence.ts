import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { AlarmFactory } from "../monitoring/alarm-factory";
import { NodeFunction } from "./node-function";

/** Seconds the function waits for refreshes; its timeout adds a margin. */
const WAIT_SECONDS = 840;

export interface SecretConvergenceProps {
  /** Prefix of the function, rule and alarm names, e.g. auth-production. */
  readonly name: string;
  /** Region of the secrets, groups and functions. */
  readonly region: string;
  /** Account of the secrets, groups and functions. */
  readonly accountId: string;
  /** Secrets the instances read at boot: a rotation of any of them refreshes the fleet. */
  readonly secretArns: string[];
  /** The RDS-managed master secret (rds!...): its failed rotations alert; its rotations refresh nothing, as the service never reads it. */
  readonly masterSecretArn: string;
  /** The service's auto-scaling groups (every colour); those running instances are refreshed. */
  readonly groups: Array<{ readonly name: string; readonly arn: string }>;
  /** The Redis token secret and its rotation function, asked to retire the old token after a refresh. */
  readonly redis: { readonly secretArn: string; readonly rotationFunctionName: string };
  /** Alarms notify the alert topic. */
  readonly alarms: AlarmFactory;
  /** Key of the function's logs and environment. */
  readonly kmsKeyArn: string;
  /** Retention of the refresh function's log group. */
  readonly logRetentionDays: number;
}

/**
 * Bounds how long an instance runs with a rotated-away secret: Secrets Manager's RotationSucceeded
 * event (from CloudTrail) for any of the service's secrets starts an instance refresh of every
 * group that runs instances, at 100 % minimum healthy (lambda/secret-convergence). A failed
 * rotation, a failed refresh and a failing convergence or Redis retirement each raise an alarm.
 */
export class SecretConvergence extends Construct {
  readonly function: NodeFunction;
  readonly rotationRule: CloudwatchEventRule;
  readonly failureRule: CloudwatchEventRule;
  readonly masterFailureRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: SecretConvergenceProps) {
    super(scope, id);
    const functionName = `${props.name}-secret-convergence`;
    const redisFunctionArn = `arn:aws:lambda:${props.region}:${props.accountId}:function:${props.redis.rotationFunctionName}`;
    this.function = new NodeFunction(this, "function", {
      functionName,
      description: "Refreshes the service's instances after a secret rotation",
      bundleEntryPoint: "lambda/secret-convergence/index.ts",
      environment: {
        GROUP_NAMES: Fn.join(
          ",",
          props.groups.map((group) => group.name),
        ),
        REDIS_SECRET_ARN: props.redis.secretArn,
        REDIS_ROTATION_FUNCTION: props.redis.rotationFunctionName,
        WAIT_SECONDS: String(WAIT_SECONDS),
      },
      timeoutSeconds: WAIT_SECONDS + 60,
      permissions: [
        // Auto Scaling's Describe actions support no resource-level permissions.
        {
          sid: "ReadGroups",
          actions: ["autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeInstanceRefreshes"],
          resources: ["*"],
        },
        {
          sid: "RefreshServiceGroups",
          actions: ["autoscaling:StartInstanceRefresh"],
          resources: props.groups.map((group) => group.arn),
        },
        { sid: "RetireOldRedisToken", actions: ["lambda:InvokeFunction"], resources: [redisFunctionArn] },
        { sid: "UseAppKey", actions: ["kms:Decrypt"], resources: [props.kmsKeyArn] },
      ],
      logRetentionDays: props.logRetentionDays,
      kmsKeyArn: props.kmsKeyArn,
    });
    // A second delivery of the same rotation only adopts the running refresh; older events are useless.
    new LambdaFunctionEventInvokeConfig(this, "retries", {
      functionName: this.function.function.functionName,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 3 * 3600,
    });

    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html#cloudtrail_log_entries_rotation
    const rotationEvents = (eventName: string, secretArns: string[]) =>
      Fn.jsonencode({
        source: ["aws.secretsmanager"],
        "detail-type": ["AWS Service Event via CloudTrail"],
        detail: {
          eventSource: ["secretsmanager.amazonaws.com"],
          eventName: [eventName],
          additionalEventData: { SecretId: secretArns },
        },
      });
    this.rotationRule = this.rule(
      "rotation-succeeded",
      `${props.name}-secret-rotated`,
      "A service secret rotated: refresh the instances",
      rotationEvents("RotationSucceeded", props.secretArns),
    );
    this.failureRule = this.rule(
      "rotation-failed",
      `${props.name}-secret-rotation-failed`,
      "A service secret failed to rotate",
      rotationEvents("RotationFailed", props.secretArns),
    );
    // A rule of its own, never part of the RotationSucceeded rule: every master rotation would
    // otherwise replace the fleet. The function only logs a RotationFailed event.
    this.masterFailureRule = this.rule(
      "master-rotation-failed",
      `${props.name}-master-secret-rotation-failed`,
      "The RDS-managed master secret failed to rotate",
      rotationEvents("RotationFailed", [props.masterSecretArn]),
    );
    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-eventbridge-events.html
    const refreshFailedRule = this.rule(
      "refresh-failed",
      `${props.name}-instance-refresh-failed`,
      "An instance refresh of the service failed",
      Fn.jsonencode({
        source: ["aws.autoscaling"],
        "detail-type": ["EC2 Auto Scaling Instance Refresh Failed"],
        detail: { AutoScalingGroupName: props.groups.map((group) => group.name) },
      }),
    );

    const matched = (rule: CloudwatchEventRule) => ({
      namespace: "AWS/Events",
      metricName: "TriggeredRules",
      dimensions: { RuleName: rule.name },
    });
    const errors = (name: string) => ({
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: name },
    });
    for (const [alarm, description, metric] of [
      [
        "secret-rotation-failed",
        "A secret of the service failed to rotate (Secrets Manager RotationFailed)",
        matched(this.failureRule),
      ],
      [
        "master-secret-rotation-failed",
        "The RDS-managed master secret of the database failed to rotate (Secrets Manager RotationFailed)",
        matched(this.masterFailureRule),
      ],
      [
        "instance-refresh-failed",
        "An instance refresh failed: some instances may hold a rotated-away secret",
        matched(refreshFailedRule),
      ],
      ["secret-convergence-failed", "Refreshing instances after a rotation failed or timed out", errors(functionName)],
      [
        "redis-token-retirement-failed",
        "The Redis AUTH token rotation function failed (rotation or retirement of the old token)",
        errors(props.redis.rotationFunctionName),
      ],
    ] as const) {
      props.alarms.threshold({
        name: alarm,
        description,
        runbook: "rotation-failures",
        ...metric,
        statistic: "Sum",
        threshold: 0,
        breachWhen: "above",
        periodSeconds: 300,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
      });
    }
  }

  private rule(id: string, name: string, description: string, eventPattern: string): CloudwatchEventRule {
    const rule = new CloudwatchEventRule(this, id, { name, description, eventPattern });
    new CloudwatchEventTarget(this, `${id}-target`, {
      rule: rule.name,
      targetId: "secret-convergence",
      arn: this.function.function.arn,
    });
    new LambdaPermission(this, `${id}-invokes`, {
      statementId: `EventBridge-${id}`,
      action: "lambda:InvokeFunction",
      functionName: this.function.function.functionName,
      principal: "events.amazonaws.com",
      sourceArn: rule.arn,
    });
    return rule;
  }
}
