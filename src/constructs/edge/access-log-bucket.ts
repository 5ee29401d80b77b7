import { DataAwsElbServiceAccount } from "@cdktf/provider-aws/lib/data-aws-elb-service-account";
import { Construct } from "constructs";
import { LogDeliveryBucket } from "../storage/log-delivery-bucket";

export interface AccessLogBucketProps {
  /** Name of the bucket. */
  readonly bucketName: string;
  /** Account whose load balancers write logs (the AWSLogs/<account> path). */
  readonly accountId: string;
  /** Key prefix the load balancer writes under. */
  readonly prefix: string;
  /** Days before log objects expire. @default 90 */
  readonly expiryDays?: number;
}

/**
 * The bucket ALB access logs go to. SSE-S3, not KMS: ELB log delivery cannot write to a
 * KMS-encrypted bucket. Private, TLS-only, and writable only by the region's ELB log delivery
 * under this account's prefix.
 */
export class AccessLogBucket extends LogDeliveryBucket {
  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id, {
      bucketName: props.bucketName,
      expiryDays: props.expiryDays ?? 90,
      deliveryGrants: (bucketArn, bucketScope) => {
        const logObjects = `${bucketArn}/${props.prefix}/AWSLogs/${props.accountId}/*`;
        // The region's ELB account; the provider knows it without calling AWS.
        const elbAccount = new DataAwsElbServiceAccount(bucketScope, "elb-account", {});
        return [
          {
            sid: "ElbLogDelivery",
            principals: [{ type: "AWS", identifiers: [elbAccount.arn] }],
            actions: ["s3:PutObject"],
            resources: [logObjects],
          },
          {
            // Regions opened after August 2022 deliver through this service principal instead.
            sid: "ElbLogDeliveryService",
            principals: [{ type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] }],
            actions: ["s3:PutObject"],
            resources: [logObjects],
          },
        ];
      },
      exemptions: {
        sseS3: "ELB access log delivery only writes to buckets encrypted with SSE-S3 (AES256), never SSE-KMS",
        noAccessLogging:
          "holds only load balancer logs that ELB writes; logging reads of it would need a further log bucket",
        noVersioning: "log objects are written once by ELB log delivery and expire; no object is ever overwritten",
      },
    });
  }
}
