/**
 * A year of image pushes and releases on a simulated clock: the synthesized registries (their
 * lifecycle policies and replication rules, read from the registry and DR network stacks), the real
 * release tool with its real tagging code, and ECR's documented lifecycle evaluation once a day
 * (see support/fake-ecr.ts). Staging builds three times a working day and releases daily but for a
 * three-week freeze; production releases weekly for three months, then stays on one release for
 * nine, then rolls back.
 */
import { Testing } from "cdktf";
import { environments } from "../../src/config";
import type { EnvironmentConfig } from "../../src/config/schema/schema";
import { validateConfigs } from "../../src/config/rules/validate";
import { imageRegions, releaseTagPrefix } from "../../src/release/image-protection";
import { ReleaseState, seedReleaseState } from "../../src/release/release-state";
import { referencedDigests } from "../../src/release/image-protection";
import { DrNetworkStack } from "../../src/stacks/dr/dr-network-stack";
import { RegistryStack } from "../../src/stacks/registry/registry-stack";
import { EnvironmentFacts, runRelease } from "../../scripts/release/orchestrator";
import { releaseTagger } from "../../scripts/release/release-tags";
import { EXIT } from "../../scripts/cli/command-line";
import { FakeRepository, LifecycleRule } from "../support/fake-ecr";
import { AMI, ReleaseWorld } from "../support/release-world";

const DAY = 86_400_000;
const START = new Date("2027-01-04T09:00:00Z");
const configs = validateConfigs(environments);
const byName = (name: string) => configs.find((config) => config.environment === name)!;

type Json = Record<string, any>;
const key = (accountId: string, region: string) => `${accountId}/${region}`;

/** The repositories the stacks create, with the lifecycle policy and replication rules they synthesize. */
function synthesizedRegistries(now: () => Date): Map<string, FakeRepository> {
  const repositories = new Map<string, FakeRepository>();
  const replication: [string, Json][] = [];
  const add = (accountId: string, region: string, json: Json) => {
    const policies = Object.values(json.resource?.aws_ecr_lifecycle_policy ?? {}) as Json[];
    if (policies.length !== 1) throw new Error(`expected one lifecycle policy for ${key(accountId, region)}`);
    const rules = JSON.parse(policies[0].policy).rules as LifecycleRule[];
    repositories.set(key(accountId, region), new FakeRepository(key(accountId, region), rules, now));
    for (const configuration of Object.values(json.resource?.aws_ecr_replication_configuration ?? {}) as Json[])
      replication.push([key(accountId, region), configuration]);
  };
  for (const config of configs) {
    add(config.aws.accountId, config.aws.region, JSON.parse(Testing.synth(new RegistryStack(Testing.app(), config))));
    if (config.dr.pilotLight)
      add(
        config.aws.accountId,
        config.aws.drRegion,
        JSON.parse(Testing.synth(new DrNetworkStack(Testing.app(), config))),
      );
  }
  for (const [source, configuration] of replication) {
    for (const rule of configuration.replication_configuration.rule) {
      for (const destination of rule.destination) {
        const target = repositories.get(key(destination.registry_id, destination.region));
        if (!target)
          throw new Error(
            `${source} replicates into ${key(destination.registry_id, destination.region)}, which no stack creates`,
          );
        repositories.get(source)!.replicatesTo.push(target);
      }
    }
  }
  return repositories;
}

/** One environment: its release state (in a fake SSM), the repositories it pulls from, and the real release tool. */
class Environment {
  readonly world = new ReleaseWorld(seedReleaseState(AMI.old));
  readonly repositories: FakeRepository[];
  readonly facts: EnvironmentFacts;
  runs = 0;

  constructor(
    readonly config: EnvironmentConfig,
    registries: Map<string, FakeRepository>,
  ) {
    this.repositories = imageRegions(config).map((region) => registries.get(key(config.aws.accountId, region))!);
    this.facts = { environment: config.environment, capacity: config.app.capacity, scanGate: config.registry.scanGate };
  }

  state(): ReleaseState {
    return this.world.state();
  }

  async run(request: Parameters<typeof runRelease>[0], at: Date): Promise<{ exitCode: number; message: string }> {
    this.world.now = at;
    const ports = this.world.ports();
    const [primary] = this.repositories;
    this.runs += 1;
    return runRelease(
      request,
      this.facts,
      {
        ...ports,
        images: { exists: async (digest) => primary.has(digest), findings: async () => [] },
        releaseTags: releaseTagger(this.config.environment, this.repositories),
      },
      { runId: `run-${this.runs}`, holder: "simulated-clock", leaseSeconds: 3600 },
      new AbortController().signal,
    );
  }

  release(digest: string, at: Date) {
    return this.run({ action: "release", digest, steps: [10, 100], bakeMilliseconds: 1000 }, at);
  }

  /** Referenced digests missing from a repository the environment pulls from. */
  missing(): string[] {
    return referencedDigests(this.state()).flatMap((digest) =>
      this.repositories
        .filter((repository) => !repository.has(digest))
        .map((repository) => `${digest} gone from ${repository.label}`),
    );
  }
}

const digestOf = (build: number) => `sha256:${build.toString(16).padStart(64, "0")}`;
const workingDay = (day: Date) => day.getUTCDay() !== 0 && day.getUTCDay() !== 6;

describe("a year on the simulated clock: referenced images never expire", () => {
  const clock = { now: START };
  const registries = synthesizedRegistries(() => clock.now);
  const staging = new Environment(byName("staging"), registries);
  const production = new Environment(byName("production"), registries);
  const stagingSource = staging.repositories[0];
  const losses: string[] = [];
  const failedRuns: string[] = [];
  let builds = 0;
  let releases = 0;
  let productionPinnedAt: Date | undefined;
  let rollback: { exitCode: number; message: string } | undefined;

  beforeAll(async () => {
    for (let day = 0; day < 365; day++) {
      const date = new Date(START.getTime() + day * DAY);
      if (workingDay(date)) {
        for (let build = 0; build < 3; build++) {
          clock.now = new Date(date.getTime() + build * 3 * 3600_000);
          builds += 1;
          stagingSource.push(digestOf(builds), builds.toString(16).padStart(40, "0"));
        }
        clock.now = new Date(date.getTime() + 8 * 3600_000);
        // A three-week release freeze in staging while the builds go on (more than keepImages of them).
        const frozen = day >= 140 && day < 161;
        if (!frozen) {
          const staged = await staging.release(digestOf(builds), clock.now);
          if (staged.exitCode !== EXIT.ok) failedRuns.push(`day ${day} staging: ${staged.message}`);
          releases += 1;
        }
        // Production promotes staging's live image every Monday for three months, then stays put.
        if (date.getUTCDay() === 1 && day < 90) {
          const live = staging.state()[staging.state().greenTrafficPercent === 100 ? "green" : "blue"].digest;
          const promoted = await production.release(live, clock.now);
          if (promoted.exitCode !== EXIT.ok) failedRuns.push(`day ${day} production: ${promoted.message}`);
          releases += 1;
          productionPinnedAt = date;
        }
      }
      clock.now = new Date(date.getTime() + 23 * 3600_000);
      for (const repository of registries.values()) repository.runLifecycle();
      for (const environment of [staging, production])
        for (const loss of environment.missing()) losses.push(`day ${day}: ${environment.config.environment} ${loss}`);
    }
    rollback = await production.run({ action: "rollback" }, clock.now);
  });

  test("hundreds of pushes and releases across staging -> production -> DR ran", () => {
    expect(builds).toBeGreaterThan(700);
    expect(releases).toBeGreaterThan(250);
    expect(failedRuns).toEqual([]);
  });

  test("no lifecycle run ever expired a live, idle or rollback digest, in the source, the replica or the DR repository", () => {
    // The first loss of each environment and repository, not all of them for every day after.
    const first = new Map(losses.map((loss): [string, string] => [loss.replace(/^day \d+: /, ""), loss]).reverse());
    expect([...first.values()]).toEqual([]);
  });

  test("production left on one release for nine months can still roll back to the previous one", () => {
    expect(clock.now.getTime() - productionPinnedAt!.getTime()).toBeGreaterThan(270 * DAY);
    expect(rollback).toMatchObject({ exitCode: EXIT.ok });
  });

  test("build images never released still age out, and superseded releases lose their protecting tags", () => {
    for (const [label, repository] of registries) {
      const config = configs.find((candidate) => label.startsWith(candidate.aws.accountId))!;
      // Whatever a repository holds beyond its tagged-image budget is protected, and only the referenced few are.
      expect({ label, size: repository.images.size <= config.registry.keepImages + 5 }).toEqual({ label, size: true });
      const protectedHere = [...repository.images.values()].filter((image) =>
        [...image.tags].some((tag) => tag.startsWith(releaseTagPrefix(config.environment))),
      );
      expect({ label, protected: protectedHere.length <= 5 }).toEqual({ label, protected: true });
    }
    expect(stagingSource.has(digestOf(1))).toBe(false);
  });
});
