import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { EncryptedLogGroup, logsCanUseKey } from "../monitoring/encrypted-log-group";
import { PrivateBucket } from "../storage/private-bucket";
import { ServerAccessLogBucket } from "../storage/server-access-log-bucket";
import { configDeliveryBucketStatements } from "./config-recorder";
import { EncryptionKey, serviceCanUseKey } from "./encryption-key";

export interface AuditTrailProps {
  /** Trail name; also names its key alias, buckets, log group and role. */
  readonly name: string;
  /** Account the trail records: the bucket and key policies admit CloudTrail only on its behalf. */
  readonly accountId: string;
  /** Home region of the trail (it records every region). */
  readonly region: string;
  /** Retention of the CloudWatch Logs copy, which the CIS alarms read. */
  readonly logRetentionDays: number;
  /** Days before log files move to Standard-IA. @default 90 */
  readonly archiveAfterDays?: number;
  /** Days before log files expire. @default 365 */
  readonly expireAfterDays?: number;
  /** Also let AWS Config deliver into the trail bucket under this key prefix. @default none */
  readonly configDeliveryPrefix?: string;
  /**
   * Create the trail itself. false builds only its store (key, buckets, log group, delivery role), for
   * a trail another stack starts later with recordingTrail() (the DR trail: stored by the pilot light,
   * started at restore). @default true
   */
  readonly recording?: boolean;
  /** Name of the CloudWatch Logs copy. @default /aws/cloudtrail/<name> */
  readonly logGroupName?: string;
}

/** Where a trail delivers: what recordingTrail() needs from an AuditTrail's store. */
export interface TrailStore {
  /** Trail name; the store's key, bucket and role policies admit only this trail. */
  readonly name: string;
  readonly bucketName: string;
  readonly keyArn: string;
  /** ARN of the CloudWatch Logs group, without the `:*` suffix. */
  readonly logGroupArn: string;
  readonly roleArn: string;
}

/**
 * The trail on its store: every region, global service events, log file validation, encrypted with
 * the store's key, copied to its log group. Created after the store's bucket and key policies exist
 * (CreateTrail checks both).
 */
export function recordingTrail(
  scope: Construct,
  id: string,
  store: TrailStore,
  dependsOn?: ITerraformDependable[],
): Cloudtrail {
  return new Cloudtrail(scope, id, {
    name: store.name,
    s3BucketName: store.bucketName,
    isMultiRegionTrail: true,
    includeGlobalServiceEvents: true,
    enableLogFileValidation: true,
    enableLogging: true,
    kmsKeyId: store.keyArn,
    // CloudTrail wants the log group ARN with its log-stream wildcard.
    cloudWatchLogsGroupArn: `${store.logGroupArn}:*`,
    cloudWatchLogsRoleArn: store.roleArn,
    dependsOn,
  });
}

/**
 * The account's CloudTrail: every region, global service events, log file validation, log and
 * digest files in a versioned, access-logged, KMS-encrypted bucket, and a copy in an encrypted
 * CloudWatch Logs group for metric filters. The key and bucket policies are the documented ones,
 * narrowed to this trail with aws:SourceArn
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html).
 */
export class AuditTrail extends Construct {
  /** The trail; undefined when only the store is built (recording: false). */
  readonly trail?: Cloudtrail;
  /** What a trail on this store needs (recordingTrail). */
  readonly store: TrailStore;
  readonly key: EncryptionKey;
  readonly bucket: PrivateBucket;
  readonly logGroup: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const { name, accountId, region } = props;
    // Known before the trail exists, so the key and bucket policies can name it without a cycle.
    const trailArn = `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
    const thisTrail = { test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] };
    const bucketName = `${name}-${accountId}`;
    const logGroupName = props.logGroupName ?? `/aws/cloudtrail/${name}`;

    this.key = new EncryptionKey(this, "key", {
      description: `Encrypts the ${name} CloudTrail log files and their CloudWatch Logs copy`,
      alias: `${name}-trail`,
      accountId,
      serviceStatements: [
        serviceCanUseKey(
          "CloudTrailEncryptLogs",
          "cloudtrail.amazonaws.com",
          [
            thisTrail,
            {
              test: "StringLike",
              variable: "kms:EncryptionContext:aws:cloudtrail:arn",
              values: [`arn:aws:cloudtrail:*:${accountId}:trail/*`],
            },
          ],
          ["kms:GenerateDataKey*"],
        ),
        serviceCanUseKey("CloudTrailDescribeKey", "cloudtrail.amazonaws.com", [thisTrail], ["kms:DescribeKey"]),
        // Digest files are not written with the trail's key; should S3 apply the bucket's default
        // encryption (this key, bucket key on) to them, CloudTrail needs the key in the S3 context.
        serviceCanUseKey(
          "CloudTrailBucketDefaultEncryption",
          "cloudtrail.amazonaws.com",
          [
            thisTrail,
            {
              test: "StringEquals",
              variable: "kms:EncryptionContext:aws:s3:arn",
              values: [`arn:aws:s3:::${bucketName}`],
            },
          ],
          ["kms:GenerateDataKey*"],
        ),
        // Only the trail's own log group may use the trail key, not every group of the account.
        logsCanUseKey(region, accountId, logGroupName),
      ],
    });

    const accessLogs = new ServerAccessLogBucket(this, "access-logs", {
      bucketName: `${name}-access-logs-${accountId}`,
      accountId,
      sourceBucketNames: [bucketName],
    });
    this.bucket = new PrivateBucket(this, "bucket", {
      bucketName,
      encryption: { kmsKeyArn: this.key.arn },
      versioned: true,
      accessLogs: { bucketName: accessLogs.bucket.bucket, prefix: `${bucketName}/` },
      lifecycleRules: [
        {
          id: "archive-then-expire-trail-logs",
          status: "Enabled",
          filter: [{ prefix: "" }],
          transition: [{ days: props.archiveAfterDays ?? 90, storageClass: "STANDARD_IA" }],
          expiration: [{ days: props.expireAfterDays ?? 365 }],
          noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
      grants: (bucketArn) => [
        {
          sid: "CloudTrailAclCheck",
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          actions: ["s3:GetBucketAcl"],
          resources: [bucketArn],
          condition: [thisTrail],
        },
        {
          sid: "CloudTrailWrite",
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          actions: ["s3:PutObject"],
          resources: [`${bucketArn}/AWSLogs/${accountId}/*`],
          condition: [
            thisTrail,
            { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
          ],
        },
        ...(props.configDeliveryPrefix
          ? configDeliveryBucketStatements(bucketArn, props.configDeliveryPrefix, accountId)
          : []),
      ],
    });

    this.logGroup = new EncryptedLogGroup(this, "logs", {
      name: logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyArn: this.key.arn,
    });
    const assume = new DataAwsIamPolicyDocument(this, "logs-assume", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
          condition: [thisTrail],
        },
      ],
    });
    const delivery = new DataAwsIamPolicyDocument(this, "logs-delivery", {
      statement: [this.logGroup.writeStatement("DeliverToTrailLogGroup")],
    });
    const role = new IamRole(this, "logs-role", {
      name: `${name}-cloudwatch-logs`,
      description: `CloudTrail ${name} delivers events to its CloudWatch Logs group`,
      assumeRolePolicy: assume.json,
      inlinePolicy: [{ name: "deliver-trail-events", policy: delivery.json }],
    });

    this.store = {
      name,
      bucketName: this.bucket.bucket.bucket,
      keyArn: this.key.arn,
      logGroupArn: this.logGroup.arn,
      roleArn: role.arn,
    };
    // Creating the trail checks the bucket policy and the key policy: both must exist first.
    if (props.recording ?? true)
      this.trail = recordingTrail(this, "trail", this.store, [this.bucket.policy, this.key.key]);
  }
}
