import { ConfigConfigurationRecorder } from "@cdktf/provider-aws/lib/config-configuration-recorder";
import { ConfigConfigurationRecorderStatus } from "@cdktf/provider-aws/lib/config-configuration-recorder-status";
import { ConfigDeliveryChannel } from "@cdktf/provider-aws/lib/config-delivery-channel";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** The AWS managed policy that lets AWS Config read the configuration of every supported resource type. */
export const AWS_CONFIG_ROLE_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole";

/**
 * Bucket-policy statements AWS Config needs to deliver into `bucketArn` under `prefix`: check the
 * ACL, check the bucket exists, put objects under `<prefix>/AWSLogs/<account>/Config/` with the
 * owner-full-control ACL, each only on behalf of this account
 * (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html).
 */
export function configDeliveryBucketStatements(
  bucketArn: string,
  prefix: string,
  accountId: string,
): DataAwsIamPolicyDocumentStatement[] {
  const principals = [{ type: "Service", identifiers: ["config.amazonaws.com"] }];
  const fromThisAccount = { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] };
  return [
    {
      sid: "AWSConfigBucketPermissionsCheck",
      principals,
      actions: ["s3:GetBucketAcl"],
      resources: [bucketArn],
      condition: [fromThisAccount],
    },
    {
      sid: "AWSConfigBucketExistenceCheck",
      principals,
      actions: ["s3:ListBucket"],
      resources: [bucketArn],
      condition: [fromThisAccount],
    },
    {
      sid: "AWSConfigBucketDelivery",
      principals,
      actions: ["s3:PutObject"],
      resources: [`${bucketArn}/${prefix}/AWSLogs/${accountId}/Config/*`],
      condition: [
        fromThisAccount,
        { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
      ],
    },
  ];
}

export interface ConfigRecorderProps {
  /** Prefix of the recorder, channel and role names. */
  readonly name: string;
  /** Account recorded: only AWS Config acting for it may assume the recording role. */
  readonly accountId: string;
  /** Bucket the configuration history and snapshots go to; its policy must hold {@link configDeliveryBucketStatements}. */
  readonly bucketName: string;
  /** ARN of that bucket. */
  readonly bucketArn: string;
  /** Key prefix in the bucket. */
  readonly prefix: string;
  /** Customer-managed key of the bucket; the recording role encrypts the delivered files with it. */
  readonly kmsKeyArn: string;
  /** Record IAM and other global resource types: exactly one region of the account should. @default true */
  readonly includeGlobalResourceTypes?: boolean;
  /** What must exist before the channel is created (the bucket policy AWS Config checks). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * AWS Config recording every supported resource type, which Security Hub needs: most FSBP controls
 * are AWS Config rules and produce no finding without a recorder
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-setup-prereqs.html).
 * The recorder must exist before the channel, and recording starts only once both exist
 * (https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html).
 */
export class ConfigRecorder extends Construct {
  readonly recorder: ConfigConfigurationRecorder;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["config.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }],
        },
      ],
    });
    // Read access to resource configurations comes from the managed policy; delivery is this bucket prefix and key only.
    const delivery = new DataAwsIamPolicyDocument(this, "delivery", {
      statement: [
        { sid: "CheckBucket", actions: ["s3:GetBucketAcl", "s3:ListBucket"], resources: [props.bucketArn] },
        {
          sid: "DeliverConfiguration",
          actions: ["s3:PutObject"],
          resources: [`${props.bucketArn}/${props.prefix}/AWSLogs/${props.accountId}/Config/*`],
          condition: [{ test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] }],
        },
        { sid: "EncryptDeliveries", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [props.kmsKeyArn] },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: `${props.name}-config-recorder`,
      description: `AWS Config records ${props.name} resource configurations and delivers them to S3`,
      assumeRolePolicy: trust.json,
      inlinePolicy: [{ name: "deliver-configuration", policy: delivery.json }],
    });
    const readConfiguration = new IamRolePolicyAttachment(this, "read-configuration", {
      role: this.role.name,
      policyArn: AWS_CONFIG_ROLE_POLICY_ARN,
    });

    this.recorder = new ConfigConfigurationRecorder(this, "recorder", {
      name: props.name,
      roleArn: this.role.arn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: props.includeGlobalResourceTypes ?? true },
    });
    const channel = new ConfigDeliveryChannel(this, "channel", {
      name: props.name,
      s3BucketName: props.bucketName,
      s3KeyPrefix: props.prefix,
      s3KmsKeyArn: props.kmsKeyArn,
      snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
      dependsOn: [this.recorder, readConfiguration, ...(props.dependsOn ?? [])],
    });
    new ConfigConfigurationRecorderStatus(this, "status", {
      name: this.recorder.name,
      isEnabled: true,
      dependsOn: [channel],
    });
  }
}
