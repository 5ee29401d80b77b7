import { Construct } from "constructs";
import { EncryptionKey } from "../security/encryption-key";
import { PrivateBucket } from "../storage/private-bucket";
import { ServerAccessLogBucket } from "../storage/server-access-log-bucket";

export interface StateBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /** Account of the bucket, its key and its access-log bucket. */
  readonly accountId: string;
  /** Alias of the bucket's KMS key (without alias/); the S3 backend names it in kms_key_id. */
  readonly keyAlias: string;
  /** Days a superseded state version is kept, so a bad apply can be rolled back. @default 90 */
  readonly noncurrentVersionRetentionDays?: number;
  /** Days a saved plan (under savedPlansPrefix) is kept: long enough to approve, short enough not to pile up state copies. @default 7 */
  readonly savedPlanRetentionDays?: number;
  /** Days the state bucket's server access logs are kept. @default 365 */
  readonly accessLogExpiryDays?: number;
}

/** The bucket that receives the state bucket's server access logs (config guarantees it fits 63 characters). */
export function stateAccessLogBucketName(stateBucketName: string): string {
  return `${stateBucketName}-logs`;
}

/**
 * The S3 bucket that holds Terraform state: versioned, SSE-KMS with its own key, private,
 * TLS-only, protected from `terraform destroy`, with server access logs in a bucket of its own.
 */
export class StateBucket extends Construct {
  readonly storage: PrivateBucket;
  readonly key: EncryptionKey;
  /** Where the plan job keeps binary plans for the apply job (they hold prior state and secret values). */
  readonly savedPlansPrefix = "plans/";
  /** Who read or wrote which state file, and when. */
  readonly accessLogs: ServerAccessLogBucket;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    this.key = new EncryptionKey(this, "key", {
      description: `Encrypts Terraform state in ${props.bucketName}`,
      alias: props.keyAlias,
      accountId: props.accountId,
    });
    this.accessLogs = new ServerAccessLogBucket(this, "access-logs", {
      bucketName: stateAccessLogBucketName(props.bucketName),
      accountId: props.accountId,
      sourceBucketNames: [props.bucketName],
      expiryDays: props.accessLogExpiryDays,
    });
    this.storage = new PrivateBucket(this, "storage", {
      bucketName: props.bucketName,
      encryption: { kmsKeyArn: this.key.arn },
      versioned: true,
      preventDestroy: true,
      accessLogs: { bucketName: this.accessLogs.bucket.bucket, prefix: "state/" },
      lifecycleRules: [
        {
          id: "expire-noncurrent-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionRetentionDays ?? 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
        {
          id: "expire-saved-plans",
          status: "Enabled",
          filter: [{ prefix: this.savedPlansPrefix }],
          expiration: [{ days: props.savedPlanRetentionDays ?? 7 }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
        },
      ],
    });
  }
}
