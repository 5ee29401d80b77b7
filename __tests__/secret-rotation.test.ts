import { execFileSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { deterministicZip } from "../src/constructs/compute/deterministic-zip";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rotate } = require("../lambda/secret-rotation/rotation");

type Versions = Record<string, string[]>;

/** An in-memory Secrets Manager holding one secret's versions and stages. */
function fakeSecretsManager(versions: Versions, values: Record<string, string> = {}) {
  const calls: string[] = [];
  return {
    calls,
    versions,
    values,
    async describeSecret() {
      return { RotationEnabled: true, VersionIdsToStages: versions };
    },
    async getSecretValue(_: string, stage: string, versionId?: string) {
      const id = versionId ?? Object.keys(versions).find((version) => versions[version].includes(stage));
      if (!id || !(id in values)) throw Object.assign(new Error("not found"), { name: "ResourceNotFoundException" });
      return { SecretString: values[id] };
    },
    async putSecretValue(_: string, token: string, value: string, stages: string[]) {
      calls.push(`put ${token}`);
      values[token] = value;
      versions[token] = stages;
    },
    async updateSecretVersionStage(_: string, stage: string, moveTo: string, removeFrom: string) {
      calls.push(`move ${stage} ${removeFrom} -> ${moveTo}`);
      versions[removeFrom] = ["AWSPREVIOUS"];
      versions[moveTo] = [stage];
    },
    generated: 0,
    async getRandomPassword(length: number) {
      return `key${++this.generated}-`.padEnd(length, "x");
    },
  };
}

const shape = { keys: ["signing_key", "session_secret"], length: 64, excludeCharacters: "\"'" };
const ring = (key: string, value: Record<string, string>) => [
  value[`${key}_previous`],
  value[key],
  value[`${key}_next`],
];
/** What an instance holding this version signs with and accepts. */
const instance = (version: string) => {
  const value = JSON.parse(version);
  return { signs: value.signing_key as string, accepts: new Set(ring("signing_key", value)) };
};
const initial = JSON.stringify(
  Object.fromEntries(
    ["signing_key", "session_secret"].flatMap((key) => [
      [key, `${key}-0`.padEnd(64, "0")],
      [`${key}_previous`, `${key}-p`.padEnd(64, "0")],
      [`${key}_next`, `${key}-1`.padEnd(64, "0")],
    ]),
  ),
);
const event = (step: string) => ({ SecretId: "auth-production/app", ClientRequestToken: "new", Step: step });

describe("app secret rotation function", () => {
  test("runs the four steps: each ring shifts by one (next becomes current, current becomes previous), then AWSCURRENT moves", async () => {
    const secretsManager = fakeSecretsManager({ old: ["AWSCURRENT"], new: ["AWSPENDING"] }, { old: initial });
    for (const step of ["createSecret", "setSecret", "testSecret", "finishSecret"])
      await rotate(event(step), secretsManager, shape);
    const before = JSON.parse(initial);
    const after = JSON.parse(secretsManager.values.new);
    for (const key of shape.keys) {
      expect(after[key]).toBe(before[`${key}_next`]);
      expect(after[`${key}_previous`]).toBe(before[key]);
      expect(after[`${key}_next`]).toMatch(/^key\d+-x+$/);
      expect(after[`${key}_next`]).toHaveLength(64);
    }
    expect(secretsManager.versions).toEqual({ old: ["AWSPREVIOUS"], new: ["AWSCURRENT"] });
    expect(secretsManager.calls).toEqual(["put new", "move AWSCURRENT old -> new"]);
  });

  test("instances that booted on either side of a rotation accept each other's signatures", async () => {
    const secretsManager = fakeSecretsManager({ old: ["AWSCURRENT"], new: ["AWSPENDING"] }, { old: initial });
    for (const step of ["createSecret", "setSecret", "testSecret", "finishSecret"])
      await rotate(event(step), secretsManager, shape);
    const before = instance(secretsManager.values.old);
    const after = instance(secretsManager.values.new);
    expect(after.signs).not.toBe(before.signs);
    expect(before.accepts.has(after.signs)).toBe(true);
    expect(after.accepts.has(before.signs)).toBe(true);
  });

  test("a retried createSecret does not replace the pending value", async () => {
    const secretsManager = fakeSecretsManager(
      { old: ["AWSCURRENT"], new: ["AWSPENDING"] },
      { old: "{}", new: '{"signing_key":"kept"}' },
    );
    await rotate(event("createSecret"), secretsManager, shape);
    expect(secretsManager.calls).toEqual([]);
  });

  test("testSecret rejects a pending value that lacks a field", async () => {
    const secretsManager = fakeSecretsManager(
      { old: ["AWSCURRENT"], new: ["AWSPENDING"] },
      { new: JSON.stringify({ ...JSON.parse(initial), session_secret_next: "short" }) },
    );
    await expect(rotate(event("testSecret"), secretsManager, shape)).rejects.toThrow(/lacks session_secret_next/);
  });

  test("refuses a token that is not part of a rotation", async () => {
    const secretsManager = fakeSecretsManager({ old: ["AWSCURRENT"] });
    await expect(rotate(event("createSecret"), secretsManager, shape)).rejects.toThrow(/not part of a rotation/);
  });

  test("promotes the first version of a secret that has no current version", async () => {
    const secretsManager = fakeSecretsManager({ new: ["AWSPENDING"] }, { new: "{}" });
    const moves: unknown[][] = [];
    secretsManager.updateSecretVersionStage = async (...args: unknown[]) => void moves.push(args);
    await rotate(event("finishSecret"), secretsManager, shape);
    expect(moves).toEqual([["auth-production/app", "AWSCURRENT", "new", undefined]]);
  });

  test("does nothing once the version is already current", async () => {
    const secretsManager = fakeSecretsManager({ new: ["AWSCURRENT", "AWSPENDING"] });
    await rotate(event("finishSecret"), secretsManager, shape);
    expect(secretsManager.calls).toEqual([]);
  });
});

describe("Lambda packages", () => {
  const entries = [
    { name: "index.js", content: Buffer.from("exports.handler = () => 1;\n") },
    { name: "rotation.js", content: Buffer.from("module.exports = {};\n".repeat(50)) },
  ];

  test("are byte-for-byte reproducible, whatever the order of the files", () => {
    expect(deterministicZip(entries).equals(deterministicZip([...entries].reverse()))).toBe(true);
  });

  test("are valid zip archives with the files' contents", () => {
    const path = join(mkdtempSync(join(tmpdir(), "zip-")), "package.zip");
    writeFileSync(path, deterministicZip(entries));
    const listing = execFileSync("python3", [
      "-c",
      "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(*[f'{i.filename}:{len(z.read(i))}' for i in z.infolist()])",
      path,
    ]).toString();
    expect(listing.trim()).toBe(`index.js:${entries[0].content.length} rotation.js:${entries[1].content.length}`);
  });
});
