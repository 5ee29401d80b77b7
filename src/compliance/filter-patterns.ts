/**
 * CloudWatch Logs metric filter patterns of the security events, in the syntax of
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 * (JSON patterns `{ $.field = "value" }` joined with && and ||; a quoted term matches a phrase).
 */

/** Namespace of the CIS metrics counted from the CloudTrail log group. */
export const CIS_NAMESPACE = "AuthService/CloudTrail";
/** Namespace of the security events counted from the service's and the database's logs. */
export const SECURITY_EVENTS_NAMESPACE = "AuthService/SecurityEvents";
/** The metrics counted into {@link SECURITY_EVENTS_NAMESPACE}, without dimensions. */
export const SECURITY_EVENT_METRICS = {
  authenticationFailures: "AuthenticationFailures",
  accountLockouts: "AccountLockouts",
  databaseFailedLogins: "DatabaseFailedLogins",
} as const;

export interface CisMetricFilter {
  /** Alarm and filter name suffix. */
  readonly name: string;
  /** Metric the filter counts into {@link CIS_NAMESPACE}. */
  readonly metricName: string;
  /** The CIS AWS Foundations Benchmark recommendation and the Security Hub control that checks it. */
  readonly control: string;
  readonly description: string;
  readonly pattern: string;
}

const anyEventName = (names: readonly string[]) => names.map((name) => `($.eventName = ${name})`).join(" || ");

/**
 * The CIS AWS Foundations Benchmark v1.4.0 section 4 metric filters, all 14, with the patterns Security
 * Hub's CloudWatch.1-14 controls check for (https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html).
 */
export const CIS_METRIC_FILTERS: readonly CisMetricFilter[] = [
  {
    name: "cis-root-account-use",
    metricName: "RootAccountUse",
    control: "CIS 1.4.0 4.3 / CloudWatch.1",
    description: "The root user made an API call or signed in",
    pattern:
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  },
  {
    name: "cis-unauthorized-api-calls",
    metricName: "UnauthorizedApiCalls",
    control: "CIS 1.4.0 4.1 / CloudWatch.2",
    description: "API calls were refused (AccessDenied or UnauthorizedOperation)",
    pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
  },
  {
    name: "cis-console-sign-in-without-mfa",
    metricName: "ConsoleSignInWithoutMfa",
    control: "CIS 1.4.0 4.2 / CloudWatch.3",
    description: "An IAM user signed in to the console without MFA",
    pattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  },
  {
    name: "cis-iam-policy-changes",
    metricName: "IamPolicyChanges",
    control: "CIS 1.4.0 4.4 / CloudWatch.4",
    description: "An IAM policy was created, changed, attached or detached",
    pattern: `{ ${anyEventName([
      "DeleteGroupPolicy",
      "DeleteRolePolicy",
      "DeleteUserPolicy",
      "PutGroupPolicy",
      "PutRolePolicy",
      "PutUserPolicy",
      "CreatePolicy",
      "DeletePolicy",
      "CreatePolicyVersion",
      "DeletePolicyVersion",
      "AttachRolePolicy",
      "DetachRolePolicy",
      "AttachUserPolicy",
      "DetachUserPolicy",
      "AttachGroupPolicy",
      "DetachGroupPolicy",
    ])} }`,
  },
  {
    name: "cis-cloudtrail-changes",
    metricName: "CloudTrailConfigChanges",
    control: "CIS 1.4.0 4.5 / CloudWatch.5",
    description: "A trail was created, changed, deleted, started or stopped",
    pattern: `{ ${anyEventName(["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"])} }`,
  },
  {
    name: "cis-console-authentication-failures",
    metricName: "ConsoleAuthenticationFailures",
    control: "CIS 1.4.0 4.6 / CloudWatch.6",
    description: "A console sign-in failed authentication",
    pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
  },
  {
    name: "cis-kms-key-disabled-or-deleted",
    metricName: "KmsKeyDisabledOrScheduledForDeletion",
    control: "CIS 1.4.0 4.7 / CloudWatch.7",
    description: "A customer-managed KMS key was disabled or scheduled for deletion",
    pattern:
      "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
  },
  {
    name: "cis-s3-bucket-policy-changes",
    metricName: "S3BucketPolicyChanges",
    control: "CIS 1.4.0 4.8 / CloudWatch.8",
    description: "An S3 bucket policy, ACL, CORS, lifecycle or replication configuration was changed",
    pattern: `{ ($.eventSource = s3.amazonaws.com) && (${anyEventName([
      "PutBucketAcl",
      "PutBucketPolicy",
      "PutBucketCors",
      "PutBucketLifecycle",
      "PutBucketReplication",
      "DeleteBucketPolicy",
      "DeleteBucketCors",
      "DeleteBucketLifecycle",
      "DeleteBucketReplication",
    ])}) }`,
  },
  {
    name: "cis-config-changes",
    metricName: "AwsConfigChanges",
    control: "CIS 1.4.0 4.9 / CloudWatch.9",
    description: "AWS Config recording or delivery was stopped or changed",
    pattern: `{ ($.eventSource = config.amazonaws.com) && (${anyEventName([
      "StopConfigurationRecorder",
      "DeleteDeliveryChannel",
      "PutDeliveryChannel",
      "PutConfigurationRecorder",
    ])}) }`,
  },
  {
    name: "cis-security-group-changes",
    metricName: "SecurityGroupChanges",
    control: "CIS 1.4.0 4.10 / CloudWatch.10",
    description: "A security group or one of its rules was created, changed or deleted",
    pattern: `{ ${anyEventName([
      "AuthorizeSecurityGroupIngress",
      "AuthorizeSecurityGroupEgress",
      "RevokeSecurityGroupIngress",
      "RevokeSecurityGroupEgress",
      "CreateSecurityGroup",
      "DeleteSecurityGroup",
    ])} }`,
  },
  {
    name: "cis-network-acl-changes",
    metricName: "NetworkAclChanges",
    control: "CIS 1.4.0 4.11 / CloudWatch.11",
    description: "A network ACL or one of its entries was created, changed or deleted",
    pattern: `{ ${anyEventName([
      "CreateNetworkAcl",
      "CreateNetworkAclEntry",
      "DeleteNetworkAcl",
      "DeleteNetworkAclEntry",
      "ReplaceNetworkAclEntry",
      "ReplaceNetworkAclAssociation",
    ])} }`,
  },
  {
    name: "cis-network-gateway-changes",
    metricName: "NetworkGatewayChanges",
    control: "CIS 1.4.0 4.12 / CloudWatch.12",
    description: "A customer or internet gateway was created, attached, detached or deleted",
    pattern: `{ ${anyEventName([
      "CreateCustomerGateway",
      "DeleteCustomerGateway",
      "AttachInternetGateway",
      "CreateInternetGateway",
      "DeleteInternetGateway",
      "DetachInternetGateway",
    ])} }`,
  },
  {
    name: "cis-route-table-changes",
    metricName: "RouteTableChanges",
    control: "CIS 1.4.0 4.13 / CloudWatch.13",
    description: "A route table or one of its routes or associations was created, changed or deleted",
    pattern: `{ ($.eventSource = ec2.amazonaws.com) && (${anyEventName([
      "CreateRoute",
      "CreateRouteTable",
      "ReplaceRoute",
      "ReplaceRouteTableAssociation",
      "DeleteRouteTable",
      "DeleteRoute",
      "DisassociateRouteTable",
    ])}) }`,
  },
  {
    name: "cis-vpc-changes",
    metricName: "VpcChanges",
    control: "CIS 1.4.0 4.14 / CloudWatch.14",
    description: "A VPC, its attributes, a peering connection or ClassicLink was created, changed or deleted",
    pattern: `{ ${anyEventName([
      "CreateVpc",
      "DeleteVpc",
      "ModifyVpcAttribute",
      "AcceptVpcPeeringConnection",
      "CreateVpcPeeringConnection",
      "DeleteVpcPeeringConnection",
      "RejectVpcPeeringConnection",
      "AttachClassicLinkVpc",
      "DetachClassicLinkVpc",
      "DisableVpcClassicLink",
      "EnableVpcClassicLink",
    ])} }`,
  },
];

/** A JSON pattern matching log events whose `field` holds any of `values` (a config value, never user input). */
export function jsonFieldIsAnyOf(field: string, values: readonly string[]): string {
  return `{ ${values.map((value) => `(${field} = "${value}")`).join(" || ")} }`;
}

/**
 * A failed password login in the RDS PostgreSQL log, which PostgreSQL writes as
 * `FATAL:  password authentication failed for user "..."` (its auth.c); a quoted term matches
 * the phrase anywhere in the line.
 */
export const POSTGRES_FAILED_LOGIN_PATTERN = '"password authentication failed"';
