/**
 * Regions an environment may use, with their availability zone letters. AZ names are mapped per
 * account, but the letters that exist are fixed per region; a zone not listed here does not exist
 * (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html).
 * Add a region here before using it.
 */
export const REGION_ZONES: Readonly<Record<string, readonly string[]>> = {
  "eu-west-1": ["a", "b", "c"],
  "eu-west-2": ["a", "b", "c"],
  "eu-west-3": ["a", "b", "c"],
  "eu-central-1": ["a", "b", "c"],
  "eu-north-1": ["a", "b", "c"],
  "us-east-1": ["a", "b", "c", "d", "e", "f"],
  "us-east-2": ["a", "b", "c"],
  "us-west-2": ["a", "b", "c", "d"],
  "ca-central-1": ["a", "b", "d"],
  "ap-southeast-1": ["a", "b", "c"],
  "ap-southeast-2": ["a", "b", "c"],
  "ap-northeast-1": ["a", "c", "d"],
};

/** The availability zones of a listed region, e.g. eu-west-1a. */
export function zonesOf(region: string): string[] {
  return (REGION_ZONES[region] ?? []).map((letter) => `${region}${letter}`);
}

/** The region CloudWatch holds Route 53 health-check metrics in, so their alarms (and their topic) must be there too. */
export const ROUTE53_METRICS_REGION = "us-east-1";
