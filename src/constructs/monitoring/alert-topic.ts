import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { EncryptionKey, serviceCanUseKey } from "../security/encryption-key";

export interface AlertTopicProps {
  /** Topic name, e.g. auth-staging-alerts. */
  readonly name: string;
  /** Account whose CloudWatch alarms may publish (and whose principals administer the topic's key). */
  readonly accountId: string;
  /** Addresses that receive every alarm; each must confirm the subscription e-mail. @default none */
  readonly emails?: string[];
  /** EventBridge rules (ARN, `*` allowed) that may also publish, e.g. security findings. @default none: CloudWatch alarms only */
  readonly eventRuleArns?: string[];
  /** Provider (region) of the topic and its key, e.g. us-east-1 for Route 53 health-check alarms. @default the stack's default provider */
  readonly provider?: TerraformProvider;
  /** Let AWS Budgets and Cost Anomaly Detection publish (topic policy and key grants). @default false */
  readonly costAlerts?: boolean;
}

/**
 * The SNS topic every alarm of the environment notifies. It is encrypted with its own
 * customer-managed key because CloudWatch alarms cannot use the AWS-managed aws/sns key:
 * their notifications to such a topic are dropped without an error.
 */
export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly arn: string;
  readonly key: EncryptionKey;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const fromThisAccount = [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }];
    // EventBridge needs the same key grant to publish to an encrypted topic, or drops the event
    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-no-messages-published-sns).
    const fromTheseRules = props.eventRuleArns?.length
      ? [{ test: "ArnLike", variable: "aws:SourceArn", values: props.eventRuleArns }]
      : undefined;
    this.key = new EncryptionKey(this, "key", {
      description: `Encrypts messages on the ${props.name} SNS topic`,
      alias: `${props.name}-sns`,
      accountId: props.accountId,
      provider: props.provider,
      serviceStatements: [
        serviceCanUseKey("CloudWatchAlarmsPublish", "cloudwatch.amazonaws.com", fromThisAccount, [
          "kms:Decrypt",
          "kms:GenerateDataKey*",
        ]),
        // No aws:SourceAccount/aws:SourceArn here: SNS documents them as not supported in the KMS key
        // policy for EventBridge-to-encrypted-topic delivery (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html;
        // with them every publish fails, awslabs/landing-zone-accelerator-on-aws#407). The topic policy
        // below is what limits sns:Publish to these rules.
        ...(fromTheseRules
          ? [
              serviceCanUseKey("EventBridgeRulesPublish", "events.amazonaws.com", undefined, [
                "kms:Decrypt",
                "kms:GenerateDataKey*",
              ]),
            ]
          : []),
        // A service publishing to an encrypted topic needs these two on the key
        // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html, compatibility with AWS
        // services); as for EventBridge, the topic policy below is what limits them to this account.
        ...(props.costAlerts
          ? [
              serviceCanUseKey("BudgetsPublish", "budgets.amazonaws.com", undefined, [
                "kms:Decrypt",
                "kms:GenerateDataKey*",
              ]),
              serviceCanUseKey("CostAnomalyDetectionPublish", "costalerts.amazonaws.com", undefined, [
                "kms:Decrypt",
                "kms:GenerateDataKey*",
              ]),
            ]
          : []),
      ],
    });
    this.topic = new SnsTopic(this, "topic", {
      name: props.name,
      kmsMasterKeyId: this.key.arn,
      provider: props.provider,
    });
    this.arn = this.topic.arn;

    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      provider: props.provider,
      statement: [
        {
          sid: "CloudWatchAlarmsPublish",
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          condition: fromThisAccount,
        },
        ...(fromTheseRules
          ? [
              {
                sid: "EventBridgeRulesPublish",
                principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
                actions: ["sns:Publish"],
                resources: [this.topic.arn],
                condition: fromTheseRules,
              },
            ]
          : []),
        ...(props.costAlerts
          ? [
              {
                // https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html
                sid: "BudgetsPublish",
                principals: [{ type: "Service", identifiers: ["budgets.amazonaws.com"] }],
                actions: ["sns:Publish"],
                resources: [this.topic.arn],
                condition: [
                  ...fromThisAccount,
                  { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:budgets::${props.accountId}:*`] },
                ],
              },
              {
                // https://docs.aws.amazon.com/cost-management/latest/userguide/ad-SNS.html
                sid: "CostAnomalyDetectionPublish",
                principals: [{ type: "Service", identifiers: ["costalerts.amazonaws.com"] }],
                actions: ["sns:Publish"],
                resources: [this.topic.arn],
                condition: fromThisAccount,
              },
            ]
          : []),
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new SnsTopicPolicy(this, "topic-policy", { arn: this.topic.arn, policy: policy.json, provider: props.provider });

    // Keyed by address, so removing one recipient does not re-create (and unconfirm) the others.
    for (const email of props.emails ?? []) {
      new SnsTopicSubscription(this, `email-${email.replace(/[^a-zA-Z0-9]/g, "-")}`, {
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: email,
        provider: props.provider,
      });
    }
  }
}
