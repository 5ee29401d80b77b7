import { drTrailName } from "../config/naming";
/**
 * The environment's own ARNs per IAM service prefix: what the "named" actions of the action map
 * may act on. Every name the stacks give starts with auth-<env> (naming.ts); the region is left
 * open here and pinned by aws:RequestedRegion (primary and DR). ARN formats: the Service
 * Authorization Reference's resource types of each service,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { pathPrefix, resourcePrefix } from "../config/naming";

/** What the patterns are built from. */
export interface ArnScope {
  readonly environment: string;
  readonly accountId: string;
  /** ECR repository of the service image (registry.repositoryName): the same name in every account. */
  readonly repositoryName: string;
}

/** Services whose API is global (a single endpoint): aws:RequestedRegion is us-east-1 there, so they are exempt from the region condition. */
// Budgets and Cost Explorer answer only in us-east-1, whatever region the stack is in.
export const GLOBAL_SERVICES: readonly string[] = ["iam", "route53", "sts", "budgets", "ce"];

export function arnPatterns(scope: ArnScope): Readonly<Record<string, readonly string[]>> {
  const { accountId: account, environment } = scope;
  const prefix = resourcePrefix(environment);
  // The exact prefix and prefix-*: "auth-prod*" would also match an environment named "production".
  const own = (before: string, after = "") => [`${before}${prefix}${after}`, `${before}${prefix}-*${after}`];
  return {
    autoscaling: [`arn:aws:autoscaling:*:${account}:autoScalingGroup:*:autoScalingGroupName/${prefix}-*`],
    cloudwatch: [...own(`arn:aws:cloudwatch:*:${account}:alarm:`), ...own(`arn:aws:cloudwatch::${account}:dashboard/`)],
    events: own(`arn:aws:events:*:${account}:rule/`),
    logs: [
      ...own(`arn:aws:logs:*:${account}:log-group:/aws/lambda/`, ":*"),
      `arn:aws:logs:*:${account}:log-group:${pathPrefix(environment)}/*`,
      `arn:aws:logs:*:${account}:log-group:${pathPrefix(environment)}-*`,
      ...own(`arn:aws:logs:*:${account}:log-group:aws-waf-logs-`, ":*"),
      ...own(`arn:aws:logs:*:${account}:log-group:/aws/vpc-flow-logs/`, ":*"),
      `arn:aws:logs:*:${account}:log-group:/aws/rds/instance/${prefix}-*`,
      `arn:aws:logs:*:${account}:log-group:/aws/elasticache/${prefix}-*`,
      `arn:aws:logs:*:${account}:log-group:/aws/cloudtrail/${prefix}-*`,
    ],
    rds: [
      `arn:aws:rds:*:${account}:db:${prefix}-*`,
      `arn:aws:rds:*:${account}:pg:${prefix}-*`,
      `arn:aws:rds:*:${account}:subgrp:${prefix}-*`,
      `arn:aws:rds:*:${account}:og:default:*`,
      `arn:aws:rds:*:${account}:snapshot:${prefix}-*`,
      // Automated backups replicated into the DR region: what a restore starts from.
      `arn:aws:rds:*:${account}:auto-backup:*`,
    ],
    elasticache: ["replicationgroup", "cluster", "parametergroup", "subnetgroup", "snapshot"].map(
      (type) => `arn:aws:elasticache:*:${account}:${type}:${prefix}-*`,
    ),
    ecr: [`arn:aws:ecr:*:${account}:repository/${scope.repositoryName}`],
    elasticloadbalancing: [
      ...own(`arn:aws:elasticloadbalancing:*:${account}:loadbalancer/app/`, "/*"),
      `arn:aws:elasticloadbalancing:*:${account}:targetgroup/${prefix}-*/*`,
      ...own(`arn:aws:elasticloadbalancing:*:${account}:listener/app/`, "/*/*"),
      ...own(`arn:aws:elasticloadbalancing:*:${account}:listener-rule/app/`, "/*/*/*"),
    ],
    iam: [
      `arn:aws:iam::${account}:role/${prefix}-*`,
      `arn:aws:iam::${account}:instance-profile/${prefix}-*`,
      `arn:aws:iam::${account}:policy/${prefix}-*`,
      `arn:aws:iam::${account}:oidc-provider/*`,
    ],
    // CreateAlias and UpdateAlias also authorize on the key (tagged Environment, kms-key scoping by tag is on the key actions).
    kms: [`arn:aws:kms:*:${account}:alias/${prefix}-*`, `arn:aws:kms:*:${account}:key/*`],
    // Synthetics creates the canary's function and layer as cwsyn-<canary name>-<id>.
    lambda: [
      `arn:aws:lambda:*:${account}:function:${prefix}-*`,
      `arn:aws:lambda:*:${account}:function:cwsyn-${prefix}-*`,
      `arn:aws:lambda:*:${account}:layer:cwsyn-${prefix}-*`,
      `arn:aws:lambda:*:${account}:layer:cwsyn-${prefix}-*:*`,
    ],
    // Health checks are named by a generated id.
    route53: ["arn:aws:route53:::hostedzone/*", "arn:aws:route53:::change/*", "arn:aws:route53:::healthcheck/*"],
    budgets: own(`arn:aws:budgets::${account}:budget/`),
    dynamodb: own(`arn:aws:dynamodb:*:${account}:table/`),
    synthetics: own(`arn:aws:synthetics:*:${account}:canary:`),
    s3: [`arn:aws:s3:::${prefix}-*`],
    secretsmanager: [
      `arn:aws:secretsmanager:*:${account}:secret:${prefix}/*`,
      `arn:aws:secretsmanager:*:${account}:secret:${prefix}-*`,
    ],
    sns: [`arn:aws:sns:*:${account}:${prefix}-*`],
    sqs: [`arn:aws:sqs:*:${account}:${prefix}-*`],
    ssm: [
      `arn:aws:ssm:*:${account}:parameter${pathPrefix(environment)}/*`,
      ...own(`arn:aws:ssm:*:${account}:parameter/AmazonCloudWatch-`),
    ],
    wafv2: [
      ...own(`arn:aws:wafv2:*:${account}:regional/webacl/`, "/*"),
      // CreateWebACL authorizes on the AWS managed rule groups it references.
      "arn:aws:wafv2:*:*:regional/managedruleset/*/*",
      // AssociateWebACL authorizes on the load balancer too.
      ...own(`arn:aws:elasticloadbalancing:*:${account}:loadbalancer/app/`, "/*"),
    ],
    backup: own(`arn:aws:backup:*:${account}:backup-vault:`),
    // The DR trail apart: it is the one trail the deploy identity may also update and delete (ci-policies.ts, DenyTrailTampering).
    cloudtrail: [
      `arn:aws:cloudtrail:*:${account}:trail/${prefix}-*`,
      `arn:aws:cloudtrail:*:${account}:trail/${drTrailName(environment)}`,
    ],
    "access-analyzer": own(`arn:aws:access-analyzer:*:${account}:analyzer/`),
    securityhub: [
      `arn:aws:securityhub:*:${account}:hub/default`,
      "arn:aws:securityhub:*::standards/*",
      `arn:aws:securityhub:*:${account}:subscription/*`,
    ],
    config: [`arn:aws:config:*:${account}:configuration-recorder/*/*`],
  };
}
