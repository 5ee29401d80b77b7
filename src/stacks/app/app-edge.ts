import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { suppressFinding } from "../../compliance/suppress";
import { AccessLogBucket } from "../../constructs/edge/access-log-bucket";
import { AliasRecords } from "../../constructs/edge/alias-records";
import { CutoverAliasRecords } from "../../constructs/edge/cutover-alias-records";
import { DnsValidatedCertificate } from "../../constructs/edge/dns-validated-certificate";
import { PublicLoadBalancer } from "../../constructs/edge/public-load-balancer";
import { WebApplicationFirewall } from "../../constructs/edge/web-application-firewall";
import { COLOURS } from "../../release/release-state";
import type { AppAssembly } from "./app-assembly";
import type { AppFleets } from "./app-fleets";

/** The service's front: names, certificate, load balancer and firewall. */
export interface AppEdge {
  readonly loadBalancer: PublicLoadBalancer;
  readonly firewall: WebApplicationFirewall;
  /** The certificate this stack requested (primary site), else undefined: a DR site's is the pilot light's. */
  readonly ownCertificateArn?: string;
  /** The zone this stack created when dns.hostedZoneId is unset; the parent domain delegates to its name servers. */
  readonly createdZone?: Route53Zone;
}

/** TLS edge with WAF in front of both fleets, weighted by the release state; the alias records by the site's DNS mode. */
export function appEdge(
  { stack, config, site, aws, sources, release, appKey }: AppAssembly,
  { fleets, byColour }: AppFleets,
): AppEdge {
  const { app, dns } = config;
  const { network } = sources;
  const edgeDns = site.dns(stack);
  // Without a zone id the primary creates the domain's zone.
  const createdZone =
    edgeDns.mode === "primary" && dns.hostedZoneId === undefined
      ? new Route53Zone(stack, "zone", { name: dns.domainName })
      : undefined;
  // The DR site requires dns.hostedZoneId (checkDisasterRecoveryRules): it never creates a second zone.
  const zoneId = dns.hostedZoneId ?? createdZone!.zoneId;
  const ownCertificateArn =
    edgeDns.mode === "primary"
      ? new DnsValidatedCertificate(stack, "certificate", {
          domainName: dns.domainName,
          alternativeNames: app.alternativeNames,
          hostedZoneId: zoneId,
        }).certificateArn
      : undefined;
  const accessLogs = new AccessLogBucket(stack, "access-logs", {
    bucketName: `${site.name}-alb-logs-${aws.accountId}`,
    accountId: aws.accountId,
    prefix: site.name,
    expiryDays: app.accessLogExpiryDays,
  });

  const loadBalancer = new PublicLoadBalancer(stack, "edge", {
    name: site.name,
    subnetIds: network.list("public_subnet_ids"),
    securityGroupIds: [network.string("alb_security_group_id")],
    certificateArn: edgeDns.mode === "primary" ? ownCertificateArn! : edgeDns.certificateArn,
    targets: COLOURS.map((colour) => ({ targetGroup: fleets[colour].targetGroup, weight: release.weight(colour) })),
    testListenerPort: app.testListenerPort,
    testTargetGroupArn: release.forIdleColour(byColour((fleet) => fleet.targetGroup.arn)),
    accessLogs: { bucket: accessLogs.bucket.bucket, prefix: site.name, dependsOn: [accessLogs.policy] },
    dualStack: config.network.publicIpv6,
    deletionProtection: site.loadBalancerDeletionProtection ?? app.albDeletionProtection,
  });
  if (site.loadBalancerDeletionProtection === false) {
    suppressFinding(
      loadBalancer.loadBalancer,
      "alb-deletion-protection",
      "a DR restore about to be torn down (a drill, or a decommission after fail back): AWS refuses to delete a protected load balancer",
    );
  }
  for (const colour of COLOURS) {
    fleets[colour].scaleOnRequestsPerTarget(
      app.targetRequestsPerTarget,
      loadBalancer.loadBalancer.arnSuffix,
      loadBalancer.httpsListener,
    );
  }
  const firewall = new WebApplicationFirewall(stack, "waf", {
    name: site.name,
    resourceArn: loadBalancer.loadBalancer.arn,
    rateLimitPerIp: app.waf.rateLimitPerIp,
    loginRateLimitPerIp: app.waf.loginRateLimitPerIp,
    loginPaths: app.waf.loginPaths,
    logRetentionDays: app.logRetentionDays,
    kmsKeyArn: appKey.arn,
  });
  const aliases = {
    zoneId,
    names: [dns.domainName, ...app.alternativeNames],
    target: { dnsName: loadBalancer.loadBalancer.dnsName, zoneId: loadBalancer.loadBalancer.zoneId },
    ipv6: config.network.publicIpv6,
  };
  if (edgeDns.mode === "primary") new AliasRecords(stack, "dns", aliases);
  else new CutoverAliasRecords(stack, "dns-cutover", { ...aliases, cutover: edgeDns.mode === "dr-cutover" });
  return { loadBalancer, firewall, ownCertificateArn, createdZone };
}
