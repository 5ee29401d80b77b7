import type { HandoverSpec } from "../shared/handover";

/** What the app stack publishes for the release tool and operators (`npm run output`). */
export const appHandover = {
  service_url: {
    type: "string",
    description: "Public URL of the service",
    example: "https://auth.staging.example.com",
  },
  test_listener_url: {
    type: "string",
    description: "Smoke-test URL of the idle colour (reachable from app.testListenerAllowedCidrs only)",
    example: "https://auth.staging.example.com:8443",
  },
  dashboard_url: {
    type: "string",
    description: "The environment's CloudWatch dashboard",
    example:
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/auth-staging",
  },
  load_balancer_dns_name: {
    type: "string",
    description: "ALB DNS name",
    example: "auth-staging-1234567890.eu-west-1.elb.amazonaws.com",
  },
  group_names: {
    type: "map",
    description: "Auto-scaling group per colour",
    example: { blue: "auth-staging-blue", green: "auth-staging-green" },
  },
  target_group_arns: {
    type: "map",
    description: "Target group per colour (the release tool waits for their healthy targets)",
    example: {
      blue: "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/auth-staging-blue/0123456789abcdef",
      green: "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/auth-staging-green/0123456789abcdef",
    },
  },
  current_release: {
    type: "object",
    description: "The release state the stack is deployed with (read from SSM; only npm run release changes it)",
    example: {
      blue_digest: `sha256:${"ab".repeat(32)}`,
      green_digest: "",
      blue_ami_id: "ami-0123456789abcdef0",
      green_ami_id: "ami-0123456789abcdef0",
      green_traffic_percent: 0,
      idle_capacity: 0,
    },
  },
  fleet_status: {
    type: "string",
    description: "Why a fresh environment runs no instance, or serving",
    example: "serving",
  },
  idle_colour: { type: "string", description: "Colour the test listener reaches", example: "green" },
  hosted_zone_name_servers: {
    type: "list",
    description:
      "Name servers to delegate dns.domainName to (only when the app stack created the zone: dns.hostedZoneId unset)",
    example: ["ns-1.awsdns-01.org", "ns-2.awsdns-02.com"],
    optional: true,
  },
} as const satisfies HandoverSpec;
