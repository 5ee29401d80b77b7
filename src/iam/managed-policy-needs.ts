/**
 * What the AWS managed policies the deploy layers attach to service roles are used for here, so the
 * workload boundary (workload-boundary.ts) lets exactly that through. The managed policies grant
 * more (most on "*"); the boundary cuts the rest, on purpose. Their documents are not available
 * offline (no npm catalogue of managed policies is installed), so each need is written down with
 * its source, and a test fails when a stack attaches a managed policy that has no entry here.
 *
 * Resources are templates: {account} and {env} are filled in per environment.
 */
export interface ManagedPolicyNeed {
  /** Actions with no resource type (the catalogue test checks): allowed on "*". */
  readonly anyResource?: readonly string[];
  /** Actions on resources tagged Environment=<env> (the provider's default tags; the fleets propagate them to instances). */
  readonly tagged?: readonly string[];
  /** Actions on the resources below. */
  readonly named?: readonly string[];
  /** Resource patterns of `named`: the environment's own, or named by AWS (then `awsNamed` says why it is accepted). */
  readonly resources?: readonly string[];
  /** Why resources AWS names (no environment in the name) are accepted. @default none */
  readonly awsNamed?: string;
  readonly source: string;
}

const reference = (policy: string) => `https://docs.aws.amazon.com/aws-managed-policy/latest/reference/${policy}.html`;

export const MANAGED_POLICY_NEEDS: Readonly<Record<string, ManagedPolicyNeed>> = {
  // The fleets' instance role: the SSM agent registers the instance and opens Session Manager channels (no SSH).
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore": {
    anyResource: [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
      "ec2messages:AcknowledgeMessage",
      "ec2messages:DeleteMessage",
      "ec2messages:FailMessage",
      "ec2messages:GetEndpoint",
      "ec2messages:GetMessages",
      "ec2messages:SendReply",
      "ssm:PutInventory",
    ],
    tagged: ["ssm:UpdateInstanceInformation", "ssm:ListInstanceAssociations", "ssm:PutComplianceItems"],
    source: `${reference("AmazonSSMManagedInstanceCore")} and https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html`,
  },
  // RDS Enhanced Monitoring writes OS metrics to the account's RDSOSMetrics log group.
  "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole": {
    named: [
      "logs:CreateLogGroup",
      "logs:PutRetentionPolicy",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:DescribeLogStreams",
      "logs:GetLogEvents",
    ],
    resources: ["arn:aws:logs:*:{account}:log-group:RDS*", "arn:aws:logs:*:{account}:log-group:RDS*:log-stream:*"],
    awsNamed: "RDS names the log group RDSOSMetrics for every instance of the account; it holds OS metrics, no data",
    source: reference("AmazonRDSEnhancedMonitoringRole"),
  },
  // AWS Backup snapshots the environment's database and restores it (the daily plan, cross-region copies).
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup": {
    named: [
      "rds:CreateDBSnapshot",
      "rds:DescribeDBSnapshots",
      "rds:DescribeDBInstances",
      "rds:AddTagsToResource",
      "rds:ListTagsForResource",
      "rds:CopyDBSnapshot",
      "rds:DeleteDBSnapshot",
      "rds:ModifyDBSnapshotAttribute",
    ],
    resources: ["arn:aws:rds:*:{account}:db:auth-{env}-*", "arn:aws:rds:*:{account}:snapshot:awsbackup:*"],
    tagged: [
      "kms:DescribeKey",
      "kms:CreateGrant",
      "kms:GenerateDataKey",
      "kms:Decrypt",
      "backup:DescribeBackupVault",
      "backup:CopyIntoBackupVault",
    ],
    anyResource: ["tag:GetResources"],
    awsNamed:
      "AWS Backup names the snapshots it takes awsbackup:job-<id>; the role's trust admits only AWS Backup, which acts on the plan's own selection",
    source: reference("AWSBackupServiceRolePolicyForBackup"),
  },
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores": {
    named: [
      "rds:RestoreDBInstanceFromDBSnapshot",
      "rds:DescribeDBSnapshots",
      "rds:DescribeDBInstances",
      "rds:AddTagsToResource",
      "rds:ListTagsForResource",
    ],
    resources: ["arn:aws:rds:*:{account}:db:auth-{env}-*", "arn:aws:rds:*:{account}:snapshot:awsbackup:*"],
    tagged: ["kms:DescribeKey", "kms:CreateGrant", "kms:Decrypt"],
    awsNamed: "the recovery points AWS Backup restores from are its awsbackup:job-<id> snapshots",
    source: reference("AWSBackupServiceRolePolicyForRestores"),
  },
};
