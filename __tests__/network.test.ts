import { ENVIRONMENTS, Synthesized, referenceTo, synthEnvironment, validConfig } from "./support/synth";

const synthesized = Object.fromEntries(ENVIRONMENTS.map((env) => [env, synthEnvironment(env).network])) as Record<
  (typeof ENVIRONMENTS)[number],
  Synthesized
>;

describe.each(ENVIRONMENTS)("network stack auth-%s-network", (env) => {
  const config = validConfig(env);
  const json = synthesized[env];
  const zones = config.network.availabilityZones;

  describe("VPC and subnets", () => {
    test("the VPC has the configured CIDR with DNS support and hostnames", () => {
      expect(json.resource("aws_vpc")).toMatchObject({
        cidr_block: config.network.vpcCidr,
        enable_dns_support: true,
        enable_dns_hostnames: true,
      });
    });

    test.each(["public", "private", "isolated"] as const)("%s subnets exist in every configured AZ", (tier) => {
      const subnets = json.resourceList("aws_subnet").filter((subnet) => subnet.tags.Tier === tier);
      expect(subnets.map((subnet) => [subnet.availability_zone, subnet.cidr_block])).toEqual(
        zones.map((zone, index) => [zone, config.network.subnets[tier][index]]),
      );
      for (const subnet of subnets) expect(subnet.map_public_ip_on_launch).toBe(false);
    });
  });

  describe("dual-stack public tier", () => {
    test(`IPv6 ${config.network.publicIpv6 ? "on the VPC and public subnets only, routed to the internet gateway" : "is off"}`, () => {
      expect(json.resource("aws_vpc").assign_generated_ipv6_cidr_block).toBe(config.network.publicIpv6);
      for (const subnet of json.resourceList("aws_subnet")) {
        if (subnet.tags.Tier === "public" && config.network.publicIpv6) {
          expect(subnet.ipv6_cidr_block).toMatch(/cidrsubnet\(aws_vpc\..*\.ipv6_cidr_block, 8, \d\)/);
          expect(subnet.assign_ipv6_address_on_creation).toBe(false);
        } else {
          expect(subnet.ipv6_cidr_block).toBeUndefined();
        }
      }
      const ipv6Routes = json.resourceList("aws_route").filter((route) => route.destination_ipv6_cidr_block === "::/0");
      expect(ipv6Routes.map((route) => route.gateway_id)).toEqual(
        config.network.publicIpv6 ? [expect.stringMatching(/aws_internet_gateway/)] : [],
      );
    });
  });

  describe("routing", () => {
    const routeTables = json.resources("aws_route_table");
    const routes = json.resourceList("aws_route");
    const associations = json.resourceList("aws_route_table_association");
    const tableOf = (subnetName: string) =>
      associations.find((association) => association.subnet_id.includes(`.${subnetName}.`))?.route_table_id as string;
    const subnetNames = (tier: string) =>
      Object.entries(json.resources("aws_subnet"))
        .filter(([, subnet]) => subnet.tags.Tier === tier)
        .map(([name]) => name);

    test("public subnets route to the internet gateway", () => {
      const igw = referenceTo(json, "aws_internet_gateway", json.resource("aws_internet_gateway"), "id");
      const publicTables = new Set(subnetNames("public").map(tableOf));
      expect(publicTables.size).toBe(1);
      const [table] = [...publicTables];
      expect(routes).toContainEqual(
        expect.objectContaining({ route_table_id: table, gateway_id: igw, destination_cidr_block: "0.0.0.0/0" }),
      );
    });

    test(`NAT gateways: ${config.network.natGatewayCount} in the public subnets, each with an Elastic IP`, () => {
      const natGateways = json.resourceList("aws_nat_gateway");
      expect(natGateways).toHaveLength(config.network.natGatewayCount);
      expect(json.resourceList("aws_eip")).toHaveLength(config.network.natGatewayCount);
      for (const natGateway of natGateways) expect(natGateway.subnet_id).toMatch(/aws_subnet\.network_public-subnet/);
    });

    test("private subnets default-route through a NAT gateway, one route table per NAT gateway", () => {
      const privateTables = new Set(subnetNames("private").map(tableOf));
      expect(privateTables.size).toBe(config.network.natGatewayCount);
      for (const table of privateTables) {
        const defaultRoute = routes.find((route) => route.route_table_id === table);
        expect(defaultRoute).toMatchObject({
          destination_cidr_block: "0.0.0.0/0",
          nat_gateway_id: expect.stringMatching(/aws_nat_gateway/),
        });
      }
    });

    test("isolated subnets share one route table with no route to the internet", () => {
      const isolatedTables = new Set(subnetNames("isolated").map(tableOf));
      expect(isolatedTables.size).toBe(1);
      const [table] = [...isolatedTables];
      expect(routes.filter((route) => route.route_table_id === table)).toEqual([]);
      expect(Object.keys(routeTables).length).toBe(1 + config.network.natGatewayCount + 1);
    });

    test("an S3 gateway endpoint serves the private and isolated route tables", () => {
      const endpoint = json.named("aws_vpc_endpoint", "s3-endpoint");
      expect(endpoint).toMatchObject({
        vpc_endpoint_type: "Gateway",
        service_name: `com.amazonaws.${config.aws.region}.s3`,
      });
      const expected = [...new Set([...subnetNames("private").map(tableOf), ...subnetNames("isolated").map(tableOf)])];
      expect([...endpoint.route_table_ids].sort()).toEqual(expected.sort());
    });
  });

  describe("security groups", () => {
    const groups = json.resources("aws_security_group");
    const groupRef = (tier: string) => {
      const [name] = Object.entries(groups).find(([, group]) => group.name === `auth-${env}-${tier}`)!;
      return `\${aws_security_group.${name}.id}`;
    };
    const rules = (direction: "ingress" | "egress", tier: string) =>
      json
        .resourceList(`aws_vpc_security_group_${direction}_rule`)
        .filter((rule) => rule.security_group_id === groupRef(tier))
        .map((rule) => ({
          port: rule.from_port,
          to: rule.to_port,
          protocol: rule.ip_protocol,
          peer: rule.cidr_ipv4 ?? rule.cidr_ipv6 ?? rule.referenced_security_group_id,
        }))
        .sort(byPortThenPeer);
    type RuleView = { port: number; peer: string };
    const byPortThenPeer = (a: RuleView, b: RuleView) => a.port - b.port || a.peer.localeCompare(b.peer);

    test("the default security group is managed and holds no rules", () => {
      expect(json.resource("aws_default_security_group")).toMatchObject({ ingress: [], egress: [] });
    });

    test("no security group has inline rules (so AWS's allow-all egress is removed)", () => {
      for (const group of Object.values(groups)) {
        expect(group.ingress).toBeUndefined();
        expect(group.egress).toBeUndefined();
      }
    });

    test("alb: 443 and 80 from the internet, the test listener from configured CIDRs only, egress to app on the service port only", () => {
      expect(rules("ingress", "alb")).toEqual(
        [
          { port: 443, to: 443, protocol: "tcp", peer: "0.0.0.0/0" },
          { port: 80, to: 80, protocol: "tcp", peer: "0.0.0.0/0" },
          ...(config.network.publicIpv6
            ? [
                { port: 443, to: 443, protocol: "tcp", peer: "::/0" },
                { port: 80, to: 80, protocol: "tcp", peer: "::/0" },
              ]
            : []),
          ...config.app.testListenerAllowedCidrs.map((cidr) => ({
            port: config.app.testListenerPort,
            to: config.app.testListenerPort,
            protocol: "tcp",
            peer: cidr,
          })),
        ].sort(byPortThenPeer),
      );
      expect(rules("egress", "alb")).toEqual([
        { port: config.app.port, to: config.app.port, protocol: "tcp", peer: groupRef("app") },
      ]);
    });

    test("app: the service port from the alb only; egress to db, cache and HTTPS only", () => {
      expect(rules("ingress", "app")).toEqual([
        { port: config.app.port, to: config.app.port, protocol: "tcp", peer: groupRef("alb") },
      ]);
      expect(rules("egress", "app")).toEqual([
        { port: 443, to: 443, protocol: "tcp", peer: "0.0.0.0/0" },
        { port: 5432, to: 5432, protocol: "tcp", peer: groupRef("db") },
        { port: 6379, to: 6379, protocol: "tcp", peer: groupRef("cache") },
      ]);
    });

    test("db: 5432 from app and the credential rotation function only; cache: 6379 from app and the AUTH token rotation function only; neither has egress", () => {
      expect(rules("ingress", "db")).toEqual(
        [
          { port: 5432, to: 5432, protocol: "tcp", peer: groupRef("app") },
          { port: 5432, to: 5432, protocol: "tcp", peer: groupRef("db-rotation") },
        ].sort(byPortThenPeer),
      );
      expect(rules("ingress", "cache")).toEqual(
        [
          { port: 6379, to: 6379, protocol: "tcp", peer: groupRef("app") },
          { port: 6379, to: 6379, protocol: "tcp", peer: groupRef("cache-rotation") },
        ].sort(byPortThenPeer),
      );
      expect(rules("egress", "db")).toEqual([]);
      expect(rules("egress", "cache")).toEqual([]);
    });

    test("cache-rotation: Redis, the Secrets Manager endpoint, and HTTPS for the ElastiCache API; no ingress", () => {
      expect(rules("egress", "cache-rotation")).toEqual(
        [
          { port: 443, to: 443, protocol: "tcp", peer: "0.0.0.0/0" },
          { port: 443, to: 443, protocol: "tcp", peer: groupRef("api-endpoints") },
          { port: 6379, to: 6379, protocol: "tcp", peer: groupRef("cache") },
        ].sort(byPortThenPeer),
      );
      expect(rules("ingress", "cache-rotation")).toEqual([]);
    });

    test("only the alb is reachable from the internet, and every rule has a description", () => {
      const allRules = [
        ...json.resourceList("aws_vpc_security_group_ingress_rule"),
        ...json.resourceList("aws_vpc_security_group_egress_rule"),
      ];
      for (const rule of allRules) expect(rule.description).toMatch(/\w{3,}/);
      const openIngress = json
        .resourceList("aws_vpc_security_group_ingress_rule")
        .filter((rule) => rule.cidr_ipv4 === "0.0.0.0/0" || rule.cidr_ipv6 === "::/0");
      for (const rule of openIngress) {
        expect(rule.security_group_id).toBe(groupRef("alb"));
        expect([80, 443]).toContain(rule.from_port);
      }
      expect(openIngress).toHaveLength(config.network.publicIpv6 ? 4 : 2);
    });
  });

  describe("VPC flow logs", () => {
    const flowLog = json.resource("aws_flow_log");
    const logGroup = json.resource("aws_cloudwatch_log_group");
    const role = json.named("aws_iam_role", "flow-logs");

    test("record ALL traffic of the VPC into CloudWatch Logs", () => {
      expect(flowLog).toMatchObject({
        traffic_type: "ALL",
        log_destination_type: "cloud-watch-logs",
        vpc_id: referenceTo(json, "aws_vpc", json.resource("aws_vpc"), "id"),
        log_destination: referenceTo(json, "aws_cloudwatch_log_group", logGroup, "arn"),
        iam_role_arn: referenceTo(json, "aws_iam_role", role, "arn"),
      });
    });

    test("the log group keeps events for the configured days, encrypted with a customer-managed key", () => {
      expect(logGroup.retention_in_days).toBe(config.network.flowLogRetentionDays);
      const key = json.named("aws_kms_key", "network-logs-key");
      expect(logGroup.kms_key_id).toBe(referenceTo(json, "aws_kms_key", key, "arn"));
      expect(key.enable_key_rotation).toBe(true);
      const policy = json.policyDocument(key.policy);
      expect(policy.statement).toContainEqual(
        expect.objectContaining({
          principals: [{ type: "Service", identifiers: [`logs.${config.aws.region}.amazonaws.com`] }],
          condition: [
            expect.objectContaining({
              variable: "kms:EncryptionContext:aws:logs:arn",
              values: [`arn:aws:logs:${config.aws.region}:${config.aws.accountId}:log-group:*`],
            }),
          ],
        }),
      );
    });

    test("the writer role can only be assumed by the flow-logs service of this account", () => {
      const trust = json.policyDocument(role.assume_role_policy);
      expect(trust.statement).toEqual([
        expect.objectContaining({
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
          condition: expect.arrayContaining([
            expect.objectContaining({ variable: "aws:SourceAccount", values: [config.aws.accountId] }),
          ]),
        }),
      ]);
      const policy = json.policyDocument(json.named("aws_iam_role_policy", "flow-logs").policy);
      expect(policy.statement).toHaveLength(1);
      expect(policy.statement[0].resources).toEqual([
        expect.stringMatching(/aws_cloudwatch_log_group/),
        expect.stringMatching(/aws_cloudwatch_log_group.*:\*$/),
      ]);
    });
  });

  describe("alert topic", () => {
    const topic = json.resource("aws_sns_topic");
    const key = json.named("aws_kms_key", "alerts");

    test("is encrypted with a customer-managed key that CloudWatch alarms may use", () => {
      expect(topic.kms_master_key_id).toBe(referenceTo(json, "aws_kms_key", key, "arn"));
      expect(topic.kms_master_key_id).not.toMatch(/aws\/sns/);
      const policy = json.policyDocument(key.policy);
      expect(policy.statement).toContainEqual(
        expect.objectContaining({
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        }),
      );
    });

    test("lets CloudWatch alarms, budgets and cost anomaly alerts of this account publish and refuses publishing without TLS", () => {
      const policy = json.policyDocument(json.resource("aws_sns_topic_policy").policy);
      expect(policy.statement).toEqual([
        expect.objectContaining({
          actions: ["sns:Publish"],
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
        }),
        // The statements' conditions are asserted in __tests__/cost.test.ts (budgets and anomaly alerts).
        expect.objectContaining({
          actions: ["sns:Publish"],
          principals: [{ type: "Service", identifiers: ["budgets.amazonaws.com"] }],
        }),
        expect.objectContaining({
          actions: ["sns:Publish"],
          principals: [{ type: "Service", identifiers: ["costalerts.amazonaws.com"] }],
        }),
        expect.objectContaining({
          effect: "Deny",
          condition: [expect.objectContaining({ variable: "aws:SecureTransport", values: ["false"] })],
        }),
      ]);
    });

    test("subscribes every configured e-mail address", () => {
      const subscriptions = json.resourceList("aws_sns_topic_subscription");
      expect(subscriptions.map((s) => [s.protocol, s.endpoint])).toEqual(
        config.alarms.emails.map((email) => ["email", email]),
      );
    });
  });

  describe("NAT gateway alarms (capacity planning)", () => {
    const alarms = json.resourceList("aws_cloudwatch_metric_alarm");
    const gateways = json.resources("aws_nat_gateway");

    test("every NAT gateway alarms on port allocation errors and dropped packets, on the alert topic", () => {
      expect(Object.keys(gateways)).toHaveLength(config.network.natGatewayCount);
      for (const [name, gateway] of Object.entries(gateways)) {
        const zone = zones.find((candidate) => name.includes(candidate))!;
        const watching = alarms.filter((alarm) => alarm.dimensions?.NatGatewayId === `\${aws_nat_gateway.${name}.id}`);
        expect(gateway).toBeDefined();
        expect(watching.map((alarm) => [alarm.alarm_name, alarm.metric_name, alarm.threshold]).sort()).toEqual([
          [`auth-${env}-nat-${zone}-packets-dropped`, "PacketsDropCount", config.alarms.network.natPacketsDropped],
          [
            `auth-${env}-nat-${zone}-port-allocation-errors`,
            "ErrorPortAllocation",
            config.alarms.network.natPortAllocationErrors,
          ],
        ]);
        for (const alarm of watching) {
          expect(alarm).toMatchObject({
            namespace: "AWS/NATGateway",
            statistic: "Sum",
            comparison_operator: "GreaterThanThreshold",
            treat_missing_data: "notBreaching",
          });
          expect(alarm.alarm_actions).toEqual([
            referenceTo(json, "aws_sns_topic", json.resource("aws_sns_topic"), "arn"),
          ]);
          expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
        }
      }
    });
  });

  describe("handover outputs", () => {
    test("publish the vpc, subnets per tier, security groups and alert topic", () => {
      expect(Object.keys(json.outputs()).sort()).toEqual(
        [
          "alb_security_group_id",
          "alert_topic_arn",
          "app_security_group_id",
          "cache_rotation_security_group_id",
          "cache_security_group_id",
          "db_rotation_security_group_id",
          "db_security_group_id",
          "isolated_subnet_ids",
          "private_subnet_ids",
          "public_subnet_ids",
          "vpc_id",
        ].sort(),
      );
      expect(json.outputs().private_subnet_ids.value).toHaveLength(zones.length);
    });
  });
});

describe.each(ENVIRONMENTS)("functions in the VPC of %s reach what they call", (env) => {
  const stacks = synthEnvironment(env);
  const inVpc = Object.entries(stacks.data.resources("aws_lambda_function")).filter(([, fn]) => fn.vpc_config);
  /** The network stack's security group behind a handover output the data stack reads. */
  const groupBehind = (reference: string) => {
    const output = /outputs\.(\w+)\}$/.exec(reference)![1];
    return /^\$\{aws_security_group\.([\w-]+)\.id\}$/.exec(stacks.network.outputs()[output].value)![1];
  };
  const endpointGroup = Object.entries(stacks.network.resources("aws_security_group")).find(
    ([, group]) => group.name === `auth-${env}-api-endpoints`,
  )![0];

  test("there are functions in the VPC (the rotation functions)", () => {
    expect(inVpc.map(([name]) => name).sort()).toEqual([
      expect.stringMatching(/^db-service-credentials_rotation/),
      expect.stringMatching(/^redis-auth-rotation/),
    ]);
  });

  test.each(inVpc.map(([name, fn]) => [name, fn] as const))(
    "%s may connect to the Secrets Manager endpoint, which admits its group",
    (_, fn) => {
      // With private DNS on the endpoint, every Secrets Manager call from the VPC goes through it.
      for (const reference of fn.vpc_config.security_group_ids) {
        const group = groupBehind(reference);
        const rules = (type: string) => stacks.network.resourceList(type).filter((rule) => rule.from_port === 443);
        expect(rules("aws_vpc_security_group_egress_rule")).toContainEqual(
          expect.objectContaining({
            security_group_id: `\${aws_security_group.${group}.id}`,
            referenced_security_group_id: `\${aws_security_group.${endpointGroup}.id}`,
          }),
        );
        expect(rules("aws_vpc_security_group_ingress_rule")).toContainEqual(
          expect.objectContaining({
            security_group_id: `\${aws_security_group.${endpointGroup}.id}`,
            referenced_security_group_id: `\${aws_security_group.${group}.id}`,
          }),
        );
      }
    },
  );
});
