import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { CERTIFICATE_EXPIRY_ALARM_DAYS } from "../src/constructs/monitoring/certificate-alarms";
import { SYNTH_DIR, Synthesized } from "./support/synth";

const stacks = readdirSync(join(SYNTH_DIR, "stacks")).map((name) => ({
  name,
  json: new Synthesized(JSON.parse(readFileSync(join(SYNTH_DIR, "stacks", name, "cdk.tf.json"), "utf8"))),
}));
const owning = stacks.filter(({ json }) => json.resourceList("aws_acm_certificate").length > 0);
/** The ARN expression consumers use: the validation's (so nothing uses a pending certificate). */
const validatedArn = (json: Synthesized) =>
  `\${aws_acm_certificate_validation.${Object.keys(json.resources("aws_acm_certificate_validation"))[0]}.certificate_arn}`;

describe("every certificate the stacks own stays valid, or someone is told", () => {
  test("the stacks that own certificates: each primary app stack and the production pilot light", () => {
    expect(owning.map(({ name }) => name).sort()).toEqual([
      "auth-production-app",
      "auth-production-dr-network",
      "auth-staging-app",
    ]);
  });

  describe.each(owning.map(({ name, json }) => [name, json] as const))("%s", (_name, json) => {
    const alarm = json
      .resourceList("aws_cloudwatch_metric_alarm")
      .find((candidate) => candidate.metric_name === "DaysToExpiry")!;

    test(`a DaysToExpiry alarm at ${CERTIFICATE_EXPIRY_ALARM_DAYS} days, daily, a missing day counted as breaching (ACM stops the metric at expiry)`, () => {
      expect(alarm).toMatchObject({
        namespace: "AWS/CertificateManager",
        dimensions: { CertificateArn: validatedArn(json) },
        statistic: "Minimum",
        period: 86_400,
        evaluation_periods: 1,
        threshold: CERTIFICATE_EXPIRY_ALARM_DAYS,
        comparison_operator: "LessThanOrEqualToThreshold",
        treat_missing_data: "breaching",
      });
      expect(alarm.alarm_description).toMatch(/runbooks\.md#certificate-expiry$/);
    });

    test("in the certificate's own stack and region, to the alert topic every other alarm of that stack and region uses", () => {
      // The DR stack also holds the Route 53 health-check alarms, which live in us-east-1 with their own topic.
      const others = json
        .resourceList("aws_cloudwatch_metric_alarm")
        .filter((candidate) => candidate !== alarm && candidate.provider === alarm.provider);
      expect(others.length).toBeGreaterThan(0);
      for (const other of others)
        expect([other.alarm_name, alarm.alarm_actions]).toEqual([other.alarm_name, other.alarm_actions]);
    });

    test("the certificate is in use, so ACM renews it: an HTTPS listener serves it", () => {
      const listeners = json.resourceList("aws_lb_listener").filter((listener) => listener.protocol === "HTTPS");
      expect(listeners.map((listener) => listener.certificate_arn)).toContain(validatedArn(json));
    });
  });

  describe("the pilot-light listener keeps the DR certificate in use and serves nothing", () => {
    const json = owning.find(({ name }) => name === "auth-production-dr-network")!.json;
    const loadBalancer = json.resource("aws_lb");
    const group = json
      .resourceList("aws_security_group")
      .find(
        (candidate) =>
          `\${aws_security_group.${Object.entries(json.resources("aws_security_group")).find(([, value]) => value === candidate)![0]}.id}` ===
          loadBalancer.security_groups[0],
      )!;

    test("internal, in the private subnets, behind a security group without a rule", () => {
      expect(loadBalancer).toMatchObject({
        internal: true,
        load_balancer_type: "application",
        enable_deletion_protection: true,
        drop_invalid_header_fields: true,
      });
      expect(loadBalancer.subnets.length).toBeGreaterThanOrEqual(2);
      for (const subnet of loadBalancer.subnets) expect(subnet).toMatch(/aws_subnet\.network_private-subnet/);
      expect(group).toMatchObject({ ingress: [], egress: [] });
      expect(
        json
          .resourceList("aws_vpc_security_group_ingress_rule")
          .filter((rule) => rule.security_group_id === loadBalancer.security_groups[0]),
      ).toEqual([]);
    });

    test("its one listener answers 503", () => {
      expect(json.resource("aws_lb_listener").default_action).toEqual([
        {
          type: "fixed-response",
          fixed_response: { content_type: "text/plain", status_code: "503", message_body: "pilot light" },
        },
      ]);
    });
  });
});
