import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";
import { CeAnomalyMonitor } from "@cdktf/provider-aws/lib/ce-anomaly-monitor";
import { CeAnomalySubscription } from "@cdktf/provider-aws/lib/ce-anomaly-subscription";
import { Construct } from "constructs";

export interface CostAlertsProps {
  /** Name prefix, e.g. auth-staging. */
  readonly name: string;
  /** The alert topic both alert; it must grant budgets.amazonaws.com and costalerts.amazonaws.com (AlertTopic `costAlerts`). */
  readonly topicArn: string;
  /** Monthly cost limit of the budget, in US dollars. */
  readonly monthlyLimitUsd: number;
  /** Alert when actual spend passes these percentages of the limit. @default [80, 100] */
  readonly actualThresholdsPercent?: number[];
  /** Alert when forecast spend passes this percentage of the limit. @default 100 */
  readonly forecastThresholdPercent?: number;
  /** Create a Cost Anomaly Detection service monitor and its subscription (an account holds one AWS-services monitor). @default true */
  readonly anomalyMonitor?: boolean;
  /** Alert on anomalies whose total impact is at least this many US dollars. @default 20 */
  readonly anomalyMinimumImpactUsd?: number;
}

/**
 * The environment's AWS Budgets cost budget and, where the account runs its own, a Cost Anomaly
 * Detection monitor: both alert the (KMS-encrypted) alert topic. Budgets and Cost Explorer are
 * global services; the provider's region does not matter for them.
 */
export class CostAlerts extends Construct {
  readonly budget: BudgetsBudget;
  readonly monitor?: CeAnomalyMonitor;

  constructor(scope: Construct, id: string, props: CostAlertsProps) {
    super(scope, id);
    const actual = props.actualThresholdsPercent ?? [80, 100];
    const forecast = props.forecastThresholdPercent ?? 100;
    const notification = (type: "ACTUAL" | "FORECASTED", threshold: number) => ({
      comparisonOperator: "GREATER_THAN",
      notificationType: type,
      threshold,
      thresholdType: "PERCENTAGE",
      subscriberSnsTopicArns: [props.topicArn],
    });
    this.budget = new BudgetsBudget(this, "budget", {
      name: `${props.name}-monthly`,
      budgetType: "COST",
      limitAmount: props.monthlyLimitUsd.toFixed(2),
      limitUnit: "USD",
      timeUnit: "MONTHLY",
      notification: [
        ...actual.map((threshold) => notification("ACTUAL", threshold)),
        notification("FORECASTED", forecast),
      ],
    });
    if (props.anomalyMonitor ?? true) {
      this.monitor = new CeAnomalyMonitor(this, "anomaly-monitor", {
        name: `${props.name}-services`,
        monitorType: "DIMENSIONAL",
        monitorDimension: "SERVICE",
      });
      new CeAnomalySubscription(this, "anomaly-subscription", {
        name: `${props.name}-anomalies`,
        // An SNS subscriber needs IMMEDIATE: daily and weekly summaries go to e-mail only.
        frequency: "IMMEDIATE",
        monitorArnList: [this.monitor.arn],
        subscriber: [{ type: "SNS", address: props.topicArn }],
        thresholdExpression: {
          dimension: {
            key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
            matchOptions: ["GREATER_THAN_OR_EQUAL"],
            values: [String(props.anomalyMinimumImpactUsd ?? 20)],
          },
        },
      });
    }
  }
}
