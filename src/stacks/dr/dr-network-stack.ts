import { Construct } from "constructs";
import type { EnvironmentConfig } from "../../config/schema/schema";
import { ContainerRegistry } from "../../constructs/compute/container-registry";
import { DnsValidatedCertificate } from "../../constructs/edge/dns-validated-certificate";
import { PilotLightListener } from "../../constructs/edge/pilot-light-listener";
import { certificateExpiryAlarmDefinition } from "../../constructs/monitoring/certificate-alarms";
import { ReplicationDestination } from "../../constructs/registry/image-replication";
import { EncryptionKey } from "../../constructs/security/encryption-key";
import { releaseTagPrefix } from "../../release/image-protection";
import { pilotLightHandover } from "./dr-handovers";
import { DrSecurityBaseline } from "./dr-security-baseline";
import { forgetResources } from "../shared/forget-resources";
import { drTrailStored } from "./dr-trail";
import { drResourcePrefix, drTrailLogGroupName, drTrailName, securityFindingRulePrefix } from "../../config/naming";
import { AuditTrail } from "../../constructs/security/audit-trail";
import { OutsideInChecks } from "./outside-in-checks";
import { publishHandover } from "../shared/handover";
import { NetworkSite, NetworkStack } from "../network/network-stack";

/** The DR site: dr.network in aws.drRegion, named apart from the primary site. */
export function drSite(config: EnvironmentConfig): NetworkSite {
  const { environment, aws } = config;
  return {
    layer: "dr-network",
    region: aws.drRegion,
    name: drResourcePrefix(environment),
    network: config.dr.network,
    // The DR region's security findings page on the DR topic (DrSecurityBaseline).
    eventRuleArns: [
      `arn:aws:events:${aws.drRegion}:${aws.accountId}:rule/${securityFindingRulePrefix(environment, "dr")}-*`,
    ],
  };
}

/**
 * auth-<env>-dr-network, the pilot light in aws.drRegion: the network stack's VPC, security groups,
 * endpoints, flow logs and alert topic, plus what a restore cannot wait for: the repository the
 * images replicate into, a validated certificate, kept in use (so ACM renews it) by a listener, and
 * the region's security baseline (GuardDuty, Security Hub with FSBP, findings to the DR topic), and
 * the store of the DR trail that restore mode starts (key, buckets, log group: empty and all but free
 * until then; kept when a restore is torn down, so the incident's or drill's trail logs stay).
 * It reads no other stack's state, so it can be planned and applied while the primary region is down.
 */
export class DrNetworkStack extends NetworkStack {
  constructor(scope: Construct, config: EnvironmentConfig) {
    const site = drSite(config);
    super(scope, config, site);
    const { aws, registry, dns, app } = config;
    // Created before the registry stack's replication rule, so replication lands in a repository
    // with our key, immutable tags and scanning, not one ECR creates with defaults; same name, so
    // digests are kept (https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html).
    const registryKey = new EncryptionKey(this, "registry-key", {
      description: `Encrypts the ${site.name} service image replicas`,
      alias: `${site.name}-registry`,
      accountId: aws.accountId,
    });
    const repository = new ContainerRegistry(this, "repository", {
      name: registry.repositoryName,
      kmsKeyArn: registryKey.arn,
      keepImages: registry.keepImages,
      protectedTagPrefix: releaseTagPrefix(config.environment),
    });
    // Registry policies are regional: the promoting account replicates into this region too.
    if (registry.acceptReplicationFrom) {
      new ReplicationDestination(this, "replication-destination", {
        sourceAccountId: registry.acceptReplicationFrom,
        accountId: aws.accountId,
        region: aws.drRegion,
        repositoryName: registry.repositoryName,
      });
    }
    // ACM certificates are regional: the DR load balancer needs its own, revalidated in the same zone
    // (https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html). ACM gives a name the same
    // validation CNAME in every region (hashicorp/terraform-provider-aws#13653), hence allow_overwrite.
    const certificate = new DnsValidatedCertificate(this, "certificate", {
      domainName: dns.domainName,
      alternativeNames: app.alternativeNames,
      hostedZoneId: dns.hostedZoneId!,
    });
    this.alarms.define(
      certificateExpiryAlarmDefinition({
        name: "certificate-expiry",
        certificateArn: certificate.certificateArn,
        purpose: "DR load balancer's",
      }),
    );
    // Attached to nothing until a restore, ACM would not renew it; a listener keeps it in use.
    new PilotLightListener(this, "pilot-light-listener", {
      name: `${site.name}-pilot`,
      vpcId: this.network.vpc.id,
      subnetIds: this.network.privateSubnetIds,
      certificateArn: certificate.certificateArn,
      accountId: aws.accountId,
      accessLogExpiryDays: app.accessLogExpiryDays,
    });
    // Always on, not only at restore: GuardDuty keeps its baseline and the RTO does not wait for it.
    new DrSecurityBaseline(this, "security-baseline", { config, topicArn: this.alertTopicArn, alarms: this.alarms });
    const { outsideIn } = config;
    if (outsideIn)
      new OutsideInChecks(this, "outside-in", {
        config: { ...config, outsideIn },
        siteName: site.name,
        alarms: this.alarms,
      });
    const trailProps = {
      name: drTrailName(config.environment),
      accountId: aws.accountId,
      region: aws.drRegion,
      logRetentionDays: config.security.trail.logRetentionDays,
      archiveAfterDays: config.security.trail.archiveAfterDays,
      expireAfterDays: config.security.trail.expireAfterDays,
      logGroupName: drTrailLogGroupName(config.environment),
      recording: false,
    };
    const drTrail = drTrailStored(config) ? new AuditTrail(this, "trail-store", trailProps) : undefined;
    // Moved to an organisation trail: forget the store, never delete it with the logs of past restores.
    if (!drTrail) forgetResources(this, (scope) => new AuditTrail(scope, "trail-store", trailProps));
    const trailStore = drTrail?.store;
    publishHandover(this, pilotLightHandover, {
      repository_url: repository.repository.repositoryUrl,
      repository_arn: repository.repository.arn,
      registry_key_arn: registryKey.arn,
      certificate_arn: certificate.certificateArn,
      trail_bucket: trailStore?.bucketName ?? "",
      trail_key_arn: trailStore?.keyArn ?? "",
      trail_log_group_arn: trailStore?.logGroupArn ?? "",
      trail_log_group_name: drTrail?.logGroup.name ?? "",
      trail_role_arn: trailStore?.roleArn ?? "",
    });
  }
}
