/**
 * The offline price catalogue: AWS on-demand list prices, in US dollars, for every resource type
 * the stacks create that costs money, in the regions the shipped configs use (eu-west-1 primary,
 * eu-central-1 DR), and for the cross-region transfer the design causes (RDS backup replication,
 * AWS Backup copies, ECR and state replication, secret replicas).
 *
 * Where each figure comes from, honestly: this machine has no network, so no price was read from
 * an AWS page or the price-list API on `readOn`. `provenance` says what backs each figure:
 * - "corroborated": the same figure appears in the stored public material the team can search
 *   (the page is `evidence`);
 * - "recalled": the engineer's reading of the AWS pricing page named in `source` for that region,
 *   not re-read on `readOn`. Re-read these against `source` (or the price-list file
 *   https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<service>/current/<region>/index.json)
 *   before quoting them; `npm run cost:catalogue-age` reminds when they are 6 months old.
 */

/** The regions the catalogue prices; a config naming another region fails the completeness test. */
export const CATALOGUE_REGIONS = ["eu-west-1", "eu-central-1"] as const;
export type CatalogueRegion = (typeof CATALOGUE_REGIONS)[number];

/** The day every figure below was last taken (ISO date). */
export const CATALOGUE_READ_ON = "2026-12-07";

export type Provenance = "recalled" | "corroborated";

export interface UnitPrice {
  /** US dollars per unit. */
  readonly usd: number;
  /** What one unit is, e.g. "hour", "GB-month", "GB transferred". */
  readonly unit: string;
  readonly region: string;
  /** The AWS pricing page (or price-list file) that publishes the figure. */
  readonly source: string;
  /** ISO date the figure was taken. */
  readonly readOn: string;
  readonly provenance: Provenance;
  /** The stored page that shows the same figure, for "corroborated" ones. */
  readonly evidence?: string;
}

const PAGES = {
  ec2: "https://aws.amazon.com/ec2/pricing/on-demand/",
  ebs: "https://aws.amazon.com/ebs/pricing/",
  rds: "https://aws.amazon.com/rds/postgresql/pricing/",
  elasticache: "https://aws.amazon.com/elasticache/pricing/",
  vpc: "https://aws.amazon.com/vpc/pricing/",
  privatelink: "https://aws.amazon.com/privatelink/pricing/",
  elb: "https://aws.amazon.com/elasticloadbalancing/pricing/",
  waf: "https://aws.amazon.com/waf/pricing/",
  kms: "https://aws.amazon.com/kms/pricing/",
  secrets: "https://aws.amazon.com/secrets-manager/pricing/",
  cloudwatch: "https://aws.amazon.com/cloudwatch/pricing/",
  lambda: "https://aws.amazon.com/lambda/pricing/",
  s3: "https://aws.amazon.com/s3/pricing/",
  ecr: "https://aws.amazon.com/ecr/pricing/",
  transfer: "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer",
  cloudtrail: "https://aws.amazon.com/cloudtrail/pricing/",
  guardduty: "https://aws.amazon.com/guardduty/pricing/",
  securityhub: "https://aws.amazon.com/security-hub/pricing/",
  config: "https://aws.amazon.com/config/pricing/",
  backup: "https://aws.amazon.com/backup/pricing/",
  budgets: "https://aws.amazon.com/aws-cost-management/aws-budgets/pricing/",
  route53: "https://aws.amazon.com/route53/pricing/",
  ssm: "https://aws.amazon.com/systems-manager/pricing/",
  synthetics: "https://aws.amazon.com/cloudwatch/pricing/#Synthetics",
} as const;

/** The price keys; each has a figure per catalogue region. */
export type PriceKey =
  | "ec2:t3.medium"
  | "ebs:gp3"
  | "rds-postgres:db.t3.micro"
  | "rds-postgres:db.t3.small"
  | "rds:gp3-storage"
  | "rds:backup-storage"
  | "elasticache:cache.t3.micro"
  | "nat:hour"
  | "nat:gb"
  | "ipv4:hour"
  | "endpoint:az-hour"
  | "endpoint:gb"
  | "alb:hour"
  | "alb:lcu-hour"
  | "waf:acl"
  | "waf:rule"
  | "waf:million-requests"
  | "kms:key"
  | "secrets:secret"
  | "cloudwatch:alarm"
  | "cloudwatch:composite-alarm"
  | "cloudwatch:dashboard"
  | "cloudwatch:custom-metric"
  | "logs:ingest-gb"
  | "logs:storage-gb"
  | "lambda:million-requests"
  | "s3:standard-gb"
  | "ecr:storage-gb"
  | "transfer:inter-region-gb"
  | "cloudtrail:data-events-100k"
  | "cloudtrail:management-events-copy-100k"
  | "guardduty:cloudtrail-million-events"
  | "guardduty:flow-dns-gb"
  | "guardduty:runtime-vcpu"
  | "securityhub:check"
  | "config:item"
  | "backup:rds-snapshot-gb"
  | "route53:hosted-zone"
  | "route53:health-check"
  | "route53:health-check-feature"
  | "synthetics:canary-run"
  | "ssm:advanced-parameter"
  | "guardduty:s3-million-events"
  | "budgets:budget";

type Row = readonly [
  key: PriceKey,
  unit: string,
  page: keyof typeof PAGES,
  euWest1: number,
  euCentral1: number,
  evidence?: string,
];

// prettier-ignore
const ROWS: readonly Row[] = [
  ["ec2:t3.medium", "instance-hour (Linux)", "ec2", 0.0456, 0.048],
  ["ebs:gp3", "GB-month", "ebs", 0.088, 0.0952],
  ["rds-postgres:db.t3.micro", "instance-hour, Single-AZ (Multi-AZ bills primary and standby)", "rds", 0.018, 0.021],
  // The next size up, twice micro's figure as RDS prices the t3 family (so a config may move to it and still be priced).
  ["rds-postgres:db.t3.small", "instance-hour, Single-AZ (Multi-AZ bills primary and standby)", "rds", 0.036, 0.042],
  ["rds:gp3-storage", "GB-month, Single-AZ (Multi-AZ bills both copies)", "rds", 0.127, 0.137],
  ["rds:backup-storage", "GB-month beyond 100% of provisioned storage", "rds", 0.095, 0.1],
  ["elasticache:cache.t3.micro", "node-hour", "elasticache", 0.018, 0.02],
  ["nat:hour", "NAT gateway-hour", "vpc", 0.048, 0.052],
  ["nat:gb", "GB processed", "vpc", 0.048, 0.052],
  // Public IPv4 is one price in every commercial region (since 2024-02-01).
  ["ipv4:hour", "public IPv4 address-hour", "vpc", 0.005, 0.005, "https://vishalvyas.com/understand-aws-public-ipv4-address-usage-and-pricing/"],
  ["endpoint:az-hour", "interface endpoint per AZ-hour", "privatelink", 0.011, 0.012],
  ["endpoint:gb", "GB processed (first PB)", "privatelink", 0.01, 0.01, "https://968880.n0h2l.group/privatelink/pricing (a copy of the AWS PrivateLink pricing page)"],
  ["alb:hour", "load balancer-hour", "elb", 0.0252, 0.027],
  ["alb:lcu-hour", "LCU-hour", "elb", 0.008, 0.0081],
  ["waf:acl", "web ACL-month", "waf", 5, 5],
  ["waf:rule", "rule or rule group-month", "waf", 1, 1],
  ["waf:million-requests", "million requests", "waf", 0.6, 0.6],
  ["kms:key", "customer managed key-month", "kms", 1, 1],
  ["secrets:secret", "secret-month (a replica is a secret)", "secrets", 0.4, 0.4],
  ["cloudwatch:alarm", "standard-resolution metric alarm-month", "cloudwatch", 0.1, 0.1],
  ["cloudwatch:composite-alarm", "composite alarm-month", "cloudwatch", 0.5, 0.5],
  ["cloudwatch:dashboard", "dashboard-month (beyond the account's 3 free)", "cloudwatch", 3, 3],
  ["cloudwatch:custom-metric", "custom metric-month (first 10,000)", "cloudwatch", 0.3, 0.3],
  ["logs:ingest-gb", "GB ingested (standard class)", "cloudwatch", 0.57, 0.63],
  ["logs:storage-gb", "GB-month archived", "cloudwatch", 0.03, 0.0324],
  ["lambda:million-requests", "million requests", "lambda", 0.2, 0.2],
  ["s3:standard-gb", "GB-month, S3 Standard (first 50 TB)", "s3", 0.023, 0.0245],
  ["ecr:storage-gb", "GB-month", "ecr", 0.1, 0.1],
  ["transfer:inter-region-gb", "GB transferred out to another AWS region", "transfer", 0.02, 0.02],
  ["cloudtrail:data-events-100k", "100,000 data events", "cloudtrail", 0.1, 0.1],
  // The first copy of management events is free; each further trail recording them pays per event.
  ["cloudtrail:management-events-copy-100k", "100,000 management events delivered by a second (or further) trail", "cloudtrail", 2, 2, "https://aws.amazon.com/cloudtrail/pricing/"],
  ["guardduty:cloudtrail-million-events", "million CloudTrail management events analysed", "guardduty", 4.4, 4.8],
  ["guardduty:flow-dns-gb", "GB of VPC flow and DNS logs analysed (first 500 GB)", "guardduty", 1.1, 1.2],
  ["guardduty:runtime-vcpu", "EC2 vCPU-month of runtime monitoring (first 500)", "guardduty", 1.5, 1.5],
  ["securityhub:check", "security check (first 100,000 a month)", "securityhub", 0.001, 0.001],
  ["config:item", "configuration item recorded (continuous)", "config", 0.003, 0.003],
  ["backup:rds-snapshot-gb", "GB-month of RDS snapshot in AWS Backup (warm)", "backup", 0.095, 0.1],
  ["route53:hosted-zone", "hosted zone-month (first 25)", "route53", 0.5, 0.5],
  // Route 53 is global: one price wherever the check's provider points (health-check metrics live in us-east-1).
  ["route53:health-check", "health check-month, AWS endpoint", "route53", 0.5, 0.5],
  ["route53:health-check-feature", "optional feature-month of a health check (HTTPS, string matching, fast interval, latency), AWS endpoint", "route53", 1, 1],
  ["synthetics:canary-run", "canary run", "synthetics", 0.0012, 0.0012],
  ["ssm:advanced-parameter", "advanced parameter-month", "ssm", 0.05, 0.05],
  ["guardduty:s3-million-events", "million S3 data events analysed (first 500 M)", "guardduty", 0.88, 0.96],
  // The first two action-enabled budgets of an account are free; beyond, $0.10 a budget-day.
  ["budgets:budget", "budget-day beyond the account's first two", "budgets", 0.1, 0.1],
];

/**
 * Prices AWS lists as one figure for every commercial region, so the catalogue also holds them for
 * us-east-1, where the outside-in checks' Route 53 health-check alarms, their topic and its key live.
 */
const SAME_IN_EVERY_REGION: readonly PriceKey[] = [
  "kms:key",
  "cloudwatch:alarm",
  "cloudwatch:composite-alarm",
  "route53:health-check",
  "route53:health-check-feature",
];
const EVERY_REGION_ALSO = "us-east-1";

export const CATALOGUE: ReadonlyMap<PriceKey, Readonly<Record<string, UnitPrice>>> = new Map(
  ROWS.map(([key, unit, page, euWest1, euCentral1, evidence]) => {
    const entry = (region: string, usd: number): UnitPrice => ({
      usd,
      unit,
      region,
      source: PAGES[page],
      readOn: CATALOGUE_READ_ON,
      provenance: evidence ? "corroborated" : "recalled",
      ...(evidence ? { evidence } : {}),
    });
    const prices: Record<string, UnitPrice> = {
      "eu-west-1": entry("eu-west-1", euWest1),
      "eu-central-1": entry("eu-central-1", euCentral1),
    };
    if (SAME_IN_EVERY_REGION.includes(key)) prices[EVERY_REGION_ALSO] = entry(EVERY_REGION_ALSO, euWest1);
    return [key, prices];
  }),
);

/** Thrown when a figure the estimate needs is not in the catalogue: name it, never guess. */
export class MissingPriceError extends Error {}

/** The unit price of `key` in `region`; a missing one is an error naming both. */
export function unitPrice(key: string, region: string): UnitPrice {
  const byRegion = CATALOGUE.get(key as PriceKey);
  if (!byRegion) throw new MissingPriceError(`the price catalogue (src/cost/catalogue.ts) has no entry ${key}`);
  const price = (byRegion as Record<string, UnitPrice>)[region];
  if (!price)
    throw new MissingPriceError(`the price catalogue (src/cost/catalogue.ts) has no ${key} price for ${region}`);
  return price;
}

/** The oldest `readOn` of the catalogue: what its age is measured from. */
export function catalogueDate(): string {
  let oldest = CATALOGUE_READ_ON;
  for (const byRegion of CATALOGUE.values())
    for (const price of Object.values(byRegion)) if (price.readOn < oldest) oldest = price.readOn;
  return oldest;
}
