import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { validateConfigs } from "../src/config/rules/validate";
import { CostSnapshot, costFindings } from "../scripts/scheduled/cost-check";
import { databaseIdentifier } from "../src/stacks/data/data-alarm-definitions";
import type { AccountCertificate } from "../scripts/scheduled/certificates";
import { checkCertificates, CERTIFICATE_WARNING_DAYS } from "../scripts/scheduled/certificates";
import { runCheck, scheduledCheckTool } from "../scripts/scheduled/cli";
import type { DrPreflightPort, ReplicatedBackup } from "../scripts/scheduled/dr-preflight";
import { needsAttention, renderFindings } from "../scripts/scheduled/findings";
import { editedConfig, validConfig } from "./support/synth";
import { runCapturing } from "./support/run-tool";

const DAY = 86_400_000;
const MINUTE = 60_000;
const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

/**
 * The account as the read-only APIs show it. Replicated backups keep a restore window whose
 * latest time trails the source by minutes (RDS USER_ReplicateBackups); ACM reports NotAfter and
 * RenewalEligibility (DescribeCertificate); ECR answers by digest.
 */
class FakeAccount implements DrPreflightPort {
  backups: ReplicatedBackup[] = [];
  released: string[] = [];
  drImages = new Set<string>();
  certs: Record<string, AccountCertificate[]> = {};
  readonly calls: string[] = [];
  async replicatedBackups(region: string, arn: string) {
    this.calls.push(`rds ${region} ${arn}`);
    return this.backups;
  }
  async releaseDigests() {
    return this.released;
  }
  async presentDigests(region: string, repository: string, digests: readonly string[]) {
    this.calls.push(`ecr ${region} ${repository}`);
    return digests.filter((candidate) => this.drImages.has(candidate));
  }
  async certificates(region: string, domainName: string) {
    this.calls.push(`acm ${region} ${domainName}`);
    return this.certs[region] ?? [];
  }
}

const production = validConfig("production");
const now = new Date("2026-12-07T04:11:00Z");
const issued = (days: number, eligible = true): AccountCertificate => ({
  arn: "arn:aws:acm:eu-central-1:222222222222:certificate/1",
  domainName: production.dns.domainName,
  status: "ISSUED",
  notAfter: new Date(now.getTime() + days * DAY),
  renewalEligibility: eligible ? "ELIGIBLE" : "INELIGIBLE",
  inUseBy: eligible ? ["arn:aws:elasticloadbalancing:eu-central-1:222222222222:loadbalancer/app/x/1"] : [],
});

/** A healthy DR region: backups minutes behind, every released image replicated, a renewable certificate. */
function healthy(): FakeAccount {
  const account = new FakeAccount();
  account.backups = [
    {
      status: "replicating",
      earliest: new Date(now.getTime() - production.data.postgres.backupRetentionDays * DAY),
      latest: new Date(now.getTime() - 12 * MINUTE),
    },
  ];
  account.released = [digest(1), digest(2)];
  account.drImages = new Set([digest(1), digest(2)]);
  account.certs = { [production.aws.drRegion]: [issued(150)] };
  return account;
}

const preflight = (account: FakeAccount, at = now) =>
  runCheck("dr-preflight", production, at, { dr: account, acm: account });

describe("scheduled checks: the weekly DR preflight", () => {
  test("a healthy DR region passes, read from the DR region for the production database, repository and domain", async () => {
    const account = healthy();
    const findings = await preflight(account);
    expect(needsAttention(findings)).toBe(false);
    expect(account.calls).toEqual([
      `rds ${production.aws.drRegion} arn:aws:rds:${production.aws.region}:${production.aws.accountId}:db:${databaseIdentifier(production)}`,
      `ecr ${production.aws.drRegion} ${production.registry.repositoryName}`,
      `acm ${production.aws.drRegion} ${production.dns.domainName}`,
    ]);
  });

  test("backups that stopped replicating: the restore window falls behind the RPO as the clock moves on", async () => {
    const account = healthy();
    const lag = production.scheduledChecks.drPreflight!.maxBackupLagMinutes;
    expect(needsAttention(await preflight(account, new Date(now.getTime() + (lag - 13) * MINUTE)))).toBe(false);
    const later = await preflight(account, new Date(now.getTime() + (lag - 11) * MINUTE));
    expect(later.find((finding) => !finding.ok)).toMatchObject({
      check: "replicated backups: latest restorable time",
      detail: `${lag + 1} min behind now (RPO ${lag} min)`,
    });
  });

  test("no replicated backup at all, or too little history, needs attention", async () => {
    const none = healthy();
    none.backups = [];
    expect((await preflight(none)).find((finding) => !finding.ok)?.detail).toMatch(
      /no replicating automated backup .* there is nothing to restore from/,
    );
    const short = healthy();
    short.backups = [{ ...short.backups[0], earliest: new Date(now.getTime() - DAY) }];
    expect((await preflight(short)).find((finding) => !finding.ok)?.check).toBe(
      "replicated backups: earliest restorable time",
    );
  });

  test("a released digest missing from the DR repository is named", async () => {
    const account = healthy();
    account.drImages.delete(digest(2));
    const missing = (await preflight(account)).find((finding) => !finding.ok)!;
    expect(missing.check).toBe("DR images");
    expect(missing.detail).toContain(digest(2));
    expect(missing.detail).not.toContain(digest(1));
  });

  test("a DR certificate that is not renewing needs attention before it expires", async () => {
    const account = healthy();
    account.certs = { [production.aws.drRegion]: [issued(CERTIFICATE_WARNING_DAYS - 1, false)] };
    const finding = (await preflight(account)).find((candidate) => !candidate.ok)!;
    expect(finding.detail).toMatch(/^29 days to expiry .*INELIGIBLE for managed renewal/);
  });

  test("the issue text lists every finding and marks what needs attention", async () => {
    const account = healthy();
    account.drImages.clear();
    const text = renderFindings("DR preflight of **production**", await preflight(account), {
      url: "https://example.invalid/run",
      at: now.toISOString(),
    });
    expect(text).toContain("| **needs attention** | DR images |");
    expect(text).toContain("| ok | replicated backups: latest restorable time | 12 min behind now (RPO 30 min) |");
  });
});

describe("scheduled checks: monthly certificate expiry", () => {
  test.each([
    [CERTIFICATE_WARNING_DAYS, true],
    [CERTIFICATE_WARNING_DAYS - 1, false],
  ])("%i days left: ok is %s", async (days, ok) => {
    const account = new FakeAccount();
    account.certs = { "eu-west-1": [issued(days)] };
    expect((await checkCertificates(account, production.dns.domainName, ["eu-west-1"], now))[0].ok).toBe(ok);
  });

  test("an expired or missing certificate needs attention; every region the environment has one in is read", async () => {
    const account = new FakeAccount();
    account.certs = { [production.aws.region]: [{ ...issued(-3), status: "EXPIRED" }] };
    const findings = await runCheck("certificates", production, now, { dr: account, acm: account });
    expect(findings.map((finding) => [finding.check, finding.ok])).toEqual([
      [`certificate ${production.dns.domainName} (${production.aws.region})`, false],
      [`certificate ${production.dns.domainName} (${production.aws.drRegion})`, false],
    ]);
    expect(findings[1].detail).toBe("no certificate for the domain in this region");
  });
});

describe("scheduled checks: config and command line", () => {
  test("the DR preflight exists exactly where there is a pilot light", () => {
    expect(() =>
      validateConfigs({
        staging: editedConfig(
          "staging",
          (config: any) => (config.scheduledChecks.drPreflight = { schedule: "1 4 * * 1", maxBackupLagMinutes: 30 }),
        ),
      }),
    ).toThrow(/staging: scheduledChecks\.drPreflight: must be absent when dr\.pilotLight is false/);
    expect(() =>
      validateConfigs({
        production: editedConfig("production", (config: any) => delete config.scheduledChecks.drPreflight),
      }),
    ).toThrow(/production: scheduledChecks\.drPreflight: is required when dr\.pilotLight is true/);
  });

  test.each([
    [["--check", "nope", "--env", "production"], /--check must be one of dr-preflight, certificates/],
    [["--check", "certificates", "--env", "prod"], /--env must name an environment/],
    [["--check", "dr-preflight", "--env", "staging"], /staging has no pilot light/],
  ])("bad input %j exits 2 with one line", async (argv, message) => {
    const run = await runCapturing(scheduledCheckTool, argv as string[]);
    expect(run.code).toBe(2);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(message);
  });
});

describe("scheduled checks: monthly cost", () => {
  const snapshot = (total: number, catalogueDate = "2026-12-07"): CostSnapshot => ({
    environment: "production",
    currency: "USD",
    total,
    catalogueDate,
  });
  const limit = production.scheduledChecks.cost.maxMonthlyChangePercent;

  test("a fresh catalogue and an estimate within the configured change need nothing", () => {
    const findings = costFindings(snapshot(478.78 * (1 + (limit - 1) / 100)), snapshot(478.78), now, limit);
    expect(needsAttention(findings)).toBe(false);
    expect(findings[1].detail).toMatch(
      /^USD 478\.78 -> USD \d+\.\d\d \(\+USD \d+\.\d\d, \+\d+\.\d%; attention above 10%\)$/,
    );
  });

  test("a change beyond the configured share, either way, needs attention", () => {
    expect(costFindings(snapshot(478.78 * (1 + (limit + 1) / 100)), snapshot(478.78), now, limit)[1].ok).toBe(false);
    expect(costFindings(snapshot(478.78 * (1 - (limit + 1) / 100)), snapshot(478.78), now, limit)[1].ok).toBe(false);
  });

  test("the catalogue goes stale on the simulated clock after six months", () => {
    const read = new Date("2026-12-07T00:00:00Z");
    expect(costFindings(snapshot(100), undefined, new Date(read.getTime() + 150 * DAY), limit)[0].ok).toBe(true);
    const stale = costFindings(snapshot(100), undefined, new Date(read.getTime() + 200 * DAY), limit);
    expect(stale[0]).toMatchObject({ check: "price catalogue age", ok: false });
    expect(stale[1].detail).toBe("USD 100.00 a month; no earlier run to compare with");
  });

  test("the CLI refuses an estimate of another environment or a file that is not one, with one line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-check-"));
    writeFileSync(join(dir, "staging.json"), JSON.stringify({ ...snapshot(1), environment: "staging" }));
    writeFileSync(join(dir, "junk.json"), "{");
    for (const [file, message] of [
      ["staging.json", /prices staging, not production/],
      ["junk.json", /is not npm run cost's JSON output/],
    ] as const) {
      const run = await runCapturing(scheduledCheckTool, [
        "--check",
        "cost",
        "--env",
        "production",
        "--current",
        join(dir, file),
      ]);
      expect(run.code).toBe(2);
      expect(run.err).toHaveLength(1);
      expect(run.err[0]).toMatch(message);
    }
  });
});
