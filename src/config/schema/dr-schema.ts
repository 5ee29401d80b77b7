import { z } from "zod";
import { parseCidr } from "./cidr";

const cidr = z.string().refine((value) => parseCidr(value) !== undefined, {
  message: "must be an IPv4 CIDR block a.b.c.d/n with no host bits set",
});

/** The pilot light in aws.drRegion: what exists there before any disaster, and what a restore adds. */
export const disasterRecoverySchema = z.strictObject({
  pilotLight: z
    .boolean()
    .describe(
      "Keep a pilot light in aws.drRegion: DR state bucket with state replication, auth-<env>-dr-network, image and secret replicas, certificate, the region's GuardDuty and Security Hub (per accounts.*.mode) and the DR trail's store; must be true in production",
    ),
  stateBucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name (3-63 lowercase characters)")
    .max(58, "must be at most 58 characters: its access-log bucket is named <bucket>-logs")
    .describe(
      "State bucket in aws.drRegion (created by the bootstrap stack): the DR stacks' state, and the replica of state.bucket",
    ),
  network: z
    .strictObject({
      vpcCidr: cidr.describe(
        "IPv4 block of the DR VPC; must not overlap network.vpcCidr, so the two can be peered for fail-back",
      ),
      availabilityZones: z
        .array(z.string())
        .min(2, "must list at least 2 availability zones")
        .describe("Zones of the DR subnet tiers, all in aws.drRegion"),
      subnets: z.strictObject({
        public: z.array(cidr).describe("Public subnet per DR zone (ALB, NAT)"),
        private: z.array(cidr).describe("Private subnet per DR zone (app instances)"),
        isolated: z.array(cidr).describe("Isolated subnet per DR zone (restored database, cache)"),
      }),
      natGatewayCount: z
        .number()
        .int()
        .min(1)
        .describe("NAT gateways of the DR VPC; 1 keeps the idle pilot light cheap"),
    })
    .describe("The DR VPC (auth-<env>-dr-network); flow log retention and IPv6 follow network"),
  failBack: z
    .strictObject({
      snapshot: z
        .string()
        .regex(
          /^(arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:snapshot:)?[a-zA-Z][a-zA-Z0-9-]{0,254}$/,
          "must be a DB snapshot identifier or its ARN",
        )
        .describe(
          "DB snapshot in aws.region, copied back from aws.drRegion and encrypted with the data key, that the restored primary starts from (npm run dr:restore-primary checks it)",
        ),
      generation: z
        .number()
        .int()
        .min(2, "must be at least 2: generation 1 is the instance the environment was created with")
        .describe(
          "Number of the restored primary: its instance is auth-<env>-postgres-<generation>; each fail back adds one",
        ),
      previousMasterSecretArn: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:rds!db-[\w-]+$/,
          "must be the ARN of an RDS-managed master secret (secret:rds!db-...)",
        )
        .describe(
          "Master secret of the instance the restore replaces (npm run dr:restore-primary prints it): the service login's next rotation adopts the versions that name it",
        ),
      promotedSecretsDeleted: z
        .boolean()
        .describe(
          "true once the promoted secrets in aws.drRegion are deleted (fail back step 5): the data stack declares its secret replicas again, which Secrets Manager refuses over a standalone secret of the same name",
        ),
    })
    .optional()
    .describe(
      "The last fail back: the primary database restored from a snapshot as a new instance; the old one is forgotten by Terraform, never destroyed, and kept for the operator to delete after verification",
    ),
});

export type DisasterRecoveryConfig = z.infer<typeof disasterRecoverySchema>;
