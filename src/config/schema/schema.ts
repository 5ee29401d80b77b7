import { z } from "zod";
import { alarmsSchema } from "./alarms-schema";
import { apmSchema } from "./apm-schema";
import { costSchema } from "./cost-schema";
import { Problem, capacityProblem, enhancedMonitoringProblem, slowStartProblem } from "../rules/combination-rules";
import { parseCidr } from "./cidr";
import { disasterRecoverySchema } from "./dr-schema";
import { outsideInSchema } from "./outside-in-schema";
import { securityAlarmsSchema, securitySchema } from "./security-schema";
import { accountsSchema } from "./accounts-schema";
import { scheduledChecksSchema } from "./scheduled-checks-schema";

/** Retention periods CloudWatch Logs accepts; anything else is rejected by the API at apply time. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");
const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region name such as eu-west-1");
const cidr = z.string().refine((value) => parseCidr(value) !== undefined, {
  message: "must be an IPv4 CIDR block a.b.c.d/n with no host bits set",
});
const logRetentionDays = z.number().refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
  message: `must be one of the CloudWatch Logs retention values: ${LOG_RETENTION_DAYS.join(", ")}`,
});
/** Adds a rule's problem, if any, as an issue of the field being refined. */
function report(ctx: z.RefinementCtx, problem: Problem): void {
  if (problem) ctx.addIssue({ code: "custom", message: problem });
}

const tagValue = z.string().min(1, "must not be empty").max(256, "must be at most 256 characters");

const capacity = z
  .strictObject({
    min: z
      .number()
      .int()
      .min(1, "a colour that takes traffic needs at least one instance")
      .describe("Fewest instances of a colour with traffic"),
    desired: z.number().int().min(0).describe("Instances a colour with traffic starts with"),
    max: z.number().int().min(1).describe("Most instances target tracking may scale a colour to"),
  })
  .superRefine((value, ctx) => report(ctx, capacityProblem(value.min, value.desired, value.max)));

/** "hh:mm-hh:mm" in UTC, as RDS and ElastiCache take daily windows. */
const dailyWindow = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "must be a UTC window hh:mm-hh:mm");
/** "ddd:hh:mm-ddd:hh:mm" in UTC, as RDS and ElastiCache take weekly maintenance windows. */
const weeklyWindow = z
  .string()
  .regex(
    /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/,
    "must be a UTC window ddd:hh:mm-ddd:hh:mm",
  );

const postgres = z.strictObject({
  majorVersion: z
    .union([z.literal(16), z.literal(17)])
    .describe("Major version; RDS applies minor upgrades in the maintenance window"),
  instanceClass: z
    .string()
    .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "must be an RDS instance class such as db.t3.micro")
    .describe("RDS instance class of the database"),
  allocatedStorageGb: z.number().int().min(20, "gp3 needs at least 20 GiB").describe("Initial gp3 storage size"),
  maxAllocatedStorageGb: z.number().int().describe("Storage autoscaling ceiling"),
  multiAz: z.boolean().describe("Keep a synchronous standby in a second availability zone"),
  databaseName: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a PostgreSQL identifier (lowercase, digits, _)")
    .describe("Name of the service's database"),
  masterUsername: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,15}$/, "must be 1-16 lowercase letters, digits or _")
    .describe("RDS master user (its password is RDS-managed, in Secrets Manager)"),
  serviceUsername: z
    .string()
    .regex(
      /^[a-z][a-z0-9_]{0,56}$/,
      "must be a PostgreSQL identifier of 1-57 lowercase letters, digits or _ (rotation appends _clone)",
    )
    .describe(
      "The service's own login; the rotation alternates it with <serviceUsername>_clone, so at most 57 characters",
    ),
  serviceSchema: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a PostgreSQL identifier (lowercase, digits, _)")
    .describe("The only schema the service may use (and create objects in)"),
  serviceCredentialRotationDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .describe(
      "Days between rotations of the service's credentials; the credentials an instance holds stay valid for one more period",
    ),
  backupRetentionDays: z
    .number()
    .int()
    .min(1)
    .max(35)
    .describe("Days of automated backups: the point-in-time recovery horizon; at least 7 in production"),
  backupWindow: dailyWindow.describe("Daily UTC window of automated backups; must not overlap the maintenance window"),
  maintenanceWindow: weeklyWindow.describe("Weekly UTC maintenance window"),
  slowStatementThresholdMs: z
    .number()
    .int()
    .min(0)
    .describe("log_min_duration_statement: statements slower than this are logged"),
  enhancedMonitoringIntervalSeconds: z
    .number()
    .superRefine((seconds, ctx) => report(ctx, enhancedMonitoringProblem(seconds)))
    .describe("0 turns enhanced monitoring off"),
  performanceInsights: z
    .boolean()
    .describe("Performance Insights; rejected for micro and small classes, which lack it"),
  deletionProtection: z.boolean().describe("RDS deletion protection; must be true in production"),
  preventDestroy: z
    .boolean()
    .describe("Adds lifecycle.prevent_destroy, so a plan that would delete the database fails"),
  masterPasswordRotationDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .optional()
    .describe("Rotation period of the RDS-managed master password; unset keeps RDS's default (7 days)"),
  crossRegionBackupRetentionDays: z
    .number()
    .int()
    .min(1)
    .max(35)
    .optional()
    .describe("Retention of automated backups replicated to the DR region; unset disables replication"),
});

const redis = z.strictObject({
  engineVersion: z
    .string()
    .regex(/^7\.\d+$/, "must be a Redis 7.x version such as 7.1")
    .describe("Engine version, 7.x"),
  nodeType: z
    .string()
    .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, "must be an ElastiCache node type such as cache.t3.micro")
    .describe("ElastiCache node type"),
  clusterMode: z.boolean().describe("Cluster mode: shards with replicas and automatic failover"),
  shards: z.number().int().min(1).max(500).describe("Node groups; 1 unless cluster mode is on"),
  replicasPerShard: z.number().int().min(0).max(5).describe("Replicas per node group; at least 1 with cluster mode"),
  snapshotRetentionDays: z.number().int().min(0).max(35).describe("Days of daily Redis snapshots kept"),
  snapshotWindow: dailyWindow.describe("Daily UTC snapshot window; must not overlap the maintenance window"),
  maintenanceWindow: weeklyWindow.describe("Weekly UTC maintenance window"),
  authTokenRotationDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .describe(
      "Rotation period of the AUTH token (ROTATE, fleet refresh, then SET); the first rotation runs at creation",
    ),
});

const backup = z.strictObject({
  enabled: z
    .boolean()
    .describe("AWS Backup plan with a copy into the DR region, on top of RDS's own automated backups"),
  schedule: z
    .string()
    .regex(/^cron\(.+\)$/, "must be a cron() expression")
    .describe("Cron expression of the daily backup job (UTC)"),
  retentionDays: z.number().int().min(1).describe("Days AWS Backup keeps each recovery point"),
  drRetentionDays: z.number().int().min(1).describe("Days the DR-region copy is kept"),
});

const secrets = z.strictObject({
  recoveryWindowDays: z.number().int().min(7).max(30).describe("Days a deleted secret can still be restored"),
  appSecretRotationDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .describe("Rotation period of the app's signing key and session secret rings; the first rotation runs at creation"),
});

/** Severities of image scan findings, lowest first (ECR's names). */
export const SEVERITIES = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;

const registry = z.strictObject({
  repositoryName: z
    .string()
    .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, "must be an ECR repository name (lowercase, digits, . _ -)")
    .describe("ECR repository of the service image; the same name in every account, so replication keeps digests"),
  keepImages: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .describe(
      "Newest tagged images kept; older ones expire, except those a release state references (the release tool's release-<env>- tags keep them)",
    ),
  replicateTo: z
    .strictObject({
      accountId: accountId.describe("Account of the registry that receives the copies"),
      region: region.describe("Region of that registry"),
      drRegion: region
        .optional()
        .describe(
          "Also copy into this region of that account: the receiving environment's aws.drRegion, for its pilot light, copied straight from where the image is pushed rather than relying on the receiving registry to replicate a replica onward",
        ),
    })
    .optional()
    .describe("Copy every pushed image, digest unchanged, into this registry (staging -> production promotion)"),
  pushFromRepositories: z
    .array(z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/name of a GitHub repository"))
    .describe(
      "owner/name of application repositories whose main-branch image pipeline may push here (OIDC); empty: none",
    ),
  pushWorkflowRefs: z
    .array(
      z
        .string()
        .regex(
          /^refs\/heads\/main$|^refs\/tags\/[A-Za-z0-9._-]+\*?$/,
          "must be refs/heads/main or refs/tags/<release tag or prefix*>",
        ),
    )
    .min(1, "must name at least one ref")
    .describe(
      "Refs of this repository's image workflow (.github/workflows/image-pipeline.yml) a caller may pin for the push role: refs/heads/main, or release tags refs/tags/<tag or prefix*>",
    ),
  acceptReplicationFrom: accountId.optional().describe("Account whose registry may replicate images into this one"),
  scanGate: z.strictObject({
    failAt: z
      .enum(SEVERITIES)
      .describe("The release tool refuses an image with a scan finding at or above this severity..."),
    exceptions: z
      .array(
        z.strictObject({
          finding: z.string().min(1, "must name the finding (CVE id)"),
          reason: z.string().min(10, "must say why the finding is accepted (at least 10 characters)"),
        }),
      )
      .describe("...unless the finding is listed here ({ finding, reason }) with the reason it is accepted"),
  }),
});

/**
 * Every field of an environment config and its own rules. Rules across fields (and the type-level
 * contract of the rule files) are in environment-rules.ts: parse through validateConfigs or
 * checkedEnvironmentConfigSchema, never this schema alone.
 */
export const environmentConfigSchema = z.strictObject({
  environment: z
    .string()
    .regex(/^[a-z][a-z0-9]{1,15}$/, "must be 2-16 lowercase letters or digits")
    .describe("Environment name, used in stack names (auth-<environment>-<layer>) and resource names"),
  production: z
    .boolean()
    .describe(
      "Marks an environment that serves real users: production-rules.ts applies (Multi-AZ, failover, backups, retention, deletion protection) and alarm recipients become mandatory",
    ),
  aws: z.strictObject({
    accountId: accountId.describe("Account the provider is pinned to (allowed_account_ids)"),
    region: region.describe("Primary region"),
    drRegion: region.describe("Region that receives backup copies; must differ from the primary region"),
  }),
  state: z.strictObject({
    backend: z
      .enum(["s3", "terraform-cloud"])
      .describe("Where every stack keeps its state: the S3 bucket below, or Terraform Cloud workspaces"),
    terraformCloud: z
      .strictObject({
        organization: z.string().min(1).describe("Terraform Cloud organization"),
        hostname: z.string().min(1).describe("Terraform Cloud or Enterprise host name"),
        workspacePrefix: z
          .string()
          .regex(/^[A-Za-z0-9_-]*$/, "must be letters, digits, - or _")
          .describe("Workspace of a stack: this prefix plus the stack name"),
        project: z
          .string()
          .min(1)
          .default("Default Project")
          .describe(
            "Terraform Cloud project of the workspaces; the dynamic-credentials roles trust only its workspaces",
          ),
      })
      .optional()
      .describe('Terraform Cloud organization and workspace naming, for backend "terraform-cloud"'),
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name (3-63 lowercase characters)")
      .max(58, "must be at most 58 characters: its access-log bucket is named <bucket>-logs")
      .describe("S3 bucket of the environment's Terraform state (one per environment), created by the bootstrap stack"),
    region: region.describe("Region of the state bucket"),
    noncurrentVersionRetentionDays: z
      .number()
      .int()
      .min(1)
      .describe("Days a superseded state version is kept before it expires"),
  }),
  network: z.strictObject({
    vpcCidr: cidr.describe("IPv4 block of the VPC"),
    availabilityZones: z
      .array(z.string())
      .min(2, "must list at least 2 availability zones")
      .describe("Zones of the three subnet tiers, all in aws.region, at least 2"),
    subnets: z.strictObject({
      public: z.array(cidr).describe("Public subnet per zone (ALB, NAT), inside the VPC, no overlaps"),
      private: z.array(cidr).describe("Private subnet per zone (app instances, rotation functions)"),
      isolated: z.array(cidr).describe("Isolated subnet per zone (database, cache): no route to the internet"),
    }),
    publicIpv6: z
      .boolean()
      .describe("Dual-stack public tier, so the load balancer answers IPv6 clients (the AAAA record)"),
    natGatewayCount: z
      .number()
      .int()
      .min(1)
      .describe("1 shares one NAT gateway; one per AZ keeps egress alive when an AZ fails"),
    flowLogRetentionDays: logRetentionDays.describe("Retention of the VPC flow log group"),
  }),
  ci: z.strictObject({
    githubRepository: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/name of a GitHub repository")
      .describe("owner/name of the GitHub repository whose workflows plan and deploy"),
    deployEnvironment: z.string().min(1).describe("GitHub environment whose jobs may assume the deploy role"),
    planEnvironment: z
      .string()
      .min(1)
      .describe(
        "GitHub environment whose jobs may assume the plan role (it reads resources and state, never secret values)",
      ),
    platformEnvironment: z
      .string()
      .min(1)
      .describe(
        "GitHub environment (its own required reviewers) whose deploy-workflow jobs may assume the platform role, which applies bootstrap and security",
      ),
    guard: z
      .strictObject({
        minBackupRetentionDays: z
          .number()
          .int()
          .min(1)
          .max(35)
          .describe("Lowest automated-backup retention (days) a plan may give a database; below it, the guard blocks"),
      })
      .describe("What the plan guard holds this environment's plans to (npm run plan-report)"),
  }),
  scheduledChecks: scheduledChecksSchema,
  registry,
  dns: z.strictObject({
    domainName: z
      .string()
      .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lowercase fully qualified domain name")
      .describe("Domain name the service answers on"),
    hostedZoneId: z
      .string()
      .regex(/^Z[A-Z0-9]{1,31}$/, "must be a Route 53 hosted zone id such as Z0123456789ABC")
      .optional()
      .describe(
        "Existing public hosted zone of domainName; unset, the app stack creates the zone (then delegate the domain to its name servers)",
      ),
  }),
  app: z.strictObject({
    instanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as t3.medium")
      .describe("EC2 instance type of both colours"),
    capacity: capacity.describe(
      "Capacity of a colour that takes traffic; target tracking moves desired between min and max",
    ),
    port: z
      .number()
      .int()
      .min(1024)
      .max(65535)
      .describe(
        "Port the service container listens on: the load balancer <-> instance security group rules, the target groups (and so their health checks) and the container's PORT all use it",
      ),
    testListenerPort: z
      .number()
      .int()
      .min(1024)
      .max(65535)
      .describe("Port of the listener that reaches the idle colour for smoke tests"),
    testListenerAllowedCidrs: z
      .array(cidr)
      .min(1, "must list at least one CIDR")
      .describe("Who may reach the test listener: never the whole internet"),
    alternativeNames: z
      .array(
        z.string().regex(/^([a-z0-9*]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lowercase domain name"),
      )
      .describe("Extra names on the certificate (and alias records), inside the hosted zone"),
    healthCheckPath: z
      .string()
      .regex(/^\/[\w\-./]*$/, "must be an absolute URL path such as /health")
      .describe("Path of the target group health check"),
    nodeEnv: z.enum(["production", "staging", "development"]).describe("NODE_ENV of the container"),
    containerNeedsInstanceMetadata: z
      .boolean()
      .describe("Let the container reach the instance metadata service (IMDSv2 hop limit 2 instead of 1)"),
    rootVolumeGb: z.number().int().min(8).max(1024).describe("Encrypted gp3 root volume size"),
    healthCheckGracePeriodSeconds: z
      .number()
      .int()
      .min(0)
      .max(7200)
      .describe("ASG health check grace period and instance warm-up"),
    instanceRefreshMinHealthyPercent: z
      .number()
      .int()
      .min(100, "must be 100: a change outside a release must never reduce live capacity")
      .max(100)
      .describe("Healthy share an instance refresh keeps; 100, so a non-release change never reduces live capacity"),
    deregistrationDelaySeconds: z.number().int().min(0).max(3600).describe("Target group draining time"),
    slowStartSeconds: z
      .number()
      .int()
      .superRefine((seconds, ctx) => report(ctx, slowStartProblem(seconds)))
      .describe("0 turns slow start off; otherwise 30-900 seconds as ELB allows"),
    targetCpuPercent: z.number().min(1).max(100).describe("Target tracking goal: average CPU percent"),
    targetRequestsPerTarget: z.number().int().min(1).describe("Target tracking goal: requests per target per minute"),
    logRetentionDays: logRetentionDays.describe("Retention of the service and WAF log groups"),
    albDeletionProtection: z.boolean().describe("ALB deletion protection; must be true in production"),
    accessLogExpiryDays: z.number().int().min(1).describe("Days ALB access logs are kept"),
    waf: z.strictObject({
      rateLimitPerIp: z.number().int().min(10).describe("Requests per client IP per 5 minutes across the whole site"),
      loginRateLimitPerIp: z
        .number()
        .int()
        .min(10)
        .describe("Requests per client IP per 5 minutes to the login and token paths"),
      loginPaths: z
        .array(z.string().regex(/^\/[\w\-./]*$/, "must be an absolute URL path"))
        .min(1)
        .describe("Paths the tighter login rate limit applies to"),
    }),
  }),
  data: z.strictObject({
    keyDeletionWindowDays: z
      .number()
      .int()
      .min(7)
      .max(30)
      .describe("Waiting period before a scheduled deletion of the data keys takes effect"),
    logRetentionDays: logRetentionDays.describe("Retention of the database and cache log groups"),
    postgres,
    redis,
    backup,
    secrets,
  }),
  alarms: alarmsSchema.extend({
    security: securityAlarmsSchema.describe(
      "Thresholds of the security-event alarms (src/config/schema/security-schema.ts)",
    ),
  }),
  security: securitySchema,
  accounts: accountsSchema.describe(
    "Who provides each account and region singleton: create, existing or organization (src/config/schema/accounts-schema.ts)",
  ),
  apm: apmSchema,
  dr: disasterRecoverySchema,
  outsideIn: outsideInSchema
    .optional()
    .describe(
      "Outside-in checks and the paging that survives a primary-region outage (src/config/schema/outside-in-schema.ts); required in production",
    ),
  cost: costSchema,
  tags: z.strictObject({
    service: tagValue.describe("Tag Service on every resource"),
    owner: tagValue.describe("Tag Owner"),
    costCentre: tagValue.describe("Tag CostCentre"),
  }),
});

export type EnvironmentConfig = z.infer<typeof environmentConfigSchema>;

/** The shape an environment file is written in (before defaults are applied). */
export type EnvironmentConfigInput = z.input<typeof environmentConfigSchema>;
