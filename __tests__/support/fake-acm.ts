/**
 * ACM certificates and their DaysToExpiry alarms on a simulated clock.
 *
 * - Managed renewal starts 60 days before expiry, and only for a certificate that is eligible: in use
 *   (associated with another AWS service such as ELB) or exported, and not yet expired; a
 *   DNS-validated certificate renews only while its validation CNAME resolves
 *   (https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html,
 *   https://docs.aws.amazon.com/acm/latest/userguide/dns-renewal-validation.html).
 * - A renewed public certificate is valid for about 198 days (the figure for today's limits).
 * - DaysToExpiry is published once a day until the certificate expires, then no more
 *   (https://docs.aws.amazon.com/acm/latest/userguide/cloudwatch-metrics.html).
 * - A CloudWatch alarm with one evaluation period compares the period's datapoint with the threshold;
 *   with no datapoint, treat_missing_data decides: breaching is ALARM, notBreaching is OK, missing and
 *   ignore keep the state (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data).
 */
const DAY = 86_400_000;
export const RENEWAL_WINDOW_DAYS = 60;
export const PUBLIC_VALIDITY_DAYS = 198;

export interface FakeCertificate {
  /** Stack and the synthesized expression of its validated ARN. */
  readonly stack: string;
  readonly arn: string;
  /** Associated with a load balancer listener in the synthesized stack. */
  readonly inUse: boolean;
  notAfter: number;
  validationRecord: boolean;
  renewals: number;
}

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export interface FakeAlarm {
  readonly stack: string;
  readonly name: string;
  readonly body: Record<string, any>;
  state: AlarmState;
  /** Notifications sent to alarm_actions, with the day. */
  readonly notified: { day: number; state: AlarmState; topics: string[] }[];
}

/** Days to expiry as ACM publishes it, or undefined once expired. */
export function daysToExpiry(certificate: FakeCertificate, now: number): number | undefined {
  return now >= certificate.notAfter ? undefined : Math.floor((certificate.notAfter - now) / DAY);
}

export function renewIfEligible(certificate: FakeCertificate, now: number): void {
  const left = daysToExpiry(certificate, now);
  if (left === undefined || left > RENEWAL_WINDOW_DAYS) return;
  if (certificate.inUse && certificate.validationRecord) {
    certificate.notAfter = now + PUBLIC_VALIDITY_DAYS * DAY;
    certificate.renewals += 1;
  }
}

const COMPARE: Record<string, (value: number, threshold: number) => boolean> = {
  LessThanThreshold: (value, threshold) => value < threshold,
  LessThanOrEqualToThreshold: (value, threshold) => value <= threshold,
  GreaterThanThreshold: (value, threshold) => value > threshold,
  GreaterThanOrEqualToThreshold: (value, threshold) => value >= threshold,
};

export function evaluateAlarm(alarm: FakeAlarm, datapoint: number | undefined, day: number): void {
  let next: AlarmState;
  if (datapoint === undefined) {
    const rule = alarm.body.treat_missing_data ?? "missing";
    next = rule === "breaching" ? "ALARM" : rule === "notBreaching" ? "OK" : alarm.state;
  } else {
    next = COMPARE[alarm.body.comparison_operator](datapoint, alarm.body.threshold) ? "ALARM" : "OK";
  }
  if (next !== alarm.state) {
    const topics =
      next === "ALARM" ? (alarm.body.alarm_actions ?? []) : next === "OK" ? (alarm.body.ok_actions ?? []) : [];
    alarm.notified.push({ day, state: next, topics });
  }
  alarm.state = next;
}
