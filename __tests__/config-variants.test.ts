import { Testing } from "cdktf";
import { validateConfigs } from "../src/config/rules/validate";
import { AppStack } from "../src/stacks/app/app-stack";
import { NetworkStack } from "../src/stacks/network/network-stack";
import { ENVIRONMENTS, Synthesized, editedConfig, referenceTo, synthEnvironment, validConfig } from "./support/synth";

/**
 * Values no shipped environment takes, synthesized once for the whole file: staging with the
 * service on port 8080 and no dns.hostedZoneId (so the app stack creates the zone).
 */
const [variant] = validateConfigs({
  staging: editedConfig("staging", (input) => {
    input.app.port = 8080;
    delete input.dns.hostedZoneId;
  }),
});
const variantApp = Testing.app();
const variantStacks = {
  network: Synthesized.of(new NetworkStack(variantApp, variant)),
  app: Synthesized.of(new AppStack(variantApp, variant)),
};

/**
 * Every place the service port shows up in the synthesized Terraform: the load balancer's egress
 * to the app tier and the app tier's ingress from it (network stack), and per colour the target
 * group (whose health check follows it as traffic-port) and the container's PORT (app stack).
 */
function servicePorts(network: Synthesized, app: Synthesized) {
  const rule = (type: string, id: string) => {
    const block = network.named(type, id);
    expect(block.from_port).toBe(block.to_port);
    return block.from_port as number;
  };
  const targetGroups = app.resourceList("aws_lb_target_group");
  const templates = app.resourceList("aws_launch_template");
  expect(targetGroups).toHaveLength(2);
  expect(templates).toHaveLength(2);
  return {
    albEgressToApp: rule("aws_vpc_security_group_egress_rule", "alb-to-app"),
    appIngressFromAlb: rule("aws_vpc_security_group_ingress_rule", "app-from-alb"),
    targetGroups: targetGroups.map((group) => group.port as number),
    healthChecks: targetGroups.map((group) => group.health_check.port as string),
    containerPort: templates.map((template) => Number(/"port" = "(\d+)"/.exec(template.user_data)?.[1])),
  };
}

function expectEverywhere(ports: ReturnType<typeof servicePorts>, port: number) {
  expect(ports).toEqual({
    albEgressToApp: port,
    appIngressFromAlb: port,
    targetGroups: [port, port],
    healthChecks: ["traffic-port", "traffic-port"],
    containerPort: [port, port],
  });
}

describe("the service port has one home: app.port", () => {
  test.each(ENVIRONMENTS)(
    "auth-%s: the load balancer -> instance rules, target groups, health checks and container agree on app.port",
    (env) => {
      const stacks = synthEnvironment(env);
      expectEverywhere(servicePorts(stacks.network, stacks.app), validConfig(env).app.port);
    },
  );

  test("a non-default port (8080) reaches the security groups, target groups, health checks and user data alike", () => {
    expectEverywhere(servicePorts(variantStacks.network, variantStacks.app), 8080);
    // Nothing is left on the old default.
    for (const type of ["aws_vpc_security_group_egress_rule", "aws_vpc_security_group_ingress_rule"]) {
      for (const rule of variantStacks.network.resourceList(type)) expect(rule.from_port).not.toBe(3000);
    }
  });

  test("a port outside 1024-65535 fails the config at app.port", () => {
    expect(() => validateConfigs({ staging: editedConfig("staging", (input) => (input.app.port = 80)) })).toThrow(
      /app\.port/,
    );
  });
});

describe("dns.hostedZoneId decides whether the app stack creates the zone", () => {
  test("unset: the app stack creates the domain's public zone; certificate validation and alias records go there; its name servers are an output", () => {
    const json = variantStacks.app;
    const zone = json.resource("aws_route53_zone");
    expect(zone.name).toBe(variant.dns.domainName);
    const zoneId = referenceTo(json, "aws_route53_zone", zone, "zone_id");
    const records = json.resourceList("aws_route53_record");
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) expect(record.zone_id).toBe(zoneId);
    expect(json.outputs().hosted_zone_name_servers.value).toBe(
      referenceTo(json, "aws_route53_zone", zone, "name_servers"),
    );
  });

  test("set (both shipped environments): no zone is created and nothing asks for delegation", () => {
    for (const env of ENVIRONMENTS) {
      const json = synthEnvironment(env).app;
      expect(json.resourceList("aws_route53_zone")).toEqual([]);
      expect(json.outputs().hosted_zone_name_servers).toBeUndefined();
    }
  });
});
