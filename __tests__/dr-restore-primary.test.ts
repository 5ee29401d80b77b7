import { environments } from "../src/config";
import { withFailBack } from "../src/config/environments/fail-back-example";
import { validateConfigs } from "../src/config/rules/validate";
import { databaseIdentifier } from "../src/stacks/data/data-alarm-definitions";
import { runTool } from "../scripts/cli/command-line";
import { drRestorePrimaryTool } from "../scripts/dr-restore-primary/cli";
import {
  InstanceFacts,
  planPrimaryRestore,
  RdsPort,
  SnapshotFacts,
} from "../scripts/dr-restore-primary/restore-primary";
import packageJson from "../package.json";
import { validConfig } from "./support/synth";

const production = validConfig("production");
const { region, drRegion, accountId } = production.aws;
const DATA_KEY = `arn:aws:kms:${region}:${accountId}:key/00000000-0000-0000-0000-00000000da7a`;
const OLD_MASTER = `arn:aws:secretsmanager:${region}:${accountId}:secret:rds!db-11111111-2222-3333-4444-555555555555-AbCdEf`;
const SNAPSHOT_ARN = `arn:aws:rds:${region}:${accountId}:snapshot:auth-production-failback`;

/** RDS as DescribeDBSnapshots/DescribeDBInstances answer, by region and identifier; an unknown identifier is absent (DB*NotFoundFault). */
class FakeRds implements RdsPort {
  readonly snapshots = new Map<string, SnapshotFacts>();
  readonly instances = new Map<string, InstanceFacts>();
  readonly calls: string[] = [];
  async snapshot(atRegion: string, identifier: string) {
    this.calls.push(`DescribeDBSnapshots ${atRegion} ${identifier}`);
    // RDS takes the identifier or the ARN of a snapshot in the client's region.
    return [...this.snapshots.entries()].find(
      ([key, facts]) =>
        key === `${atRegion}/${identifier}` || (facts.arn === identifier && facts.arn.includes(`:${atRegion}:`)),
    )?.[1];
  }
  async instance(atRegion: string, identifier: string) {
    this.calls.push(`DescribeDBInstances ${atRegion} ${identifier}`);
    return this.instances.get(`${atRegion}/${identifier}`);
  }
}

/** A world with the snapshot copied back and the instance it replaces; `instance` null: that instance is gone. */
function world(snapshot: Partial<SnapshotFacts> = {}, instance: Partial<InstanceFacts> | null = {}) {
  const rds = new FakeRds();
  rds.snapshots.set(`${region}/auth-production-failback`, {
    arn: SNAPSHOT_ARN,
    status: "available",
    engine: "postgres",
    engineVersion: `${production.data.postgres.majorVersion}.6`,
    encrypted: true,
    kmsKeyId: DATA_KEY,
    ...snapshot,
  });
  if (instance)
    rds.instances.set(`${region}/${databaseIdentifier(production)}`, {
      arn: `arn:aws:rds:${region}:${accountId}:db:${databaseIdentifier(production)}`,
      status: "available",
      kmsKeyId: DATA_KEY,
      masterSecretArn: OLD_MASTER,
      ...instance,
    });
  return rds;
}

describe("npm run dr:restore-primary: checks the snapshot a fail back restores, and prints the restore", () => {
  test("an available snapshot in aws.region with the data key: prints the dr.failBack config (the next generation, the replaced master secret) and the commands, in order", async () => {
    const rds = world();
    const plan = await planPrimaryRestore(production, "auth-production-failback", rds);
    expect(plan.code).toBe(0);
    const text = plan.lines.join("\n");
    expect(text).toContain(`snapshot: "${SNAPSHOT_ARN}",`);
    expect(text).toContain("generation: 2,");
    expect(text).toContain(`previousMasterSecretArn: "${OLD_MASTER}",`);
    expect(text).toContain("promotedSecretsDeleted: false,");
    const order = [
      "npm run diff -- --env production auth-production-data",
      "npm run deploy -- --env production auth-production-data",
      `aws secretsmanager rotate-secret --region ${region} --secret-id auth-production/db-service`,
      `aws rds delete-db-instance --region ${region} --db-instance-identifier auth-production-postgres --final-db-snapshot-identifier auth-production-postgres-final`,
    ].map((command) => text.indexOf(`$ ${command}`));
    expect(order.every((position) => position >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain("auth-production-postgres-2");
    // Read only: it describes, nothing else.
    expect(rds.calls.every((call) => call.startsWith("Describe"))).toBe(true);
  });

  test("the printed config is one the schema accepts, and it makes the data stack restore that snapshot", async () => {
    const plan = await planPrimaryRestore(production, SNAPSHOT_ARN, world());
    const printed = plan.lines.join("\n");
    const value = (field: string) => new RegExp(`${field}: "?([^",]+)"?,`).exec(printed)![1];
    const [config] = validateConfigs({
      production: {
        ...environments.production,
        dr: {
          ...environments.production.dr,
          failBack: {
            snapshot: value("snapshot"),
            generation: Number(value("generation")),
            previousMasterSecretArn: value("previousMasterSecretArn"),
            promotedSecretsDeleted: false,
          },
        },
      },
    });
    expect(databaseIdentifier(config)).toBe("auth-production-postgres-2");
  });

  test.each([
    [
      "a snapshot ARN in the DR region (not copied back yet)",
      `arn:aws:rds:${drRegion}:${accountId}:snapshot:auth-production-failback`,
      {},
      {},
      /not in aws\.region/,
    ],
    ["no such snapshot", "auth-production-other", {}, {}, /no DB snapshot auth-production-other in/],
    ["a copy still running", "auth-production-failback", { status: "copying" }, {}, /is copying, not available: wait/],
    [
      "another major version",
      "auth-production-failback",
      { engineVersion: `${production.data.postgres.majorVersion + 1}.1` },
      {},
      /majorVersion is/,
    ],
    [
      "an unencrypted snapshot",
      "auth-production-failback",
      { encrypted: false, kmsKeyId: undefined },
      {},
      /not encrypted/,
    ],
    [
      "a snapshot encrypted with another key (a restore would plan a replacement)",
      "auth-production-failback",
      { kmsKeyId: `arn:aws:kms:${region}:${accountId}:key/other` },
      {},
      /not the data key/,
    ],
    [
      "the replaced instance is gone (its master secret cannot be read)",
      "auth-production-failback",
      {},
      null,
      /is not in/,
    ],
    [
      "the replaced instance has no RDS-managed master secret",
      "auth-production-failback",
      {},
      { masterSecretArn: undefined },
      /no RDS-managed master secret/,
    ],
    ["not a snapshot name at all", "../etc/passwd", {}, {}, /neither a DB snapshot identifier nor a DB snapshot ARN/],
  ] as const)("refuses (exit 1) %s", async (_case, snapshot, snapshotFacts, instanceFacts, reason) => {
    const plan = await planPrimaryRestore(
      production,
      snapshot,
      world(snapshotFacts, instanceFacts as Partial<InstanceFacts> | null),
    );
    expect(plan.code).toBe(1);
    expect(plan.lines.join("\n")).toMatch(reason);
    expect(plan.lines.join("\n")).not.toContain("failBack: {");
  });

  test("a fail back already configured for that snapshot: prints the deploy steps for it, not a new generation", async () => {
    const [configured] = validateConfigs({ production: withFailBack(environments.production) });
    const snapshot = configured.dr.failBack!.snapshot;
    const rds = world({ arn: snapshot });
    rds.snapshots.set(`${region}/${snapshot}`, {
      ...rds.snapshots.get(`${region}/auth-production-failback`)!,
      arn: snapshot,
    });
    const plan = await planPrimaryRestore(configured, snapshot, rds);
    expect(plan.code).toBe(0);
    expect(plan.lines[0]).toMatch(/already restores from .* \(generation 2\): deploy it/);
    expect(plan.lines.join("\n")).toContain("$ npm run deploy -- --env production auth-production-data");
  });

  test("a second fail back restores generation 3 and replaces generation 2", async () => {
    const [configured] = validateConfigs({ production: withFailBack(environments.production, true) });
    const rds = world();
    rds.snapshots.set(`${region}/auth-production-failback-2`, {
      ...rds.snapshots.get(`${region}/auth-production-failback`)!,
      arn: `${SNAPSHOT_ARN}-2`,
    });
    rds.instances.set(`${region}/auth-production-postgres-2`, {
      arn: "arn",
      status: "available",
      kmsKeyId: DATA_KEY,
      masterSecretArn: OLD_MASTER,
    });
    const plan = await planPrimaryRestore(configured, "auth-production-failback-2", rds);
    expect(plan.code).toBe(0);
    expect(plan.lines.join("\n")).toContain("generation: 3,");
    expect(plan.lines.join("\n")).toContain(
      "--db-instance-identifier auth-production-postgres-2 --no-deletion-protection",
    );
  });

  test("the CLI: --help, usage errors (exit 2), and a refusal's exit code, with the npm script in package.json", async () => {
    expect(packageJson.scripts["dr:restore-primary"]).toBe("tsx scripts/dr-restore-primary/cli.ts");
    const output: string[] = [];
    const spies = [
      jest.spyOn(console, "log").mockImplementation((line) => void output.push(String(line))),
      jest.spyOn(console, "error").mockImplementation((line) => void output.push(String(line))),
    ];
    const write = jest.spyOn(process.stdout, "write").mockImplementation((text) => (output.push(String(text)), true));
    try {
      const tool = drRestorePrimaryTool(() => world());
      expect(await runTool(tool, ["--help"])).toBe(0);
      expect(output.join("\n")).toMatch(/usage: npm run dr:restore-primary -- --env ENV --snapshot ID\|ARN/);
      expect(await runTool(tool, ["--env", "production"])).toBe(2);
      expect(await runTool(tool, ["--env", "nowhere", "--snapshot", "x"])).toBe(2);
      expect(await runTool(tool, ["--env", "production", "--snapshot", "auth-production-missing"])).toBe(1);
      expect(await runTool(tool, ["--env", "production", "--snapshot", "auth-production-failback"])).toBe(0);
      expect(output.join("\n")).toContain(
        "dr:restore-primary: 1. Set dr.failBack in src/config/environments/production.ts",
      );
    } finally {
      for (const spy of [...spies, write]) spy.mockRestore();
    }
  });
});
