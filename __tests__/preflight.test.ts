import { GUARDDUTY_FEATURES } from "../src/config/schema/accounts-schema";
import { organizationMemberLayout, sharedAccountLayout } from "../src/config/environments/layouts";
import type { EnvironmentConfig } from "../src/config/schema/schema";
import { validateConfigs } from "../src/config/rules/validate";
import { environments } from "../src/config";
import { fsbpStandardArn } from "../src/constructs/security/threat-detection";
import type { AccountReader, DetectorView, TrailView } from "../scripts/preflight/ports";
import { preflight } from "../scripts/preflight/preflight";

/**
 * A fake account. It models the documented singleton rules: one detector and one recorder per
 * account and region, one IAM OIDC provider per URL; ListDetectors is empty until GuardDuty is
 * enabled (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ListDetectors.html), and
 * GetEnabledStandards fails with InvalidAccessException when the account is not subscribed
 * (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_GetEnabledStandards.html): undefined here.
 */
function fakeAccount(
  world: Partial<{
    detector: DetectorView;
    recorders: { name: string; recording: boolean }[];
    standards: string[];
    trails: TrailView[];
    analyzers: { arn: string; type: string }[];
    oidc: Record<string, string[]>;
  }>,
): AccountReader {
  return {
    detector: async () => world.detector,
    configRecorders: async () => world.recorders ?? [],
    securityHubStandards: async () => world.standards,
    trail: async (arn) => world.trails?.find((trail) => trail.arn === arn),
    trailNames: async () => (world.trails ?? []).map((trail) => trail.arn.split("/").pop()!),
    analyzers: async () => world.analyzers ?? [],
    oidcProviderClientIds: async (arn) => world.oidc?.[arn],
  };
}

const [standalone] = validateConfigs({ production: environments.production });
const [member] = validateConfigs(organizationMemberLayout);
/** The problems in aws.region, by singleton (the DR region reads the same fake account unless given its own). */
const problemsOf = async (config: EnvironmentConfig, account: AccountReader, drAccount: AccountReader = account) =>
  Object.fromEntries(
    (await preflight(config, account, drAccount))
      .filter((check) => check.region === config.aws.region)
      .map((check) => [check.singleton, check.problems]),
  );
/** The problems in aws.drRegion, by singleton. */
const drProblemsOf = async (config: EnvironmentConfig, account: AccountReader, drAccount: AccountReader) =>
  Object.fromEntries(
    (await preflight(config, account, drAccount))
      .filter((check) => check.region === config.aws.drRegion)
      .map((check) => [check.singleton, check.problems]),
  );
const oidcArn = (config: EnvironmentConfig) =>
  `arn:aws:iam::${config.aws.accountId}:oidc-provider/token.actions.githubusercontent.com`;
const asConfigured = (config: EnvironmentConfig, change: Record<string, string> = {}): DetectorView => ({
  id: "d1",
  administrator: "999999999999",
  features: {
    ...Object.fromEntries(
      GUARDDUTY_FEATURES.map((feature) => [
        feature,
        config.accounts.guardDuty.features[feature].enabled ? "ENABLED" : "DISABLED",
      ]),
    ),
    ...change,
  },
  runtimeAgents: Object.fromEntries(
    Object.entries(config.accounts.guardDuty.runtimeAgents).map(([agent, { enabled }]) => [
      agent,
      enabled && config.accounts.guardDuty.features.RUNTIME_MONITORING.enabled ? "ENABLED" : "DISABLED",
    ]),
  ),
});

describe("preflight: create mode needs an empty account", () => {
  test("an empty account passes every singleton", async () => {
    expect(Object.values(await problemsOf(standalone, fakeAccount({}))).flat()).toEqual([]);
  });

  test("each singleton the organisation already runs would make create fail, and says so", async () => {
    const problems = await problemsOf(
      standalone,
      fakeAccount({
        detector: asConfigured(standalone),
        recorders: [{ name: "aws-controltower-BaselineConfigRecorder", recording: true }],
        standards: [],
        analyzers: [{ arn: "arn:aws:access-analyzer:eu-west-1:222222222222:analyzer/x", type: "ACCOUNT" }],
        oidc: { [oidcArn(standalone)]: ["sts.amazonaws.com"] },
      }),
    );
    expect(problems.guardDuty).toEqual([
      expect.stringMatching(/eu-west-1 already has detector d1.*choose existing or organization/),
    ]);
    expect(problems.configRecorder).toEqual([
      expect.stringMatching(/already has recorder aws-controltower-BaselineConfigRecorder/),
    ]);
    expect(problems.securityHub).toEqual([expect.stringMatching(/already subscribed/)]);
    expect(problems.accessAnalyzer).toEqual([expect.stringMatching(/already has account analyzer/)]);
    expect(problems.githubOidcProvider).toEqual([expect.stringMatching(/EntityAlreadyExists/)]);
  });
});

describe("preflight: organization mode compares the account with the config", () => {
  const trail: TrailView = {
    arn: member.accounts.cloudTrail.trailArn!,
    multiRegion: true,
    organizationTrail: true,
    logging: true,
  };
  const governed = (detector: DetectorView, extra: Partial<TrailView> = {}) =>
    fakeAccount({
      detector,
      recorders: [{ name: "aws-controltower-BaselineConfigRecorder", recording: true }],
      standards: [fsbpStandardArn(member.aws.region)],
      trails: [{ ...trail, ...extra }],
      oidc: { [oidcArn(member)]: ["sts.amazonaws.com"] },
    });

  test("a member account governed as the config expects passes", async () => {
    expect(Object.values(await problemsOf(member, governed(asConfigured(member)))).flat()).toEqual([]);
  });

  test("a feature the administrator runs otherwise than the config expects is named with the config's reason", async () => {
    const problems = await problemsOf(member, governed(asConfigured(member, { EBS_MALWARE_PROTECTION: "DISABLED" })));
    expect(problems.guardDuty).toEqual([
      `feature EBS_MALWARE_PROTECTION is DISABLED, the config expects ENABLED (${member.accounts.guardDuty.features.EBS_MALWARE_PROTECTION.reason})`,
    ]);
  });

  test("a detector with no administrator, a stopped trail and a missing provider are refused", async () => {
    const problems = await problemsOf(
      member,
      fakeAccount({
        detector: { ...asConfigured(member), administrator: undefined },
        trails: [{ ...trail, logging: false, organizationTrail: false }],
      }),
    );
    expect(problems.guardDuty).toEqual([expect.stringMatching(/no delegated administrator/)]);
    expect(problems.cloudTrail).toEqual([
      expect.stringMatching(/is not logging/),
      expect.stringMatching(/is not an organisation trail/),
    ]);
    expect(problems.configRecorder).toEqual([expect.stringMatching(/no configuration recorder/)]);
    expect(problems.securityHub).toEqual([expect.stringMatching(/not subscribed/)]);
    expect(problems.githubOidcProvider).toEqual([expect.stringMatching(/does not exist/)]);
  });
});

describe("preflight: existing mode", () => {
  const [staging] = validateConfigs(sharedAccountLayout);
  test("the shared-account staging reads production's trail and provider; a trail missing from the account is refused", async () => {
    const ok = fakeAccount({
      trails: [
        { arn: staging.accounts.cloudTrail.trailArn!, multiRegion: true, organizationTrail: false, logging: true },
      ],
      oidc: { [oidcArn(staging)]: ["sts.amazonaws.com"] },
    });
    expect((await problemsOf(staging, ok)).cloudTrail).toEqual([]);
    expect((await problemsOf(staging, fakeAccount({}))).cloudTrail).toEqual([
      `trail ${staging.accounts.cloudTrail.trailArn} is not visible from this account`,
    ]);
  });
});

describe("preflight: the pilot light's region (GuardDuty and Security Hub are regional, and the pilot light runs them there too)", () => {
  test("the DR region is checked for exactly the regional services the pilot light runs, in their modes", async () => {
    const checks = (await preflight(standalone, fakeAccount({}), fakeAccount({}))).filter(
      (check) => check.region === standalone.aws.drRegion,
    );
    expect(checks.map((check) => [check.singleton, check.mode])).toEqual([
      ["guardDuty", standalone.accounts.guardDuty.mode],
      ["securityHub", standalone.accounts.securityHub.mode],
    ]);
  });

  test("create: a detector or hub subscription already in the DR region would make the pilot light's apply fail, and is named with its region", async () => {
    const problems = await drProblemsOf(
      standalone,
      fakeAccount({}),
      fakeAccount({ detector: asConfigured(standalone), standards: [] }),
    );
    expect(problems.guardDuty).toEqual([expect.stringContaining(`${standalone.aws.drRegion} already has detector d1`)]);
    expect(problems.securityHub).toEqual([
      expect.stringContaining(`subscribed to Security Hub in ${standalone.aws.drRegion}`),
    ]);
  });

  test("organization: the administrator enabled the member in aws.region only; the DR region is refused (auto-enable is set per region)", async () => {
    const primaryOk = fakeAccount({ detector: asConfigured(member), standards: [fsbpStandardArn(member.aws.region)] });
    const problems = await drProblemsOf(member, primaryOk, fakeAccount({}));
    expect(problems.guardDuty).toEqual([
      `no detector in ${member.aws.drRegion}: the delegated administrator has not enabled this account`,
    ]);
    expect(problems.securityHub).toEqual([`the account is not subscribed to Security Hub in ${member.aws.drRegion}`]);
    // FSBP is a regional standard: the primary region's ARN does not count in the DR region.
    const wrongStandard = await drProblemsOf(
      member,
      primaryOk,
      fakeAccount({ detector: asConfigured(member), standards: [fsbpStandardArn(member.aws.region)] }),
    );
    expect(wrongStandard.securityHub).toEqual([
      expect.stringMatching(/Foundational Security Best Practices standard is not enabled/),
    ]);
    const covered = await drProblemsOf(
      member,
      primaryOk,
      fakeAccount({ detector: asConfigured(member), standards: [fsbpStandardArn(member.aws.drRegion)] }),
    );
    expect(Object.values(covered).flat()).toEqual([]);
  });

  test("an environment without a pilot light is checked in aws.region only", async () => {
    const [staging] = validateConfigs({ staging: environments.staging });
    expect(staging.dr.pilotLight).toBe(false);
    expect(new Set((await preflight(staging, fakeAccount({}))).map((check) => check.region))).toEqual(
      new Set([staging.aws.region]),
    );
  });
});
