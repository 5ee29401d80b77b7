import { z } from "zod";
import { checkCatalogue } from "./catalogue-rules";
import { cidrContains, cidrsOverlap, Ipv4Cidr, parseCidr } from "./cidr";
import { checkProductionRules } from "./production-rules";
import { REGION_ZONES, zonesOf } from "./regions";

/** Retention periods CloudWatch Logs accepts; anything else is rejected by the API at apply time. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");
const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region name such as eu-west-1");
const cidr = z.string().refine((value) => parseCidr(value) !== undefined, {
  message: "must be an IPv4 CIDR block a.b.c.d/n with no host bits set",
});
const logRetentionDays = z
  .number()
  .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
    message: `must be one of the CloudWatch Logs retention values: ${LOG_RETENTION_DAYS.join(", ")}`,
  });
const tagValue = z.string().min(1, "must not be empty").max(256, "must be at most 256 characters");

const capacity = z
  .strictObject({
    min: z.number().int().min(1, "a colour that takes traffic needs at least one instance"),
    desired: z.number().int().min(0),
    max: z.number().int().min(1),
  })
  .superRefine((value, ctx) => {
    if (!(value.min <= value.desired && value.desired <= value.max)) {
      ctx.addIssue({
        code: "custom",
        message: `must satisfy min <= desired <= max (got min ${value.min}, desired ${value.desired}, max ${value.max})`,
      });
    }
  });

/** "hh:mm-hh:mm" in UTC, as RDS and ElastiCache take daily windows. */
const dailyWindow = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "must be a UTC window hh:mm-hh:mm");
/** "ddd:hh:mm-ddd:hh:mm" in UTC, as RDS and ElastiCache take weekly maintenance windows. */
const weeklyWindow = z
  .string()
  .regex(
    /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/,
    "must be a UTC window ddd:hh:mm-ddd:hh:mm",
  );
const positive = z.number().positive();

const postgres = z.strictObject({
  /** Major version; RDS applies minor upgrades in the maintenance window. */
  majorVersion: z.union([z.literal(16), z.literal(17)]),
  instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "must be an RDS instance class such as db.t3.micro"),
  allocatedStorageGb: z.number().int().min(20, "gp3 needs at least 20 GiB"),
  /** Storage autoscaling ceiling. */
  maxAllocatedStorageGb: z.number().int(),
  multiAz: z.boolean(),
  databaseName: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a PostgreSQL identifier (lowercase, digits, _)"),
  masterUsername: z.string().regex(/^[a-z][a-z0-9_]{0,15}$/, "must be 1-16 lowercase letters, digits or _"),
  /** The service's own login; the rotation alternates it with <serviceUsername>_clone, so at most 57 characters. */
  serviceUsername: z.string().regex(/^[a-z][a-z0-9_]{0,56}$/, "must be a PostgreSQL identifier of 1-57 lowercase letters, digits or _ (rotation appends _clone)"),
  /** The only schema the service may use (and create objects in). */
  serviceSchema: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "must be a PostgreSQL identifier (lowercase, digits, _)"),
  /** Days between rotations of the service's credentials; the credentials an instance holds stay valid for one more period. */
  serviceCredentialRotationDays: z.number().int().min(1).max(365),
  backupRetentionDays: z.number().int().min(1).max(35),
  backupWindow: dailyWindow,
  maintenanceWindow: weeklyWindow,
  slowStatementThresholdMs: z.number().int().min(0),
  /** 0 turns enhanced monitoring off. */
  enhancedMonitoringIntervalSeconds: z
    .number()
    .refine((seconds) => [0, 1, 5, 10, 15, 30, 60].includes(seconds), { message: "must be one of 0, 1, 5, 10, 15, 30, 60" }),
  performanceInsights: z.boolean(),
  deletionProtection: z.boolean(),
  /** Adds lifecycle.prevent_destroy, so a plan that would delete the database fails. */
  preventDestroy: z.boolean(),
  /** Rotation period of the RDS-managed master password; unset keeps RDS's default (7 days). */
  masterPasswordRotationDays: z.number().int().min(1).max(365).optional(),
  /** Retention of automated backups replicated to the DR region; unset disables replication. */
  crossRegionBackupRetentionDays: z.number().int().min(1).max(35).optional(),
});

const redis = z.strictObject({
  /** Engine version, 7.x. */
  engineVersion: z.string().regex(/^7\.\d+$/, "must be a Redis 7.x version such as 7.1"),
  nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, "must be an ElastiCache node type such as cache.t3.micro"),
  clusterMode: z.boolean(),
  /** Node groups; 1 unless cluster mode is on. */
  shards: z.number().int().min(1).max(500),
  replicasPerShard: z.number().int().min(0).max(5),
  snapshotRetentionDays: z.number().int().min(0).max(35),
  snapshotWindow: dailyWindow,
  maintenanceWindow: weeklyWindow,
  /** Rotation period of the AUTH token (ROTATE, fleet refresh, then SET); the first rotation runs at creation. */
  authTokenRotationDays: z.number().int().min(1).max(365),
});

const backup = z.strictObject({
  /** AWS Backup plan with a copy into the DR region, on top of RDS's own automated backups. */
  enabled: z.boolean(),
  /** Cron expression of the daily backup job (UTC). */
  schedule: z.string().regex(/^cron\(.+\)$/, "must be a cron() expression"),
  retentionDays: z.number().int().min(1),
  drRetentionDays: z.number().int().min(1),
});

const secrets = z.strictObject({
  /** Days a deleted secret can still be restored. */
  recoveryWindowDays: z.number().int().min(7).max(30),
  /** Rotation period of the app's signing key and session secret rings; the first rotation runs at creation. */
  appSecretRotationDays: z.number().int().min(1).max(365),
});

const dataAlarms = z.strictObject({
  dbCpuPercent: positive,
  dbFreeStorageBytes: positive,
  dbFreeableMemoryBytes: positive,
  dbConnections: positive,
  dbReadLatencySeconds: positive,
  dbWriteLatencySeconds: positive,
  redisEngineCpuPercent: positive,
  redisMemoryPercent: positive,
  redisEvictions: z.number().min(0),
  redisConnections: positive,
  redisReplicationLagSeconds: positive,
});

/** Severities of image scan findings, lowest first (ECR's names). */
export const SEVERITIES = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;

const registry = z.strictObject({
  /** ECR repository of the service image; the same name in every account, so replication keeps digests. */
  repositoryName: z.string().regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, "must be an ECR repository name (lowercase, digits, . _ -)"),
  /** Tagged images kept; older ones expire (a live image must be among the newest). */
  keepImages: z.number().int().min(1).max(1000),
  /** Copy every pushed image, digest unchanged, into this registry (staging -> production promotion). */
  replicateTo: z.strictObject({ accountId, region }).optional(),
  /** owner/name of application repositories whose main-branch image pipeline may push here (OIDC); empty: none. */
  pushFromRepositories: z.array(z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/name of a GitHub repository")),
  /** Account whose registry may replicate images into this one. */
  acceptReplicationFrom: accountId.optional(),
  /** The release tool refuses an image with a scan finding at or above this severity... */
  scanGate: z.strictObject({
    failAt: z.enum(SEVERITIES),
    /** ...unless the finding is listed here with the reason it is accepted. */
    exceptions: z.array(
      z.strictObject({
        finding: z.string().min(1, "must name the finding (CVE id)"),
        reason: z.string().min(10, "must say why the finding is accepted (at least 10 characters)"),
      }),
    ),
  }),
});

export const environmentConfigSchema = z
  .strictObject({
    /** Environment name, used in stack names (auth-<environment>-<layer>) and resource names. */
    environment: z.string().regex(/^[a-z][a-z0-9]{1,15}$/, "must be 2-16 lowercase letters or digits"),
    /** Marks an environment that serves real users: production-rules.ts applies (Multi-AZ, failover, backups, retention, deletion protection) and alarm recipients become mandatory. */
    production: z.boolean(),
    aws: z.strictObject({
      accountId,
      region,
      /** Region that receives backup copies; must differ from the primary region. */
      drRegion: region,
    }),
    state: z.strictObject({
      /** Where every stack keeps its state: the S3 bucket below, or Terraform Cloud workspaces. */
      backend: z.enum(["s3", "terraform-cloud"]),
      /** Terraform Cloud organization and workspace naming, for backend "terraform-cloud". */
      terraformCloud: z
        .strictObject({
          organization: z.string().min(1),
          hostname: z.string().min(1),
          /** Workspace of a stack: this prefix plus the stack name. */
          workspacePrefix: z.string().regex(/^[A-Za-z0-9_-]*$/, "must be letters, digits, - or _"),
          /** Terraform Cloud project of the workspaces; the dynamic-credentials roles trust only its workspaces. */
          project: z.string().min(1).default("Default Project"),
        })
        .optional(),
      bucket: z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name (3-63 lowercase characters)")
        .max(58, "must be at most 58 characters: its access-log bucket is named <bucket>-logs"),
      region,
      /** Days a superseded state version is kept before it expires. */
      noncurrentVersionRetentionDays: z.number().int().min(1),
    }),
    network: z.strictObject({
      vpcCidr: cidr,
      availabilityZones: z.array(z.string()).min(2, "must list at least 2 availability zones"),
      subnets: z.strictObject({
        public: z.array(cidr),
        private: z.array(cidr),
        isolated: z.array(cidr),
      }),
      /** Dual-stack public tier, so the load balancer answers IPv6 clients (the AAAA record). */
      publicIpv6: z.boolean(),
      /** 1 shares one NAT gateway; one per AZ keeps egress alive when an AZ fails. */
      natGatewayCount: z.number().int().min(1),
      flowLogRetentionDays: logRetentionDays,
    }),
    ci: z.strictObject({
      /** owner/name of the GitHub repository whose workflows plan and deploy. */
      githubRepository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/name of a GitHub repository"),
      /** GitHub environment whose jobs may assume the deploy role. */
      deployEnvironment: z.string().min(1),
      /** GitHub environment whose jobs may assume the plan role (plans read secrets: protect it). */
      planEnvironment: z.string().min(1),
      /** Create the account's GitHub OIDC provider (false when the account already has one). */
      createOidcProvider: z.boolean(),
      /** What the plan guard holds this environment's plans to (npm run plan-report). */
      guard: z.strictObject({
        /** Lowest automated-backup retention (days) a plan may give a database; below it, the guard blocks. */
        minBackupRetentionDays: z.number().int().min(1).max(35),
      }),
    }),
    registry,
    dns: z.strictObject({
      domainName: z
        .string()
        .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lowercase fully qualified domain name"),
      /** Existing public hosted zone; leave unset and set createHostedZone to let the stack create it. */
      hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, "must be a Route 53 hosted zone id such as Z0123456789ABC").optional(),
      createHostedZone: z.boolean(),
    }),
    app: z.strictObject({
      instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as t3.medium"),
      /** Capacity of a colour that takes traffic; target tracking moves desired between min and max. */
      capacity,
      /** Port of the listener that reaches the idle colour for smoke tests. */
      testListenerPort: z.number().int().min(1024).max(65535),
      /** Who may reach the test listener: never the whole internet. */
      testListenerAllowedCidrs: z.array(cidr).min(1, "must list at least one CIDR"),
      /** Extra names on the certificate (and alias records), inside the hosted zone. */
      alternativeNames: z.array(z.string().regex(/^([a-z0-9*]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lowercase domain name")),
      healthCheckPath: z.string().regex(/^\/[\w\-./]*$/, "must be an absolute URL path such as /health"),
      nodeEnv: z.enum(["production", "staging", "development"]),
      /** Let the container reach the instance metadata service (IMDSv2 hop limit 2 instead of 1). */
      containerNeedsInstanceMetadata: z.boolean(),
      rootVolumeGb: z.number().int().min(8).max(1024),
      healthCheckGracePeriodSeconds: z.number().int().min(0).max(7200),
      /** Healthy share an instance refresh keeps; 100, so a non-release change never reduces live capacity. */
      instanceRefreshMinHealthyPercent: z.number().int().min(100, "must be 100: a change outside a release must never reduce live capacity").max(100),
      deregistrationDelaySeconds: z.number().int().min(0).max(3600),
      /** 0 turns slow start off; otherwise 30-900 seconds as ELB allows. */
      slowStartSeconds: z.number().int().refine((value) => value === 0 || (value >= 30 && value <= 900), {
        message: "must be 0 or between 30 and 900",
      }),
      targetCpuPercent: z.number().min(1).max(100),
      targetRequestsPerTarget: z.number().int().min(1),
      logRetentionDays,
      albDeletionProtection: z.boolean(),
      accessLogExpiryDays: z.number().int().min(1),
      waf: z.strictObject({
        /** Requests per client IP per 5 minutes across the whole site. */
        rateLimitPerIp: z.number().int().min(10),
        /** Requests per client IP per 5 minutes to the login and token paths. */
        loginRateLimitPerIp: z.number().int().min(10),
        loginPaths: z.array(z.string().regex(/^\/[\w\-./]*$/, "must be an absolute URL path")).min(1),
      }),
      alarms: z.strictObject({
        http5xxRatePercent: positive,
        p99LatencySeconds: positive,
        rejectedConnections: z.number().min(0),
        wafBlockedRequests: positive,
      }),
    }),
    data: z.strictObject({
      /** Waiting period before a scheduled deletion of the data keys takes effect. */
      keyDeletionWindowDays: z.number().int().min(7).max(30),
      /** Retention of the database and cache log groups. */
      logRetentionDays,
      postgres,
      redis,
      backup,
      secrets,
    }),
    alarms: z.strictObject({
      emails: z.array(z.email("must be an e-mail address")),
      data: dataAlarms,
    }),
    tags: z.strictObject({
      service: tagValue,
      environment: tagValue,
      owner: tagValue,
      costCentre: tagValue,
    }),
  })
  .superRefine(
    (config, ctx) => {
      // Runs even when some fields failed, so that every problem is reported at once. A rule stays
      // quiet about a field that already has an issue, and a rule group that trips over a malformed
      // field leaves it to that field's own message.
      const failed = ctx.issues.filter((entry) => entry.code !== "unrecognized_keys").map((entry) => formatPath(entry.path ?? []));
      const issue: IssueReporter = (path, message) => {
        const field = formatPath(path);
        if (failed.some((prefix) => prefix !== "" && (field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`)))) return;
        ctx.addIssue({ code: "custom", path, message });
      };
      const checks = [checkNetworkRules, checkEnvironmentRules, (value: EnvironmentConfig) => checkDataRules(value.data, value.ci.guard.minBackupRetentionDays, issue), (value: EnvironmentConfig) => checkCatalogue(value, issue), checkProductionRules];
      for (const check of checks) {
        try {
          check(config, issue);
        } catch (error) {
          if (failed.length === 0) throw error;
        }
      }
    },
    { when: (payload) => typeof payload.value === "object" && payload.value !== null },
  );

export type EnvironmentConfig = z.infer<typeof environmentConfigSchema>;

export type IssueReporter = (path: (string | number)[], message: string) => void;

/** Regions, availability zones, NAT gateways and the subnet plan. */
function checkNetworkRules(config: EnvironmentConfig, issue: IssueReporter) {
  const { network, aws } = config;

  if (aws.drRegion === aws.region) issue(["aws", "drRegion"], `must differ from aws.region (${aws.region})`);
  for (const path of [["aws", "region"], ["aws", "drRegion"], ["state", "region"]] as const) {
    const name = path[0] === "aws" ? aws[path[1] as "region" | "drRegion"] : config.state.region;
    if (!(name in REGION_ZONES)) issue([...path], `${name} is not a supported region (${Object.keys(REGION_ZONES).join(", ")}); add it to src/config/regions.ts`);
  }

  network.availabilityZones.forEach((zone, index) => {
    if (aws.region in REGION_ZONES && !zonesOf(aws.region).includes(zone)) {
      issue(["network", "availabilityZones", index], `${zone} is not an availability zone of ${aws.region} (${zonesOf(aws.region).join(", ")})`);
    }
  });
  if (new Set(network.availabilityZones).size !== network.availabilityZones.length) {
    issue(["network", "availabilityZones"], "must not repeat an availability zone");
  }
  if (network.natGatewayCount > network.availabilityZones.length) {
    issue(["network", "natGatewayCount"], `must not exceed the number of availability zones (${network.availabilityZones.length})`);
  }

  const vpc = parseCidr(network.vpcCidr);
  const planned: { path: (string | number)[]; block: Ipv4Cidr }[] = [];
  for (const tier of ["public", "private", "isolated"] as const) {
    const blocks = network.subnets[tier];
    if (blocks.length !== network.availabilityZones.length) {
      issue(["network", "subnets", tier], `must list one CIDR per availability zone (${network.availabilityZones.length}), got ${blocks.length}`);
    }
    blocks.forEach((text, index) => {
      const block = parseCidr(text);
      if (block) planned.push({ path: ["network", "subnets", tier, index], block });
    });
  }
  for (const [index, subnet] of planned.entries()) {
    if (vpc && !cidrContains(vpc, subnet.block)) {
      issue(subnet.path, `${subnet.block.text} does not fit inside the VPC CIDR ${vpc.text}`);
    }
    for (const other of planned.slice(index + 1)) {
      if (cidrsOverlap(subnet.block, other.block)) {
        issue(other.path, `${other.block.text} overlaps ${formatPath(subnet.path)} (${subnet.block.text})`);
      }
    }
  }
}

/** DNS, state backend, release defaults, certificate names, alarms, tags and the test listener. */
function checkEnvironmentRules(config: EnvironmentConfig, issue: IssueReporter) {
  if (config.dns.createHostedZone === (config.dns.hostedZoneId !== undefined)) {
    issue(["dns", "hostedZoneId"], "set exactly one of dns.hostedZoneId or dns.createHostedZone = true");
  }
  config.app.testListenerAllowedCidrs.forEach((text, index) => {
    const block = parseCidr(text);
    if (block && block.prefix < 8) issue(["app", "testListenerAllowedCidrs", index], `${text} opens the test listener to the internet; list the smoke-test runners' networks`);
  });
  if (config.state.backend === "terraform-cloud" && !config.state.terraformCloud) {
    issue(["state", "terraformCloud"], 'is required when state.backend is "terraform-cloud"');
  }
  if (config.registry.replicateTo?.accountId === config.aws.accountId && config.registry.replicateTo.region === config.aws.region) {
    issue(["registry", "replicateTo"], "must name another account or region than aws.accountId/aws.region");
  }
  config.app.alternativeNames.forEach((name, index) => {
    if (!name.endsWith(`.${config.dns.domainName}`) && name !== config.dns.domainName) {
      issue(["app", "alternativeNames", index], `${name} is not inside ${config.dns.domainName}`);
    }
  });
  if (config.production && config.alarms.emails.length === 0) {
    issue(["alarms", "emails"], "a production environment needs at least one alarm e-mail address");
  }
  if (config.tags.environment !== config.environment) {
    issue(["tags", "environment"], `must equal environment (${config.environment})`);
  }
}

/** Minutes since Monday 00:00 for each minute a window covers (windows may wrap). */
function windowMinutes(window: string, weekly: boolean): Set<number> {
  const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  const toMinute = (part: string) => {
    const fields = part.split(":");
    const day = weekly ? days.indexOf(fields[0]) : 0;
    const [hours, minutes] = fields.slice(weekly ? 1 : 0).map(Number);
    return day * 1440 + hours * 60 + minutes;
  };
  const [start, end] = window.split("-").map(toMinute);
  const period = weekly ? 7 * 1440 : 1440;
  const covered = new Set<number>();
  for (let minute = start; minute !== end; minute = (minute + 1) % period) covered.add(minute);
  return covered;
}

/** True when a daily window and a weekly window share any minute of the week. */
export function windowsOverlap(dailyWindowText: string, weeklyWindowText: string): boolean {
  const daily = windowMinutes(dailyWindowText, false);
  const weekly = windowMinutes(weeklyWindowText, true);
  for (const minute of weekly) if (daily.has(minute % 1440)) return true;
  return false;
}

function checkDataRules(data: EnvironmentConfig["data"], minBackupRetentionDays: number, issue: IssueReporter) {
  const { postgres: db, redis: cache } = data;
  if (db.maxAllocatedStorageGb <= db.allocatedStorageGb) {
    issue(["data", "postgres", "maxAllocatedStorageGb"], `must exceed allocatedStorageGb (${db.allocatedStorageGb}) for storage autoscaling`);
  }
  if (db.serviceUsername === db.masterUsername || db.serviceUsername === `${db.masterUsername}_clone`) {
    issue(["data", "postgres", "serviceUsername"], `must differ from masterUsername (${db.masterUsername}): the service never logs in as the master user`);
  }
  if (db.backupRetentionDays < minBackupRetentionDays) {
    // The plan guard blocks any plan below this floor: a config below it could never deploy.
    issue(["data", "postgres", "backupRetentionDays"], `must be at least ci.guard.minBackupRetentionDays (${minBackupRetentionDays})`);
  }
  if (windowsOverlap(db.backupWindow, db.maintenanceWindow)) {
    issue(["data", "postgres", "backupWindow"], `${db.backupWindow} overlaps the maintenance window ${db.maintenanceWindow}`);
  }
  if (windowsOverlap(cache.snapshotWindow, cache.maintenanceWindow)) {
    issue(["data", "redis", "snapshotWindow"], `${cache.snapshotWindow} overlaps the maintenance window ${cache.maintenanceWindow}`);
  }
  if (cache.clusterMode && (cache.shards < 2 || cache.replicasPerShard < 1)) {
    issue(["data", "redis", "shards"], "cluster mode needs at least 2 shards with at least 1 replica each");
  }
  if (!cache.clusterMode && cache.shards !== 1) {
    issue(["data", "redis", "shards"], "must be 1 unless clusterMode is true");
  }
}

/** Renders a zod path as config.path[0].field, the way a reader finds it in the config file. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => (typeof segment === "number" ? `[${segment}]` : `${index === 0 ? "" : "."}${String(segment)}`))
    .join("");
}
/** The shape an environment file is written in (before defaults are applied). */
export type EnvironmentConfigInput = z.input<typeof environmentConfigSchema>;
