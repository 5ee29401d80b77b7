import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { EncryptedLogGroup } from "../monitoring/encrypted-log-group";

export interface VpcFlowLogsProps {
  /** Prefix for the log group and role names, e.g. auth-staging. */
  readonly name: string;
  /** VPC whose traffic is recorded. */
  readonly vpcId: string;
  /** Region of the VPC (the role trusts only its flow logs). */
  readonly region: string;
  /** Account of the VPC (the role trusts only its flow logs). */
  readonly accountId: string;
  /** Days to keep flow records. */
  readonly retentionInDays: number;
  /** Customer-managed key that CloudWatch Logs may use. */
  readonly kmsKeyArn: string;
  /** Which traffic to record. @default ALL, so rejected and accepted flows are both available to investigations */
  readonly trafficType?: "ALL" | "ACCEPT" | "REJECT";
}

/** VPC flow logs into an encrypted log group, written by a role only the flow-logs service can assume. */
export class VpcFlowLogs extends Construct {
  readonly logGroup: EncryptedLogGroup;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    this.logGroup = new EncryptedLogGroup(this, "logs", {
      name: `/aws/vpc-flow-logs/${props.name}`,
      retentionInDays: props.retentionInDays,
      kmsKeyArn: props.kmsKeyArn,
    });

    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] },
            {
              test: "ArnLike",
              variable: "aws:SourceArn",
              values: [`arn:aws:ec2:${props.region}:${props.accountId}:vpc-flow-log/*`],
            },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: `${props.name}-vpc-flow-logs`,
      assumeRolePolicy: trust.json,
    });
    const writeLogs = this.logGroup.writeStatement();
    const writeLogsPolicy = new DataAwsIamPolicyDocument(this, "write-logs", {
      statement: [
        // The flow-logs service also lists the group's streams before it writes
        // (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html).
        { ...writeLogs, actions: [...(writeLogs.actions ?? []), "logs:DescribeLogStreams"] },
      ],
    });
    new IamRolePolicy(this, "write-logs-policy", {
      name: "write-flow-logs",
      role: this.role.id,
      policy: writeLogsPolicy.json,
    });

    new FlowLog(this, "flow-log", {
      vpcId: props.vpcId,
      trafficType: props.trafficType ?? "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.logGroup.arn,
      iamRoleArn: this.role.arn,
      maxAggregationInterval: 60,
      tags: { Name: `${props.name}-vpc` },
    });
  }
}
