/**
 * The CloudWatch agent's configuration for the service instances, as the agent reads it from SSM
 * (`amazon-cloudwatch-agent-ctl -a fetch-config -c ssm:<parameter>`). Its shape is the agent's
 * documented schema (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html,
 * aws/amazon-cloudwatch-agent translator/config/schema.json); __tests__/apm.test.ts holds it to that.
 */

/** The Docker bridge's gateway address on the host: the container reaches the agent there. */
export const DOCKER_BRIDGE_GATEWAY = "172.17.0.1";
/** OTLP ports, the OpenTelemetry defaults (gRPC, HTTP/protobuf). */
export const OTLP_GRPC_PORT = 4317;
export const OTLP_HTTP_PORT = 4318;

/** The dimensions the agent's metrics are published with (aggregated over the group's instances). */
export const AGENT_DIMENSIONS = {
  host: ["AutoScalingGroupName"],
  process: ["AutoScalingGroupName", "pattern"],
} as const;

export interface CloudWatchAgentConfigProps {
  /** Seconds between collections of memory, disk and process metrics. */
  readonly intervalSeconds: number;
  /** Command-line patterns of the processes reported one by one (procstat). */
  readonly processPatterns: readonly string[];
  /** service.name and deployment.environment of the agent's own telemetry. */
  readonly serviceName: string;
  /** Environment name: part of the parameter name and of every metric's dimensions. */
  readonly environment: string;
}

/** The agent's JSON configuration: memory, root disk and per-process metrics, and an OTLP trace receiver exporting to X-Ray. */
export function cloudWatchAgentConfig(props: CloudWatchAgentConfigProps): Record<string, unknown> {
  return {
    agent: {
      metrics_collection_interval: props.intervalSeconds,
      // The agent runs as its own user, not root.
      run_as_user: "cwagent",
      "service.name": props.serviceName,
      "deployment.environment": props.environment,
    },
    metrics: {
      namespace: "CWAgent",
      // Resolved by the agent on the instance ($-escaped for Terraform by the caller).
      append_dimensions: { AutoScalingGroupName: "${aws:AutoScalingGroupName}", InstanceId: "${aws:InstanceId}" },
      // Per group (what the alarms and the dashboard read) and per group and process; the
      // per-instance series stay for drilling into one instance.
      aggregation_dimensions: [[...AGENT_DIMENSIONS.host], [...AGENT_DIMENSIONS.process]],
      metrics_collected: {
        mem: { measurement: ["mem_used_percent"] },
        disk: { measurement: ["used_percent", "inodes_free"], resources: ["/"], drop_device: true },
        procstat: props.processPatterns.map((pattern) => ({
          pattern,
          measurement: ["cpu_usage", "memory_rss", "pid_count"],
        })),
      },
    },
    traces: {
      traces_collected: {
        // Only on the Docker bridge: the container can send, nothing outside the instance can.
        otlp: {
          grpc_endpoint: `${DOCKER_BRIDGE_GATEWAY}:${OTLP_GRPC_PORT}`,
          http_endpoint: `${DOCKER_BRIDGE_GATEWAY}:${OTLP_HTTP_PORT}`,
        },
      },
    },
  };
}
