import { ServiceSecurityGroups, ServiceSecurityGroupsProps } from "../../src/constructs/network/security-groups";
import { constructStack, synthAlone, validationErrors } from "../support/construct-stack";

const MINIMAL: ServiceSecurityGroupsProps = {
  name: "svc",
  vpcId: "vpc-1",
  appPort: 8080,
  testListenerPort: 8443,
  testListenerAllowedCidrs: ["203.0.113.0/24"],
};

function rules(props: Partial<ServiceSecurityGroupsProps> = {}) {
  const stack = constructStack();
  new ServiceSecurityGroups(stack, "groups", { ...MINIMAL, ...props });
  const json = synthAlone(stack);
  return [
    ...json.resourceList("aws_vpc_security_group_ingress_rule"),
    ...json.resourceList("aws_vpc_security_group_egress_rule"),
  ];
}

describe("ServiceSecurityGroups alone", () => {
  test("the load balancer reaches the app tier on appPort only; PostgreSQL 5432 and Redis 6379 by default", () => {
    const ports = (description: RegExp) =>
      rules()
        .filter((rule) => description.test(rule.description))
        .map((rule) => rule.from_port);
    expect(ports(/load balancer|Forward requests/)).toEqual([8080, 8080]);
    expect(new Set(ports(/^PostgreSQL/))).toEqual(new Set([5432]));
    expect(new Set(ports(/^Redis/))).toEqual(new Set([6379]));
  });

  test("IPv4 clients only by default; IPv6 clients only when asked", () => {
    expect(rules().filter((rule) => rule.cidr_ipv6)).toEqual([]);
    expect(
      rules({ allowIpv6Clients: true })
        .filter((rule) => rule.cidr_ipv6)
        .map((rule) => [rule.from_port, rule.cidr_ipv6])
        .sort(),
    ).toEqual([
      [443, "::/0"],
      [80, "::/0"],
    ]);
  });
});

describe("invalid props fail synth, with the rule the config schema uses", () => {
  test("a test listener open to the whole internet", () => {
    const stack = constructStack();
    new ServiceSecurityGroups(stack, "groups", {
      ...MINIMAL,
      testListenerAllowedCidrs: ["203.0.113.0/24", "0.0.0.0/0"],
    });
    expect(validationErrors(stack)).toEqual([
      "testListenerAllowedCidrs[1]: 0.0.0.0/0 opens the test listener to the internet; list the smoke-test runners' networks",
    ]);
  });
});
