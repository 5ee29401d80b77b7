/**
 * Two years of certificates on a simulated clock: every ACM certificate the synthesized stacks own,
 * ACM's managed renewal with its eligibility rules, and the stacks' own DaysToExpiry alarms
 * evaluated daily (see support/fake-acm.ts). Whether a certificate is in use is read from the
 * synthesized listeners, whether an alarm watches it from the synthesized alarms.
 */
import { Testing } from "cdktf";
import { environments } from "../../src/config";
import { validateConfigs } from "../../src/config/rules/validate";
import { AppStack } from "../../src/stacks/app/app-stack";
import { DrNetworkStack } from "../../src/stacks/dr/dr-network-stack";
import {
  daysToExpiry,
  evaluateAlarm,
  FakeAlarm,
  FakeCertificate,
  PUBLIC_VALIDITY_DAYS,
  RENEWAL_WINDOW_DAYS,
  renewIfEligible,
} from "../support/fake-acm";

const DAY = 86_400_000;
const START = Date.parse("2027-01-04T00:00:00Z");
const YEARS = 2;

type Json = Record<string, any>;

const synthesized: { stack: string; json: Json }[] = validateConfigs(environments).flatMap((config) => [
  { stack: `auth-${config.environment}-app`, json: JSON.parse(Testing.synth(new AppStack(Testing.app(), config))) },
  ...(config.dr.pilotLight
    ? [
        {
          stack: `auth-${config.environment}-dr-network`,
          json: JSON.parse(Testing.synth(new DrNetworkStack(Testing.app(), config))),
        },
      ]
    : []),
]);

/** The world as synthesized: each certificate (issued on day 0) and each alarm. */
function world(): { certificates: FakeCertificate[]; alarms: FakeAlarm[] } {
  const certificates = synthesized.flatMap(({ stack, json }) =>
    Object.keys(json.resource?.aws_acm_certificate_validation ?? {}).map((name) => {
      const arn = `\${aws_acm_certificate_validation.${name}.certificate_arn}`;
      const listeners = [
        ...Object.values(json.resource?.aws_lb_listener ?? {}),
        ...Object.values(json.resource?.aws_lb_listener_certificate ?? {}),
      ] as Json[];
      return {
        stack,
        arn,
        inUse: listeners.some((listener) => listener.certificate_arn === arn),
        notAfter: START + PUBLIC_VALIDITY_DAYS * DAY,
        validationRecord: true,
        renewals: 0,
      };
    }),
  );
  const alarms = synthesized.flatMap(({ stack, json }) =>
    (Object.values(json.resource?.aws_cloudwatch_metric_alarm ?? {}) as Json[])
      .filter((body) => body.namespace === "AWS/CertificateManager" && body.metric_name === "DaysToExpiry")
      .map((body) => ({ stack, name: body.alarm_name, body, state: "INSUFFICIENT_DATA" as const, notified: [] })),
  );
  return { certificates, alarms };
}

/** Runs the clock; `onDay` may break something. Returns each certificate's expired days and each alarm's history. */
function simulate(onDay: (day: number, certificates: FakeCertificate[]) => void = () => {}) {
  const { certificates, alarms } = world();
  const expiredDays = new Map<FakeCertificate, number[]>(certificates.map((certificate) => [certificate, []]));
  for (let day = 0; day < 365 * YEARS; day++) {
    const now = START + day * DAY;
    onDay(day, certificates);
    for (const certificate of certificates) {
      renewIfEligible(certificate, now);
      if (daysToExpiry(certificate, now) === undefined) expiredDays.get(certificate)!.push(day);
    }
    for (const alarm of alarms) {
      const certificate = certificates.find(
        (candidate) => candidate.stack === alarm.stack && candidate.arn === alarm.body.dimensions?.CertificateArn,
      );
      evaluateAlarm(alarm, certificate && daysToExpiry(certificate, now), day);
    }
  }
  return { certificates, alarms, expiredDays };
}

describe("two years on the simulated clock: certificates stay valid, or someone is told in time", () => {
  test("the stacks own certificates to watch (each primary app and the pilot light)", () => {
    expect(
      world()
        .certificates.map((certificate) => certificate.stack)
        .sort(),
    ).toEqual(["auth-production-app", "auth-production-dr-network", "auth-staging-app"]);
  });

  test("left alone, ACM renews every certificate: none is ever expired, and no alarm pages", () => {
    const { certificates, alarms, expiredDays } = simulate();
    for (const certificate of certificates) {
      expect({ stack: certificate.stack, firstExpiredDay: expiredDays.get(certificate)![0] }).toEqual({
        stack: certificate.stack,
        firstExpiredDay: undefined,
      });
      // One renewal each time 60 days are left of a 198-day certificate.
      const cycles = Math.floor((365 * YEARS - 1) / (PUBLIC_VALIDITY_DAYS - RENEWAL_WINDOW_DAYS));
      expect({ stack: certificate.stack, renewals: certificate.renewals }).toEqual({
        stack: certificate.stack,
        renewals: cycles,
      });
    }
    expect(
      alarms.filter((alarm) => alarm.notified.some((notice) => notice.state === "ALARM")).map((alarm) => alarm.name),
    ).toEqual([]);
  });

  describe.each(world().certificates.map((certificate) => [certificate.stack, certificate.arn] as const))(
    "%s: its validation record is deleted on day 100 (a stack destroyed, a hand edit)",
    (stack, arn) => {
      const breakIt = (day: number, certificates: FakeCertificate[]) => {
        if (day === 100)
          certificates.find((candidate) => candidate.stack === stack && candidate.arn === arn)!.validationRecord =
            false;
      };
      const { alarms, expiredDays, certificates } = simulate(breakIt);
      const certificate = certificates.find((candidate) => candidate.stack === stack && candidate.arn === arn)!;
      const alarm = alarms.find(
        (candidate) => candidate.stack === stack && candidate.body.dimensions?.CertificateArn === arn,
      );
      const expiry = expiredDays.get(certificate)![0];

      test("renewal fails and the certificate expires", () => {
        expect(expiry).toBeDefined();
      });

      test("its own stack's alarm pages the alert topic 30 days before it expires", () => {
        const page = alarm?.notified.find((notice) => notice.state === "ALARM");
        expect({
          stack,
          alarm: alarm?.name,
          page: page && { daysBeforeExpiry: expiry - page.day, topics: page.topics.length },
        }).toEqual({
          stack,
          alarm: expect.any(String),
          page: { daysBeforeExpiry: 30, topics: 1 },
        });
      });

      test("and stays in ALARM once it has expired, when ACM no longer publishes the metric", () => {
        expect(alarm?.state).toBe("ALARM");
        expect(alarm?.notified.filter((notice) => notice.day >= expiry)).toEqual([]);
      });
    },
  );
});
