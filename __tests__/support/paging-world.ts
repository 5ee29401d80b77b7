import { alarmState, AlarmState, compositeState, MetricData, Series } from "./fake-cloudwatch-alarms";
import type { Block, Synthesized } from "./synth";

/**
 * The paging path of an environment, read generically from its synth output (every stack): each
 * alarm with its region (its provider's), the SNS topic its actions name (followed through remote
 * state to the stack that owns it) and that topic's region and subscribers; EventBridge rules that
 * publish to a topic; health checks and canaries. New alarms of any stack join without change here.
 *
 * CloudWatch rules this leans on: an alarm reads metrics of its own region only and notifies topics
 * of its own region (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html);
 * Route 53 health-check metrics exist only in us-east-1
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-check-status.html).
 */
export interface Topic {
  readonly name: string;
  readonly region: string;
  readonly subscribers: string[];
}

export interface WorldAlarm {
  readonly name: string;
  readonly stack: string;
  readonly region: string;
  readonly block: Block;
  readonly composite: boolean;
  readonly topic: Topic;
}

export interface PageSourceRule {
  readonly name: string;
  readonly stack: string;
  readonly region: string;
  readonly topic: Topic;
}

export interface PagingWorld {
  readonly alarms: WorldAlarm[];
  readonly rules: PageSourceRule[];
  readonly healthChecks: Block[];
  readonly canaries: { readonly name: string; readonly region: string }[];
  /** Rules that count heartbeats: their name, region, and the region whose schedule sends them. */
  readonly heartbeats: { readonly ruleName: string; readonly region: string; readonly senderRegion: string }[];
}

const REFERENCE = /^\$\{(aws_sns_topic)\.([\w-]+)\.arn\}$/;
const REMOTE = /^\$\{data\.terraform_remote_state\.([\w-]+)\.outputs\.(\w+)\}$/;

function regionOf(stack: Synthesized, block: Block): string {
  const providers: Block[] = stack.json.provider.aws;
  const alias = typeof block.provider === "string" ? block.provider.replace(/^aws\./, "") : undefined;
  const provider = providers.find((candidate) => candidate.alias === alias);
  if (!provider) throw new Error(`no aws provider ${block.provider ?? "(default)"}`);
  return provider.region;
}

/** Reads the paging path of every stack of one environment's synth output, keyed by stack name. */
export function readPagingWorld(stacks: Record<string, Synthesized>): PagingWorld {
  const byStateKey = (key: string) => Object.entries(stacks).find(([name]) => key.endsWith(`/${name}.tfstate`));
  const topic = (stackName: string, reference: string): Topic => {
    const stack = stacks[stackName];
    const remote = REMOTE.exec(reference);
    if (remote) {
      const source = stack.dataSources("terraform_remote_state")[remote[1]];
      const producer = byStateKey(source.config.key);
      if (!producer) throw new Error(`${stackName}: remote state ${source.config.key} is no stack of this synth`);
      return topic(producer[0], producer[1].outputs()[remote[2]].value);
    }
    const local = REFERENCE.exec(reference);
    if (!local) throw new Error(`${stackName}: cannot follow the alarm action ${reference}`);
    const block = stack.resources("aws_sns_topic")[local[2]];
    const subscribers = stack.resourceList("aws_sns_topic_subscription").filter((subscription) => subscription.topic_arn === reference).map((subscription) => `${subscription.protocol}:${subscription.endpoint}`);
    return { name: block.name, region: regionOf(stack, block), subscribers };
  };
  const world: PagingWorld = { alarms: [], rules: [], healthChecks: [], canaries: [], heartbeats: [] };
  for (const [name, stack] of Object.entries(stacks)) {
    for (const [type, composite] of [["aws_cloudwatch_metric_alarm", false], ["aws_cloudwatch_composite_alarm", true]] as const) {
      for (const block of stack.resourceList(type)) {
        const actions: string[] = block.alarm_actions ?? [];
        if (actions.length !== 1) throw new Error(`${block.alarm_name}: expected one alarm action, found ${actions.length}`);
        world.alarms.push({ name: block.alarm_name, stack: name, region: regionOf(stack, block), block, composite, topic: topic(name, actions[0]) });
      }
    }
    for (const target of stack.resourceList("aws_cloudwatch_event_target").filter((candidate) => REFERENCE.test(candidate.arn))) {
      const rule = Object.entries(stack.resources("aws_cloudwatch_event_rule")).find(([logical]) => target.rule === `\${aws_cloudwatch_event_rule.${logical}.name}`)![1];
      world.rules.push({ name: rule.name, stack: name, region: regionOf(stack, rule), topic: topic(name, target.arn) });
    }
    world.healthChecks.push(...stack.resourceList("aws_route53_health_check"));
    world.canaries.push(...stack.resourceList("aws_synthetics_canary").map((canary) => ({ name: canary.name, region: regionOf(stack, canary) })));
    // Patterns built with Terraform functions (jsonencode) are other stacks' finding rules, not heartbeats.
    for (const rule of stack.resourceList("aws_cloudwatch_event_rule").filter((candidate) => candidate.event_pattern?.startsWith("{"))) {
      const pattern = JSON.parse(rule.event_pattern);
      const sender = /^arn:aws:events:([a-z0-9-]+):\d+:rule\//.exec(pattern.resources?.[0] ?? "");
      if (pattern["detail-type"]?.includes("Scheduled Event") && sender) world.heartbeats.push({ ruleName: rule.name, region: regionOf(stack, rule), senderRegion: sender[1] });
    }
  }
  return world;
}

/** What the outside sees and what each live region publishes, from the moment the incident starts. */
export interface Scenario {
  /** Regions lost: no metric data from them, their alarms never evaluate, their topics unreachable. */
  readonly lostRegions: readonly string[];
  /** Regions whose EventBridge stops (a lost region's always does): their heartbeats stop. */
  readonly silentEventBridgeRegions?: readonly string[];
  /** Per-minute value of a canary's SuccessPercent during the incident (100 passes, 0 fails). */
  readonly canarySuccessPercent: number;
  /** Route 53 health checkers' verdict during the incident (1 healthy, 0 unhealthy). */
  readonly healthCheckStatus: 0 | 1;
  /** Per-minute values of the live regions' own metrics during the incident, by metric name; unlisted ones stay at their healthy baseline. */
  readonly metrics?: Record<string, number>;
}

/** A page: an alarm that fired, where, and whether its notification reached a subscriber. */
export interface Page {
  readonly alarm: string;
  readonly region: string;
  readonly topic: string;
  readonly topicRegion: string;
  readonly delivered: boolean;
  /** Minutes after the incident began when the alarm went to ALARM. */
  readonly afterMinutes: number;
}

/**
 * The healthy baseline of a metric an alarm reads: a value on the alarm's OK side, or, for inputs of
 * metric math, the ordinary traffic a healthy service shows. An unknown metric-math input fails loudly,
 * so a new alarm's healthy state is a decision, not a default.
 */
const HEALTHY_MATH_INPUTS: Record<string, number> = {
  RequestCount: 1000,
  HTTPCode_Target_5XX_Count: 0,
  HTTPCode_ELB_5XX_Count: 0,
  GroupInServiceInstances: 2,
  GroupMaxSize: 4,
};
function healthy(alarm: Block, metricName: string): number {
  if (alarm.metric_query) {
    if (!(metricName in HEALTHY_MATH_INPUTS)) throw new Error(`${alarm.alarm_name}: no healthy baseline for metric-math input ${metricName}; add one to HEALTHY_MATH_INPUTS`);
    return HEALTHY_MATH_INPUTS[metricName];
  }
  const below = /^LessThan/.test(alarm.comparison_operator);
  return below ? alarm.threshold + 1 : Math.max(0, alarm.threshold - 1);
}

/**
 * Evaluates every alarm minute by minute over `minutes` of the scenario, after an hour of healthy
 * baseline, with the fake of CloudWatch's evaluation (support/fake-cloudwatch-alarms.ts), and lists the
 * alarms that fired with the topic that carries their page.
 */
export function simulate(world: PagingWorld, scenario: Scenario, minutes: number): Page[] {
  const lost = new Set(scenario.lostRegions);
  const silentEvents = new Set([...scenario.lostRegions, ...(scenario.silentEventBridgeRegions ?? [])]);
  const heartbeatSender = new Map(world.heartbeats.map((beat) => [`${beat.region} ${beat.ruleName}`, beat.senderRegion]));

  /** The incident value of one metric in one region, per minute; undefined is a minute without data. */
  const incident = (alarm: WorldAlarm, metric: Block): number | undefined => {
    if (metric.namespace === "CloudWatchSynthetics" && metric.metric_name === "SuccessPercent") return scenario.canarySuccessPercent;
    if (metric.namespace === "AWS/Route53" && metric.metric_name === "HealthCheckStatus") return scenario.healthCheckStatus;
    const sender = metric.namespace === "AWS/Events" ? heartbeatSender.get(`${alarm.region} ${metric.dimensions?.RuleName}`) : undefined;
    if (sender) return silentEvents.has(sender) ? undefined : 1;
    return scenario.metrics?.[metric.metric_name] ?? healthy(alarm.block, metric.metric_name);
  };
  /** Before the incident: canaries pass, checkers see a healthy endpoint, heartbeats arrive, every metric is healthy. */
  const before = (alarm: WorldAlarm, metric: Block): number => {
    if (metric.namespace === "CloudWatchSynthetics" && metric.metric_name === "SuccessPercent") return 100;
    if (metric.namespace === "AWS/Route53" && metric.metric_name === "HealthCheckStatus") return 1;
    if (metric.namespace === "AWS/Events" && heartbeatSender.has(`${alarm.region} ${metric.dimensions?.RuleName}`)) return 1;
    return healthy(alarm.block, metric.metric_name);
  };
  const periodMinutes = (alarm: WorldAlarm): number => (alarm.block.period ?? alarm.block.metric_query?.find((query: Block) => query.metric)?.metric.period) / 60;
  const dataAt = (alarm: WorldAlarm, minute: number): MetricData => (metric) => {
    const period = periodMinutes(alarm);
    // A full evaluation window of healthy periods, then the incident's completed periods (none yet for
    // a daily metric in the first hours: CloudWatch has nothing new to evaluate).
    const healthyPoints = alarm.block.evaluation_periods;
    return Array.from({ length: healthyPoints + Math.floor(minute / period) }, (_, index): number | undefined => {
      const value = index < healthyPoints ? before(alarm, metric) : incident(alarm, metric);
      // Heartbeats are one a minute: a period of several minutes counts their sum.
      const perPeriod = metric.namespace === "AWS/Events" && heartbeatSender.has(`${alarm.region} ${metric.dimensions?.RuleName}`) ? period : 1;
      return value === undefined ? undefined : value * perPeriod;
    }) as Series;
  };

  const pages: Page[] = [];
  const live = world.alarms.filter((alarm) => !lost.has(alarm.region));
  const firedAt = new Map<string, number>();
  const states: Record<string, AlarmState> = {};
  for (let minute = 1; minute <= minutes; minute++) {
    // An alarm is evaluated when a period of its metric completes; in between it keeps its state.
    for (const alarm of live.filter((candidate) => !candidate.composite && (minute % periodMinutes(candidate) === 0 || !(candidate.name in states)))) {
      states[alarm.name] = alarmState(alarm.block, dataAt(alarm, minute));
    }
    for (const alarm of live.filter((candidate) => candidate.composite)) states[alarm.name] = compositeState(alarm.block.alarm_rule, states);
    for (const [name, state] of Object.entries(states)) if (state === "ALARM" && !firedAt.has(name)) firedAt.set(name, minute);
  }
  for (const alarm of live.filter((candidate) => firedAt.has(candidate.name))) {
    // An alarm can only notify a topic of its own region, and a lost region's topic delivers nothing.
    const delivered = alarm.topic.region === alarm.region && !lost.has(alarm.topic.region) && alarm.topic.subscribers.length > 0;
    pages.push({ alarm: alarm.name, region: alarm.region, topic: alarm.topic.name, topicRegion: alarm.topic.region, delivered, afterMinutes: firedAt.get(alarm.name)! });
  }
  return pages.sort((a, b) => a.afterMinutes - b.afterMinutes || a.alarm.localeCompare(b.alarm));
}
