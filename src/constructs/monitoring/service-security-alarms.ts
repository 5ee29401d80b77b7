import { Construct } from "constructs";
import type { WebAclRuleMetric } from "../edge/web-application-firewall";
import { AlarmDefinition, AlarmFactory, thresholdDefinition } from "./alarm-factory";
import { jsonFieldIsAnyOf, SECURITY_EVENT_METRICS, SECURITY_EVENTS_NAMESPACE } from "../../compliance/filter-patterns";
import { LogEventAlarm } from "./log-event-alarm";

/** A security event as the service logs it: a JSON field and the values that mean this event. */
export interface ServiceLogEvent {
  /** Field selector, e.g. $.event. */
  readonly field: string;
  readonly values: readonly string[];
}

export interface ServiceSecurityAlarmsProps {
  /** Creates every alarm, with the stack's prefix, topic and runbook links. */
  readonly alarms: AlarmFactory;
  /** The service's log group (JSON lines). */
  readonly serviceLogGroupName: string;
  /** Which log lines are failed sign-ins (config security.serviceLogEvents). */
  readonly authenticationFailure: ServiceLogEvent;
  /** Which log lines are account lockouts (config security.serviceLogEvents). */
  readonly accountLockout: ServiceLogEvent;
  /** The web ACL's name, the WebACL dimension of AWS/WAFV2. */
  readonly webAclName: string;
  /** Region of the web ACL, the Region dimension of AWS/WAFV2. */
  readonly region: string;
  /** The web ACL's rules with their metric names. */
  readonly wafRules: readonly WebAclRuleMetric[];
  /** Period every alarm counts over (config alarms.security.periodSeconds). */
  readonly periodSeconds: number;
  /** Counts per period above which each alarm fires (config alarms.security). */
  readonly thresholds: {
    readonly authenticationFailures: number;
    readonly accountLockouts: number;
    readonly wafBlockedPerRule: number;
    readonly wafRateLimitedPerRule: number;
  };
}

/**
 * Security events of the service: failed sign-ins and lockouts counted from its JSON logs, and
 * spikes of requests the WAF blocks, per rule (rate limits and managed rule groups separately), so
 * the alarm names the rule that fired.
 */
export class ServiceSecurityAlarms extends Construct {
  /** Every alarm it creates (sign-in failures, lockouts, one per WAF rule), for the dashboard. */
  readonly definitions: AlarmDefinition[];

  constructor(scope: Construct, id: string, props: ServiceSecurityAlarmsProps) {
    super(scope, id);
    const { alarms, thresholds, periodSeconds } = props;
    const failures = new LogEventAlarm(this, "authentication-failures", {
      alarms,
      logGroupName: props.serviceLogGroupName,
      name: "authentication-failures",
      description: "Spike in failed sign-ins (credential stuffing or a broken client)",
      pattern: jsonFieldIsAnyOf(props.authenticationFailure.field, props.authenticationFailure.values),
      namespace: SECURITY_EVENTS_NAMESPACE,
      metricName: SECURITY_EVENT_METRICS.authenticationFailures,
      runbook: "security-events",
      threshold: thresholds.authenticationFailures,
      periodSeconds,
    });
    const lockouts = new LogEventAlarm(this, "account-lockouts", {
      alarms,
      logGroupName: props.serviceLogGroupName,
      name: "account-lockouts",
      description: "Accounts locked out after repeated failed sign-ins",
      pattern: jsonFieldIsAnyOf(props.accountLockout.field, props.accountLockout.values),
      namespace: SECURITY_EVENTS_NAMESPACE,
      metricName: SECURITY_EVENT_METRICS.accountLockouts,
      runbook: "security-events",
      threshold: thresholds.accountLockouts,
      periodSeconds,
    });

    // The Rule dimension is the rule's visibility metric name (https://docs.aws.amazon.com/waf/latest/developerguide/waf-metrics.html).
    const wafAlarms = props.wafRules.map((rule) =>
      thresholdDefinition({
        name: `waf-${rule.rateBased ? "rate-limited" : "blocked"}-${rule.rule.toLowerCase()}`,
        description: rule.rateBased
          ? `Spike in requests the WAF rate limit ${rule.rule} blocks (one client over its limit)`
          : `Spike in requests the WAF rule group ${rule.rule} blocks (an attack, or the rule blocking real users)`,
        runbook: "security-events",
        namespace: "AWS/WAFV2",
        metricName: "BlockedRequests",
        dimensions: { WebACL: props.webAclName, Region: props.region, Rule: rule.metricName },
        statistic: "Sum",
        periodSeconds,
        evaluationPeriods: 1,
        threshold: rule.rateBased ? thresholds.wafRateLimitedPerRule : thresholds.wafBlockedPerRule,
        breachWhen: "above",
        treatMissingData: "notBreaching",
      }),
    );
    for (const definition of wafAlarms) alarms.define(definition);
    this.definitions = [failures.definition, lockouts.definition, ...wafAlarms];
  }
}
