import { z } from "zod";
import { cidrContains, cidrsOverlap, Ipv4Cidr, parseCidr } from "./cidr";

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
  .object({
    min: z.number().int().min(0),
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

export const environmentConfigSchema = z
  .object({
    /** Environment name, used in stack names (auth-<environment>-<layer>) and resource names. */
    environment: z.string().regex(/^[a-z][a-z0-9]{1,15}$/, "must be 2-16 lowercase letters or digits"),
    /** Marks an environment that serves real users: alarm recipients become mandatory. */
    production: z.boolean(),
    aws: z.object({
      accountId,
      region,
      /** Region that receives backup copies; must differ from the primary region. */
      drRegion: region,
    }),
    state: z.object({
      bucket: z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name (3-63 lowercase characters)"),
      region,
      /** Days a superseded state version is kept before it expires. */
      noncurrentVersionRetentionDays: z.number().int().min(1),
    }),
    network: z.object({
      vpcCidr: cidr,
      availabilityZones: z.array(z.string()).min(2, "must list at least 2 availability zones"),
      subnets: z.object({
        public: z.array(cidr),
        private: z.array(cidr),
        isolated: z.array(cidr),
      }),
      /** 1 shares one NAT gateway; one per AZ keeps egress alive when an AZ fails. */
      natGatewayCount: z.number().int().min(1),
      flowLogRetentionDays: logRetentionDays,
    }),
    dns: z.object({
      domainName: z
        .string()
        .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lowercase fully qualified domain name"),
      /** Existing public hosted zone; leave unset and set createHostedZone to let the stack create it. */
      hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, "must be a Route 53 hosted zone id such as Z0123456789ABC").optional(),
      createHostedZone: z.boolean(),
    }),
    app: z.object({
      instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as t3.medium"),
      capacity,
      /** Port of the listener that reaches the idle colour for smoke tests. */
      testListenerPort: z.number().int().min(1024).max(65535),
      /** Who may reach the test listener: never the whole internet. */
      testListenerAllowedCidrs: z.array(cidr).min(1, "must list at least one CIDR"),
    }),
    alarms: z.object({
      emails: z.array(z.email("must be an e-mail address")),
    }),
    tags: z.object({
      service: tagValue,
      environment: tagValue,
      owner: tagValue,
      costCentre: tagValue,
    }),
  })
  .superRefine((config, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const { network, aws } = config;

    if (aws.drRegion === aws.region) issue(["aws", "drRegion"], `must differ from aws.region (${aws.region})`);

    network.availabilityZones.forEach((zone, index) => {
      if (!new RegExp(`^${aws.region}[a-z]$`).test(zone)) {
        issue(["network", "availabilityZones", index], `${zone} is not an availability zone of ${aws.region}`);
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

    if (config.dns.createHostedZone === (config.dns.hostedZoneId !== undefined)) {
      issue(["dns", "hostedZoneId"], "set exactly one of dns.hostedZoneId or dns.createHostedZone = true");
    }
    if (config.production && config.alarms.emails.length === 0) {
      issue(["alarms", "emails"], "a production environment needs at least one alarm e-mail address");
    }
    if (config.tags.environment !== config.environment) {
      issue(["tags", "environment"], `must equal environment (${config.environment})`);
    }
  });

export type EnvironmentConfig = z.infer<typeof environmentConfigSchema>;

/** Renders a zod path as config.path[0].field, the way a reader finds it in the config file. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => (typeof segment === "number" ? `[${segment}]` : `${index === 0 ? "" : "."}${String(segment)}`))
    .join("");
}
/** The shape an environment file is written in (before defaults are applied). */
export type EnvironmentConfigInput = z.input<typeof environmentConfigSchema>;
