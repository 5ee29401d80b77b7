import { AccessLogBucket } from "../../src/constructs/edge/access-log-bucket";
import { DnsValidatedCertificate } from "../../src/constructs/edge/dns-validated-certificate";
import { MANAGED_RULE_GROUPS, WebApplicationFirewall, WebApplicationFirewallProps } from "../../src/constructs/edge/web-application-firewall";
import { Synthesized } from "../support/synth";
import { constructStack, synthAlone } from "../support/construct-stack";

const FIREWALL: WebApplicationFirewallProps = {
  name: "t",
  resourceArn: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/t/1",
  rateLimitPerIp: 2000,
  loginRateLimitPerIp: 100,
  loginPaths: ["/login", "/oauth/token"],
  logRetentionDays: 30,
  kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k",
};

function firewall(props: Partial<WebApplicationFirewallProps> = {}): Synthesized {
  const stack = constructStack();
  new WebApplicationFirewall(stack, "waf", { ...FIREWALL, ...props });
  return synthAlone(stack);
}

describe("WebApplicationFirewall alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    json = firewall();
  });

  test("a regional ACL on the load balancer that allows what no rule blocks", () => {
    expect(json.resource("aws_wafv2_web_acl")).toMatchObject({ name: "t", scope: "REGIONAL", default_action: { allow: {} } });
    expect(json.resource("aws_wafv2_web_acl_association").resource_arn).toBe(FIREWALL.resourceArn);
  });

  test("login paths get the tighter per-IP limit first, then the site-wide one, then every managed group", () => {
    const rules = json.resource("aws_wafv2_web_acl").rule;
    expect(rules.map((rule: { name: string; priority: number }) => `${rule.priority} ${rule.name}`)).toEqual([
      "0 login-rate-limit-per-ip",
      "1 rate-limit-per-ip",
      ...MANAGED_RULE_GROUPS.map((group, index) => `${10 + index} ${group}`),
    ]);
    const login = rules[0].statement.rate_based_statement;
    expect(login).toMatchObject({ limit: 100, aggregate_key_type: "IP" });
    expect(login.scope_down_statement.or_statement.statement.map((match: { byte_match_statement: { search_string: string } }) => match.byte_match_statement.search_string)).toEqual(["/login", "/oauth/token"]);
    expect(rules[1].statement.rate_based_statement).toEqual({ limit: 2000, aggregate_key_type: "IP" });
  });

  test("the anonymous-IP group only counts hosting providers, so servers calling the token endpoint pass", () => {
    const anonymous = json.resource("aws_wafv2_web_acl").rule.find((rule: { name: string }) => rule.name === "AWSManagedRulesAnonymousIpList");
    expect(anonymous.statement.managed_rule_group_statement.rule_action_override).toEqual([{ name: "HostingProviderIPList", action_to_use: { count: {} } }]);
  });

  test("logs go to an encrypted aws-waf-logs- group with credentials redacted", () => {
    expect(json.resource("aws_cloudwatch_log_group")).toMatchObject({ name: "aws-waf-logs-t", retention_in_days: 30, kms_key_id: FIREWALL.kmsKeyArn });
    expect(json.resource("aws_wafv2_web_acl_logging_configuration").redacted_fields).toEqual([{ single_header: { name: "authorization" } }, { single_header: { name: "cookie" } }]);
  });

  test("a single login path is matched directly, without an OR (a branch no shipped config takes)", () => {
    const login = firewall({ loginPaths: ["/login"] }).resource("aws_wafv2_web_acl").rule[0].statement.rate_based_statement;
    expect(login.scope_down_statement).toEqual({
      byte_match_statement: { search_string: "/login", positional_constraint: "STARTS_WITH", field_to_match: { uri_path: {} }, text_transformation: [{ priority: 0, type: "LOWERCASE" }] },
    });
  });
});

describe("DnsValidatedCertificate alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new DnsValidatedCertificate(stack, "cert", { domainName: "svc.example.com", hostedZoneId: "Z1" });
    json = synthAlone(stack);
  });

  test("an RSA-2048 certificate validated by DNS, replaced before it is destroyed, with no other name by default", () => {
    const certificate = json.resource("aws_acm_certificate");
    expect(certificate).toMatchObject({ domain_name: "svc.example.com", validation_method: "DNS", key_algorithm: "RSA_2048", lifecycle: { create_before_destroy: true } });
    expect(certificate.subject_alternative_names).toBeUndefined();
  });

  test("one validation record per name from the certificate's options, and consumers wait for validation", () => {
    const record = json.resource("aws_route53_record");
    expect(record).toMatchObject({ zone_id: "Z1", ttl: 60, allow_overwrite: true });
    expect(record.for_each).toMatch(/domain_validation_options/);
    expect(json.resource("aws_acm_certificate_validation").validation_record_fqdns).toMatch(/\[for record in aws_route53_record\..* : record\.fqdn\]/);
  });

  test("alternative names go on the same certificate", () => {
    const stack = constructStack();
    new DnsValidatedCertificate(stack, "cert", { domainName: "svc.example.com", alternativeNames: ["www.svc.example.com"], hostedZoneId: "Z1" });
    expect(synthAlone(stack).resource("aws_acm_certificate").subject_alternative_names).toEqual(["www.svc.example.com"]);
  });
});

describe("AccessLogBucket alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new AccessLogBucket(stack, "alb-logs", { bucketName: "alb-logs", accountId: "111122223333", prefix: "alb" });
    json = synthAlone(stack);
  });

  test("SSE-S3, logs expire after 90 days by default, ELB delivery writes only under this account's prefix", () => {
    expect(json.resource("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
    expect(json.resource("aws_s3_bucket_lifecycle_configuration").rule[0].expiration).toEqual([{ days: 90 }]);
    const statements = json.policyDocument(json.resource("aws_s3_bucket_policy").policy).statement;
    expect(statements.map((statement: { sid: string }) => statement.sid)).toEqual(["ElbLogDelivery", "ElbLogDeliveryService", "DenyInsecureTransport"]);
    for (const statement of statements.slice(0, 2)) {
      expect(statement.actions).toEqual(["s3:PutObject"]);
      expect(statement.resources[0]).toMatch(/\/alb\/AWSLogs\/111122223333\/\*$/);
    }
  });
});
