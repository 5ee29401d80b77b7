import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Construct } from "constructs";
import { serviceCanUseKey } from "../security/encryption-key";

export interface EncryptedLogGroupProps {
  /** Log group name. */
  readonly name: string;
  /** Days to keep events. */
  readonly retentionInDays: number;
  /** Customer-managed key; its policy must include {@link logsCanUseKey}. */
  readonly kmsKeyArn: string;
}

/** A CloudWatch log group that always has a retention period and a customer-managed key. */
export class EncryptedLogGroup extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly name: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: props.name,
      retentionInDays: props.retentionInDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.name = this.logGroup.name;
    this.arn = this.logGroup.arn;
  }

  /** The statement a writer of this log group needs (see {@link logWriteStatement}). */
  writeStatement(sid?: string): DataAwsIamPolicyDocumentStatement {
    return logWriteStatement(this.arn, sid);
  }
}

/**
 * Create streams in one log group and put events into them, nothing else. CreateLogStream is
 * authorized on the log group, PutLogEvents on its streams
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html).
 */
export function logWriteStatement(logGroupArn: string, sid?: string): DataAwsIamPolicyDocumentStatement {
  return {
    sid,
    actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
    resources: [logGroupArn, `${logGroupArn}:log-stream:*`],
  };
}

/**
 * Key-policy statement letting CloudWatch Logs in one region use the key for this account's log
 * groups whose name matches `logGroupName` (ArnLike: `*` allowed; @default every group). CloudWatch
 * Logs sends the group ARN, without `:*`, as the encryption context
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
 */
export function logsCanUseKey(region: string, accountId: string, logGroupName = "*") {
  return serviceCanUseKey("CloudWatchLogsUseKey", `logs.${region}.amazonaws.com`, [
    {
      test: "ArnLike",
      variable: "kms:EncryptionContext:aws:logs:arn",
      values: [`arn:aws:logs:${region}:${accountId}:log-group:${logGroupName}`],
    },
  ]);
}
