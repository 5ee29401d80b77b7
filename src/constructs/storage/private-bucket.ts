import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLoggingA as S3BucketLogging } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import {
  S3BucketLifecycleConfiguration,
  S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA as S3BucketVersioning } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";

export interface PrivateBucketProps {
  /** Name of the bucket. */
  readonly bucketName: string;
  /** Default encryption: SSE-KMS with a customer-managed key, or SSE-S3 where a service cannot use KMS. */
  readonly encryption: { readonly kmsKeyArn: string } | "SSE-S3";
  /** Lifecycle rules (expiry, noncurrent versions). */
  readonly lifecycleRules: S3BucketLifecycleConfigurationRule[];
  /** Grants on top of the TLS-only deny, given the bucket ARN and this construct (for data sources they need). @default none */
  readonly grants?: (bucketArn: string, scope: Construct) => DataAwsIamPolicyDocumentStatement[];
  /** Keep every version of every object. @default false */
  readonly versioned?: boolean;
  /** Make `terraform destroy` refuse to delete the bucket. @default false */
  readonly preventDestroy?: boolean;
  /** Server access logging into another bucket, under a key prefix. @default none */
  readonly accessLogs?: { readonly bucketName: string; readonly prefix: string };
}

/**
 * An S3 bucket nobody outside the account can read: ACLs disabled, every public access block on,
 * encrypted by default, and a policy that refuses any request without TLS.
 */
export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  /** Services that write into the bucket must wait for it. */
  readonly policy: S3BucketPolicy;
  /** Versioning, when on: replication must wait for it. */
  readonly versioning?: S3BucketVersioning;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    if (props.versioned) {
      this.versioning = new S3BucketVersioning(this, "versioning", {
        bucket: this.bucket.id,
        versioningConfiguration: { status: "Enabled" },
      });
    }
    new S3BucketServerSideEncryptionConfiguration(this, "encryption", {
      bucket: this.bucket.id,
      rule: [
        props.encryption === "SSE-S3"
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
          : {
              applyServerSideEncryptionByDefault: {
                sseAlgorithm: "aws:kms",
                kmsMasterKeyId: props.encryption.kmsKeyArn,
              },
              bucketKeyEnabled: true,
            },
      ],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", { bucket: this.bucket.id, rule: props.lifecycleRules });
    if (props.accessLogs) {
      new S3BucketLogging(this, "access-logging", {
        bucket: this.bucket.id,
        targetBucket: props.accessLogs.bucketName,
        targetPrefix: props.accessLogs.prefix,
      });
    }
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      statement: [
        ...(props.grants?.(this.bucket.arn, this) ?? []),
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
