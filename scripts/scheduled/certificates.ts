/**
 * Certificate expiry read from the account: every ACM certificate of the environment's domain in
 * each region the stacks issue one in. ACM renews a DNS-validated certificate only while it is
 * eligible (in use by an AWS service, or exported) and its validation record still resolves
 * (https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html); the CloudWatch
 * DaysToExpiry alarms watch the same, this check says it in the environment's issue monthly.
 */
import { daysBetween, Finding } from "./findings";

export interface AccountCertificate {
  readonly arn: string;
  readonly domainName: string;
  /** ISSUED, PENDING_VALIDATION, EXPIRED, ... */
  readonly status: string;
  readonly notAfter?: Date;
  /** ELIGIBLE or INELIGIBLE for managed renewal. */
  readonly renewalEligibility?: string;
  readonly inUseBy: readonly string[];
}

export interface CertificatePort {
  /** The certificates of this domain name in a region (ListCertificates + DescribeCertificate). */
  certificates(region: string, domainName: string): Promise<AccountCertificate[]>;
}

/** ACM starts renewing 60 days before expiry; under 30 days left means renewal is not happening. */
export const CERTIFICATE_WARNING_DAYS = 30;

export async function checkCertificates(
  port: CertificatePort,
  domainName: string,
  regions: readonly string[],
  now: Date,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const region of regions) {
    const found = await port.certificates(region, domainName);
    if (found.length === 0) {
      findings.push({
        check: `certificate ${domainName} (${region})`,
        ok: false,
        detail: "no certificate for the domain in this region",
      });
      continue;
    }
    for (const certificate of found) {
      const check = `certificate ${domainName} (${region})`;
      if (certificate.status !== "ISSUED" || !certificate.notAfter) {
        findings.push({ check, ok: false, detail: `${certificate.arn} is ${certificate.status}` });
        continue;
      }
      const days = daysBetween(now, certificate.notAfter);
      const renews =
        certificate.renewalEligibility === "ELIGIBLE"
          ? "eligible for managed renewal"
          : "INELIGIBLE for managed renewal (not in use)";
      findings.push({
        check,
        ok: days >= CERTIFICATE_WARNING_DAYS,
        detail: `${days} days to expiry (${certificate.notAfter.toISOString().slice(0, 10)}), ${renews}`,
      });
    }
  }
  return findings;
}
