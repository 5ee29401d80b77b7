import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3BucketReplicationConfigurationA as S3BucketReplicationConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** One side of the replication: a versioned SSE-KMS bucket and the key its objects are encrypted with. */
export interface ReplicatedBucket {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly region: string;
  readonly kmsKeyArn: string;
}

export interface StateReplicationProps {
  /** Prefix of the replication role's name (IAM names are global: it must be unique in the account). */
  readonly name: string;
  /** Account of both buckets: S3 may assume the replication role only on its behalf (confused deputy). */
  readonly accountId: string;
  /** The primary state bucket. */
  readonly source: ReplicatedBucket;
  /** The state bucket in the DR region; replicas are re-encrypted with its key. */
  readonly destination: ReplicatedBucket;
  /** Only keys under this prefix replicate (the state files, not saved plans). */
  readonly prefix: string;
  /** Versioning of both buckets: S3 refuses a replication configuration before it is on. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * Cross-region replication of the Terraform state into the DR region, for fail-back and forensics
 * and so the DR stacks can read the last known primary outputs while the primary region is down.
 * SSE-KMS objects replicate only when sse_kms_encrypted_objects is on and the destination names a
 * key in its own region; the role needs Decrypt on the source key and Encrypt on the replica key
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html).
 * Replication Time Control bounds the lag: 99.99% of objects within 15 minutes
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html).
 */
export class StateReplication extends Construct {
  readonly role: IamRole;
  readonly configuration: S3BucketReplicationConfiguration;

  constructor(scope: Construct, id: string, props: StateReplicationProps) {
    super(scope, id);
    const { source, destination } = props;
    // S3 documents this trust without conditions and no aws:SourceArn for replication
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html);
    // aws:SourceAccount is kept, an undocumented SourceArn could stop replication silently.
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["s3.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }],
        },
      ],
    });
    this.role = new IamRole(this, "role", { name: `${props.name}-state-replication`, assumeRolePolicy: trust.json });
    // With S3 Bucket Keys the KMS encryption context is the bucket ARN, without them the object ARN.
    const encryptionContext = (bucket: ReplicatedBucket) => [
      `arn:aws:s3:::${bucket.bucketName}`,
      `arn:aws:s3:::${bucket.bucketName}/*`,
    ];
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
      statement: [
        {
          sid: "ReadReplicationConfiguration",
          actions: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
          resources: [source.bucketArn],
        },
        {
          // Only what the rule copies: the bucket also holds saved plans (plans/), which carry secrets.
          sid: "ReadSourceVersions",
          actions: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
          resources: [`${source.bucketArn}/${props.prefix}*`],
        },
        {
          sid: "WriteReplicas",
          actions: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
          resources: [`${destination.bucketArn}/*`],
        },
        {
          sid: "DecryptSource",
          actions: ["kms:Decrypt"],
          resources: [source.kmsKeyArn],
          condition: [
            { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${source.region}.amazonaws.com`] },
            { test: "StringLike", variable: "kms:EncryptionContext:aws:s3:arn", values: encryptionContext(source) },
          ],
        },
        {
          sid: "EncryptReplicas",
          actions: ["kms:Encrypt", "kms:GenerateDataKey"],
          resources: [destination.kmsKeyArn],
          condition: [
            { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${destination.region}.amazonaws.com`] },
            {
              test: "StringLike",
              variable: "kms:EncryptionContext:aws:s3:arn",
              values: encryptionContext(destination),
            },
          ],
        },
      ],
    });
    new IamRolePolicy(this, "permissions-policy", {
      name: "replicate-state",
      role: this.role.id,
      policy: permissions.json,
    });

    this.configuration = new S3BucketReplicationConfiguration(this, "configuration", {
      bucket: source.bucketName,
      role: this.role.arn,
      dependsOn: props.dependsOn,
      rule: [
        {
          id: "state-to-dr-region",
          status: "Enabled",
          priority: 1,
          filter: { prefix: props.prefix },
          // Lock files come and go; a deleted object must not linger as current in the replica.
          deleteMarkerReplication: { status: "Enabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: {
            bucket: destination.bucketArn,
            storageClass: "STANDARD",
            encryptionConfiguration: { replicaKmsKeyId: destination.kmsKeyArn },
            replicationTime: { status: "Enabled", time: { minutes: 15 } },
            metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
          },
        },
      ],
    });
  }
}
