import { readFileSync } from "fs";
import { join } from "path";
import { z } from "zod";
import { DOCKER_BRIDGE_GATEWAY } from "../src/constructs/compute/cloudwatch-agent-config";
import { renderUserData, UserDataValues } from "../src/constructs/compute/user-data";
import { COLOURS } from "../src/release/release-state";
import { ENVIRONMENTS, SYNTH_DIR, synthEnvironment, validConfig } from "./support/synth";

/**
 * The agent's documented configuration shape, for the sections we use, as its JSON schema states it
 * (aws/amazon-cloudwatch-agent, translator/config/schema.json; the field reference is
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html).
 * Strict where the schema says additionalProperties: false.
 */
const interval = z.number().int().min(1).max(172800);
const measurement = z
  .array(z.string().min(1).max(255))
  .refine((names) => new Set(names).size === names.length, "measurement names must be unique");
// append_dimensions: "we only support fixed key value pair now".
const FIXED_APPEND_DIMENSIONS: Record<string, string> = {
  ImageId: "${aws:ImageId}",
  InstanceId: "${aws:InstanceId}",
  InstanceType: "${aws:InstanceType}",
  AutoScalingGroupName: "${aws:AutoScalingGroupName}",
};
const endpoint = z
  .string()
  .min(4)
  .max(2048)
  .regex(/^(\d{1,3}\.){3}\d{1,3}:\d{1,5}$/, "must be ip:port");
const agentConfigSchema = z.object({
  agent: z.object({
    metrics_collection_interval: interval,
    run_as_user: z.string().min(1),
    "service.name": z.string().min(1).max(255),
    "deployment.environment": z.string().min(1).max(259),
  }),
  metrics: z.strictObject({
    namespace: z.string().min(1).max(255),
    append_dimensions: z
      .record(z.string(), z.string().min(1).max(1024))
      .refine(
        (dimensions) => Object.entries(dimensions).every(([key, value]) => FIXED_APPEND_DIMENSIONS[key] === value),
        "append_dimensions supports only the fixed pairs ImageId, InstanceId, InstanceType, AutoScalingGroupName",
      ),
    aggregation_dimensions: z
      .array(z.array(z.string().min(1).max(1024)).max(30))
      .min(1)
      .max(1024),
    metrics_collected: z.strictObject({
      mem: z.object({ measurement }),
      disk: z.object({
        measurement,
        resources: z.array(z.string().min(1).max(4096)).max(256),
        drop_device: z.boolean(),
      }),
      procstat: z
        .array(
          z.object({
            pattern: z.string().min(1).max(255).optional(),
            exe: z.string().optional(),
            pid_file: z.string().optional(),
            measurement,
          }),
        )
        .min(1)
        .max(255)
        .refine(
          (items) => items.every((item) => item.pattern ?? item.exe ?? item.pid_file),
          "each procstat entry needs pid_file, exe or pattern",
        ),
    }),
  }),
  traces: z.strictObject({
    traces_collected: z.strictObject({
      otlp: z.strictObject({ grpc_endpoint: endpoint, http_endpoint: endpoint }),
    }),
  }),
});

describe.each(ENVIRONMENTS)(
  "APM in %s: the CloudWatch agent, traces to X-Ray, the container's exporter settings",
  (env) => {
    const config = validConfig(env);
    const json = synthEnvironment(env).app;
    const parameter = json.resource("aws_ssm_parameter");
    // The value is file() of an asset shipped with the stack: the agent gets its ${aws:...} placeholders verbatim.
    const assetPath = /^\$\{file\("(assets\/[^"]+\.json)"\)\}$/.exec(parameter.value)![1];
    const agentConfigText = readFileSync(join(SYNTH_DIR, "stacks", `auth-${env}-app`, assetPath), "utf8");
    const agentConfig = JSON.parse(agentConfigText);
    const templates = COLOURS.map((colour) => json.named("aws_launch_template", `${colour}_launch-template`));

    describe("the CloudWatch agent, configured through an SSM parameter", () => {
      test("the parameter holds a configuration of the agent's documented shape", () => {
        expect(parameter).toMatchObject({ name: `AmazonCloudWatch-auth-${env}`, type: "String", tier: "Standard" });
        expect(agentConfigText.length).toBeLessThanOrEqual(4096);
        expect(agentConfig.metrics.append_dimensions.AutoScalingGroupName).toBe("${aws:AutoScalingGroupName}");
        expect(() => agentConfigSchema.parse(agentConfig)).not.toThrow();
        // The shape check itself refuses what the agent refuses.
        expect(
          agentConfigSchema.safeParse({
            ...agentConfig,
            metrics: { ...agentConfig.metrics, append_dimensions: { Colour: "blue" } },
          }).success,
        ).toBe(false);
        expect(
          agentConfigSchema.safeParse({
            ...agentConfig,
            metrics: {
              ...agentConfig.metrics,
              metrics_collected: {
                ...agentConfig.metrics.metrics_collected,
                procstat: [{ measurement: ["cpu_usage"] }],
              },
            },
          }).success,
        ).toBe(false);
      });

      test("collects memory, root disk and, per configured process, CPU and memory", () => {
        const collected = agentConfig.metrics.metrics_collected;
        expect(collected.mem.measurement).toContain("mem_used_percent");
        expect(collected.disk).toMatchObject({
          resources: ["/"],
          measurement: expect.arrayContaining(["used_percent"]),
        });
        expect(collected.procstat.map((entry: any) => entry.pattern)).toEqual(config.apm.processes);
        for (const entry of collected.procstat)
          expect(entry.measurement).toEqual(expect.arrayContaining(["cpu_usage", "memory_rss"]));
        expect(agentConfig.agent.metrics_collection_interval).toBe(config.apm.metricsIntervalSeconds);
        // The dimensions the alarms and the dashboard read (the metric catalog holds them to these).
        expect(agentConfig.metrics.aggregation_dimensions).toEqual([
          ["AutoScalingGroupName"],
          ["AutoScalingGroupName", "pattern"],
        ]);
      });

      test("every instance starts the agent from the parameter at boot, after Docker and before the service", () => {
        for (const template of templates)
          expect(template.user_data).toMatch(
            /"agent_config_parameter" = aws_ssm_parameter\.telemetry_agent-config_\w+\.name/,
          );
        const script = renderUserData(exampleValues({ agent_config_parameter: parameter.name }));
        const start = script.indexOf(
          `amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c "ssm:${parameter.name}"`,
        );
        expect(start).toBeGreaterThan(script.indexOf("systemctl enable --now docker"));
        expect(start).toBeLessThan(script.indexOf("docker run"));
        expect(script).toMatch(/dnf install -y [^\n]*amazon-cloudwatch-agent/);
        // After a reboot too: systemd starts the agent after Docker has made the bridge.
        expect(script).toContain(
          "printf '[Unit]\\nAfter=docker.service\\nWants=docker.service\\n' > /etc/systemd/system/amazon-cloudwatch-agent.service.d/after-docker.conf",
        );
      });
    });

    describe("traces: the container exports OTLP to the agent, which sends them to X-Ray", () => {
      test("the container's exporter endpoint is the agent's receiver, on the Docker bridge only", () => {
        const receiver = agentConfig.traces.traces_collected.otlp;
        expect(receiver.http_endpoint).toBe(`${DOCKER_BRIDGE_GATEWAY}:4318`);
        expect(receiver.grpc_endpoint).toBe(`${DOCKER_BRIDGE_GATEWAY}:4317`);
        for (const template of templates)
          expect(template.user_data).toContain(`"otel_exporter_endpoint" = "http://${receiver.http_endpoint}"`);
      });

      test("the container gets the exporter settings as environment variables; the sampling ratio is config", () => {
        for (const [index, template] of templates.entries()) {
          expect(template.user_data).toContain(`"otel_sampling_ratio" = "${config.apm.traceSamplingRatio}"`);
          expect(template.user_data).toContain(`"otel_service_name" = "${config.apm.serviceName}"`);
          expect(template.user_data).toContain(`deployment.colour=${COLOURS[index]}`);
        }
        const environment = envFileOf(
          renderUserData(exampleValues({ otel_sampling_ratio: String(config.apm.traceSamplingRatio) })),
        );
        expect(environment).toMatchObject({
          OTEL_SERVICE_NAME: "auth-service",
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://${DOCKER_BRIDGE_GATEWAY}:4318`,
          OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
          OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
          OTEL_TRACES_SAMPLER_ARG: String(config.apm.traceSamplingRatio),
        });
      });
    });

    test("the instance role may read the agent's configuration, publish CWAgent metrics and send traces, and nothing more", () => {
      const policy = json.policyDocument(json.named("aws_iam_role_policy", "telemetry").policy);
      const bySid = Object.fromEntries(policy.statement.map((statement: any) => [statement.sid, statement]));
      expect(Object.keys(bySid).sort()).toEqual([
        "PublishAgentMetrics",
        "ReadAgentConfig",
        "ReadInstanceTags",
        "SendTraces",
      ]);
      expect(bySid.ReadAgentConfig).toMatchObject({
        actions: ["ssm:GetParameter"],
        resources: [`arn:aws:ssm:${config.aws.region}:${config.aws.accountId}:parameter/AmazonCloudWatch-auth-${env}`],
      });
      expect(bySid.PublishAgentMetrics).toMatchObject({
        actions: ["cloudwatch:PutMetricData"],
        condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["CWAgent"] }],
      });
      expect(bySid.SendTraces.actions).toEqual(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]);
      const role = json.named("aws_iam_role_policy", "telemetry").role;
      expect(role).toMatch(/^\$\{aws_iam_role\.instance-role_\w+\.id\}$/);
      for (const statement of policy.statement) expect(statement.actions.join()).not.toMatch(/\*|logs:|iam:/);
    });
  },
);

function exampleValues(overrides: Partial<UserDataValues>): UserDataValues {
  return {
    colour: "green",
    region: "eu-west-1",
    registry: "111111111111.dkr.ecr.eu-west-1.amazonaws.com",
    repository_url: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/auth-service",
    image_digest: `sha256:${"c0".repeat(32)}`,
    db_secret_arn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db",
    redis_secret_arn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:redis",
    app_secret_arn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:app",
    db_host: "db.example",
    db_port: "5432",
    db_name: "auth",
    redis_host: "redis.example",
    redis_port: "6379",
    node_env: "staging",
    port: "3000",
    log_group: "/auth/staging/service",
    agent_config_parameter: "AmazonCloudWatch-auth-staging",
    otel_service_name: "auth-service",
    otel_exporter_endpoint: `http://${DOCKER_BRIDGE_GATEWAY}:4318`,
    otel_sampling_ratio: "1",
    otel_resource_attributes: "deployment.environment=staging",
    ...overrides,
  };
}

/** The container's environment file as the boot script writes it (the heredoc), variable by variable. */
function envFileOf(script: string): Record<string, string> {
  const body = /cat > "\$ENV_FILE" <<ENVIRONMENT\n([\s\S]*?)\nENVIRONMENT/.exec(script)![1];
  return Object.fromEntries(
    body.split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}
