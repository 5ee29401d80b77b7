import { mkdtempSync, existsSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { buildApp } from "../src/app";
import { environments } from "../src/config";
import { CATALOGUE } from "../src/config/schema/catalogue";
import { checkCatalogue } from "../src/config/rules/catalogue-rules";
import { PRODUCTION_MINIMUM_DAYS } from "../src/config/rules/production-rules";
import { environmentConfigSchema } from "../src/config/schema/schema";
import { ConfigError, selectEnvironments, validateConfigs } from "../src/config/rules/validate";
import { editedConfig, validConfig } from "./support/synth";

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

  type BadConfigCase = [
    description: string,
    env: "staging" | "production",
    edit: (config: any) => unknown,
    expected: RegExp,
  ];
  const badConfigs: BadConfigCase[] = [
    [
      "backups shorter than the plan guard's floor",
      "staging",
      (c: any) => (c.ci.guard.minBackupRetentionDays = 5),
      /^staging: data\.postgres\.backupRetentionDays: must be at least ci\.guard\.minBackupRetentionDays \(5\)/,
    ],
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
      /^production: network\.availabilityZones\[1\]: us-east-1b is not an availability zone of eu-west-1 \(eu-west-1a, eu-west-1b, eu-west-1c\)$/,
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
      "a field that was removed (dns.createHostedZone: an unset hostedZoneId already means create)",
      "staging",
      (c: any) => (c.dns.createHostedZone = true),
      /^staging: dns\.createHostedZone: unknown key$/,
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
      // The plan guard's own floor lowered, so only the production rule speaks.
      (c: any) => ((c.data.postgres.backupRetentionDays = 3), (c.ci.guard.minBackupRetentionDays = 1)),
      /^production: data\.postgres\.backupRetentionDays: must be at least 7 days in a production environment \(a week of point-in-time recovery\), got 3$/,
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
      "a Redis AUTH token that never rotates",
      "staging",
      (c: any) => delete c.data.redis.authTokenRotationDays,
      /^staging: data\.redis\.authTokenRotationDays: /,
    ],
    [
      "an app secret rotation period over a year",
      "production",
      (c: any) => (c.data.secrets.appSecretRotationDays = 400),
      /^production: data\.secrets\.appSecretRotationDays: /,
    ],
    [
      "a Redis engine older than 7",
      "staging",
      (c: any) => (c.data.redis.engineVersion = "6.2"),
      /^staging: data\.redis\.engineVersion: must be a Redis 7\.x version/,
    ],
    [
      "a trace sampling ratio above 1",
      "production",
      (c: any) => (c.apm.traceSamplingRatio = 1.5),
      /^production: apm\.traceSamplingRatio: must be between 0 and 1/,
    ],
    [
      "alarm thresholds in their old place (app.alarms moved to alarms.service)",
      "staging",
      (c: any) => (c.app.alarms = { http5xxRatePercent: 5 }),
      /^staging: app\.alarms: unknown key/,
    ],
    [
      "a sustained-CPU window that is not whole 5-minute periods",
      "staging",
      (c: any) => (c.alarms.capacity.cpuMinutes = 62),
      /^staging: alarms\.capacity\.cpuMinutes: must be a multiple of 5/,
    ],
    [
      "a percentage threshold above 100",
      "staging",
      (c: any) => (c.alarms.data.redisMemoryPercent = 175),
      /^staging: alarms\.data\.redisMemoryPercent: must be a percentage/,
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

describe("config guardrails", () => {
  type GuardrailCase = [
    description: string,
    env: "staging" | "production",
    edit: (config: any) => unknown,
    expected: RegExp[],
  ];
  const guardrails: GuardrailCase[] = [
    // Strict objects: a stray key is an error that names it, with the closest known key.
    [
      "a misspelt key (multiAZ)",
      "production",
      (c: any) => {
        c.data.postgres.multiAZ = c.data.postgres.multiAz;
        delete c.data.postgres.multiAz;
      },
      [
        /^production: data\.postgres\.multiAz: is required \(boolean\)$/,
        /^production: data\.postgres\.multiAZ: unknown key \(did you mean multiAz\?\)$/,
      ],
    ],
    ["an unknown top-level key", "staging", (c: any) => (c.regoin = "eu-west-1"), [/^staging: regoin: unknown key$/]],
    // Curated instance types, DB classes and cache node types.
    [
      "an EC2 instance type typo (t3.mediun)",
      "staging",
      (c: any) => (c.app.instanceType = "t3.mediun"),
      [
        /^staging: app\.instanceType: t3\.mediun is not a known EC2 instance type \(did you mean t3\.medium\?\); known: /,
      ],
    ],
    [
      "an arm64 instance type under the x86_64 AMI",
      "staging",
      (c: any) => (c.app.instanceType = "t4g.medium"),
      [/^staging: app\.instanceType: t4g\.medium is arm64, but the app's AMI is x86_64$/],
    ],
    [
      "an RDS class typo (db.t3.mirco)",
      "production",
      (c: any) => (c.data.postgres.instanceClass = "db.t3.mirco"),
      [
        /^production: data\.postgres\.instanceClass: db\.t3\.mirco is not a known RDS instance class \(did you mean db\.t3\.micro\?\)/,
      ],
    ],
    [
      "an unknown cache node type",
      "staging",
      (c: any) => (c.data.redis.nodeType = "cache.t3.mirco"),
      [
        /^staging: data\.redis\.nodeType: cache\.t3\.mirco is not a known ElastiCache node type \(did you mean cache\.t3\.micro\?\)/,
      ],
    ],
    // Regions and their availability zones.
    [
      "a region outside the curated list",
      "production",
      (c: any) => (c.aws.drRegion = "eu-south-2"),
      [
        /^production: aws\.drRegion: eu-south-2 is not a supported region \(.*\); add it to src\/config\/schema\/regions\.ts$/,
      ],
    ],
    [
      "an availability zone the region does not have",
      "production",
      (c: any) => (c.network.availabilityZones[2] = "eu-west-1d"),
      [
        /^production: network\.availabilityZones\[2\]: eu-west-1d is not an availability zone of eu-west-1 \(eu-west-1a, eu-west-1b, eu-west-1c\)$/,
      ],
    ],
    // Every environment.
    [
      "capacity 0/0/4",
      "staging",
      (c: any) => (c.app.capacity = { min: 0, desired: 0, max: 4 }),
      [/^staging: app\.capacity\.min: a colour that takes traffic needs at least one instance$/],
    ],
    [
      "a test listener open to 0.0.0.0/0",
      "staging",
      (c: any) => (c.app.testListenerAllowedCidrs = ["0.0.0.0/0"]),
      [/^staging: app\.testListenerAllowedCidrs\[0\]: 0\.0\.0\.0\/0 opens the test listener to the internet/],
    ],
    [
      "a state bucket name with no room for its access-log bucket",
      "staging",
      (c: any) => (c.state.bucket = `auth-staging-tfstate-${"x".repeat(38)}`),
      [/^staging: state\.bucket: must be at most 58 characters: its access-log bucket is named <bucket>-logs$/],
    ],
    // production: true
    [
      "production without Multi-AZ",
      "production",
      (c: any) => (c.data.postgres.multiAz = false),
      [/^production: data\.postgres\.multiAz: must be true in a production environment$/],
    ],
    [
      "production Redis without cluster mode",
      "production",
      (c: any) => Object.assign(c.data.redis, { clusterMode: false, shards: 1 }),
      [/^production: data\.redis\.clusterMode: must be true in a production environment$/],
    ],
    [
      "production Redis with no replicas",
      "production",
      (c: any) => (c.data.redis.replicasPerShard = 0),
      [
        /^production: data\.redis\.shards: cluster mode needs at least 2 shards/,
        /^production: data\.redis\.replicasPerShard: must be at least 1 \(a replica in another zone for automatic failover\) in a production environment$/,
      ],
    ],
    [
      "production with backups disabled",
      "production",
      (c: any) => (c.data.backup.enabled = false),
      [
        /^production: data\.backup\.enabled: must be true \(daily AWS Backup with a copy in aws\.drRegion\) in a production environment$/,
      ],
    ],
    [
      "production without DR copies of the database backups",
      "production",
      (c: any) => delete c.data.postgres.crossRegionBackupRetentionDays,
      [
        /^production: data\.postgres\.crossRegionBackupRetentionDays: must be set \(backups replicated to aws\.drRegion\) in a production environment$/,
      ],
    ],
    [
      "production with a single instance per colour",
      "production",
      (c: any) => (c.app.capacity.min = 1),
      [/^production: app\.capacity\.min: must be at least 2 \(got 1\) in a production environment$/],
    ],
    [
      "production with preventDestroy: false",
      "production",
      (c: any) => (c.data.postgres.preventDestroy = false),
      [/^production: data\.postgres\.preventDestroy: must be true in a production environment$/],
    ],
    [
      "production without deletion protection",
      "production",
      (c: any) => (c.data.postgres.deletionProtection = false),
      [/^production: data\.postgres\.deletionProtection: must be true in a production environment$/],
    ],
    [
      "production without ALB deletion protection",
      "production",
      (c: any) => (c.app.albDeletionProtection = false),
      [/^production: app\.albDeletionProtection: must be true in a production environment$/],
    ],
    [
      "production sharing one NAT gateway",
      "production",
      (c: any) => (c.network.natGatewayCount = 1),
      [/^production: network\.natGatewayCount: must be one per availability zone \(3\) in a production environment$/],
    ],
    [
      "production keeping flow logs for 30 days",
      "production",
      (c: any) => (c.network.flowLogRetentionDays = 30),
      [
        /^production: network\.flowLogRetentionDays: must be at least 365 days in a production environment \(a year of flow logs for investigations\), got 30$/,
      ],
    ],
    [
      "production keeping superseded state versions for a week",
      "production",
      (c: any) => (c.state.noncurrentVersionRetentionDays = 7),
      [/^production: state\.noncurrentVersionRetentionDays: must be at least 30 days in a production environment/],
    ],
    [
      "production with a short key deletion window",
      "production",
      (c: any) => (c.data.keyDeletionWindowDays = 7),
      [/^production: data\.keyDeletionWindowDays: must be at least 30 days in a production environment/],
    ],
  ];

  test.each(guardrails)("rejects %s, one line per problem naming the field and the rule", (_, env, edit, expected) => {
    const problems = problemsOf({ [env]: editedConfig(env, edit) });
    expect(problems).toHaveLength(expected.length);
    expected.forEach((pattern, index) => expect(problems[index]).toMatch(pattern));
  });

  test("every object of the schema is strict, so no stray key is ever dropped silently", () => {
    const loose: string[] = [];
    const walk = (schema: any, path: string) => {
      const def = schema._zod.def;
      if (def.type === "object") {
        if (def.catchall?._zod.def.type !== "never") loose.push(path || "(root)");
        for (const [key, value] of Object.entries(def.shape)) walk(value, path ? `${path}.${key}` : key);
      } else if (def.type === "optional" || def.type === "nullable" || def.type === "default")
        walk(def.innerType, path);
      else if (def.type === "array") walk(def.element, `${path}[]`);
    };
    walk(environmentConfigSchema, "");
    expect(loose).toEqual([]);
  });

  test("rejects a DB class without storage encryption and a cache node type without encryption or cluster mode", () => {
    // No listed type lacks these today; a catalogue entry added later might.
    const catalogue = {
      ...CATALOGUE,
      dbInstanceClasses: {
        ...CATALOGUE.dbInstanceClasses,
        "db.x1.legacy": { performanceInsights: false, encryption: false, memoryGib: 1 },
      },
      cacheNodeTypes: { ...CATALOGUE.cacheNodeTypes, "cache.x1.legacy": { encryption: false, clusterMode: false } },
    };
    const config = validConfig("production");
    config.data.postgres.instanceClass = "db.x1.legacy";
    config.data.redis.nodeType = "cache.x1.legacy";
    const problems: string[] = [];
    checkCatalogue(config, (path, message) => problems.push(`${path.join(".")}: ${message}`), catalogue);
    expect(problems).toEqual([
      "data.postgres.instanceClass: db.x1.legacy does not support storage encryption",
      "data.redis.clusterMode: cache.x1.legacy does not support cluster mode",
      "data.redis.nodeType: cache.x1.legacy does not support encryption at rest and in transit",
    ]);
  });

  test.each(PRODUCTION_MINIMUM_DAYS.map(([path, days]) => [path.join("."), days] as const))(
    "rejects production with %s below %i days",
    (field, days) => {
      const below = days === 7 ? 3 : days === 1 ? 0 : days === 365 ? 90 : 7;
      const problems = problemsOf({
        production: editedConfig("production", (c: any) => {
          c.ci.guard.minBackupRetentionDays = 1; // the plan guard's floor has its own test
          const path = field.split(".");
          path.slice(0, -1).reduce((parent, key) => parent[key], c)[path.at(-1)!] = below;
        }),
      });
      expect(problems).toEqual([
        expect.stringMatching(
          new RegExp(
            `^production: ${field.replace(/\./g, "\\.")}: must be at least ${days} days in a production environment \\(.+\\), got ${below}$`,
          ),
        ),
      ]);
    },
  );

  test("rejects staging pointed at production's state bucket", () => {
    const problems = problemsOf({
      staging: editedConfig("staging", (c: any) => (c.state.bucket = environments.production.state.bucket)),
      production: environments.production,
    });
    expect(problems).toEqual([
      `production: state.bucket: ${environments.production.state.bucket} is already staging's; every environment needs its own`,
    ]);
  });

  test("rejects two environments with the same name", () => {
    const problems = problemsOf({
      staging: environments.staging,
      qa: editedConfig("staging", (c: any) => (c.state.bucket = "auth-qa-tfstate-111111111111")),
    });
    expect(problems).toEqual(["qa: environment: staging is already staging's; every environment needs its own"]);
  });

  test("reports type errors, unknown keys, catalogue and production rules together, in one run", () => {
    const problems = problemsOf({
      production: editedConfig("production", (c: any) => {
        c.data.postgres.multiAZ = true;
        c.app.instanceType = "t3.mediun";
        c.data.backup.enabled = false;
        c.aws.accountId = 42;
      }),
    });
    expect(problems).toEqual([
      expect.stringMatching(/^production: aws\.accountId: /),
      expect.stringMatching(/^production: data\.postgres\.multiAZ: unknown key/),
      expect.stringMatching(/^production: app\.instanceType: t3\.mediun is not a known EC2 instance type/),
      expect.stringMatching(/^production: data\.backup\.enabled: must be true/),
    ]);
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
