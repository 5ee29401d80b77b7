import { Token } from "cdktf";
import { ColourFleet, ColourFleetProps } from "../../src/constructs/compute/colour-fleet";
import { constructStack, synthAlone, validationErrors } from "../support/construct-stack";

const MINIMAL: ColourFleetProps = {
  name: "svc-blue",
  colour: "blue",
  vpcId: "vpc-1",
  subnetIds: ["subnet-1", "subnet-2"],
  securityGroupIds: ["sg-1"],
  imageId: "ami-0123456789abcdef0",
  instanceType: "t3.medium",
  instanceProfileArn: "arn:aws:iam::111111111111:instance-profile/svc",
  userDataBase64: "IyEvYmluL3NoCg==",
  port: 8080,
  healthCheckPath: "/health",
  minSize: 2,
  maxSize: 4,
  desiredCapacity: 2,
  targetCpuPercent: 60,
  instanceTags: { Service: "svc" },
};

function fleet(props: Partial<ColourFleetProps> = {}) {
  const stack = constructStack();
  new ColourFleet(stack, "fleet", { ...MINIMAL, ...props });
  return stack;
}

describe("ColourFleet alone, with only the required props", () => {
  const json = synthAlone(fleet());

  test("target group on the given port, health checked there (traffic-port), 30 s draining, slow start off", () => {
    expect(json.resource("aws_lb_target_group")).toMatchObject({
      port: 8080,
      protocol: "HTTP",
      deregistration_delay: "30",
      slow_start: 0,
      health_check: { port: "traffic-port", path: "/health", matcher: "200" },
    });
  });

  test("launch template: IMDSv2 with hop limit 1 (the container cannot reach metadata), encrypted 30 GiB gp3, no key, no public IP", () => {
    const template = json.resource("aws_launch_template");
    expect(template.metadata_options).toMatchObject({ http_tokens: "required", http_put_response_hop_limit: 1 });
    expect(template.block_device_mappings[0].ebs).toEqual({
      volume_size: 30,
      volume_type: "gp3",
      encrypted: "true",
      delete_on_termination: "true",
    });
    expect(template.key_name).toBeUndefined();
    expect(template.network_interfaces).toBeUndefined();
  });

  test("group: 300 s grace and warm-up, refresh at 100% healthy with auto rollback, only CPU target tracking", () => {
    expect(json.resource("aws_autoscaling_group")).toMatchObject({
      health_check_grace_period: 300,
      default_instance_warmup: 300,
      instance_refresh: {
        preferences: { min_healthy_percentage: 100, max_healthy_percentage: 200, auto_rollback: true },
      },
    });
    // Request-count scaling needs the listener: only scaleOnRequestsPerTarget() adds it.
    expect(json.resourceList("aws_autoscaling_policy").map((policy) => policy.name)).toEqual(["svc-blue-cpu"]);
  });

  test("the container may reach instance metadata only when asked (hop limit 2)", () => {
    expect(
      synthAlone(fleet({ containerNeedsInstanceMetadata: true })).resource("aws_launch_template").metadata_options
        .http_put_response_hop_limit,
    ).toBe(2);
  });
});

describe("invalid prop combinations fail synth, with the rules the config schema uses", () => {
  test.each([
    [
      { minSize: 3, desiredCapacity: 2 },
      "minSize/desiredCapacity/maxSize: must satisfy min <= desired <= max (got min 3, desired 2, max 4)",
    ],
    [{ slowStartSeconds: 10 }, "slowStartSeconds: must be 0 or between 30 and 900"],
  ] as [Partial<ColourFleetProps>, string][])("%j", (props, message) => {
    expect(validationErrors(fleet(props))).toEqual([message]);
  });

  test("capacities that are Terraform expressions (the release state's) are left to Terraform", () => {
    expect(validationErrors(fleet({ minSize: Token.asNumber("${local.min}"), desiredCapacity: 0 }))).toEqual([]);
  });
});
