import { Construct } from "constructs";
import { suppressFinding } from "../../compliance/suppress";
import { PrivateBucket, PrivateBucketProps } from "./private-bucket";

/** Why a log bucket departs from the bucket rules, one reason per compliance rule it is exempt from. */
export interface LogBucketExemptions {
  /** Why SSE-S3 and not a customer-managed KMS key (the delivery service cannot write to SSE-KMS). */
  readonly sseS3: string;
  /** Why the bucket has no server access logging of its own. */
  readonly noAccessLogging: string;
  /** Why the bucket keeps no object versions. */
  readonly noVersioning: string;
}

export interface LogDeliveryBucketProps {
  /** Name of the bucket. */
  readonly bucketName: string;
  /** Days before log objects expire. */
  readonly expiryDays: number;
  /** The statements that let exactly the delivering AWS service write its logs here. */
  readonly deliveryGrants: NonNullable<PrivateBucketProps["grants"]>;
  /** The reasons the compliance report shows for this bucket's exemptions. */
  readonly exemptions: LogBucketExemptions;
}

/**
 * A bucket an AWS log delivery service writes to: private and TLS-only like every bucket, but
 * SSE-S3 (log delivery cannot write to SSE-KMS buckets), unversioned, expiring its objects, and
 * writable only through the delivery grants the caller gives.
 */
export class LogDeliveryBucket extends PrivateBucket {
  constructor(scope: Construct, id: string, props: LogDeliveryBucketProps) {
    super(scope, id, {
      bucketName: props.bucketName,
      encryption: "SSE-S3",
      lifecycleRules: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: props.expiryDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
      grants: props.deliveryGrants,
    });
    suppressFinding(this.bucket, "s3-encrypted-with-kms", props.exemptions.sseS3);
    suppressFinding(this.bucket, "s3-access-logging", props.exemptions.noAccessLogging);
    suppressFinding(this.bucket, "s3-versioning", props.exemptions.noVersioning);
  }
}
