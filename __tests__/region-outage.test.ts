import { GUARDDUTY_SEVERITY_FLOOR } from "../src/config/schema/security-schema";
import { Page, PagingWorld, PUBLISHER, readPagingWorld, simulate, Topic } from "./support/paging-world";
import { synthEveryStack, validConfig } from "./support/synth";

/**
 * Who is paged when the primary region fails, and when users are locked out while every internal
 * alarm stays green: every alarm, health check, canary and rule of every production stack (restore
 * mode off), evaluated minute by minute with the fake of CloudWatch's M-of-N and missing-data rules
 * (support/fake-cloudwatch-alarms.ts; support/paging-world.ts reads the paging path from the synth).
 */
const config = validConfig("production");
const world = readPagingWorld(synthEveryStack("production"));
const primary = config.aws.region;
const oncall = config.alarms.emails.map((email) => `email:${email}`);
const delivered = (pages: Page[]) => pages.filter((page) => page.delivered);
const OUTSIDE_IN = /-(endpoint-unhealthy|canary-login-failed|primary-region-silent)$/;

describe("the world the simulation reads (not vacuous)", () => {
  test("alarms in three regions, the health check, the canary, the heartbeat and the security rules", () => {
    expect(new Set(world.alarms.map((alarm) => alarm.region))).toEqual(
      new Set([primary, config.aws.drRegion, "us-east-1"]),
    );
    expect(world.alarms.filter((alarm) => alarm.region === primary).length).toBeGreaterThan(50);
    expect(world.healthChecks).toHaveLength(1);
    expect(world.canaries).toEqual([{ name: "auth-production-login", region: config.aws.drRegion }]);
    expect(world.heartbeats).toEqual([
      { ruleName: "auth-production-primary-heartbeat", region: config.aws.drRegion, senderRegion: primary },
    ]);
    expect(world.rules.length).toBeGreaterThan(0);
    // Every topic that carries a page has the on-call subscription.
    for (const alarm of world.alarms) expect([alarm.name, alarm.topic.subscribers]).toEqual([alarm.name, oncall]);
  });

  test("every topic that carries a page is encrypted with a key that lets its publisher encrypt: CloudWatch for alarms, EventBridge for rules", () => {
    for (const alarm of world.alarms)
      expect([alarm.name, alarm.topic.encryption?.keyGrants.includes(PUBLISHER.alarm)]).toEqual([alarm.name, true]);
    for (const rule of world.rules)
      expect([rule.name, rule.topic.encryption?.keyGrants.includes(PUBLISHER.rule)]).toEqual([rule.name, true]);
    // The grants are read from each key's policy, not assumed: the primary alert topic admits no rule, and its key grants EventBridge nothing.
    const primaryTopic = world.alarms.find((alarm) => alarm.topic.name === "auth-production-alerts")!.topic;
    expect(primaryTopic.encryption!.keyGrants).toContain(PUBLISHER.alarm);
    expect(primaryTopic.encryption!.keyGrants).not.toContain(PUBLISHER.rule);
  });
});

/** The world with one topic's key no longer granting `service` (the key policy statement dropped). */
function withoutKeyGrant(world: PagingWorld, topicName: string, service: string): PagingWorld {
  const strip = (topic: Topic): Topic =>
    topic.name === topicName
      ? { ...topic, encryption: { keyGrants: topic.encryption!.keyGrants.filter((grant) => grant !== service) } }
      : topic;
  return {
    ...world,
    alarms: world.alarms.map((alarm) => ({ ...alarm, topic: strip(alarm.topic) })),
    rules: world.rules.map((rule) => ({ ...rule, topic: strip(rule.topic) })),
  };
}

describe("losing the primary region: no data from it, its topics unreachable", () => {
  const outage = { lostRegions: [primary], canarySuccessPercent: 0, healthCheckStatus: 0 as const };
  const pages = simulate(world, outage, 30);

  test("pages on-call from us-east-1 and the DR region, through their own topics, within minutes", () => {
    const { unhealthyMinutes } = config.outsideIn!.healthCheck;
    const { scheduleMinutes, failedRunsToAlarm } = config.outsideIn!.canary;
    expect(delivered(pages)).toEqual([
      {
        alarm: "auth-production-global-endpoint-unhealthy",
        region: "us-east-1",
        topic: "auth-production-global-alerts",
        topicRegion: "us-east-1",
        delivered: true,
        afterMinutes: unhealthyMinutes,
      },
      {
        alarm: "auth-production-dr-canary-login-failed",
        region: config.aws.drRegion,
        topic: "auth-production-dr-alerts",
        topicRegion: config.aws.drRegion,
        delivered: true,
        afterMinutes: scheduleMinutes * failedRunsToAlarm,
      },
      {
        alarm: "auth-production-dr-primary-region-silent",
        region: config.aws.drRegion,
        topic: "auth-production-dr-alerts",
        topicRegion: config.aws.drRegion,
        delivered: true,
        afterMinutes: config.outsideIn!.silentPrimaryMinutes,
      },
    ]);
  });

  test("no alarm, rule or topic of the primary region takes part: what pages lives elsewhere", () => {
    expect(pages.filter((page) => page.region === primary || page.topicRegion === primary)).toEqual([]);
    // The finding rules: the security stack's in the primary region, the pilot light's in the DR region.
    expect(new Set(world.rules.map((rule) => rule.region))).toEqual(new Set([primary, config.aws.drRegion]));
  });

  test("a topic key that does not let CloudWatch encrypt loses the page: the DR topic's key without its grant leaves only us-east-1's", () => {
    const broken = withoutKeyGrant(world, "auth-production-dr-alerts", PUBLISHER.alarm);
    const stillDelivered = delivered(simulate(broken, outage, 30));
    expect(stillDelivered.map((page) => page.topic)).toEqual(["auth-production-global-alerts"]);
    const lost = simulate(withoutKeyGrant(broken, "auth-production-global-alerts", PUBLISHER.alarm), outage, 30);
    expect(lost.length).toBeGreaterThan(0);
    expect(delivered(lost)).toEqual([]);
  });

  test("without the outside-in alarms nobody would be paged (the gap this closes)", () => {
    const before = { ...world, alarms: world.alarms.filter((alarm) => !OUTSIDE_IN.test(alarm.name)) };
    expect(delivered(simulate(before, outage, 30))).toEqual([]);
  });

  test("alarms added elsewhere join as they are: a daily certificate-expiry alarm (missing data breaching) in the DR region changes nothing in the first half hour", () => {
    const drTopic = world.alarms.find((alarm) => alarm.name === "auth-production-dr-primary-region-silent")!.topic;
    const expiry = {
      name: "auth-production-dr-certificate-days-to-expiry",
      stack: "auth-production-dr-network",
      region: config.aws.drRegion,
      composite: false,
      topic: drTopic,
      block: {
        alarm_name: "auth-production-dr-certificate-days-to-expiry",
        namespace: "AWS/CertificateManager",
        metric_name: "DaysToExpiry",
        statistic: "Minimum",
        period: 86400,
        evaluation_periods: 1,
        threshold: 30,
        comparison_operator: "LessThanThreshold",
        treat_missing_data: "breaching",
      },
    };
    expect(delivered(simulate({ ...world, alarms: [...world.alarms, expiry] }, outage, 30))).toEqual(delivered(pages));
  });

  test("CloudWatch and EventBridge impaired in the primary region while the service still answers: the heartbeat alone pages", () => {
    const blind = { lostRegions: [primary], canarySuccessPercent: 100, healthCheckStatus: 1 as const };
    expect(delivered(simulate(world, blind, 30)).map((page) => [page.alarm, page.topic])).toEqual([
      ["auth-production-dr-primary-region-silent", "auth-production-dr-alerts"],
    ]);
  });
});

describe("users locked out while every internal alarm stays green", () => {
  // Every region up. What the primary publishes: few requests reach the targets, nothing errs, the
  // web ACL blocks a trickle (low traffic: under waf-blocked-requests' threshold), targets are healthy.
  // The certificate users get is not one a DaysToExpiry alarm watches (its metric stays healthy here):
  // an ACM certificate of the stacks that lapses also pages from its own region, where such alarms exist.
  const quietPrimary = {
    RequestCount: 3,
    HTTPCode_Target_5XX_Count: 0,
    HTTPCode_ELB_5XX_Count: 0,
    BlockedRequests: 12,
  };
  const internal = (pages: Page[]) => pages.filter((page) => !OUTSIDE_IN.test(page.alarm));

  test("the WAF blocks at low traffic: under its own alarm's threshold", () => {
    const waf = world.alarms.find((alarm) => alarm.name === "auth-production-waf-blocked-requests")!;
    expect(quietPrimary.BlockedRequests * (waf.block.period / 60)).toBeLessThan(waf.block.threshold);
  });

  test("an expired certificate: the canary pages from the DR region; Route 53 (no certificate check) and every internal alarm stay green", () => {
    const pages = simulate(
      world,
      { lostRegions: [], canarySuccessPercent: 0, healthCheckStatus: 1, metrics: quietPrimary },
      30,
    );
    expect(internal(pages)).toEqual([]);
    expect(delivered(pages).map((page) => [page.alarm, page.region, page.topic])).toEqual([
      ["auth-production-dr-canary-login-failed", config.aws.drRegion, "auth-production-dr-alerts"],
    ]);
  });

  test("a web ACL that blocks everyone: the canary and the health check (403) page; every internal alarm stays green", () => {
    const pages = simulate(
      world,
      { lostRegions: [], canarySuccessPercent: 0, healthCheckStatus: 0, metrics: quietPrimary },
      30,
    );
    expect(internal(pages)).toEqual([]);
    expect(delivered(pages).map((page) => page.alarm)).toEqual([
      "auth-production-global-endpoint-unhealthy",
      "auth-production-dr-canary-login-failed",
    ]);
  });
});

describe("security findings in the DR region during a primary outage", () => {
  // Sample events in the shapes the finding rules document (src/constructs/monitoring/security-finding-alerts.ts).
  const guardDutyFinding = {
    source: "aws.guardduty",
    "detail-type": "GuardDuty Finding",
    region: config.aws.drRegion,
    detail: {
      severity: GUARDDUTY_SEVERITY_FLOOR[config.security.guardDuty.alertAtSeverity],
      type: "UnauthorizedAccess:EC2/SSHBruteForce",
    },
  };
  const criticalControl = {
    source: "aws.securityhub",
    "detail-type": "Security Hub Findings - Imported",
    region: config.aws.drRegion,
    detail: { findings: [{ Severity: { Label: "CRITICAL" }, RecordState: "ACTIVE", Workflow: { Status: "NEW" } }] },
  };
  const outage = {
    lostRegions: [primary],
    canarySuccessPercent: 0,
    healthCheckStatus: 0 as const,
    events: [
      { region: config.aws.drRegion, atMinute: 12, event: guardDutyFinding },
      { region: config.aws.drRegion, atMinute: 20, event: criticalControl },
    ],
  };
  const findingPages = (pages: Page[]) => pages.filter((page) => page.rule);

  test("a GuardDuty finding and a critical Security Hub finding page on-call through the DR topic", () => {
    expect(delivered(findingPages(simulate(world, outage, 30)))).toEqual([
      {
        alarm: "auth-production-dr-security-findings-guardduty",
        region: config.aws.drRegion,
        topic: "auth-production-dr-alerts",
        topicRegion: config.aws.drRegion,
        delivered: true,
        afterMinutes: 12,
        rule: true,
      },
      {
        alarm: "auth-production-dr-security-findings-securityhub-critical",
        region: config.aws.drRegion,
        topic: "auth-production-dr-alerts",
        topicRegion: config.aws.drRegion,
        delivered: true,
        afterMinutes: 20,
        rule: true,
      },
    ]);
  });

  test("a finding below the configured severity floor pages nobody", () => {
    const low = {
      ...outage,
      events: [
        {
          region: config.aws.drRegion,
          atMinute: 5,
          event: { ...guardDutyFinding, detail: { ...guardDutyFinding.detail, severity: 1 } },
        },
      ],
    };
    expect(findingPages(simulate(world, low, 30))).toEqual([]);
  });

  test("without the pilot light's finding rules (the gap this closes), the DR region's findings page nobody: the primary's rules are lost with their region", () => {
    const before = { ...world, rules: world.rules.filter((rule) => rule.region !== config.aws.drRegion) };
    expect(findingPages(simulate(before, outage, 30))).toEqual([]);
  });

  test("a DR topic key that does not let EventBridge encrypt loses the findings", () => {
    const pages = findingPages(
      simulate(withoutKeyGrant(world, "auth-production-dr-alerts", PUBLISHER.rule), outage, 30),
    );
    expect(pages).toHaveLength(2);
    expect(delivered(pages)).toEqual([]);
  });
});
