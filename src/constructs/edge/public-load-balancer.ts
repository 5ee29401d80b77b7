import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** TLS 1.3 with TLS 1.2 fallback: the strictest policy clients of a public login page can use. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export interface WeightedTarget {
  readonly targetGroup: LbTargetGroup;
  /** Share of requests, 0-999 relative to the other targets. */
  readonly weight: number;
}

export interface PublicLoadBalancerProps {
  /** Name of the load balancer. */
  readonly name: string;
  /** Public subnets, one per availability zone. */
  readonly subnetIds: string[];
  /** Security groups of the load balancer (the alb tier's). */
  readonly securityGroupIds: string[];
  /** Validated certificate for the HTTPS listeners. */
  readonly certificateArn: string;
  /** Where HTTPS requests go, by weight. */
  readonly targets: WeightedTarget[];
  /** Listener port for smoke tests, forwarding to `testTargetGroupArn`. */
  readonly testListenerPort: number;
  /** Target group the test listener forwards to: the idle colour's. */
  readonly testTargetGroupArn: string;
  /** Bucket and prefix for access logs, and what must exist before logging is switched on (the bucket policy). */
  readonly accessLogs: { readonly bucket: string; readonly prefix: string; readonly dependsOn: ITerraformDependable[] };
  /** Dual-stack (IPv4 and IPv6) instead of IPv4 only; needs IPv6 public subnets. @default false */
  readonly dualStack?: boolean;
  /** AWS refuses to delete the load balancer while this is on. @default true */
  readonly deletionProtection?: boolean;
}

/**
 * An internet-facing ALB that only speaks HTTPS (TLS 1.3 policy, HTTP answered with a 301),
 * drops invalid headers, logs every request, and splits traffic between weighted targets.
 */
export class PublicLoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly httpsListener: LbListener;
  readonly testListener: LbListener;

  constructor(scope: Construct, id: string, props: PublicLoadBalancerProps) {
    super(scope, id);
    this.loadBalancer = new Lb(this, "alb", {
      name: props.name,
      loadBalancerType: "application",
      internal: false,
      ipAddressType: props.dualStack ? "dualstack" : "ipv4",
      subnets: props.subnetIds,
      securityGroups: props.securityGroupIds,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "strictest",
      enableDeletionProtection: props.deletionProtection ?? true,
      accessLogs: { bucket: props.accessLogs.bucket, prefix: props.accessLogs.prefix, enabled: true },
      dependsOn: props.accessLogs.dependsOn,
    });
    new LbListener(this, "http", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    });
    this.httpsListener = new LbListener(this, "https", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: TLS_POLICY,
      certificateArn: props.certificateArn,
      defaultAction: [
        {
          type: "forward",
          forward: {
            targetGroup: props.targets.map((target) => ({ arn: target.targetGroup.arn, weight: target.weight })),
          },
        },
      ],
    });
    this.testListener = new LbListener(this, "test", {
      loadBalancerArn: this.loadBalancer.arn,
      port: props.testListenerPort,
      protocol: "HTTPS",
      sslPolicy: TLS_POLICY,
      certificateArn: props.certificateArn,
      defaultAction: [{ type: "forward", targetGroupArn: props.testTargetGroupArn }],
    });
  }
}
