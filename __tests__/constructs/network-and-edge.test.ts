import { AccessLogBucket } from "../../src/constructs/edge/access-log-bucket";
import { DnsValidatedCertificate } from "../../src/constructs/edge/dns-validated-certificate";
import {
  MANAGED_RULE_GROUPS,
  WebApplicationFirewall,
  WebApplicationFirewallProps,
} from "../../src/constructs/edge/web-application-firewall";
import { VpcFlowLogs } from "../../src/constructs/network/flow-logs";
import { InterfaceEndpoints } from "../../src/constructs/network/interface-endpoints";
import { Network, NetworkProps } from "../../src/constructs/network/network";
import { constructStack, synthAlone } from "../support/construct-stack";
import { referenceTo, Synthesized } from "../support/synth";

const ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];

function network(props: Partial<NetworkProps> = {}): Synthesized {
  const stack = constructStack();
  new Network(stack, "net", {
    name: "t",
    region: "eu-west-1",
    cidr: "10.0.0.0/16",
    availabilityZones: ZONES,
    publicSubnetCidrs: ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"],
    privateSubnetCidrs: ["10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24"],
    isolatedSubnetCidrs: ["10.0.20.0/24", "10.0.21.0/24", "10.0.22.0/24"],
    ...props,
  });
  return synthAlone(stack);
}

/** Which private route table (by Name tag) each private subnet's zone uses. */
function privateRouting(json: Synthesized): Record<string, string> {
  return Object.fromEntries(
    Object.entries(json.resources("aws_route_table_association"))
      .filter(([name]) => name.includes("private-routes"))
      .map(([name, association]) => {
        const table = Object.entries(json.resources("aws_route_table")).find(
          ([tableName]) => association.route_table_id === `\${aws_route_table.${tableName}.id}`,
        )!;
        return [ZONES.find((zone) => name.includes(zone))!, table[1].tags.Name];
      }),
  );
}

describe("Network alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    json = network();
  });

  test("by default one NAT gateway per zone, each zone's private subnet egressing through its own", () => {
    expect(json.resourceList("aws_nat_gateway")).toHaveLength(3);
    expect(privateRouting(json)).toEqual({
      "eu-west-1a": "t-private-eu-west-1a",
      "eu-west-1b": "t-private-eu-west-1b",
      "eu-west-1c": "t-private-eu-west-1c",
    });
  });

  test("by default IPv4 only: no IPv6 block, no IPv6 route", () => {
    expect(json.resource("aws_vpc").assign_generated_ipv6_cidr_block).toBe(false);
    expect(json.resourceList("aws_route").filter((route) => route.destination_ipv6_cidr_block)).toEqual([]);
    for (const subnet of json.resourceList("aws_subnet")) expect(subnet.ipv6_cidr_block).toBeUndefined();
  });

  test("the default security group has no rules, no subnet gives public IPs, isolated subnets have no route out", () => {
    expect(json.resource("aws_default_security_group")).toMatchObject({ ingress: [], egress: [] });
    for (const subnet of json.resourceList("aws_subnet")) expect(subnet.map_public_ip_on_launch).toBe(false);
    const isolated = json.named("aws_route_table", "isolated-routes");
    expect(
      json
        .resourceList("aws_route")
        .filter((route) => route.route_table_id === referenceTo(json, "aws_route_table", isolated, "id")),
    ).toEqual([]);
  });

  test("the S3 gateway endpoint serves the private and isolated route tables", () => {
    const endpoint = json.resource("aws_vpc_endpoint");
    expect(endpoint).toMatchObject({ service_name: "com.amazonaws.eu-west-1.s3", vpc_endpoint_type: "Gateway" });
    expect(endpoint.route_table_ids).toHaveLength(4);
  });

  test("fewer NAT gateways than zones: the zones without one share them in turn (a branch no shipped config takes)", () => {
    const shared = network({ natGatewayCount: 2 });
    expect(shared.resourceList("aws_nat_gateway")).toHaveLength(2);
    expect(privateRouting(shared)).toEqual({
      "eu-west-1a": "t-private-eu-west-1a",
      "eu-west-1b": "t-private-eu-west-1b",
      "eu-west-1c": "t-private-eu-west-1a",
    });
  });
});

describe("VpcFlowLogs alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new VpcFlowLogs(stack, "flow", {
      name: "t",
      vpcId: "vpc-1",
      region: "eu-west-1",
      accountId: "111122223333",
      retentionInDays: 90,
      kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k",
    });
    json = synthAlone(stack);
  });

  test("records ALL traffic by default, every minute, into an encrypted log group", () => {
    expect(json.resource("aws_flow_log")).toMatchObject({
      vpc_id: "vpc-1",
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      max_aggregation_interval: 60,
    });
    expect(json.resource("aws_cloudwatch_log_group")).toMatchObject({
      name: "/aws/vpc-flow-logs/t",
      retention_in_days: 90,
      kms_key_id: "arn:aws:kms:eu-west-1:111122223333:key/k",
    });
  });

  test("the role trusts only this account's flow logs and may only write to its log group", () => {
    const [trust] = json.policyDocument(json.resource("aws_iam_role").assume_role_policy).statement;
    expect(trust.principals).toEqual([{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }]);
    expect(trust.condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: ["111122223333"] },
      { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:aws:ec2:eu-west-1:111122223333:vpc-flow-log/*"] },
    ]);
    const [write] = json.policyDocument(json.resource("aws_iam_role_policy").policy).statement;
    expect(write.actions).toEqual(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]);
    expect(write.resources).toHaveLength(2);
  });
});

describe("InterfaceEndpoints alone", () => {
  test("one interface endpoint per service, private DNS on by default, off when asked", () => {
    const stack = constructStack();
    const common = {
      name: "t",
      vpcId: "vpc-1",
      region: "eu-west-1",
      subnetIds: ["s-a", "s-b"],
      securityGroupIds: ["sg-1"],
    };
    new InterfaceEndpoints(stack, "default", { ...common, services: ["secretsmanager", "kms"] });
    new InterfaceEndpoints(stack, "no-dns", { ...common, services: ["sts"], privateDns: false });
    const endpoints = synthAlone(stack).resourceList("aws_vpc_endpoint");
    expect(endpoints.map((endpoint) => `${endpoint.service_name} ${endpoint.private_dns_enabled}`).sort()).toEqual([
      "com.amazonaws.eu-west-1.kms true",
      "com.amazonaws.eu-west-1.secretsmanager true",
      "com.amazonaws.eu-west-1.sts false",
    ]);
    for (const endpoint of endpoints)
      expect(endpoint).toMatchObject({
        vpc_endpoint_type: "Interface",
        subnet_ids: ["s-a", "s-b"],
        security_group_ids: ["sg-1"],
      });
  });
});

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
    expect(json.resource("aws_wafv2_web_acl")).toMatchObject({
      name: "t",
      scope: "REGIONAL",
      default_action: { allow: {} },
    });
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
    expect(
      login.scope_down_statement.or_statement.statement.map(
        (match: { byte_match_statement: { search_string: string } }) => match.byte_match_statement.search_string,
      ),
    ).toEqual(["/login", "/oauth/token"]);
    expect(rules[1].statement.rate_based_statement).toEqual({ limit: 2000, aggregate_key_type: "IP" });
  });

  test("the anonymous-IP group only counts hosting providers, so servers calling the token endpoint pass", () => {
    const anonymous = json
      .resource("aws_wafv2_web_acl")
      .rule.find((rule: { name: string }) => rule.name === "AWSManagedRulesAnonymousIpList");
    expect(anonymous.statement.managed_rule_group_statement.rule_action_override).toEqual([
      { name: "HostingProviderIPList", action_to_use: { count: {} } },
    ]);
  });

  test("logs go to an encrypted aws-waf-logs- group with credentials redacted", () => {
    expect(json.resource("aws_cloudwatch_log_group")).toMatchObject({
      name: "aws-waf-logs-t",
      retention_in_days: 30,
      kms_key_id: FIREWALL.kmsKeyArn,
    });
    expect(json.resource("aws_wafv2_web_acl_logging_configuration").redacted_fields).toEqual([
      { single_header: { name: "authorization" } },
      { single_header: { name: "cookie" } },
    ]);
  });

  test("a single login path is matched directly, without an OR (a branch no shipped config takes)", () => {
    const login = firewall({ loginPaths: ["/login"] }).resource("aws_wafv2_web_acl").rule[0].statement
      .rate_based_statement;
    expect(login.scope_down_statement).toEqual({
      byte_match_statement: {
        search_string: "/login",
        positional_constraint: "STARTS_WITH",
        field_to_match: { uri_path: {} },
        text_transformation: [{ priority: 0, type: "LOWERCASE" }],
      },
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
    expect(certificate).toMatchObject({
      domain_name: "svc.example.com",
      validation_method: "DNS",
      key_algorithm: "RSA_2048",
      lifecycle: { create_before_destroy: true },
    });
    expect(certificate.subject_alternative_names).toBeUndefined();
  });

  test("one validation record per name from the certificate's options, and consumers wait for validation", () => {
    const record = json.resource("aws_route53_record");
    expect(record).toMatchObject({ zone_id: "Z1", ttl: 60, allow_overwrite: true });
    expect(record.for_each).toMatch(/domain_validation_options/);
    expect(json.resource("aws_acm_certificate_validation").validation_record_fqdns).toMatch(
      /\[for record in aws_route53_record\..* : record\.fqdn\]/,
    );
  });

  test("alternative names go on the same certificate", () => {
    const stack = constructStack();
    new DnsValidatedCertificate(stack, "cert", {
      domainName: "svc.example.com",
      alternativeNames: ["www.svc.example.com"],
      hostedZoneId: "Z1",
    });
    expect(synthAlone(stack).resource("aws_acm_certificate").subject_alternative_names).toEqual([
      "www.svc.example.com",
    ]);
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
    expect(json.resource("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
    expect(json.resource("aws_s3_bucket_lifecycle_configuration").rule[0].expiration).toEqual([{ days: 90 }]);
    const statements = json.policyDocument(json.resource("aws_s3_bucket_policy").policy).statement;
    expect(statements.map((statement: { sid: string }) => statement.sid)).toEqual([
      "ElbLogDelivery",
      "ElbLogDeliveryService",
      "DenyInsecureTransport",
    ]);
    for (const statement of statements.slice(0, 2)) {
      expect(statement.actions).toEqual(["s3:PutObject"]);
      expect(statement.resources[0]).toMatch(/\/alb\/AWSLogs\/111122223333\/\*$/);
    }
  });
});
