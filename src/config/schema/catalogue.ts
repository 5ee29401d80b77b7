/**
 * The instance types, DB instance classes and cache node types an environment may use, with what
 * each supports. A curated list, not every type AWS sells: a typo (t3.mediun) or a type the
 * constructs cannot run (an arm64 type under the x86_64 AMI) fails validation instead of apply.
 */

/** EC2 instance types for the app fleets. The launch template boots the x86_64 Amazon Linux 2023 AMI. */
export const INSTANCE_TYPES: Readonly<
  Record<string, { readonly architecture: "x86_64" | "arm64"; readonly vcpus: number }>
> = {
  "t3.small": { architecture: "x86_64", vcpus: 2 },
  "t3.medium": { architecture: "x86_64", vcpus: 2 },
  "t3.large": { architecture: "x86_64", vcpus: 2 },
  "t3.xlarge": { architecture: "x86_64", vcpus: 4 },
  "m6i.large": { architecture: "x86_64", vcpus: 2 },
  "m6i.xlarge": { architecture: "x86_64", vcpus: 4 },
  "m7i.large": { architecture: "x86_64", vcpus: 2 },
  "c6i.large": { architecture: "x86_64", vcpus: 2 },
  "t4g.medium": { architecture: "arm64", vcpus: 2 },
  "m7g.large": { architecture: "arm64", vcpus: 2 },
};

/** The architecture of the AMI the app's launch template resolves (al2023-ami-kernel-default-x86_64). */
export const APP_AMI_ARCHITECTURE = "x86_64";

/**
 * RDS for PostgreSQL instance classes: the one table of them (config validation, max_connections,
 * the connections alarm). Performance Insights is not offered on db.t3/db.t4g micro and small
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights.Overview.Engines.html);
 * every listed class supports storage encryption, which the database construct always turns on.
 * memoryGib is the nominal memory of the class
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html).
 */
export const DB_INSTANCE_CLASSES: Readonly<
  Record<string, { readonly performanceInsights: boolean; readonly encryption: boolean; readonly memoryGib: number }>
> = {
  "db.t3.micro": { performanceInsights: false, encryption: true, memoryGib: 1 },
  "db.t3.small": { performanceInsights: false, encryption: true, memoryGib: 2 },
  "db.t3.medium": { performanceInsights: true, encryption: true, memoryGib: 4 },
  "db.t3.large": { performanceInsights: true, encryption: true, memoryGib: 8 },
  "db.t4g.micro": { performanceInsights: false, encryption: true, memoryGib: 1 },
  "db.t4g.small": { performanceInsights: false, encryption: true, memoryGib: 2 },
  "db.t4g.medium": { performanceInsights: true, encryption: true, memoryGib: 4 },
  "db.m6i.large": { performanceInsights: true, encryption: true, memoryGib: 8 },
  "db.m7g.large": { performanceInsights: true, encryption: true, memoryGib: 8 },
  "db.r6i.large": { performanceInsights: true, encryption: true, memoryGib: 16 },
  "db.r7g.large": { performanceInsights: true, encryption: true, memoryGib: 16 },
};

/**
 * max_connections of an instance class: the default parameter group's formula,
 * LEAST({DBInstanceClassMemory/9531392}, 5000)
 * (https://docs.aws.amazon.com/prescriptive-guidance/latest/tuning-postgresql-parameters/max-connections.html),
 * on the nominal memory. RDS evaluates DBInstanceClassMemory a little below the nominal memory (it
 * keeps some for the OS and its own processes), so the default would be slightly lower than
 * computed here: the parameter group therefore pins max_connections to this number, and the
 * connections alarm is a share of the same number. Throws for a class the table does not list.
 */
export function maxConnectionsOf(instanceClass: string): number {
  const known = DB_INSTANCE_CLASSES[instanceClass];
  if (known === undefined)
    throw new Error(
      `no memory size known for ${instanceClass}; add it to DB_INSTANCE_CLASSES in src/config/schema/catalogue.ts`,
    );
  return Math.min(Math.floor((known.memoryGib * 1024 ** 3) / 9531392), 5000);
}

/**
 * ElastiCache for Redis node types. All listed types support encryption at rest and in transit
 * and cluster mode; the cache construct always uses the first two.
 */
export const CACHE_NODE_TYPES: Readonly<
  Record<string, { readonly encryption: boolean; readonly clusterMode: boolean }>
> = {
  "cache.t3.micro": { encryption: true, clusterMode: true },
  "cache.t3.small": { encryption: true, clusterMode: true },
  "cache.t3.medium": { encryption: true, clusterMode: true },
  "cache.t4g.micro": { encryption: true, clusterMode: true },
  "cache.t4g.small": { encryption: true, clusterMode: true },
  "cache.t4g.medium": { encryption: true, clusterMode: true },
  "cache.m6g.large": { encryption: true, clusterMode: true },
  "cache.m7g.large": { encryption: true, clusterMode: true },
  "cache.r6g.large": { encryption: true, clusterMode: true },
  "cache.r7g.large": { encryption: true, clusterMode: true },
};

/** The three lists together; guardrail tests pass their own to exercise capabilities no listed type lacks. */
export interface Catalogue {
  readonly instanceTypes: typeof INSTANCE_TYPES;
  readonly dbInstanceClasses: typeof DB_INSTANCE_CLASSES;
  readonly cacheNodeTypes: typeof CACHE_NODE_TYPES;
}

export const CATALOGUE: Catalogue = {
  instanceTypes: INSTANCE_TYPES,
  dbInstanceClasses: DB_INSTANCE_CLASSES,
  cacheNodeTypes: CACHE_NODE_TYPES,
};

/** "unknown X (did you mean Y?)": the closest listed name by edit distance, when one is close. */
export function unknownName(kind: string, value: string, known: readonly string[]): string {
  const closest = known
    .map((name) => ({ name, distance: editDistance(value, name) }))
    .sort((a, b) => a.distance - b.distance)[0];
  const hint = closest && closest.distance <= 2 ? ` (did you mean ${closest.name}?)` : "";
  return `${value} is not a known ${kind}${hint}; known: ${known.join(", ")}`;
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
