/**
 * The DR drill's read-only preflight, run weekly against the real account: is there anything to
 * restore from, right now? Three facts the restore depends on:
 * - the replicated automated backups in aws.drRegion and their restore window: RDS copies
 *   snapshots and transaction logs to the other region; the window's latest time bounds the RPO
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html, DescribeDBInstanceAutomatedBackups);
 * - every image the release state references (live, idle, and the rollback image of a release
 *   in flight) present in the DR repository by digest;
 * - the DR certificate issued, not expiring, and renewable.
 */
import { checkCertificates, CertificatePort } from "./certificates";
import { daysBetween, Finding } from "./findings";

export interface ReplicatedBackup {
  /** replicating, active, ... */
  readonly status: string;
  readonly earliest?: Date;
  readonly latest?: Date;
}

export interface DrPreflightPort extends CertificatePort {
  /** The automated backups of this source DB instance replicated into region. */
  replicatedBackups(region: string, sourceDbInstanceArn: string): Promise<ReplicatedBackup[]>;
  /** Digests the environment's release state references. */
  releaseDigests(): Promise<string[]>;
  /** Which of these digests the repository holds in region. */
  presentDigests(region: string, repository: string, digests: readonly string[]): Promise<string[]>;
}

export interface DrPreflightTarget {
  readonly drRegion: string;
  readonly sourceDbInstanceArn: string;
  readonly drRepository: string;
  readonly domainName: string;
  /** The RPO the runbook promises: the restore window must end no further back than this. */
  readonly maxBackupLagMinutes: number;
  /** Days of point-in-time history the DR copy must keep. */
  readonly minRestoreDays: number;
}

export async function drPreflight(port: DrPreflightPort, target: DrPreflightTarget, now: Date): Promise<Finding[]> {
  const findings: Finding[] = [];
  const backups = (await port.replicatedBackups(target.drRegion, target.sourceDbInstanceArn)).filter(
    (backup) => backup.status === "replicating" || backup.status === "active",
  );
  const window = backups.find((backup) => backup.latest && backup.earliest);
  if (!window?.latest || !window.earliest) {
    findings.push({
      check: "replicated backups",
      ok: false,
      detail: `no replicating automated backup of ${target.sourceDbInstanceArn} in ${target.drRegion}: there is nothing to restore from`,
    });
  } else {
    const lagMinutes = Math.round((now.getTime() - window.latest.getTime()) / 60_000);
    findings.push({
      check: "replicated backups: latest restorable time",
      ok: lagMinutes <= target.maxBackupLagMinutes,
      detail: `${lagMinutes} min behind now (RPO ${target.maxBackupLagMinutes} min)`,
    });
    const history = daysBetween(window.earliest, now);
    findings.push({
      check: "replicated backups: earliest restorable time",
      ok: history >= target.minRestoreDays,
      detail: `${history} days of history (needs ${target.minRestoreDays})`,
    });
  }
  const digests = [...new Set(await port.releaseDigests())];
  if (digests.length === 0) {
    findings.push({
      check: "DR images",
      ok: true,
      detail: "the release state references no image yet (before the first release)",
    });
  } else {
    const present = new Set(await port.presentDigests(target.drRegion, target.drRepository, digests));
    const absent = digests.filter((digest) => !present.has(digest));
    findings.push({
      check: "DR images",
      ok: absent.length === 0,
      detail:
        absent.length === 0
          ? `all ${digests.length} released digest(s) in ${target.drRepository} (${target.drRegion})`
          : `missing in ${target.drRepository} (${target.drRegion}): ${absent.join(", ")}`,
    });
  }
  findings.push(...(await checkCertificates(port, target.domainName, [target.drRegion], now)));
  return findings;
}
