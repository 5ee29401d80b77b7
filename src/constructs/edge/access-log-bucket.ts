import { DataAwsElbServiceAccount } from "@cdktf/provider-aws/lib/data-aws-elb-service-account";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { Construct } from "constructs";

export interface AccessLogBucketProps {
  readonly bucketName: string;
  readonly accountId: string;
  /** Key prefix the load balancer writes under. */
  readonly prefix: string;
  /** Days before log objects expire. @default 90 */
  readonly expiryDays?: number;
}

/**
 * The bucket ALB access logs go to. SSE-S3, not KMS: ELB log delivery cannot write to a
 * KMS-encrypted bucket. Private, TLS-only, and writable only by the region's ELB log delivery
 * account under this account's prefix.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: S3Bucket;
  /** The load balancer must wait for it: enabling access logs writes a test object. */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", { bucket: props.bucketName });
    new S3BucketOwnershipControls(this, "ownership", { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfiguration(this, "encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      rule: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: props.expiryDays ?? 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    // The region's ELB account; the provider knows it without calling AWS.
    const elbAccount = new DataAwsElbServiceAccount(this, "elb-account", {});
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      statement: [
        {
          sid: "ElbLogDelivery",
          principals: [{ type: "AWS", identifiers: [elbAccount.arn] }],
          actions: ["s3:PutObject"],
          resources: [`${this.bucket.arn}/${props.prefix}/AWSLogs/${props.accountId}/*`],
        },
        {
          // Regions opened after August 2022 deliver through this service principal instead.
          sid: "ElbLogDeliveryService",
          principals: [{ type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] }],
          actions: ["s3:PutObject"],
          resources: [`${this.bucket.arn}/${props.prefix}/AWSLogs/${props.accountId}/*`],
        },
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    this.policy = new S3BucketPolicy(this, "policy-attachment", { bucket: this.bucket.id, policy: policy.json });
  }
}
