import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { AutoscalingPolicy } from "@cdktf/provider-aws/lib/autoscaling-policy";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Fn, ITerraformDependable, TerraformResourceLifecycle } from "cdktf";
import { Construct } from "constructs";
import { capacityProblem, slowStartProblem } from "../../config/rules/combination-rules";
import { validateProps } from "../validate-props";

/** Group metrics published to CloudWatch (the in-service alarm needs GroupInServiceInstances). */
export const GROUP_METRICS = [
  "GroupMinSize",
  "GroupMaxSize",
  "GroupDesiredCapacity",
  "GroupInServiceInstances",
  "GroupPendingInstances",
  "GroupTerminatingInstances",
  "GroupTotalInstances",
];

export interface ColourFleetProps {
  /** Name of the target group, launch template and group, e.g. auth-staging-blue. */
  readonly name: string;
  /** The colour (blue or green), tagged on the instances and named in the description. */
  readonly colour: string;
  /** VPC of the target group. */
  readonly vpcId: string;
  /** Private subnets across at least two AZs. */
  readonly subnetIds: string[];
  /** Security groups of the instances (the app tier's). */
  readonly securityGroupIds: string[];
  /**
   * AMI id the instances boot, pinned per release. Never a `resolve:ssm:` parameter: instance
   * refresh auto rollback does not support those, and the AMI would float with every scale-out.
   */
  readonly imageId: string;
  /** EC2 instance type. */
  readonly instanceType: string;
  /** Instance profile the instances run with. */
  readonly instanceProfileArn: string;
  /** Boot script, base64-encoded. */
  readonly userDataBase64: string;
  /** Port the container listens on: the target group sends requests and health checks there. */
  readonly port: number;
  /** Path the target group health check requests (expects 200). */
  readonly healthCheckPath: string;
  /** IMDSv2 hop limit 2 lets the container (one hop further) reach instance metadata. @default false */
  readonly containerNeedsInstanceMetadata?: boolean;
  /** Size of the encrypted gp3 root volume. @default 30 */
  readonly rootVolumeGb?: number;
  /** Capacity bounds; may be Terraform expressions (idle colours shrink). */
  readonly minSize: number;
  /** Most instances target tracking may scale to. */
  readonly maxSize: number;
  /** Initial desired capacity; afterwards target tracking owns it. */
  readonly desiredCapacity: number;
  /** Health check grace period and instance warm-up. @default 300 */
  readonly healthCheckGracePeriodSeconds?: number;
  /** Healthy share kept during an instance refresh; 100 launches replacements before terminating. @default 100 */
  readonly minHealthyPercent?: number;
  /** Conditions checked before the group is changed (for example: its image exists). @default none */
  readonly preconditions?: TerraformResourceLifecycle["precondition"];
  /** Time a deregistering target keeps its in-flight requests. @default 30 */
  readonly deregistrationDelaySeconds?: number;
  /** Time a new target's share of requests ramps up over; 0 or 30-900. @default 0 (off) */
  readonly slowStartSeconds?: number;
  /** Target tracking goal: average CPU percent. */
  readonly targetCpuPercent: number;
  /** Tags for the instances and their volumes (provider default_tags do not reach them). */
  readonly instanceTags: Record<string, string>;
}

/**
 * One colour of the service: a target group, a hardened launch template (IMDSv2, encrypted gp3,
 * no SSH key, no public IP) and an auto-scaling group that replaces its instances whenever the
 * launch template changes and scales on CPU. Scaling on requests per target needs the target group
 * behind a listener, so the caller adds it with {@link ColourFleet.scaleOnRequestsPerTarget}.
 */
export class ColourFleet extends Construct {
  readonly targetGroup: LbTargetGroup;
  readonly launchTemplate: LaunchTemplate;
  readonly group: AutoscalingGroup;

  constructor(scope: Construct, id: string, props: ColourFleetProps) {
    super(scope, id);
    validateProps(this, [
      {
        prop: "minSize/desiredCapacity/maxSize",
        values: [props.minSize, props.desiredCapacity, props.maxSize],
        problem: () => capacityProblem(props.minSize, props.desiredCapacity, props.maxSize),
      },
      {
        prop: "slowStartSeconds",
        values: [props.slowStartSeconds],
        problem: () => slowStartProblem(props.slowStartSeconds ?? 0),
      },
    ]);
    this.targetGroup = new LbTargetGroup(this, "target-group", {
      name: props.name,
      vpcId: props.vpcId,
      port: props.port,
      protocol: "HTTP",
      targetType: "instance",
      deregistrationDelay: String(props.deregistrationDelaySeconds ?? 30),
      slowStart: props.slowStartSeconds ?? 0,
      healthCheck: {
        enabled: true,
        path: props.healthCheckPath,
        port: "traffic-port",
        protocol: "HTTP",
        matcher: "200",
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
    const tags = { ...props.instanceTags, Name: props.name, Colour: props.colour };
    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      name: props.name,
      description: `Auth service, ${props.colour}`,
      imageId: props.imageId,
      instanceType: props.instanceType,
      iamInstanceProfile: { arn: props.instanceProfileArn },
      vpcSecurityGroupIds: props.securityGroupIds,
      userData: props.userDataBase64,
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: props.containerNeedsInstanceMetadata ? 2 : 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: props.rootVolumeGb ?? 30,
            volumeType: "gp3",
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
      monitoring: { enabled: true },
      tagSpecifications: [
        { resourceType: "instance", tags },
        { resourceType: "volume", tags },
      ],
    });
    this.group = new AutoscalingGroup(this, "group", {
      name: props.name,
      vpcZoneIdentifier: props.subnetIds,
      launchTemplate: { id: this.launchTemplate.id, version: Fn.tostring(this.launchTemplate.latestVersion) },
      minSize: props.minSize,
      maxSize: props.maxSize,
      desiredCapacity: props.desiredCapacity,
      targetGroupArns: [this.targetGroup.arn],
      healthCheckType: "ELB",
      healthCheckGracePeriod: props.healthCheckGracePeriodSeconds ?? 300,
      defaultInstanceWarmup: props.healthCheckGracePeriodSeconds ?? 300,
      enabledMetrics: GROUP_METRICS,
      metricsGranularity: "1Minute",
      instanceRefresh: {
        strategy: "Rolling",
        // Replacements launch before old instances go (up to twice the capacity), so a change
        // that is not a release never leaves one instance carrying the colour's traffic.
        preferences: {
          minHealthyPercentage: props.minHealthyPercent ?? 100,
          maxHealthyPercentage: 200,
          autoRollback: true,
        },
      },
      tag: Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
      // Target tracking owns desired capacity once the group exists.
      lifecycle: { ignoreChanges: ["desired_capacity"], precondition: props.preconditions },
    });
    new AutoscalingPolicy(this, "cpu-target", {
      name: `${props.name}-cpu`,
      autoscalingGroupName: this.group.name,
      policyType: "TargetTrackingScaling",
      targetTrackingConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
        targetValue: props.targetCpuPercent,
      },
    });
  }

  /**
   * Also scale on requests per target. AWS only accepts this once the target group is attached
   * to a listener, hence the explicit dependency.
   */
  scaleOnRequestsPerTarget(
    requestsPerTarget: number,
    loadBalancerArnSuffix: string,
    listener: ITerraformDependable,
  ): void {
    new AutoscalingPolicy(this, "requests-target", {
      name: `${this.group.name}-requests`,
      autoscalingGroupName: this.group.name,
      policyType: "TargetTrackingScaling",
      targetTrackingConfiguration: {
        predefinedMetricSpecification: {
          predefinedMetricType: "ALBRequestCountPerTarget",
          resourceLabel: `${loadBalancerArnSuffix}/${this.targetGroup.arnSuffix}`,
        },
        targetValue: requestsPerTarget,
      },
      dependsOn: [listener],
    });
  }
}
