import { mkdtempSync, existsSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { buildApp } from "../src/app";
import { environments } from "../src/config";
import { ConfigError, selectEnvironments, validateConfigs } from "../src/config/validate";
import { editedConfig } from "./support/synth";

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    validateConfigs(raw);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("environment config validation", () => {
  test("the shipped staging and production configs are valid", () => {
    expect(problemsOf(environments)).toEqual([]);
  });

  type BadConfigCase = [description: string, env: "staging" | "production", edit: (config: any) => unknown, expected: RegExp];
  const badConfigs: BadConfigCase[] = [
    [
      "an instance refresh that may reduce live capacity",
      "staging",
      (c: any) => (c.app.instanceRefreshMinHealthyPercent = 50),
      /^staging: app\.instanceRefreshMinHealthyPercent: must be 100: a change outside a release must never reduce live capacity/,
    ],
    [
      "a scan-gate exception without a reason",
      "staging",
      (c: any) => (c.registry.scanGate.exceptions = [{ finding: "CVE-2024-1", reason: "ok" }]),
      /^staging: registry\.scanGate\.exceptions\[0\]\.reason: must say why the finding is accepted/,
    ],
    [
      "replication into the environment's own registry",
      "staging",
      (c: any) => (c.registry.replicateTo = { accountId: "111111111111", region: "eu-west-1" }),
      /^staging: registry\.replicateTo: must name another account or region/,
    ],
    [
      "a malformed VPC CIDR",
      "staging",
      (c: any) => (c.network.vpcCidr = "10.20.0.0/33"),
      /^staging: network\.vpcCidr: must be an IPv4 CIDR block/,
    ],
    [
      "a CIDR with host bits set",
      "staging",
      (c: any) => (c.network.subnets.public[0] = "10.20.0.1/24"),
      /^staging: network\.subnets\.public\[0\]: must be an IPv4 CIDR block/,
    ],
    [
      "overlapping subnets",
      "staging",
      (c: any) => (c.network.subnets.isolated[1] = "10.20.16.0/24"),
      /^staging: network\.subnets\.isolated\[1\]: 10\.20\.16\.0\/24 overlaps network\.subnets\.private\[0\] \(10\.20\.16\.0\/20\)$/,
    ],
    [
      "a subnet outside the VPC",
      "production",
      (c: any) => (c.network.subnets.private[2] = "10.31.0.0/20"),
      /^production: network\.subnets\.private\[2\]: 10\.31\.0\.0\/20 does not fit inside the VPC CIDR 10\.30\.0\.0\/16$/,
    ],
    [
      "a tier without one subnet per AZ",
      "staging",
      (c: any) => c.network.subnets.isolated.pop(),
      /^staging: network\.subnets\.isolated: must list one CIDR per availability zone \(2\), got 1$/,
    ],
    [
      "fewer than two availability zones",
      "staging",
      (c: any) => {
        c.network.availabilityZones = ["eu-west-1a"];
        for (const tier of ["public", "private", "isolated"]) c.network.subnets[tier].length = 1;
      },
      /^staging: network\.availabilityZones: must list at least 2 availability zones$/,
    ],
    [
      "an availability zone outside the region",
      "production",
      (c: any) => (c.network.availabilityZones[1] = "us-east-1b"),
      /^production: network\.availabilityZones\[1\]: us-east-1b is not an availability zone of eu-west-1$/,
    ],
    [
      "an account id that is not 12 digits",
      "staging",
      (c: any) => (c.aws.accountId = "12345"),
      /^staging: aws\.accountId: must be a 12-digit AWS account id$/,
    ],
    [
      "a DR region equal to the primary region",
      "production",
      (c: any) => (c.aws.drRegion = c.aws.region),
      /^production: aws\.drRegion: must differ from aws\.region \(eu-west-1\)$/,
    ],
    [
      "no alarm e-mail in production",
      "production",
      (c: any) => (c.alarms.emails = []),
      /^production: alarms\.emails: a production environment needs at least one alarm e-mail address$/,
    ],
    [
      "desired capacity above max",
      "production",
      (c: any) => (c.app.capacity = { min: 2, desired: 8, max: 6 }),
      /^production: app\.capacity: must satisfy min <= desired <= max \(got min 2, desired 8, max 6\)$/,
    ],
    [
      "min capacity above desired",
      "staging",
      (c: any) => (c.app.capacity = { min: 3, desired: 2, max: 4 }),
      /^staging: app\.capacity: must satisfy min <= desired <= max/,
    ],
    [
      "more NAT gateways than zones",
      "staging",
      (c: any) => (c.network.natGatewayCount = 3),
      /^staging: network\.natGatewayCount: must not exceed the number of availability zones \(2\)$/,
    ],
    [
      "a log retention CloudWatch does not offer",
      "staging",
      (c: any) => (c.network.flowLogRetentionDays = 10),
      /^staging: network\.flowLogRetentionDays: must be one of the CloudWatch Logs retention values/,
    ],
    [
      "both a hosted zone id and zone creation",
      "staging",
      (c: any) => (c.dns.createHostedZone = true),
      /^staging: dns\.hostedZoneId: set exactly one of dns\.hostedZoneId or dns\.createHostedZone = true$/,
    ],
    [
      "an alarm address that is not an e-mail",
      "production",
      (c: any) => (c.alarms.emails = ["oncall"]),
      /^production: alarms\.emails\[0\]: must be an e-mail address$/,
    ],
    [
      "a backup window that overlaps the maintenance window",
      "production",
      (c: any) => (c.data.postgres.backupWindow = "03:15-03:45"),
      /^production: data\.postgres\.backupWindow: 03:15-03:45 overlaps the maintenance window sun:03:00-sun:03:30$/,
    ],
    [
      "a Redis snapshot window that overlaps its maintenance window",
      "staging",
      (c: any) => (c.data.redis.snapshotWindow = "04:30-05:30"),
      /^staging: data\.redis\.snapshotWindow: 04:30-05:30 overlaps the maintenance window sun:04:00-sun:05:00$/,
    ],
    [
      "fewer than 7 days of backups in production",
      "production",
      (c: any) => (c.data.postgres.backupRetentionDays = 3),
      /^production: data\.postgres\.backupRetentionDays: must be at least 7 days in a production environment$/,
    ],
    [
      "a PostgreSQL major version other than 16 or 17",
      "staging",
      (c: any) => (c.data.postgres.majorVersion = 13),
      /^staging: data\.postgres\.majorVersion:/,
    ],
    [
      "Performance Insights on an instance class without it",
      "staging",
      (c: any) => (c.data.postgres.performanceInsights = true),
      /^staging: data\.postgres\.performanceInsights: db\.t3\.micro does not support Performance Insights$/,
    ],
    [
      "cluster mode with a single shard",
      "production",
      (c: any) => (c.data.redis.shards = 1),
      /^production: data\.redis\.shards: cluster mode needs at least 2 shards with at least 1 replica each$/,
    ],
    [
      "a Redis engine older than 7",
      "staging",
      (c: any) => (c.data.redis.engineVersion = "6.2"),
      /^staging: data\.redis\.engineVersion: must be a Redis 7\.x version/,
    ],
    [
      "storage autoscaling without headroom",
      "staging",
      (c: any) => (c.data.postgres.maxAllocatedStorageGb = 20),
      /^staging: data\.postgres\.maxAllocatedStorageGb: must exceed allocatedStorageGb \(20\)/,
    ],
  ];

  test.each(badConfigs)("rejects %s, naming the field and the rule", (_, env, edit, expected) => {
    const problems = problemsOf({ [env]: editedConfig(env, edit) });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  test("reports every problem of every environment, one line each", () => {
    const problems = problemsOf({
      staging: editedConfig("staging", (c: any) => {
        c.aws.accountId = "abc";
        c.aws.drRegion = c.aws.region;
      }),
      production: editedConfig("production", (c: any) => (c.alarms.emails = [])),
    });
    expect(problems).toEqual([
      expect.stringMatching(/^staging: aws\.accountId:/),
      expect.stringMatching(/^staging: aws\.drRegion:/),
      expect.stringMatching(/^production: alarms\.emails:/),
    ]);
    expect(new ConfigError(problems).message.split("\n")).toHaveLength(4);
  });
});

describe("environment selection", () => {
  const all = validateConfigs(environments);

  test("synthesizes every environment by default", () => {
    expect(selectEnvironments(all, undefined).map((c) => c.environment)).toEqual(["staging", "production"]);
  });

  test("narrows the run to the named environment", () => {
    expect(selectEnvironments(all, "production").map((c) => c.environment)).toEqual(["production"]);
  });

  test("rejects an unknown environment name, listing the known ones", () => {
    expect(() => selectEnvironments(all, "prod")).toThrow(/unknown environment "prod" \(known: staging, production\)/);
  });
});

describe("synth with a bad config", () => {
  test("fails before any file is written", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "auth-synth-")), "cdktf.out");
    const configs = { staging: editedConfig("staging", (c: any) => (c.aws.accountId = "1")) };
    expect(() => buildApp({ outdir, configs })).toThrow(ConfigError);
    expect(existsSync(outdir)).toBe(false);
  });
});
