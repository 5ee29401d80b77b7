import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import {
  PublicLoadBalancer,
  PublicLoadBalancerProps,
  TLS_POLICY,
} from "../../src/constructs/edge/public-load-balancer";
import { constructStack, synthAlone } from "../support/construct-stack";

function loadBalancer(props: Partial<PublicLoadBalancerProps> = {}) {
  const stack = constructStack();
  const group = (name: string) =>
    new LbTargetGroup(stack, name, { name, port: 8080, protocol: "HTTP", vpcId: "vpc-1" });
  new PublicLoadBalancer(stack, "edge", {
    name: "svc",
    subnetIds: ["subnet-1", "subnet-2"],
    securityGroupIds: ["sg-1"],
    certificateArn: "arn:aws:acm:eu-west-1:111111111111:certificate/1",
    targets: [
      { targetGroup: group("blue"), weight: 100 },
      { targetGroup: group("green"), weight: 0 },
    ],
    testListenerPort: 8443,
    testTargetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/green/1",
    accessLogs: { bucket: "logs", prefix: "svc", dependsOn: [] },
    ...props,
  });
  return synthAlone(stack);
}

describe("PublicLoadBalancer alone, with only the required props", () => {
  const json = loadBalancer();
  const listener = (port: number) => json.resourceList("aws_lb_listener").find((candidate) => candidate.port === port)!;

  test("defaults are the safe ones: IPv4 only, deletion protection on, invalid headers dropped, strictest desync mitigation, access logs on", () => {
    expect(json.resource("aws_lb")).toMatchObject({
      internal: false,
      ip_address_type: "ipv4",
      enable_deletion_protection: true,
      drop_invalid_header_fields: true,
      desync_mitigation_mode: "strictest",
      access_logs: { bucket: "logs", prefix: "svc", enabled: true },
    });
  });

  test("HTTP only redirects (301 to HTTPS); HTTPS and the test listener use the TLS 1.3 policy", () => {
    expect(listener(80).default_action).toEqual([
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } },
    ]);
    expect(listener(443).ssl_policy).toBe(TLS_POLICY);
    expect(listener(8443).ssl_policy).toBe(TLS_POLICY);
    expect(
      listener(443).default_action[0].forward.target_group.map((target: { weight: number }) => target.weight),
    ).toEqual([100, 0]);
  });

  test("dual-stack when asked", () => {
    expect(loadBalancer({ dualStack: true }).resource("aws_lb").ip_address_type).toBe("dualstack");
  });
});
