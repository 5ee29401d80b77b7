import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { createHash } from "crypto";
import { mkdirSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { AssetType, Fn, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { cloudWatchAgentConfig, DOCKER_BRIDGE_GATEWAY, OTLP_HTTP_PORT } from "./cloudwatch-agent-config";

/** SSM's size limit of a standard parameter; larger values need the (paid) advanced tier. */
const STANDARD_PARAMETER_LIMIT = 4096;

export interface ServiceTelemetryProps {
  /** Prefix of the parameter and policy names, e.g. auth-staging. */
  readonly name: string;
  /** Environment name, the deployment.environment of the telemetry. */
  readonly environment: string;
  /** Region and account of the parameter (its ARN in the agent's permissions). */
  readonly region: string;
  /** Account of the parameter. */
  readonly accountId: string;
  /** OTEL_SERVICE_NAME of the container. */
  readonly serviceName: string;
  /** Share of new traces sampled (parent-based trace id ratio). */
  readonly traceSamplingRatio: number;
  /** How often the agent collects memory, disk and process metrics. @default 60 */
  readonly metricsIntervalSeconds?: number;
  /** Command-line patterns of the processes whose CPU and memory are reported. */
  readonly processPatterns: readonly string[];
}

/** What the boot script needs to start the agent and to give the container its exporter settings. */
export interface TelemetryUserDataValues {
  readonly agent_config_parameter: string;
  readonly otel_service_name: string;
  readonly otel_exporter_endpoint: string;
  readonly otel_sampling_ratio: string;
  readonly otel_resource_attributes: string;
}

/**
 * APM for the service instances: the CloudWatch agent's configuration in an SSM parameter
 * (memory, disk and per-process metrics, and an OTLP receiver that sends the container's traces to
 * X-Ray), the exporter settings the container gets as OpenTelemetry environment variables, and the
 * least-privilege permissions of the agent (a subset of CloudWatchAgentServerPolicy: no log
 * shipping, no EBS lookups) through grantTo.
 */
export class ServiceTelemetry extends Construct {
  readonly agentConfigParameter: SsmParameter;
  /** Name of the parameter (the agent's convention: AmazonCloudWatch-<name>). */
  readonly parameterName: string;
  /** The agent's configuration as deployed (for tests and reviews). */
  readonly agentConfig: Record<string, unknown>;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ServiceTelemetryProps,
  ) {
    super(scope, id);
    this.agentConfig = cloudWatchAgentConfig({
      intervalSeconds: props.metricsIntervalSeconds ?? 60,
      processPatterns: props.processPatterns,
      serviceName: props.serviceName,
      environment: props.environment,
    });
    // Shipped as a file and read with file(): the agent's own ${aws:...} placeholders stay literal,
    // and the JSON and HCL exports carry the same value (no quoting or heredoc differences).
    const value = JSON.stringify(this.agentConfig, null, 1);
    const directory = join(tmpdir(), "auth-infra-assets");
    mkdirSync(directory, { recursive: true });
    const path = join(
      directory,
      `cloudwatch-agent-${createHash("sha256").update(value).digest("hex").slice(0, 16)}.json`,
    );
    writeFileSync(path, value);
    const asset = new TerraformAsset(this, "agent-config-file", { path, type: AssetType.FILE });
    this.parameterName = `AmazonCloudWatch-${props.name}`;
    this.agentConfigParameter = new SsmParameter(this, "agent-config", {
      name: this.parameterName,
      description: `CloudWatch agent configuration of the ${props.name} service instances`,
      type: "String",
      tier: value.length > STANDARD_PARAMETER_LIMIT ? "Advanced" : "Standard",
      value: Fn.file(asset.path),
    });
  }

  /** The values of the boot script's telemetry placeholders for one colour. */
  userDataValues(colour: string): TelemetryUserDataValues {
    return {
      // A reference, so no instance boots before its configuration exists.
      agent_config_parameter: this.agentConfigParameter.name,
      otel_service_name: this.props.serviceName,
      otel_exporter_endpoint: `http://${DOCKER_BRIDGE_GATEWAY}:${OTLP_HTTP_PORT}`,
      otel_sampling_ratio: String(this.props.traceSamplingRatio),
      otel_resource_attributes: `deployment.environment=${this.props.environment},service.namespace=${this.props.name},deployment.colour=${colour}`,
    };
  }

  /** Lets the instances' agent read its configuration, publish its metrics and send traces. */
  grantTo(role: IamRole): void {
    const document = new DataAwsIamPolicyDocument(this, "agent-permissions", {
      statement: [
        {
          sid: "ReadAgentConfig",
          actions: ["ssm:GetParameter"],
          resources: [`arn:aws:ssm:${this.props.region}:${this.props.accountId}:parameter/${this.parameterName}`],
        },
        {
          sid: "PublishAgentMetrics",
          actions: ["cloudwatch:PutMetricData"],
          // PutMetricData has no resource-level permissions; the namespace condition is its only scope.
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["CWAgent"] }],
        },
        // The agent reads the instance's aws:autoscaling:groupName tag for the AutoScalingGroupName dimension.
        { sid: "ReadInstanceTags", actions: ["ec2:DescribeTags"], resources: ["*"] },
        {
          sid: "SendTraces",
          // Only the exporter's writes: the container samples by ratio itself (OTEL_TRACES_SAMPLER), so
          // X-Ray's centralized sampling actions are not needed. These support no resource-level permissions.
          actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
          resources: ["*"],
        },
      ],
    });
    new IamRolePolicy(this, "agent-policy", {
      name: `${this.props.name}-telemetry`,
      role: role.id,
      policy: document.json,
    });
  }
}
