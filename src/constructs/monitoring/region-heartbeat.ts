import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { AlarmFactory } from "./alarm-factory";

/** The ARN of a region's default event bus, the only bus a schedule's events can be forwarded to from here. */
export function defaultEventBusArn(region: string, accountId: string): string {
  return `arn:aws:events:${region}:${accountId}:event-bus/default`;
}

/** The ARN of an EventBridge rule on the default bus. */
export function eventRuleArn(region: string, accountId: string, name: string): string {
  return `arn:aws:events:${region}:${accountId}:rule/${name}`;
}

export interface HeartbeatSenderProps {
  /** Name of the schedule rule and its role. */
  readonly name: string;
  /** Region whose default event bus receives the heartbeat (aws.drRegion). */
  readonly receiverRegion: string;
  /** Account of both buses. */
  readonly accountId: string;
}

/**
 * The primary region's heartbeat: an EventBridge schedule here, every minute, whose events go to the
 * DR region's default event bus (cross-Region routing, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html).
 * When this region's EventBridge, or the region, stops, the heartbeats stop and the DR region notices.
 */
export class HeartbeatSender extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: HeartbeatSenderProps) {
    super(scope, id);
    const bus = defaultEventBusArn(props.receiverRegion, props.accountId);
    this.rule = new CloudwatchEventRule(this, "schedule", {
      name: props.name,
      description: `Heartbeat of this region, forwarded every minute to ${props.receiverRegion}, where its absence pages`,
      scheduleExpression: "rate(1 minute)",
    });
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }],
        },
      ],
    });
    const role = new IamRole(this, "role", { name: props.name, assumeRolePolicy: trust.json });
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
      statement: [{ sid: "ForwardToReceiverBus", actions: ["events:PutEvents"], resources: [bus] }],
    });
    new IamRolePolicy(this, "permissions-policy", { name: props.name, role: role.id, policy: permissions.json });
    new CloudwatchEventTarget(this, "receiver-bus", {
      rule: this.rule.name,
      targetId: "receiver-bus",
      arn: bus,
      roleArn: role.arn,
    });
  }
}

export interface HeartbeatReceiverProps {
  /** Name of the rule that matches the heartbeats here. */
  readonly name: string;
  /** Region of the sender's schedule rule (aws.region). */
  readonly senderRegion: string;
  /** Name of the sender's schedule rule. */
  readonly senderRuleName: string;
  /** Account of both regions' rules. */
  readonly accountId: string;
  /** Minutes without a heartbeat before the alarm fires. @default 10 */
  readonly silentMinutes?: number;
  /** Factory of the alarm: this region's topic. */
  readonly alarms: AlarmFactory;
}

/**
 * Counts the primary region's heartbeats in this region (the rule's MatchedEvents,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html) and pages through this
 * region's topic when they stop: missing data is the signal, so it is breaching.
 */
export class HeartbeatReceiver extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: HeartbeatReceiverProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: props.name,
      description: `Matches the heartbeats of ${props.senderRegion}; the primary-silent alarm counts them`,
      eventPattern: JSON.stringify({
        source: ["aws.events"],
        "detail-type": ["Scheduled Event"],
        resources: [eventRuleArn(props.senderRegion, props.accountId, props.senderRuleName)],
      }),
    });
    const minutes = props.silentMinutes ?? 10;
    props.alarms.threshold({
      name: "primary-region-silent",
      description: `No heartbeat from ${props.senderRegion} for ${minutes} minutes: the primary region (or its EventBridge and CloudWatch) may be down, and its own alarms cannot page`,
      runbook: "primary-region-silent",
      namespace: "AWS/Events",
      metricName: "MatchedEvents",
      dimensions: { RuleName: props.name },
      statistic: "Sum",
      periodSeconds: 60,
      evaluationPeriods: minutes,
      threshold: 1,
      breachWhen: "below",
      treatMissingData: "breaching",
    });
  }
}
