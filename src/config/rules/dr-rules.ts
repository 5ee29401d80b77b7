import { cidrContains, cidrsOverlap, Ipv4Cidr, parseCidr } from "../schema/cidr";
import type { IssueReporter } from "./issue-reporter";
import { formatPath } from "../schema/paths";
import { REGION_ZONES, zonesOf } from "../schema/regions";
import type { EnvironmentConfig } from "../schema/schema";

/** The DR site must be a different, complete place: its own region, zones, non-overlapping VPC and its own state bucket. */
export function checkDisasterRecoveryRules(config: EnvironmentConfig, issue: IssueReporter): void {
  const { dr, aws, state } = config;
  if (dr.failBack && !dr.pilotLight)
    issue(["dr", "failBack"], "needs dr.pilotLight: a fail back restores what ran in aws.drRegion");
  const snapshotRegion = dr.failBack?.snapshot.match(/^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):/);
  if (snapshotRegion && (snapshotRegion[1] !== aws.region || snapshotRegion[2] !== aws.accountId)) {
    issue(
      ["dr", "failBack", "snapshot"],
      `must be a snapshot in aws.region (${aws.region}) of aws.accountId (${aws.accountId}); copy it there first (docs/how-to/disaster-recovery.md, Fail back)`,
    );
  }
  // aws.drRegion already has its own message; the DR site cannot be checked against it.
  if (aws.drRegion === aws.region) return;
  if (config.production && !dr.pilotLight)
    issue(
      ["dr", "pilotLight"],
      "must be true in a production environment (the 4-hour RTO needs images, secrets and state already in aws.drRegion)",
    );
  if (dr.pilotLight && state.backend === "terraform-cloud") {
    // The Terraform Cloud workflow never deploys the DR stacks and their replica reads fall back to
    // the primary workspace: no DR state path exists in that mode.
    issue(
      ["dr", "pilotLight"],
      'must be false when state.backend is "terraform-cloud" (the DR site needs its state in the S3 DR bucket, which Terraform Cloud mode does not use)',
    );
  }
  if (dr.stateBucket === state.bucket) issue(["dr", "stateBucket"], `must differ from state.bucket (${state.bucket})`);
  if (dr.pilotLight && state.region === aws.drRegion)
    issue(
      ["state", "region"],
      `must not be aws.drRegion (${aws.drRegion}): the DR state must outlive the primary state's region`,
    );
  if (dr.pilotLight && !config.dns.hostedZoneId) {
    issue(
      ["dns", "hostedZoneId"],
      "is required with dr.pilotLight: the DR certificate is validated in an existing zone, not one the primary app stack creates",
    );
  }

  const { network } = dr;
  const replicateTo = config.registry.replicateTo;
  if (replicateTo?.drRegion !== undefined && replicateTo.drRegion === replicateTo.region) {
    issue(
      ["registry", "replicateTo", "drRegion"],
      `must differ from registry.replicateTo.region (${replicateTo.region})`,
    );
  }
  if (aws.drRegion in REGION_ZONES) {
    network.availabilityZones.forEach((zone, index) => {
      if (!zonesOf(aws.drRegion).includes(zone))
        issue(
          ["dr", "network", "availabilityZones", index],
          `${zone} is not an availability zone of ${aws.drRegion} (${zonesOf(aws.drRegion).join(", ")})`,
        );
    });
  }
  if (new Set(network.availabilityZones).size !== network.availabilityZones.length)
    issue(["dr", "network", "availabilityZones"], "must not repeat an availability zone");
  if (network.natGatewayCount > network.availabilityZones.length) {
    issue(
      ["dr", "network", "natGatewayCount"],
      `must not exceed the number of availability zones (${network.availabilityZones.length})`,
    );
  }
  const vpc = parseCidr(network.vpcCidr);
  const primary = parseCidr(config.network.vpcCidr);
  if (vpc && primary && cidrsOverlap(vpc, primary))
    issue(["dr", "network", "vpcCidr"], `${vpc.text} overlaps network.vpcCidr (${primary.text})`);
  const planned: { path: (string | number)[]; block: Ipv4Cidr }[] = [];
  for (const tier of ["public", "private", "isolated"] as const) {
    const blocks = network.subnets[tier];
    if (blocks.length !== network.availabilityZones.length) {
      issue(
        ["dr", "network", "subnets", tier],
        `must list one CIDR per availability zone (${network.availabilityZones.length}), got ${blocks.length}`,
      );
    }
    blocks.forEach((text, index) => {
      const block = parseCidr(text);
      if (block) planned.push({ path: ["dr", "network", "subnets", tier, index], block });
    });
  }
  for (const [index, subnet] of planned.entries()) {
    if (vpc && !cidrContains(vpc, subnet.block))
      issue(subnet.path, `${subnet.block.text} does not fit inside dr.network.vpcCidr ${vpc.text}`);
    for (const other of planned.slice(index + 1)) {
      if (cidrsOverlap(subnet.block, other.block))
        issue(other.path, `${other.block.text} overlaps ${formatPath(subnet.path)} (${subnet.block.text})`);
    }
  }
}
