import { z } from "zod";
import { cidrContains, cidrsOverlap, Ipv4Cidr, parseCidr } from "./cidr";
import { REGION_ZONES, zonesOf } from "./regions";
import { formatPath } from "./paths";
import type { EnvironmentConfig, IssueReporter } from "./schema";

const cidr = z.string().refine((value) => parseCidr(value) !== undefined, {
  message: "must be an IPv4 CIDR block a.b.c.d/n with no host bits set",
});

/** The pilot light in aws.drRegion: what exists there before any disaster, and what a restore adds. */
export const disasterRecoverySchema = z.strictObject({
  pilotLight: z
    .boolean()
    .describe("Keep a pilot light in aws.drRegion: DR state bucket with state replication, auth-<env>-dr-network, image and secret replicas, certificate, the region's GuardDuty and Security Hub (per accounts.*.mode) and the DR trail's store; must be true in production"),
  stateBucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name (3-63 lowercase characters)")
    .max(58, "must be at most 58 characters: its access-log bucket is named <bucket>-logs")
    .describe("State bucket in aws.drRegion (created by the bootstrap stack): the DR stacks' state, and the replica of state.bucket"),
  network: z
    .strictObject({
      vpcCidr: cidr.describe("IPv4 block of the DR VPC; must not overlap network.vpcCidr, so the two can be peered for fail-back"),
      availabilityZones: z.array(z.string()).min(2, "must list at least 2 availability zones").describe("Zones of the DR subnet tiers, all in aws.drRegion"),
      subnets: z.strictObject({
        public: z.array(cidr).describe("Public subnet per DR zone (ALB, NAT)"),
        private: z.array(cidr).describe("Private subnet per DR zone (app instances)"),
        isolated: z.array(cidr).describe("Isolated subnet per DR zone (restored database, cache)"),
      }),
      natGatewayCount: z.number().int().min(1).describe("NAT gateways of the DR VPC; 1 keeps the idle pilot light cheap"),
    })
    .describe("The DR VPC (auth-<env>-dr-network); flow log retention and IPv6 follow network"),
  failBack: z
    .strictObject({
      snapshot: z
        .string()
        .regex(/^(arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:snapshot:)?[a-zA-Z][a-zA-Z0-9-]{0,254}$/, "must be a DB snapshot identifier or its ARN")
        .describe("DB snapshot in aws.region, copied back from aws.drRegion and encrypted with the data key, that the restored primary starts from (npm run dr:restore-primary checks it)"),
      generation: z
        .number()
        .int()
        .min(2, "must be at least 2: generation 1 is the instance the environment was created with")
        .describe("Number of the restored primary: its instance is auth-<env>-postgres-<generation>; each fail back adds one"),
      previousMasterSecretArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:rds!db-[\w-]+$/, "must be the ARN of an RDS-managed master secret (secret:rds!db-...)")
        .describe("Master secret of the instance the restore replaces (npm run dr:restore-primary prints it): the service login's next rotation adopts the versions that name it"),
      promotedSecretsDeleted: z
        .boolean()
        .describe("true once the promoted secrets in aws.drRegion are deleted (fail back step 5): the data stack declares its secret replicas again, which Secrets Manager refuses over a standalone secret of the same name"),
    })
    .optional()
    .describe("The last fail back: the primary database restored from a snapshot as a new instance; the old one is forgotten by Terraform, never destroyed, and kept for the operator to delete after verification"),
});

export type DisasterRecoveryConfig = z.infer<typeof disasterRecoverySchema>;

/** The DR site must be a different, complete place: its own region, zones, non-overlapping VPC and its own state bucket. */
export function checkDisasterRecoveryRules(config: EnvironmentConfig, issue: IssueReporter): void {
  const { dr, aws, state } = config;
  if (dr.failBack && !dr.pilotLight) issue(["dr", "failBack"], "needs dr.pilotLight: a fail back restores what ran in aws.drRegion");
  const snapshotRegion = dr.failBack?.snapshot.match(/^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):/);
  if (snapshotRegion && (snapshotRegion[1] !== aws.region || snapshotRegion[2] !== aws.accountId)) {
    issue(["dr", "failBack", "snapshot"], `must be a snapshot in aws.region (${aws.region}) of aws.accountId (${aws.accountId}); copy it there first (docs/disaster-recovery.md, Fail back)`);
  }
  // aws.drRegion already has its own message; the DR site cannot be checked against it.
  if (aws.drRegion === aws.region) return;
  if (config.production && !dr.pilotLight) issue(["dr", "pilotLight"], "must be true in a production environment (the 4-hour RTO needs images, secrets and state already in aws.drRegion)");
  if (dr.pilotLight && state.backend === "terraform-cloud") {
    // The Terraform Cloud workflow never deploys the DR stacks and their replica reads fall back to
    // the primary workspace: no DR state path exists in that mode.
    issue(["dr", "pilotLight"], 'must be false when state.backend is "terraform-cloud" (the DR site needs its state in the S3 DR bucket, which Terraform Cloud mode does not use)');
  }
  if (dr.stateBucket === state.bucket) issue(["dr", "stateBucket"], `must differ from state.bucket (${state.bucket})`);
  if (dr.pilotLight && state.region === aws.drRegion) issue(["state", "region"], `must not be aws.drRegion (${aws.drRegion}): the DR state must outlive the primary state's region`);
  if (dr.pilotLight && !config.dns.hostedZoneId) {
    issue(["dns", "hostedZoneId"], "is required with dr.pilotLight: the DR certificate is validated in an existing zone, not one the primary app stack creates");
  }

  const { network } = dr;
  const replicateTo = config.registry.replicateTo;
  if (replicateTo?.drRegion !== undefined && replicateTo.drRegion === replicateTo.region) {
    issue(["registry", "replicateTo", "drRegion"], `must differ from registry.replicateTo.region (${replicateTo.region})`);
  }
  if (aws.drRegion in REGION_ZONES) {
    network.availabilityZones.forEach((zone, index) => {
      if (!zonesOf(aws.drRegion).includes(zone)) issue(["dr", "network", "availabilityZones", index], `${zone} is not an availability zone of ${aws.drRegion} (${zonesOf(aws.drRegion).join(", ")})`);
    });
  }
  if (new Set(network.availabilityZones).size !== network.availabilityZones.length) issue(["dr", "network", "availabilityZones"], "must not repeat an availability zone");
  if (network.natGatewayCount > network.availabilityZones.length) {
    issue(["dr", "network", "natGatewayCount"], `must not exceed the number of availability zones (${network.availabilityZones.length})`);
  }
  const vpc = parseCidr(network.vpcCidr);
  const primary = parseCidr(config.network.vpcCidr);
  if (vpc && primary && cidrsOverlap(vpc, primary)) issue(["dr", "network", "vpcCidr"], `${vpc.text} overlaps network.vpcCidr (${primary.text})`);
  const planned: { path: (string | number)[]; block: Ipv4Cidr }[] = [];
  for (const tier of ["public", "private", "isolated"] as const) {
    const blocks = network.subnets[tier];
    if (blocks.length !== network.availabilityZones.length) {
      issue(["dr", "network", "subnets", tier], `must list one CIDR per availability zone (${network.availabilityZones.length}), got ${blocks.length}`);
    }
    blocks.forEach((text, index) => {
      const block = parseCidr(text);
      if (block) planned.push({ path: ["dr", "network", "subnets", tier, index], block });
    });
  }
  for (const [index, subnet] of planned.entries()) {
    if (vpc && !cidrContains(vpc, subnet.block)) issue(subnet.path, `${subnet.block.text} does not fit inside dr.network.vpcCidr ${vpc.text}`);
    for (const other of planned.slice(index + 1)) {
      if (cidrsOverlap(subnet.block, other.block)) issue(other.path, `${other.block.text} overlaps ${formatPath(subnet.path)} (${subnet.block.text})`);
    }
  }
}
