/**
 * Memory of the catalogued RDS instance classes (src/config/catalogue.ts), for the default
 * max_connections of RDS for PostgreSQL, LEAST({DBInstanceClassMemory/9531392}, 5000)
 * (https://docs.aws.amazon.com/prescriptive-guidance/latest/tuning-postgresql-parameters/max-connections.html;
 * memory per class: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html).
 * RDS evaluates DBInstanceClassMemory a little below the nominal memory (it keeps some for the OS
 * and its own processes), so the default would be slightly lower than computed here: the
 * parameter group therefore pins max_connections to this number, and the connections alarm is a
 * share of the same number. A unit test requires a size for every catalogued class.
 */
export const DB_INSTANCE_CLASS_MEMORY_GIB: Readonly<Record<string, number>> = {
  "db.t3.micro": 1,
  "db.t3.small": 2,
  "db.t3.medium": 4,
  "db.t3.large": 8,
  "db.t4g.micro": 1,
  "db.t4g.small": 2,
  "db.t4g.medium": 4,
  "db.m6i.large": 8,
  "db.m7g.large": 8,
  "db.r6i.large": 16,
  "db.r7g.large": 16,
};

/**
 * max_connections of an instance class: the default parameter group's formula on the nominal
 * memory. The one home of the number: the parameter group pins it, the connections alarm derives
 * from it. Throws for a class without a known size.
 */
export function maxConnectionsOf(instanceClass: string): number {
  const gib = DB_INSTANCE_CLASS_MEMORY_GIB[instanceClass];
  if (gib === undefined) throw new Error(`no memory size known for ${instanceClass}; add it to src/config/postgres-instance-classes.ts`);
  return Math.min(Math.floor((gib * 1024 ** 3) / 9531392), 5000);
}
