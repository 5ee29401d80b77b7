import { CloudwatchCompositeAlarm } from "@cdktf/provider-aws/lib/cloudwatch-composite-alarm";
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { TerraformProvider } from "cdktf";
import type { IResolvable } from "cdktf";
import { Construct } from "constructs";
import { runbookLink } from "./runbooks";

export type TreatMissingData = "missing" | "notBreaching" | "breaching" | "ignore";

export interface ThresholdAlarm {
  /** Suffix of the alarm name after the factory's prefix. */
  readonly name: string;
  readonly description: string;
  /** Anchor of the alarm's section in docs/how-to/runbooks.md, e.g. "service-errors". */
  readonly runbook: string;
  readonly namespace: string;
  readonly metricName: string;
  /** Exactly the dimensions CloudWatch publishes the metric with. */
  readonly dimensions: Record<string, string>;
  readonly threshold: number;
  /** Which side of the threshold is bad. */
  readonly breachWhen: "above" | "below";
  /** What a period without data means for this metric: a decision per alarm, never a default. */
  readonly treatMissingData: TreatMissingData;
  /** @default "Average" */
  readonly statistic?: "Average" | "Maximum" | "Minimum" | "Sum";
  /** @default 300 */
  readonly periodSeconds?: number;
  /** @default 3 */
  readonly evaluationPeriods?: number;
  /** @default evaluationPeriods */
  readonly datapointsToAlarm?: number;
}

/** Any metric alarm configuration, minus what the factory owns (name, actions), with the runbook and missing-data rule required. */
export type MetricAlarmSpec = Omit<
  CloudwatchMetricAlarmConfig,
  "alarmName" | "alarmActions" | "okActions" | "alarmDescription" | "treatMissingData"
> & {
  readonly description: string;
  /** Anchor of the alarm's section in docs/how-to/runbooks.md. */
  readonly runbook: string;
  readonly treatMissingData: TreatMissingData;
};

/** A metric alarm as data: what the factory creates and what the dashboard charts, from one definition. */
export type AlarmDefinition = MetricAlarmSpec & {
  /** Suffix of the alarm name after the factory's prefix. */
  readonly name: string;
};

/** The definition of a single-metric threshold alarm, with the factory's defaults filled in. */
export function thresholdDefinition(alarm: ThresholdAlarm): AlarmDefinition {
  return {
    name: alarm.name,
    description: alarm.description,
    runbook: alarm.runbook,
    namespace: alarm.namespace,
    metricName: alarm.metricName,
    dimensions: alarm.dimensions,
    statistic: alarm.statistic ?? "Average",
    period: alarm.periodSeconds ?? 300,
    evaluationPeriods: alarm.evaluationPeriods ?? 3,
    datapointsToAlarm: alarm.datapointsToAlarm,
    threshold: alarm.threshold,
    comparisonOperator: alarm.breachWhen === "above" ? "GreaterThanThreshold" : "LessThanThreshold",
    treatMissingData: alarm.treatMissingData,
  };
}

export interface CompositeAlarmSpec {
  readonly description: string;
  /** Anchor of the alarm's section in docs/how-to/runbooks.md. */
  readonly runbook: string;
  /** Alarms whose ALARM state raises this one (any of them). */
  readonly anyOf: readonly (CloudwatchMetricAlarm | CloudwatchCompositeAlarm)[];
  /** Whether it notifies (a Terraform expression allowed). @default true */
  readonly actionsEnabled?: boolean | IResolvable;
}

/** One alarm the factory made: what `npm run alarms` and the dashboard read. */
export interface CreatedAlarm {
  /** Full alarm name, prefix included. */
  readonly name: string;
  readonly runbook: string;
  readonly alarm: CloudwatchMetricAlarm | CloudwatchCompositeAlarm;
  /** What a metric alarm watches; composite alarms have none. */
  readonly definition?: AlarmDefinition;
}

/**
 * Creates every alarm of a stack: a common name prefix, the alert topic on ALARM and on OK,
 * an explicit missing-data rule, and a description that ends with a link to the alarm's
 * runbook section, so whoever is paged lands on what to do.
 */
export class AlarmFactory {
  /** Every alarm made so far, in creation order. */
  readonly created: CreatedAlarm[] = [];

  constructor(
    private readonly scope: Construct,
    /** Prefix of every alarm name, e.g. auth-production. */
    readonly prefix: string,
    /** Topic notified when an alarm fires and when it recovers. */
    readonly topicArn: string,
    /** URL of docs/how-to/runbooks.md (runbookDocumentUrl); each alarm links an anchor in it. */
    readonly runbookDocument: string,
    /** Provider (region) of the alarms; must be the topic's region. @default the stack's default provider */
    readonly provider?: TerraformProvider,
  ) {}

  threshold(alarm: ThresholdAlarm): CloudwatchMetricAlarm {
    return this.define(thresholdDefinition(alarm));
  }

  /** The alarm a definition describes. */
  define(definition: AlarmDefinition): CloudwatchMetricAlarm {
    const { name, ...spec } = definition;
    return this.create(name, spec);
  }

  /** An alarm on any configuration (metric math, extended statistics), with the topic and runbook wired in. */
  create(name: string, spec: MetricAlarmSpec): CloudwatchMetricAlarm {
    const { description, runbook, ...config } = spec;
    const alarm = new CloudwatchMetricAlarm(this.scope, `alarm-${name}`, {
      ...config,
      provider: config.provider ?? this.provider,
      alarmName: `${this.prefix}-${name}`,
      alarmDescription: this.describe(description, runbook),
      alarmActions: [this.topicArn],
      okActions: [this.topicArn],
    });
    this.created.push({ name: `${this.prefix}-${name}`, runbook, alarm, definition: { name, ...spec } });
    return alarm;
  }

  /** An alarm in ALARM while any of the given alarms is (e.g. "service down"), notifying like the others. */
  composite(name: string, spec: CompositeAlarmSpec): CloudwatchCompositeAlarm {
    if (spec.anyOf.length === 0) throw new Error(`composite alarm ${name} needs at least one alarm to watch`);
    const alarm = new CloudwatchCompositeAlarm(this.scope, `alarm-${name}`, {
      provider: this.provider,
      alarmName: `${this.prefix}-${name}`,
      alarmDescription: this.describe(spec.description, spec.runbook),
      alarmRule: spec.anyOf.map((member) => `ALARM("${this.nameOf(member)}")`).join(" OR "),
      // The rule names its members literally; CloudWatch refuses a rule naming an alarm that does not exist yet.
      dependsOn: [...spec.anyOf],
      actionsEnabled: spec.actionsEnabled ?? true,
      alarmActions: [this.topicArn],
      okActions: [this.topicArn],
    });
    this.created.push({ name: `${this.prefix}-${name}`, runbook: spec.runbook, alarm });
    return alarm;
  }

  /** The literal name of an alarm this factory made. */
  private nameOf(alarm: CloudwatchMetricAlarm | CloudwatchCompositeAlarm): string {
    const created = this.created.find((candidate) => candidate.alarm === alarm);
    if (!created) throw new Error("a composite alarm can only watch alarms of its own factory");
    return created.name;
  }

  private describe(description: string, runbook: string): string {
    return `${description.replace(/\.$/, "")}. Runbook: ${runbookLink(this.runbookDocument, runbook)}`;
  }
}
