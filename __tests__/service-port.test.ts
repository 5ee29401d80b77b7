import { Testing } from "cdktf";
import { addEnvironment } from "../src/app";
import { validateConfigs } from "../src/config/validate";
import { ENVIRONMENTS, Synthesized, editedConfig, synthEnvironment, validConfig } from "./support/synth";

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
  test.each(ENVIRONMENTS)("auth-%s: the load balancer -> instance rules, target groups, health checks and container agree on app.port", (env) => {
    const stacks = synthEnvironment(env);
    expectEverywhere(servicePorts(stacks.network, stacks.app), validConfig(env).app.port);
  });

  test("a non-default port (8080) reaches the security groups, target groups, health checks and user data alike", () => {
    const [config] = validateConfigs({ staging: editedConfig("staging", (input) => (input.app.port = 8080)) });
    const stacks = addEnvironment(Testing.app(), config);
    const [network, app] = [Synthesized.of(stacks.network), Synthesized.of(stacks.app)];
    expectEverywhere(servicePorts(network, app), 8080);
    // Nothing is left on the old default.
    for (const type of ["aws_vpc_security_group_egress_rule", "aws_vpc_security_group_ingress_rule"]) {
      for (const rule of network.resourceList(type)) expect(rule.from_port).not.toBe(3000);
    }
  });

  test("a port outside 1024-65535 fails the config at app.port", () => {
    expect(() => validateConfigs({ staging: editedConfig("staging", (input) => (input.app.port = 80)) })).toThrow(/app\.port/);
  });
});
