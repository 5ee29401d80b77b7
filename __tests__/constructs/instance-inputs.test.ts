import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { ServiceTelemetry, ServiceTelemetryProps } from "../../src/constructs/compute/service-telemetry";
import { ReleaseStateSeed } from "../../src/constructs/release/release-state-seed";
import { AL2023_AMI_PARAMETER } from "../../src/release/release-state";
import { constructStack, synthAlone } from "../support/construct-stack";
import { Synthesized } from "../support/synth";

const MINIMAL: ServiceTelemetryProps = {
  name: "t",
  environment: "test",
  region: "eu-west-1",
  accountId: "111122223333",
  serviceName: "auth",
  traceSamplingRatio: 0.1,
  processPatterns: ["node"],
};

describe("ServiceTelemetry alone", () => {
  let json: Synthesized;
  let telemetry: ServiceTelemetry;
  beforeAll(() => {
    const stack = constructStack();
    telemetry = new ServiceTelemetry(stack, "telemetry", MINIMAL);
    telemetry.grantTo(new IamRole(stack, "role", { assumeRolePolicy: "{}" }));
    json = synthAlone(stack);
  });

  test("collects every 60 s by default, from a standard-tier parameter named by the agent's convention", () => {
    expect((telemetry.agentConfig.agent as Record<string, unknown>).metrics_collection_interval).toBe(60);
    expect(json.resource("aws_ssm_parameter")).toMatchObject({
      name: "AmazonCloudWatch-t",
      type: "String",
      tier: "Standard",
    });
    expect(json.resource("aws_ssm_parameter").value).toMatch(/^\$\{file\(/);
  });

  test("the container exports to the agent on the Docker bridge, sampled by the ratio, tagged with its colour", () => {
    expect(telemetry.userDataValues("green")).toMatchObject({
      otel_service_name: "auth",
      otel_exporter_endpoint: "http://172.17.0.1:4318",
      otel_sampling_ratio: "0.1",
      otel_resource_attributes: "deployment.environment=test,service.namespace=t,deployment.colour=green",
    });
  });

  test("the agent reads only its parameter and publishes only into CWAgent", () => {
    const statements = json.policyDocument(json.resource("aws_iam_role_policy").policy).statement;
    expect(statements.map((statement: { sid: string }) => statement.sid)).toEqual([
      "ReadAgentConfig",
      "PublishAgentMetrics",
      "ReadInstanceTags",
      "SendTraces",
    ]);
    expect(statements[0].resources).toEqual(["arn:aws:ssm:eu-west-1:111122223333:parameter/AmazonCloudWatch-t"]);
    expect(statements[1].condition).toEqual([
      { test: "StringEquals", variable: "cloudwatch:namespace", values: ["CWAgent"] },
    ]);
  });

  test("another interval, and the advanced tier once the configuration outgrows 4 KB (branches no shipped config takes)", () => {
    const stack = constructStack();
    const patterns = Array.from({ length: 60 }, (_, index) => `worker-process-number-${index}`);
    const large = new ServiceTelemetry(stack, "telemetry", {
      ...MINIMAL,
      metricsIntervalSeconds: 10,
      processPatterns: patterns,
    });
    expect((large.agentConfig.agent as Record<string, unknown>).metrics_collection_interval).toBe(10);
    expect(synthAlone(stack).resource("aws_ssm_parameter").tier).toBe("Advanced");
  });
});

describe("ReleaseStateSeed alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new ReleaseStateSeed(stack, "seed", { parameterName: "/auth/test/release-state" });
    json = synthAlone(stack);
  });

  test("seeds no image on either colour, all traffic on blue, the current AL2023 AMI on both", () => {
    const parameter = json.resource("aws_ssm_parameter");
    expect(parameter).toMatchObject({ name: "/auth/test/release-state", type: "String", tier: "Standard" });
    expect(Object.values(json.dataSources("aws_ssm_parameter"))[0].name).toBe(AL2023_AMI_PARAMETER);
    const ami = "data.aws_ssm_parameter.seed_al2023-ami_[0-9A-F]+.insecure_value";
    expect(parameter.insecure_value).toMatch(
      new RegExp(
        `^\\$\\{jsonencode\\(\\{"version" = 1, "blue" = \\{"digest" = "", "amiId" = ${ami}\\}, "green" = \\{"digest" = "", "amiId" = ${ami}\\}, "greenTrafficPercent" = 0, "idleCapacity" = 0, "inFlight" = null\\}\\)\\}$`,
      ),
    );
  });

  test("after the first deploy only the release tool writes it: Terraform ignores its value", () => {
    expect(json.resource("aws_ssm_parameter").lifecycle).toEqual({ ignore_changes: ["insecure_value"] });
  });
});
