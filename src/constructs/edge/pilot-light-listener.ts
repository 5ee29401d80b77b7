import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Construct } from "constructs";
import { AccessLogBucket } from "./access-log-bucket";
import { TLS_POLICY } from "./public-load-balancer";

export interface PilotLightListenerProps {
  /** Name of the load balancer and its security group (32 characters at most). */
  readonly name: string;
  /** VPC of the private subnets. */
  readonly vpcId: string;
  /** Private subnets in at least two availability zones. */
  readonly subnetIds: string[];
  /** The certificate to keep in use. */
  readonly certificateArn: string;
  /** Account of the load balancer (its access log path). */
  readonly accountId: string;
  /** Days before access log objects expire. @default 90 */
  readonly accessLogExpiryDays?: number;
}

/**
 * Keeps a certificate in use so ACM renews it. ACM renews a DNS-validated certificate only while it
 * is associated with another AWS service (or exported); one attached to nothing is not eligible and
 * lapses (https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html). This is the
 * cheapest such association that serves nothing: an internal load balancer in private subnets, a
 * security group without a single rule, and one HTTPS listener that answers 503 to anyone who
 * could reach it. It still logs, drops invalid headers and resists deletion like the real one.
 */
export class PilotLightListener extends Construct {
  readonly loadBalancer: Lb;
  readonly listener: LbListener;

  constructor(scope: Construct, id: string, props: PilotLightListenerProps) {
    super(scope, id);
    const closed = new SecurityGroup(this, "security-group", {
      name: props.name,
      description: "Pilot-light listener: keeps the DR certificate in use; nothing may connect",
      vpcId: props.vpcId,
      // The provider's default egress rule is only added when no egress block is given; none is wanted.
      ingress: [],
      egress: [],
      tags: { Name: props.name },
    });
    const accessLogs = new AccessLogBucket(this, "access-logs", {
      bucketName: `${props.name}-logs-${props.accountId}`,
      accountId: props.accountId,
      prefix: props.name,
      expiryDays: props.accessLogExpiryDays,
    });
    this.loadBalancer = new Lb(this, "alb", {
      name: props.name,
      loadBalancerType: "application",
      internal: true,
      subnets: props.subnetIds,
      securityGroups: [closed.id],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "strictest",
      enableDeletionProtection: true,
      accessLogs: { bucket: accessLogs.bucket.bucket, prefix: props.name, enabled: true },
      dependsOn: [accessLogs.policy],
    });
    this.listener = new LbListener(this, "https", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: TLS_POLICY,
      certificateArn: props.certificateArn,
      defaultAction: [
        {
          type: "fixed-response",
          fixedResponse: { contentType: "text/plain", statusCode: "503", messageBody: "pilot light" },
        },
      ],
    });
  }
}
