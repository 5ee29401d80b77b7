import { Construct } from "constructs";
import { LogDeliveryBucket } from "./log-delivery-bucket";

export interface ServerAccessLogBucketProps {
  /** Name of the bucket. */
  readonly bucketName: string;
  /** Account whose buckets may deliver their access logs here. */
  readonly accountId: string;
  /** The buckets whose server access logs land here (S3 log delivery may write only for them). */
  readonly sourceBucketNames: string[];
  /** Days before log objects expire. @default 365 */
  readonly expiryDays?: number;
}

/**
 * The target of S3 server access logs: SSE-S3, because log delivery cannot write to a bucket whose
 * default encryption is SSE-KMS (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html),
 * private, TLS-only, and writable only by S3 log delivery for the named source buckets of this account.
 */
export class ServerAccessLogBucket extends LogDeliveryBucket {
  constructor(scope: Construct, id: string, props: ServerAccessLogBucketProps) {
    super(scope, id, {
      bucketName: props.bucketName,
      expiryDays: props.expiryDays ?? 365,
      deliveryGrants: (bucketArn) => [
        {
          sid: "S3ServerAccessLogDelivery",
          principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
          actions: ["s3:PutObject"],
          resources: [`${bucketArn}/*`],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] },
            {
              test: "ArnLike",
              variable: "aws:SourceArn",
              values: props.sourceBucketNames.map((name) => `arn:aws:s3:::${name}`),
            },
          ],
        },
      ],
      exemptions: {
        sseS3: "S3 server access log delivery only writes to buckets whose default encryption is SSE-S3",
        noAccessLogging: "this is the access-log bucket; logging its own accesses into itself would loop",
        noVersioning: "log objects are written once by S3 log delivery and expire; no object is ever overwritten",
      },
    });
  }
}
