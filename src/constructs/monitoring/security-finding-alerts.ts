import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Construct } from "constructs";
import { AlarmFactory } from "./alarm-factory";

/**
 * GuardDuty findings at or above a severity. GuardDuty sends every new finding, and every update of
 * one, as a "GuardDuty Finding" event with a numeric detail.severity
 * (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html); EventBridge's
 * numeric matching compares it (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-numeric-matching).
 */
export function guardDutyFindingPattern(minimumSeverity: number) {
  return {
    source: ["aws.guardduty"],
    "detail-type": ["GuardDuty Finding"],
    detail: { severity: [{ numeric: [">=", minimumSeverity] }] },
  };
}

/**
 * New, active CRITICAL Security Hub findings, from the "Security Hub Findings - Imported" events in
 * the ASFF shape (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html).
 * A suppressed or resolved finding is not sent again.
 */
export function criticalSecurityHubFindingPattern() {
  return {
    source: ["aws.securityhub"],
    "detail-type": ["Security Hub Findings - Imported"],
    detail: { findings: { Severity: { Label: ["CRITICAL"] }, RecordState: ["ACTIVE"], Workflow: { Status: ["NEW"] } } },
  };
}

export interface SecurityFindingAlertsProps {
  /** Prefix of the rule names; the topic's policy lets rules `<prefix>-*` publish. */
  readonly prefix: string;
  /** Topic that receives the findings; it must let these rules publish (AlertTopic's eventRuleArns). */
  readonly topicArn: string;
  /** GuardDuty findings at or above this numeric severity are sent. */
  readonly guardDutyMinimumSeverity: number;
  /** Also send critical Security Hub findings. @default true */
  readonly securityHub?: boolean;
  /** Alarms when a rule fails to deliver a finding to the topic (its FailedInvocations). */
  readonly alarms: AlarmFactory;
}

/**
 * EventBridge rules that forward the findings a person must look at to the alert topic. A finding
 * the topic still refuses after a day of retries goes to a dead-letter queue instead of being
 * dropped (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html), where it
 * raises an alarm and stays for 14 days.
 */
export class SecurityFindingAlerts extends Construct {
  readonly rules: CloudwatchEventRule[] = [];
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: SecurityFindingAlertsProps) {
    super(scope, id);
    const queueName = `${props.prefix}-undelivered`;
    this.deadLetterQueue = new SqsQueue(this, "dead-letter-queue", {
      name: queueName,
      // SSE-SQS: EventBridge cannot send to a queue under a customer-managed key without a key grant, and the
      // findings are also in the GuardDuty and Security Hub consoles.
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 24 * 3600,
    });
    this.forward(
      "guardduty",
      `GuardDuty findings of severity ${props.guardDutyMinimumSeverity} or higher`,
      guardDutyFindingPattern(props.guardDutyMinimumSeverity),
      props,
    );
    if (props.securityHub ?? true) {
      this.forward(
        "securityhub-critical",
        "New critical Security Hub findings",
        criticalSecurityHubFindingPattern(),
        props,
      );
    }

    // Only these rules may send to the queue (the documented DLQ grant, per rule ARN).
    const queuePolicy = new DataAwsIamPolicyDocument(this, "dead-letter-queue-policy-document", {
      statement: [
        {
          sid: "FindingRulesSendUndelivered",
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
          actions: ["sqs:SendMessage"],
          resources: [this.deadLetterQueue.arn],
          condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: this.rules.map((rule) => rule.arn) }],
        },
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["sqs:*"],
          resources: [this.deadLetterQueue.arn],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new SqsQueuePolicy(this, "dead-letter-queue-policy", {
      queueUrl: this.deadLetterQueue.url,
      policy: queuePolicy.json,
    });
    props.alarms.threshold({
      name: "security-findings-undelivered",
      description:
        "Security findings EventBridge could not deliver to the security alert topic are waiting in the dead-letter queue",
      runbook: "security-findings",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: queueName },
      statistic: "Maximum",
      periodSeconds: 300,
      evaluationPeriods: 1,
      threshold: 0,
      breachWhen: "above",
      treatMissingData: "notBreaching",
    });
  }

  private forward(name: string, description: string, pattern: object, props: SecurityFindingAlertsProps) {
    const ruleName = `${props.prefix}-${name}`;
    const rule = new CloudwatchEventRule(this, `${name}-rule`, {
      name: ruleName,
      description,
      eventPattern: JSON.stringify(pattern),
    });
    new CloudwatchEventTarget(this, `${name}-target`, {
      rule: rule.name,
      targetId: "alert-topic",
      arn: props.topicArn,
      retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
    });
    this.rules.push(rule);
    // A finding that never reaches the topic (a broken topic or key policy) must not go unnoticed.
    props.alarms.threshold({
      name: `${name}-findings-delivery-failed`,
      description: `EventBridge could not deliver ${description.charAt(0).toLowerCase()}${description.slice(1)} to the security alert topic`,
      runbook: "security-findings",
      namespace: "AWS/Events",
      metricName: "FailedInvocations",
      dimensions: { RuleName: ruleName },
      statistic: "Sum",
      periodSeconds: 300,
      evaluationPeriods: 1,
      threshold: 0,
      breachWhen: "above",
      treatMissingData: "notBreaching",
    });
  }
}
