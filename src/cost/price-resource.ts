/**
 * The price of one resource from its Terraform attributes: the block in cdk.tf.json or the
 * `before`/`after` values of a plan (the attribute names are the same; nested blocks may be an
 * object or a list). Fixed lines are fully determined by the attributes (hours of instances, NAT
 * gateways, keys, alarms); usage lines come from the stated assumptions. A figure the catalogue
 * lacks is an error naming it, never a guess.
 */
import type { UsageAssumptions } from "../config/schema/cost-schema";
import { MissingPriceError, PriceKey, unitPrice } from "./catalogue";
import { FREE_TYPES } from "./free-types";

/** Hours in the month every monthly figure uses. */
export const HOURS_PER_MONTH = 730;

export const CATEGORIES = ["compute", "data", "networking", "security and monitoring", "DR"] as const;
export type Category = (typeof CATEGORIES)[number];

export interface CostLine {
  /** What this line prices, e.g. "2 x t3.medium". */
  readonly what: string;
  readonly key: PriceKey;
  readonly quantity: number;
  /** US dollars a month. */
  readonly monthly: number;
  readonly fixed: boolean;
  /** A line that belongs to DR although its resource does not (a secret's replica). */
  readonly category?: Category;
}

export interface ResourcePrice {
  readonly category: Category;
  readonly lines: CostLine[];
  /** Fixed lines while a release runs, where they differ (both colours full). */
  readonly duringRelease?: CostLine[];
  /** What the figure leaves out, when something is knowingly not priced. */
  readonly note?: string;
}

/** What pricing needs beyond the resource's own attributes. */
export interface PricingContext {
  readonly region: string;
  readonly usage: UsageAssumptions;
  /** Availability zones of the stack's VPC, for resources whose subnets are references. */
  readonly zones: number;
  /** The instance type and root volume of the launch template an auto scaling group names. */
  readonly launchTemplate: (
    group: Attributes,
  ) => { instanceType: string; rootVolumeGb: number; detailedMonitoring: boolean } | undefined;
  /**
   * Another trail already delivers the account's management events, so a trail here is a paid second
   * copy (https://aws.amazon.com/cloudtrail/pricing/: "The first copy of management events is delivered
   * free of charge"; https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-manage-costs.html).
   * True in the DR stacks: the account's own trail (the security stack's, or accounts.cloudTrail.trailArn) records first. @default false
   */
  readonly managementEventsRecordedElsewhere?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a resource's Terraform attributes, any resource type.
export type Attributes = Record<string, any>;

const one = (value: unknown): Attributes | undefined =>
  Array.isArray(value) ? value[0] : value && typeof value === "object" ? (value as Attributes) : undefined;
const list = (value: unknown): Attributes[] =>
  Array.isArray(value) ? value : value && typeof value === "object" ? [value as Attributes] : [];
const truthy = (value: unknown) => value === true || value === "true";
const round = (usd: number) => Math.round(usd * 10000) / 10000;

/** Builds lines against one region's catalogue. */
function lineMaker(region: string) {
  return (
    fixed: boolean,
    key: PriceKey,
    quantity: number,
    what: string,
    category?: Category,
    priceRegion = region,
  ): CostLine => ({
    what,
    key,
    quantity,
    monthly: round(quantity * unitPrice(key, priceRegion).usd),
    fixed,
    ...(category ? { category } : {}),
  });
}

/** Stored GB of a log group in steady state: a month's ingestion times the months it keeps, at most a year. */
function storedLogGb(ingestPerMonth: number, retentionDays: unknown): number {
  const days = typeof retentionDays === "number" && retentionDays > 0 ? Math.min(retentionDays, 365) : 365;
  return ingestPerMonth * (days / 30.4);
}

/** The literal instance count a colour takes traffic with, from desired_capacity (a number, or the release expression). */
export function fullCapacity(desired: unknown): number | undefined {
  if (typeof desired === "number") return desired;
  const match =
    typeof desired === "string" ? /\?\s*(\d+)\s*:\s*local\.release_state\.idleCapacity/.exec(desired) : null;
  return match ? Number(match[1]) : undefined;
}

/**
 * The price of a resource, or undefined for a type listed as free. An unknown type that may cost
 * money is an error, so nothing is silently left out.
 */
export function priceResource(type: string, values: Attributes, context: PricingContext): ResourcePrice | undefined {
  if (type in FREE_TYPES) {
    if (type === "aws_accessanalyzer_analyzer" && !["ACCOUNT", "ORGANIZATION", undefined].includes(values.type)) {
      throw new MissingPriceError(`the price catalogue has no price for an ${values.type} access analyzer`);
    }
    return undefined;
  }
  const { region, usage } = context;
  const line = lineMaker(region);
  const hours = HOURS_PER_MONTH;
  switch (type) {
    case "aws_autoscaling_group": {
      const template = context.launchTemplate(values);
      if (!template) throw new MissingPriceError("an auto scaling group whose launch template cannot be resolved");
      const full = fullCapacity(values.desired_capacity) ?? values.min_size ?? 0;
      const releaseExpression = typeof values.desired_capacity === "string";
      // In the synthesized JSON a colour is live or idle depending on the release; one of the two
      // colours is live, so each is priced at the mean of the two. A plan has the concrete count.
      const steady = releaseExpression ? (full + usage.idleCapacity) / 2 : full;
      const instanceLines = (count: number): CostLine[] => [
        line(true, `ec2:${template.instanceType}` as PriceKey, count * hours, `${count} x ${template.instanceType}`),
        line(true, "ebs:gp3", count * template.rootVolumeGb, `${count} x ${template.rootVolumeGb} GB gp3 root volume`),
        ...(template.detailedMonitoring
          ? [line(true, "cloudwatch:custom-metric", count * 7, `detailed monitoring, 7 metrics x ${count}`)]
          : []),
        line(
          false,
          "cloudwatch:custom-metric",
          count * usage.agentMetricsPerInstance,
          `CloudWatch agent metrics x ${count}`,
        ),
      ];
      return {
        category: "compute",
        lines: instanceLines(steady),
        ...(releaseExpression ? { duringRelease: instanceLines(full) } : {}),
        ...(releaseExpression
          ? {
              note: `steady state: one colour live at ${full}, the other idle at ${usage.idleCapacity} (usage.idleCapacity); each colour carries half`,
            }
          : {}),
      };
    }
    case "aws_autoscaling_policy":
      // Target tracking creates two CloudWatch alarms per policy, billed like any alarm.
      return values.policy_type === "TargetTrackingScaling"
        ? {
            category: "security and monitoring",
            lines: [line(true, "cloudwatch:alarm", 2, "2 target tracking alarms")],
          }
        : undefined;
    case "aws_lambda_function":
      return {
        category: "compute",
        lines: [line(false, "lambda:million-requests", usage.lambdaMillionRequestsPerFunction, "invocations")],
        note: "duration (GB-seconds) of rotation runs is negligible and not priced",
      };
    case "aws_db_instance": {
      const copies = truthy(values.multi_az) ? 2 : 1;
      const storage = Number(values.allocated_storage ?? 20);
      // Multi-AZ bills the primary and the standby, compute and storage
      // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_OnDemandDBInstances.html).
      return {
        category: "data",
        lines: [
          line(
            true,
            `rds-postgres:${values.instance_class}` as PriceKey,
            copies * hours,
            `${values.instance_class}${copies === 2 ? " Multi-AZ (primary + standby)" : " Single-AZ"}`,
          ),
          line(true, "rds:gp3-storage", copies * storage, `${storage} GB gp3${copies === 2 ? " x 2" : ""}`),
        ],
        note: "automated backups up to the provisioned storage are free",
      };
    }
    case "aws_elasticache_replication_group": {
      const clustered = values.cluster_mode === "enabled" || values.num_node_groups !== undefined;
      const nodes = clustered
        ? Number(values.num_node_groups ?? 1) * (1 + Number(values.replicas_per_node_group ?? 0))
        : Number(values.num_cache_clusters ?? 1 + Number(values.replicas_per_node_group ?? 0));
      return {
        category: "data",
        lines: [
          line(true, `elasticache:${values.node_type}` as PriceKey, nodes * hours, `${nodes} x ${values.node_type}`),
        ],
      };
    }
    case "aws_secretsmanager_secret": {
      const replicas = list(values.replica);
      return {
        category: "data",
        lines: [
          line(true, "secrets:secret", 1, "secret"),
          ...replicas.map((replica) =>
            line(true, "secrets:secret", 1, `replica in ${replica.region}`, "DR", replica.region),
          ),
        ],
      };
    }
    case "aws_kms_key":
      return {
        category: "security and monitoring",
        lines: [line(true, "kms:key", 1, "customer managed key")],
        note: "requests are within the free 20,000 a month or negligible",
      };
    case "aws_nat_gateway":
      return {
        category: "networking",
        lines: [
          line(true, "nat:hour", hours, "NAT gateway"),
          line(false, "nat:gb", usage.natGbPerGatewayPerMonth, `${usage.natGbPerGatewayPerMonth} GB processed`),
        ],
      };
    case "aws_eip":
      return { category: "networking", lines: [line(true, "ipv4:hour", hours, "public IPv4 address")] };
    case "aws_vpc_endpoint": {
      if ((values.vpc_endpoint_type ?? "Gateway") !== "Interface") return undefined; // gateway endpoints (S3) are free
      const zones = Array.isArray(values.subnet_ids) ? values.subnet_ids.length : context.zones;
      return {
        category: "networking",
        lines: [
          line(true, "endpoint:az-hour", zones * hours, `interface endpoint in ${zones} AZs`),
          line(false, "endpoint:gb", usage.endpointGbPerMonth, "GB processed"),
        ],
      };
    }
    case "aws_lb": {
      const zones = Array.isArray(values.subnets) ? values.subnets.length : context.zones;
      const internetFacing = !truthy(values.internal);
      return {
        category: "networking",
        lines: [
          line(true, "alb:hour", hours, "application load balancer"),
          // An internet-facing ALB holds a public IPv4 address in each of its zones.
          ...(internetFacing ? [line(true, "ipv4:hour", zones * hours, `${zones} public IPv4 addresses`)] : []),
          line(false, "alb:lcu-hour", usage.albAverageLcu * hours, `${usage.albAverageLcu} LCU on average`),
        ],
      };
    }
    case "aws_wafv2_web_acl": {
      const rules = list(values.rule).length;
      return {
        category: "security and monitoring",
        lines: [
          line(true, "waf:acl", 1, "web ACL"),
          line(true, "waf:rule", rules, `${rules} rules`),
          line(false, "waf:million-requests", usage.wafMillionRequestsPerMonth, "requests"),
        ],
      };
    }
    case "aws_cloudwatch_metric_alarm": {
      // A metric math alarm is billed per metric it reads; a period under 60 s is high resolution (3x).
      const metrics = list(values.metric_query).filter((query) => query.metric !== undefined).length || 1;
      const highResolution = Number(values.period ?? 60) < 60 ? 3 : 1;
      return {
        category: "security and monitoring",
        lines: [
          line(
            true,
            "cloudwatch:alarm",
            metrics * highResolution,
            metrics > 1 ? `alarm on ${metrics} metrics` : "alarm",
          ),
        ],
      };
    }
    case "aws_route53_health_check": {
      // Route 53 bills health checks globally; the catalogue's figure is the same in every region.
      const type = String(values.type ?? "");
      const features = [
        type.startsWith("HTTPS"),
        type.endsWith("STR_MATCH"),
        Number(values.request_interval ?? 30) === 10,
        values.measure_latency === true,
      ].filter(Boolean).length;
      return {
        category: "security and monitoring",
        lines: [
          line(true, "route53:health-check", 1, "health check", undefined, "eu-west-1"),
          line(
            true,
            "route53:health-check-feature",
            features,
            `${features} optional feature(s)`,
            undefined,
            "eu-west-1",
          ),
        ],
      };
    }
    case "aws_synthetics_canary": {
      const minutes = /^rate\((\d+) minutes?\)$/.exec(
        String(values.schedule?.[0]?.expression ?? values.schedule?.expression ?? ""),
      );
      if (!minutes)
        throw new MissingPriceError(`a canary schedule the pricer cannot read: ${JSON.stringify(values.schedule)}`);
      const runs = Math.round((hours * 60) / Number(minutes[1]));
      return {
        category: "security and monitoring",
        lines: [line(true, "synthetics:canary-run", runs, `${runs} runs (every ${minutes[1]} min)`)],
      };
    }
    case "aws_cloudwatch_composite_alarm":
      return {
        category: "security and monitoring",
        lines: [line(true, "cloudwatch:composite-alarm", 1, "composite alarm")],
      };
    case "aws_cloudwatch_dashboard":
      return {
        category: "security and monitoring",
        lines: [line(true, "cloudwatch:dashboard", 1, "dashboard")],
        note: "an account's first 3 dashboards are free; not counted",
      };
    case "aws_cloudwatch_log_metric_filter":
      return {
        category: "security and monitoring",
        lines: [line(true, "cloudwatch:custom-metric", 1, "the filter's metric")],
      };
    case "aws_cloudwatch_log_group": {
      const ingest = usage.logIngestGbPerGroupPerMonth;
      const stored = storedLogGb(ingest, values.retention_in_days);
      return {
        category: "security and monitoring",
        lines: [
          line(false, "logs:ingest-gb", ingest, `${ingest} GB ingested`),
          line(
            false,
            "logs:storage-gb",
            stored,
            `${stored.toFixed(1)} GB kept (${values.retention_in_days ?? "no"} days retention)`,
          ),
        ],
      };
    }
    case "aws_s3_bucket":
      return {
        category: "data",
        lines: [line(false, "s3:standard-gb", usage.bucketStoredGb, `${usage.bucketStoredGb} GB stored`)],
      };
    case "aws_ecr_repository":
      return {
        category: "compute",
        lines: [line(false, "ecr:storage-gb", usage.imageStoredGb, `${usage.imageStoredGb} GB of images`)],
      };
    case "aws_ssm_parameter":
      return values.tier === "Advanced"
        ? {
            category: "security and monitoring",
            lines: [line(true, "ssm:advanced-parameter", 1, "advanced parameter")],
          }
        : undefined;
    case "aws_route53_zone":
      return { category: "networking", lines: [line(true, "route53:hosted-zone", 1, "hosted zone")] };
    case "aws_cloudtrail": {
      const dataEvents =
        list(values.event_selector).some((selector) => list(selector.data_resource).length > 0) ||
        list(values.advanced_event_selector).length > 0;
      const lines = [
        ...(dataEvents
          ? [
              line(
                false,
                "cloudtrail:data-events-100k",
                usage.cloudTrailHundredThousandDataEventsPerMonth,
                "data events",
              ),
            ]
          : []),
        // A multi-region trail copies every region's management events; the account's count is cloudTrailMillionEventsPerMonth.
        ...(context.managementEventsRecordedElsewhere
          ? [
              line(
                false,
                "cloudtrail:management-events-copy-100k",
                usage.cloudTrailMillionEventsPerMonth * 10,
                "second copy of the management events",
              ),
            ]
          : []),
      ];
      if (lines.length === 0) return undefined;
      return {
        category: "security and monitoring",
        lines,
        note: context.managementEventsRecordedElsewhere
          ? "a second copy of management events: the account's trail delivers the first, free"
          : "the first copy of management events is free",
      };
    }
    case "aws_guardduty_detector":
      if (values.enable === false || values.enable === "false") return undefined;
      return {
        category: "security and monitoring",
        lines: [
          line(
            false,
            "guardduty:cloudtrail-million-events",
            usage.cloudTrailMillionEventsPerMonth,
            "CloudTrail events analysed",
          ),
          line(false, "guardduty:flow-dns-gb", usage.flowAndDnsLogGbPerMonth, "flow and DNS logs analysed"),
        ],
      };
    case "aws_guardduty_detector_feature": {
      if (values.status !== "ENABLED") return undefined;
      if (values.name === "RUNTIME_MONITORING" || values.name === "EC2_RUNTIME_MONITORING") {
        return {
          category: "security and monitoring",
          lines: [
            line(
              false,
              "guardduty:runtime-vcpu",
              usage.guardDutyRuntimeVcpus,
              `${usage.guardDutyRuntimeVcpus} vCPUs monitored`,
            ),
          ],
        };
      }
      if (values.name === "S3_DATA_EVENTS") {
        return {
          category: "security and monitoring",
          lines: [
            line(false, "guardduty:s3-million-events", usage.s3MillionDataEventsPerMonth, "S3 data events analysed"),
          ],
        };
      }
      // RDS Protection is billed per provisioned vCPU of the protected databases; the catalogue has no figure for it yet.
      return {
        category: "security and monitoring",
        lines: [],
        note: `${values.name}: not priced (no catalogue figure)`,
      };
    }
    case "aws_securityhub_account":
      return {
        category: "security and monitoring",
        lines: [line(false, "securityhub:check", usage.securityHubChecksPerMonth, "security checks")],
      };
    case "aws_config_configuration_recorder":
      return {
        category: "security and monitoring",
        lines: [line(false, "config:item", usage.configItemsPerMonth, "configuration items")],
      };
    case "aws_db_instance_automated_backups_replication":
      // Replicated snapshots and logs cross regions and are stored there; the DR region's backup storage is not free.
      return {
        category: "DR",
        lines: [
          line(false, "transfer:inter-region-gb", usage.databaseChangedGbPerMonth, "backups shipped to the DR region"),
          line(false, "rds:backup-storage", usage.databaseStoredGb, "replicated backups stored"),
        ],
      };
    case "aws_backup_plan": {
      const copies = list(values.rule).flatMap((rule) => list(rule.copy_action)).length;
      return {
        category: "DR",
        lines: [
          line(false, "backup:rds-snapshot-gb", usage.databaseStoredGb, "recovery points"),
          ...(copies > 0
            ? [
                line(
                  false,
                  "transfer:inter-region-gb",
                  copies * usage.databaseChangedGbPerMonth,
                  "copies to the DR vault",
                ),
                line(false, "backup:rds-snapshot-gb", copies * usage.databaseStoredGb, "copies kept in the DR vault"),
              ]
            : []),
        ],
      };
    }
    case "aws_s3_bucket_replication_configuration":
      return {
        category: "DR",
        lines: [line(false, "transfer:inter-region-gb", usage.stateReplicatedGbPerMonth, "state versions replicated")],
      };
    case "aws_ecr_replication_configuration": {
      const destinations = list(one(values.replication_configuration)?.rule).flatMap((rule) => list(rule.destination));
      const crossRegion = destinations.filter((destination) => destination.region !== region).length;
      return {
        category: "DR",
        lines:
          crossRegion > 0
            ? [
                line(
                  false,
                  "transfer:inter-region-gb",
                  crossRegion * usage.imagePushedGbPerMonth,
                  `image layers to ${crossRegion} other region(s)`,
                ),
              ]
            : [],
      };
    }
    default:
      throw new MissingPriceError(
        `${type} is neither priced (src/cost/price-resource.ts) nor listed as free with a reason (src/cost/free-types.ts)`,
      );
  }
}

/** The types priceResource prices (everything else must be in FREE_TYPES). */
export const PRICED_TYPES = [
  "aws_autoscaling_group",
  "aws_autoscaling_policy",
  "aws_lambda_function",
  "aws_db_instance",
  "aws_elasticache_replication_group",
  "aws_secretsmanager_secret",
  "aws_kms_key",
  "aws_nat_gateway",
  "aws_eip",
  "aws_vpc_endpoint",
  "aws_lb",
  "aws_wafv2_web_acl",
  "aws_cloudwatch_metric_alarm",
  "aws_cloudwatch_composite_alarm",
  "aws_route53_health_check",
  "aws_synthetics_canary",
  "aws_cloudwatch_dashboard",
  "aws_cloudwatch_log_metric_filter",
  "aws_cloudwatch_log_group",
  "aws_s3_bucket",
  "aws_ecr_repository",
  "aws_ssm_parameter",
  "aws_route53_zone",
  "aws_cloudtrail",
  "aws_guardduty_detector",
  "aws_guardduty_detector_feature",
  "aws_securityhub_account",
  "aws_config_configuration_recorder",
  "aws_db_instance_automated_backups_replication",
  "aws_backup_plan",
  "aws_s3_bucket_replication_configuration",
  "aws_ecr_replication_configuration",
] as const;
