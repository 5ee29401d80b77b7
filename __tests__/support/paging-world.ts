import { matchesEventPattern } from "./event-pattern";
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
  /**
   * The topic's server-side encryption: undefined when it has none; otherwise the service principals
   * the key policy lets encrypt messages (kms:GenerateDataKey* and kms:Decrypt). A service publishing
   * to an encrypted topic needs both on the key, or SNS refuses the message and the page never arrives
   * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html, "Enable compatibility between
   * event sources from AWS services and encrypted topics"); an AWS managed key (alias/aws/sns) grants
   * no service, so CloudWatch alarms cannot publish to a topic under it
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
   */
  readonly encryption?: { readonly keyGrants: string[] };
}

/** The services that publish pages: CloudWatch for alarms, EventBridge for rules. */
export const PUBLISHER = { alarm: "cloudwatch.amazonaws.com", rule: "events.amazonaws.com" } as const;

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
  /** The rule's event pattern; undefined when Terraform functions build it (not evaluable offline). */
  readonly pattern?: Record<string, unknown>;
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

const KEY_REFERENCE = /^\$\{aws_kms_key\.([\w-]+)\.(arn|key_id|id)\}$/;
/** The condition keys whose values the simulation knows for a service publishing in the topic's account. */
const SOURCE_ACCOUNT = "aws:SourceAccount";

/**
 * Reads the topic key's policy (the policy document data source it names) and lists the services it
 * lets both generate data keys and decrypt. A statement counts only when its conditions are ones the
 * publishing service satisfies: aws:SourceAccount equal to the key's account. Any other condition key
 * (aws:SourceArn, for one) is not known here, and SNS documents that it is not supplied to the key
 * policy for some publishers, so such a statement is read as no grant: a simulation that errs towards
 * "the page never arrives".
 */
function encryptionOf(stackName: string, stack: Synthesized, topic: Block): Topic["encryption"] {
  const keyId: string | undefined = topic.kms_master_key_id;
  if (!keyId) return undefined;
  const local = KEY_REFERENCE.exec(keyId);
  if (!local) return { keyGrants: [] }; // alias/aws/sns or a key of another stack: nothing here grants a service.
  const key = stack.resources("aws_kms_key")[local[1]];
  const account = /^arn:aws:iam::(\d{12}):root$/;
  const document = stack.policyDocument(key.policy);
  const owner = document.statement
    .flatMap((statement: Block) => statement.principals ?? [])
    .flatMap((principal: Block) => principal.identifiers)
    .map((id: string) => account.exec(id)?.[1])
    .find(Boolean);
  const allows = (actions: string[], wanted: string) =>
    actions.some((action) => new RegExp(`^${action.replace(/\*/g, ".*")}$`, "i").test(wanted));
  const grants = new Set<string>();
  for (const statement of document.statement as Block[]) {
    if ((statement.effect ?? "Allow") !== "Allow") continue;
    if (!allows(statement.actions ?? [], "kms:GenerateDataKey") || !allows(statement.actions ?? [], "kms:Decrypt"))
      continue;
    const conditionsHold = (statement.condition ?? []).every(
      (condition: Block) =>
        condition.variable === SOURCE_ACCOUNT && condition.test === "StringEquals" && condition.values.includes(owner),
    );
    if (!conditionsHold) continue;
    for (const principal of statement.principals ?? [])
      if (principal.type === "Service") for (const service of principal.identifiers) grants.add(service);
  }
  if (!owner) throw new Error(`${stackName}: the key of topic ${topic.name} names no account root`);
  return { keyGrants: [...grants].sort() };
}

/** True when `service` can publish to `topic`: unencrypted, or its key lets the service encrypt. */
export function canPublish(topic: Topic, service: string): boolean {
  return !topic.encryption || topic.encryption.keyGrants.includes(service);
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
    const subscribers = stack
      .resourceList("aws_sns_topic_subscription")
      .filter((subscription) => subscription.topic_arn === reference)
      .map((subscription) => `${subscription.protocol}:${subscription.endpoint}`);
    return {
      name: block.name,
      region: regionOf(stack, block),
      subscribers,
      encryption: encryptionOf(stackName, stack, block),
    };
  };
  const world: PagingWorld = { alarms: [], rules: [], healthChecks: [], canaries: [], heartbeats: [] };
  for (const [name, stack] of Object.entries(stacks)) {
    for (const [type, composite] of [
      ["aws_cloudwatch_metric_alarm", false],
      ["aws_cloudwatch_composite_alarm", true],
    ] as const) {
      for (const block of stack.resourceList(type)) {
        const actions: string[] = block.alarm_actions ?? [];
        if (actions.length !== 1)
          throw new Error(`${block.alarm_name}: expected one alarm action, found ${actions.length}`);
        world.alarms.push({
          name: block.alarm_name,
          stack: name,
          region: regionOf(stack, block),
          block,
          composite,
          topic: topic(name, actions[0]),
        });
      }
    }
    for (const target of stack
      .resourceList("aws_cloudwatch_event_target")
      .filter((candidate) => REFERENCE.test(candidate.arn))) {
      const rule = Object.entries(stack.resources("aws_cloudwatch_event_rule")).find(
        ([logical]) => target.rule === `\${aws_cloudwatch_event_rule.${logical}.name}`,
      )![1];
      world.rules.push({
        name: rule.name,
        stack: name,
        region: regionOf(stack, rule),
        topic: topic(name, target.arn),
        pattern: rule.event_pattern?.startsWith("{") ? JSON.parse(rule.event_pattern) : undefined,
      });
    }
    world.healthChecks.push(...stack.resourceList("aws_route53_health_check"));
    world.canaries.push(
      ...stack
        .resourceList("aws_synthetics_canary")
        .map((canary) => ({ name: canary.name, region: regionOf(stack, canary) })),
    );
    // Patterns built with Terraform functions (jsonencode) are other stacks' finding rules, not heartbeats.
    for (const rule of stack
      .resourceList("aws_cloudwatch_event_rule")
      .filter((candidate) => candidate.event_pattern?.startsWith("{"))) {
      const pattern = JSON.parse(rule.event_pattern);
      const sender = /^arn:aws:events:([a-z0-9-]+):\d+:rule\//.exec(pattern.resources?.[0] ?? "");
      if (pattern["detail-type"]?.includes("Scheduled Event") && sender)
        world.heartbeats.push({ ruleName: rule.name, region: regionOf(stack, rule), senderRegion: sender[1] });
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
  /** Events put on a region's default event bus during the incident (security findings), at a minute. */
  readonly events?: readonly {
    readonly region: string;
    readonly atMinute: number;
    readonly event: Record<string, unknown>;
  }[];
}

/** A page: an alarm that fired, where, and whether its notification reached a subscriber. */
export interface Page {
  readonly alarm: string;
  readonly region: string;
  readonly topic: string;
  readonly topicRegion: string;
  readonly delivered: boolean;
  /** Minutes after the incident began when the alarm went to ALARM (or the rule matched an event). */
  readonly afterMinutes: number;
  /** Set when an EventBridge rule sent the page (then `alarm` is the rule's name). @default an alarm */
  readonly rule?: true;
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
    if (!(metricName in HEALTHY_MATH_INPUTS))
      throw new Error(
        `${alarm.alarm_name}: no healthy baseline for metric-math input ${metricName}; add one to HEALTHY_MATH_INPUTS`,
      );
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
  const heartbeatSender = new Map(
    world.heartbeats.map((beat) => [`${beat.region} ${beat.ruleName}`, beat.senderRegion]),
  );

  /** The incident value of one metric in one region, per minute; undefined is a minute without data. */
  const incident = (alarm: WorldAlarm, metric: Block): number | undefined => {
    if (metric.namespace === "CloudWatchSynthetics" && metric.metric_name === "SuccessPercent")
      return scenario.canarySuccessPercent;
    if (metric.namespace === "AWS/Route53" && metric.metric_name === "HealthCheckStatus")
      return scenario.healthCheckStatus;
    const sender =
      metric.namespace === "AWS/Events"
        ? heartbeatSender.get(`${alarm.region} ${metric.dimensions?.RuleName}`)
        : undefined;
    if (sender) return silentEvents.has(sender) ? undefined : 1;
    return scenario.metrics?.[metric.metric_name] ?? healthy(alarm.block, metric.metric_name);
  };
  /** Before the incident: canaries pass, checkers see a healthy endpoint, heartbeats arrive, every metric is healthy. */
  const before = (alarm: WorldAlarm, metric: Block): number => {
    if (metric.namespace === "CloudWatchSynthetics" && metric.metric_name === "SuccessPercent") return 100;
    if (metric.namespace === "AWS/Route53" && metric.metric_name === "HealthCheckStatus") return 1;
    if (metric.namespace === "AWS/Events" && heartbeatSender.has(`${alarm.region} ${metric.dimensions?.RuleName}`))
      return 1;
    return healthy(alarm.block, metric.metric_name);
  };
  const periodMinutes = (alarm: WorldAlarm): number =>
    (alarm.block.period ?? alarm.block.metric_query?.find((query: Block) => query.metric)?.metric.period) / 60;
  const dataAt =
    (alarm: WorldAlarm, minute: number): MetricData =>
    (metric) => {
      const period = periodMinutes(alarm);
      // A full evaluation window of healthy periods, then the incident's completed periods (none yet for
      // a daily metric in the first hours: CloudWatch has nothing new to evaluate).
      const healthyPoints = alarm.block.evaluation_periods;
      return Array.from({ length: healthyPoints + Math.floor(minute / period) }, (_, index): number | undefined => {
        const value = index < healthyPoints ? before(alarm, metric) : incident(alarm, metric);
        // Heartbeats are one a minute: a period of several minutes counts their sum.
        const perPeriod =
          metric.namespace === "AWS/Events" && heartbeatSender.has(`${alarm.region} ${metric.dimensions?.RuleName}`)
            ? period
            : 1;
        return value === undefined ? undefined : value * perPeriod;
      }) as Series;
    };

  const pages: Page[] = [];
  const live = world.alarms.filter((alarm) => !lost.has(alarm.region));
  const firedAt = new Map<string, number>();
  const states: Record<string, AlarmState> = {};
  for (let minute = 1; minute <= minutes; minute++) {
    // An alarm is evaluated when a period of its metric completes; in between it keeps its state.
    for (const alarm of live.filter(
      (candidate) => !candidate.composite && (minute % periodMinutes(candidate) === 0 || !(candidate.name in states)),
    )) {
      states[alarm.name] = alarmState(alarm.block, dataAt(alarm, minute));
    }
    for (const alarm of live.filter((candidate) => candidate.composite))
      states[alarm.name] = compositeState(alarm.block.alarm_rule, states);
    for (const [name, state] of Object.entries(states))
      if (state === "ALARM" && !firedAt.has(name)) firedAt.set(name, minute);
  }
  for (const alarm of live.filter((candidate) => firedAt.has(candidate.name))) {
    // An alarm can only notify a topic of its own region, a lost region's topic delivers nothing, and
    // an encrypted topic whose key does not let CloudWatch encrypt refuses the notification.
    const delivered =
      alarm.topic.region === alarm.region &&
      !lost.has(alarm.topic.region) &&
      canPublish(alarm.topic, PUBLISHER.alarm) &&
      alarm.topic.subscribers.length > 0;
    pages.push({
      alarm: alarm.name,
      region: alarm.region,
      topic: alarm.topic.name,
      topicRegion: alarm.topic.region,
      delivered,
      afterMinutes: firedAt.get(alarm.name)!,
    });
  }
  // EventBridge delivers an event to the matching rules of the bus it was put on, in that region only.
  for (const { region, atMinute, event } of scenario.events ?? []) {
    if (silentEvents.has(region) || atMinute > minutes) continue;
    for (const rule of world.rules.filter(
      (candidate) => candidate.region === region && candidate.pattern && matchesEventPattern(candidate.pattern, event),
    )) {
      const delivered =
        rule.topic.region === rule.region &&
        !lost.has(rule.topic.region) &&
        canPublish(rule.topic, PUBLISHER.rule) &&
        rule.topic.subscribers.length > 0;
      pages.push({
        alarm: rule.name,
        region: rule.region,
        topic: rule.topic.name,
        topicRegion: rule.topic.region,
        delivered,
        afterMinutes: atMinute,
        rule: true,
      });
    }
  }
  return pages.sort((a, b) => a.afterMinutes - b.afterMinutes || a.alarm.localeCompare(b.alarm));
}
