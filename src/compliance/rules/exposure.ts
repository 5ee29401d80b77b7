import { asArray, Block, Element, isTrue, nested, StackModel } from "../model";
import { defineRule, maps, ofType, when } from "../rule";

/** Public exposure: security groups, S3, RDS, load balancers, public addresses. */

const WORLD = ["0.0.0.0/0", "::/0"];

/** Ingress rules of every shape Terraform has: standalone rules, legacy rules and inline blocks. */
function worldIngress(element: Element): { from: number; to: number; protocol: string }[] {
  const { type, body } = element;
  const entries: Block[] =
    type === "aws_security_group"
      ? asArray(body.ingress)
      : type === "aws_security_group_rule"
        ? body.type === "ingress"
          ? [body]
          : []
        : [body];
  return entries
    .filter((entry) =>
      [...asArray(entry.cidr_blocks), ...asArray(entry.ipv6_cidr_blocks), entry.cidr_ipv4, entry.cidr_ipv6].some(
        (cidr) => WORLD.includes(cidr),
      ),
    )
    .map((entry) => ({
      from: Number(entry.from_port ?? 0),
      to: Number(entry.to_port ?? 65535),
      protocol: String(entry.ip_protocol ?? entry.protocol ?? "-1"),
    }));
}

export const noWorldIngress = defineRule({
  id: "sg-no-world-ingress",
  title: "Only HTTPS (443/tcp) is open to the internet",
  severity: "error",
  profile: "baseline",
  maps: maps(["EC2.18", "EC2.19"], ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277"], ["AVD-AWS-0107"]),
  rationale: "Every port open to 0.0.0.0/0 or ::/0 is reachable by every scanner on the internet.",
  fix: "Allow the internet on 443/tcp of the load balancer only; everything else from security groups or known CIDRs.",
  targets: ofType("aws_vpc_security_group_ingress_rule", "aws_security_group_rule", "aws_security_group"),
  check: (rule) =>
    worldIngress(rule)
      .filter(({ from, to, protocol }) => !(from === 443 && to === 443 && (protocol === "tcp" || protocol === "6")))
      .map(
        ({ from, to, protocol }) =>
          `ingress from the internet on ${protocol === "-1" ? "all protocols" : `${from}-${to}/${protocol}`}`,
      ),
});

export const defaultSecurityGroupClosed = defineRule({
  id: "default-sg-closed",
  title: "Every VPC's default security group has no rules",
  severity: "error",
  profile: "baseline",
  maps: maps(["EC2.2"], ["CKV2_AWS_12"], ["AVD-AWS-0173"]),
  rationale: "Anything launched without a security group lands in the default one; it must not allow traffic.",
  fix: "Manage aws_default_security_group for the VPC with ingress = [] and egress = [].",
  targets: ofType("aws_vpc"),
  check: (vpc, stack) => {
    const defaults = stack.referencing("aws_default_security_group", vpc, "vpc_id");
    if (defaults.length === 0)
      return [
        "the default security group is not managed (AWS's default allows traffic within the group and all egress)",
      ];
    return when(
      defaults.some(({ body }) => asArray(body.ingress).length > 0 || asArray(body.egress).length > 0),
      "the default security group has rules",
    );
  },
});

export const s3PublicAccessBlocked = defineRule({
  id: "s3-public-access-blocked",
  title: "S3 buckets block every form of public access",
  severity: "error",
  profile: "baseline",
  maps: maps(
    ["S3.8"],
    ["CKV2_AWS_6", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
    ["AVD-AWS-0086", "AVD-AWS-0087", "AVD-AWS-0091", "AVD-AWS-0093", "AVD-AWS-0094"],
  ),
  rationale: "A public ACL or policy added later, by mistake, must have no effect.",
  fix: "Add aws_s3_bucket_public_access_block with all four settings true.",
  targets: ofType("aws_s3_bucket"),
  check: (bucket, stack) => {
    const blocks = stack.referencing("aws_s3_bucket_public_access_block", bucket, "bucket");
    const settings = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];
    if (blocks.length === 0) return ["no public access block"];
    return settings
      .filter((setting) => !blocks.some(({ body }) => isTrue(body[setting])))
      .map((setting) => `${setting} is not true`);
  },
});

export const s3AclsDisabled = defineRule({
  id: "s3-acls-disabled",
  title: "S3 object ownership enforced (ACLs disabled)",
  severity: "error",
  profile: "baseline",
  maps: maps(["S3.12"], ["CKV2_AWS_65"], []),
  rationale:
    "With ACLs disabled, only the bucket policy decides access, and objects written by services belong to the account.",
  fix: 'Add aws_s3_bucket_ownership_controls with object_ownership = "BucketOwnerEnforced".',
  targets: ofType("aws_s3_bucket"),
  check: (bucket, stack) =>
    when(
      !stack
        .referencing("aws_s3_bucket_ownership_controls", bucket, "bucket")
        .some(({ body }) => nested(body.rule)?.object_ownership === "BucketOwnerEnforced"),
      "object ownership is not BucketOwnerEnforced",
    ),
});

export const rdsNotPublic = defineRule({
  id: "rds-not-public",
  title: "Databases are not publicly accessible",
  severity: "error",
  profile: "baseline",
  maps: maps(["RDS.2"], ["CKV_AWS_17"], ["AVD-AWS-0180"]),
  rationale:
    "A publicly accessible instance gets a public DNS name and address; one security group mistake exposes it.",
  fix: "Set publicly_accessible = false and place the instance in isolated subnets.",
  targets: ofType("aws_db_instance"),
  check: ({ body }) => when(isTrue(body.publicly_accessible), "publicly_accessible is true"),
});

export const noPublicIpOnLaunch = defineRule({
  id: "no-public-ip-on-launch",
  title: "Subnets and launch templates assign no public IP addresses",
  severity: "error",
  profile: "baseline",
  maps: maps(["EC2.15", "EC2.25"], ["CKV_AWS_130", "CKV_AWS_88"], ["AVD-AWS-0164", "AVD-AWS-0009"]),
  rationale:
    "Instances reach the internet through NAT and are reached through the load balancer; a public address bypasses both.",
  fix: "Leave map_public_ip_on_launch false on subnets and associate_public_ip_address false on network interfaces.",
  targets: ofType("aws_subnet", "aws_launch_template", "aws_instance"),
  check: ({ type, body }) => {
    if (type === "aws_subnet") return when(isTrue(body.map_public_ip_on_launch), "map_public_ip_on_launch is true");
    if (type === "aws_instance")
      return when(isTrue(body.associate_public_ip_address), "associate_public_ip_address is true");
    return when(
      asArray(body.network_interfaces).some((nic: Block) => isTrue(nic.associate_public_ip_address)),
      "a network interface associates a public IP address",
    );
  },
});

const internetFacingAlbs = (stack: StackModel) =>
  stack
    .resources("aws_lb", "aws_alb")
    .filter(({ body }) => !isTrue(body.internal) && (body.load_balancer_type ?? "application") === "application");

export const albBehindWaf = defineRule({
  id: "alb-behind-waf",
  title: "Internet-facing load balancers are protected by a WAF web ACL",
  severity: "error",
  profile: "baseline",
  maps: maps(["ELB.16"], ["CKV2_AWS_28"], []),
  rationale: "An authentication endpoint is the first target of credential stuffing, bots and injection attempts.",
  fix: "Associate an aws_wafv2_web_acl with the load balancer (aws_wafv2_web_acl_association).",
  targets: internetFacingAlbs,
  check: (alb, stack) =>
    when(
      stack.referencing("aws_wafv2_web_acl_association", alb, "resource_arn").length === 0,
      "no WAF web ACL association",
    ),
});

export const albDropsInvalidHeaders = defineRule({
  id: "alb-hardened-http",
  title: "Load balancers drop invalid headers and mitigate request desync",
  severity: "error",
  profile: "baseline",
  maps: maps(["ELB.4", "ELB.12"], ["CKV_AWS_131", "CKV_AWS_328"], ["AVD-AWS-0052"]),
  rationale: "Malformed headers and ambiguous requests are how request smuggling reaches the targets.",
  fix: 'Set drop_invalid_header_fields = true and desync_mitigation_mode = "defensive" or "strictest".',
  targets: internetFacingAlbs,
  check: ({ body }) => [
    ...when(!isTrue(body.drop_invalid_header_fields), "drop_invalid_header_fields is not true"),
    ...when(
      !["defensive", "strictest", undefined].includes(body.desync_mitigation_mode),
      `desync_mitigation_mode is ${body.desync_mitigation_mode}`,
    ),
  ],
});
