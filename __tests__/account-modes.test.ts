import { Testing } from "cdktf";
import { evaluateStack } from "../src/compliance/evaluate";
import { buildApp } from "../src/app";
import { environments } from "../src/config";
import { organizationMemberLayout, sharedAccountLayout } from "../src/config/environments/layouts";
import type { EnvironmentConfig } from "../src/config/schema/schema";
import { validateConfigs } from "../src/config/rules/validate";
import { GithubDeployRoles } from "../src/constructs/ci/github-deploy-roles";
import { LEGACY_PROVIDER_ID } from "../src/constructs/ci/github-oidc-provider";
import { CIS_METRIC_FILTERS } from "../src/compliance/filter-patterns";
import { BootstrapStack } from "../src/stacks/bootstrap/bootstrap-stack";
import { addressesDeclaredBy } from "../src/stacks/shared/forget-resources";
import { SecurityStack } from "../src/stacks/security/security-stack";
import { Synthesized, synthEnvironment } from "./support/synth";

/** Resource types that are an account or region singleton, or exist only to serve one. */
const SINGLETON_TYPES = [
  "aws_guardduty_detector",
  "aws_guardduty_detector_feature",
  "aws_securityhub_account",
  "aws_securityhub_standards_subscription",
  "aws_config_configuration_recorder",
  "aws_config_configuration_recorder_status",
  "aws_config_delivery_channel",
  "aws_cloudtrail",
  "aws_accessanalyzer_analyzer",
  "aws_iam_openid_connect_provider",
];

const [member] = validateConfigs(organizationMemberLayout);
const created = synthEnvironment("production");
/** The stack's Terraform JSON with its "//" metadata (Testing.synth drops it), after its validations: the compliance pack at synth. */
const rawJson = (stack: SecurityStack | BootstrapStack) => {
  stack.runAllValidations();
  return JSON.parse(JSON.stringify(stack.toTerraform()));
};
const memberSecurity = rawJson(new SecurityStack(Testing.app(), member));
const memberBootstrap = rawJson(new BootstrapStack(Testing.app(), member));
const addresses = (json: Record<string, any>) =>
  Object.entries<Record<string, unknown>>(json.resource ?? {}).flatMap(([type, blocks]) =>
    Object.keys(blocks).map((name) => `${type}.${name}`),
  );

/** The production config with the trail in existing mode, read from a log group in the account. */
const existingTrail: EnvironmentConfig = (() => {
  const [config] = validateConfigs({
    production: {
      ...environments.production,
      accounts: {
        ...environments.production.accounts,
        configRecorder: { mode: "existing", includeGlobalResourceTypes: false },
        cloudTrail: {
          mode: "existing",
          trailArn: "arn:aws:cloudtrail:eu-west-1:222222222222:trail/landing-zone",
          logGroupName: "/landing-zone/cloudtrail",
        },
      },
    },
  });
  return config;
})();

describe("organization mode: the stacks create no singleton", () => {
  test.each([
    ["security", memberSecurity],
    ["bootstrap", memberBootstrap],
  ])("the %s stack declares none of the singleton types", (_layer, json) => {
    expect(SINGLETON_TYPES.filter((type) => json.resource?.[type])).toEqual([]);
  });

  test("the GitHub OIDC provider is read, and the plan fails unless it accepts the roles' audience", () => {
    const [provider] = Object.values<any>(memberBootstrap.data.aws_iam_openid_connect_provider);
    expect(provider.arn).toBe(`arn:aws:iam::${member.aws.accountId}:oidc-provider/token.actions.githubusercontent.com`);
    expect(provider.lifecycle.postcondition[0].condition).toContain(
      'contains(self.client_id_list, "sts.amazonaws.com")',
    );
  });
});

describe("organization mode: alarms and rules still reach the security alert topic", () => {
  const json = new Synthesized(memberSecurity);
  const topic = Object.keys(json.resources("aws_sns_topic")).find(
    (name) => json.resources("aws_sns_topic")[name].name === `auth-${member.environment}-security-alerts`,
  )!;

  test("GuardDuty and Security Hub findings are forwarded to the topic, as in create mode", () => {
    const rules = json
      .resourceList("aws_cloudwatch_event_rule")
      .map((rule) => JSON.parse(rule.event_pattern).source[0]);
    expect(rules.sort()).toEqual(["aws.guardduty", "aws.securityhub"]);
    for (const target of json
      .resourceList("aws_cloudwatch_event_target")
      .filter((candidate) => candidate.target_id === "alert-topic"))
      expect(target.arn).toBe(`\${aws_sns_topic.${topic}.arn}`);
    expect(
      json
        .resourceList("aws_cloudwatch_event_rule")
        .map((rule) => rule.name)
        .sort(),
    ).toEqual(
      created.security
        .resourceList("aws_cloudwatch_event_rule")
        .map((rule) => rule.name)
        .sort(),
    );
  });

  test("every alarm of the create mode but the CIS ones exists and notifies the topic", () => {
    const cis = new Set(CIS_METRIC_FILTERS.map((filter) => filter.metricName));
    const expected = created.security
      .resourceList("aws_cloudwatch_metric_alarm")
      .filter((alarm) => !cis.has(alarm.metric_name))
      .map((alarm) => alarm.alarm_name.replace("production", member.environment));
    const alarms = json.resourceList("aws_cloudwatch_metric_alarm");
    expect(alarms.map((alarm) => alarm.alarm_name).sort()).toEqual(expected.sort());
    for (const alarm of alarms) expect(alarm.alarm_actions).toEqual([`\${aws_sns_topic.${topic}.arn}`]);
  });

  test("the handover publishes the organisation's trail and the detector GuardDuty reports", () => {
    expect(memberSecurity.output.trail_arn.value).toBe(member.accounts.cloudTrail.trailArn);
    expect(memberSecurity.output.guardduty_detector_id.value).toMatch(
      /^\$\{data\.aws_guardduty_detector\.[\w-]+\.id\}$/,
    );
  });
});

describe("CIS metric filters follow the trail", () => {
  test("with an organisation trail they are skipped, and the compliance report says why", () => {
    expect(memberSecurity.resource.aws_cloudwatch_log_metric_filter).toBeUndefined();
    const result = evaluateStack("security", memberSecurity).results.find(
      (candidate) => candidate.rule.id === "cis-metric-filters",
    )!;
    expect(result.outcome).toBe("pass");
    expect(result.suppressed.map((finding) => finding.suppression)).toEqual(
      Array(CIS_METRIC_FILTERS.length).fill(expect.stringMatching(/^organization: .*management account/)),
    );
  });

  test("with an existing trail whose log group is in the account, they filter that log group", () => {
    const json = new Synthesized(rawJson(new SecurityStack(Testing.app(), existingTrail)));
    const filters = json.resourceList("aws_cloudwatch_log_metric_filter");
    expect(filters.map((filter) => filter.log_group_name)).toEqual(
      Array(CIS_METRIC_FILTERS.length).fill(existingTrail.accounts.cloudTrail.logGroupName),
    );
    expect(json.resourceList("aws_cloudtrail")).toEqual([]);
  });
});

describe("the compliance pack follows the mode", () => {
  const report = (json: Record<string, any>) =>
    Object.fromEntries(
      evaluateStack("security", json)
        .results.filter((result) =>
          ["guardduty-enabled", "config-recording", "securityhub-fsbp", "cloudtrail-logging"].includes(result.rule.id),
        )
        .map((result) => [result.rule.id, result]),
    );

  test("controls the organisation provides pass, with that as the accepted reason", () => {
    for (const result of Object.values(report(memberSecurity))) {
      expect(result.outcome).toBe("pass");
      expect(result.suppressed).toEqual([
        expect.objectContaining({ suppression: expect.stringMatching(/^organization: run by the AWS Organization/) }),
      ]);
    }
  });

  test("in create mode they pass on the stack's own resources, with nothing accepted", () => {
    for (const result of Object.values(report(created.security.json)))
      expect([result.outcome, result.suppressed]).toEqual(["pass", []]);
  });
});

describe("moving between modes forgets, never deletes", () => {
  test.each([
    ["security", created.security.json, memberSecurity],
    ["bootstrap", created.bootstrap.json, memberBootstrap],
  ])(
    "the %s stack has a removed block, destroy = false, for exactly what it stops declaring",
    (_layer, before, after) => {
      const kept = new Set(addresses(after));
      const dropped = addresses(before)
        .filter((address) => !kept.has(address))
        .sort();
      expect(dropped.length).toBeGreaterThan(0);
      expect(after.removed.map((block: any) => block.from).sort()).toEqual(dropped);
      for (const block of after.removed) expect(block.lifecycle).toEqual({ destroy: false });
    },
  );

  test("in create mode the OIDC provider keeps the address GithubDeployRoles gave it, so deployed environments keep theirs", () => {
    const legacy = addressesDeclaredBy(
      (scope) =>
        new GithubDeployRoles(scope, "ci", {
          name: "n",
          accountId: "222222222222",
          repository: "o/r",
          deployEnvironment: "d",
          planEnvironment: "p",
          stateBucketArn: "a",
          stateKeyArn: "k",
          savedPlansPrefix: "s/",
          createOidcProvider: true,
          platformEnvironment: "pl",
          deployPolicyArns: [],
          platformPolicyArns: [],
        }),
      ["aws_iam_openid_connect_provider"],
    );
    expect(legacy).toEqual([`aws_iam_openid_connect_provider.${LEGACY_PROVIDER_ID}`]);
    expect(Object.keys(created.bootstrap.resources("aws_iam_openid_connect_provider"))).toEqual([LEGACY_PROVIDER_ID]);
  });
});

describe("a bad layout fails synth naming the field", () => {
  const rejected = (configs: Record<string, unknown>) => {
    try {
      buildApp({ configs, outdir: "/nonexistent-never-written" });
    } catch (error) {
      return (error as Error).message;
    }
    return "accepted";
  };

  test("one account with one region: the registry's region, with the reason", () => {
    const message = rejected({
      staging: environments.staging,
      production: {
        ...environments.production,
        aws: { ...environments.production.aws, accountId: environments.staging.aws.accountId },
      },
    });
    expect(message).toContain(
      "production: aws.region: eu-west-1 holds staging's ECR repository auth-service in account 111111111111 already; one account with one region is not a supported layout",
    );
    expect(message).toContain(
      "production: accounts.githubOidcProvider.mode: creating the GitHub OIDC provider is already staging's",
    );
  });

  test("one account, two regions: a pilot light in the other environment's region would create a second detector there", () => {
    const staging = sharedAccountLayout.staging as any;
    const production = sharedAccountLayout.production as any;
    // Production's DR region moved onto staging's primary region, both in create mode.
    const dr = {
      ...production.dr,
      network: { ...production.dr.network, availabilityZones: staging.network.availabilityZones },
    };
    const message = rejected({
      staging,
      production: { ...production, aws: { ...production.aws, drRegion: staging.aws.region }, dr },
    });
    expect(message).toContain(
      `production: accounts.guardDuty.mode: creating a GuardDuty detector in ${staging.aws.region} (its aws.drRegion) is already staging's`,
    );
    // Staging runs no Security Hub (security.securityHub false): no claim on that one.
    expect(staging.security.securityHub).toBe(false);
    expect(message).not.toContain("accounts.securityHub.mode");
    expect(rejected(sharedAccountLayout as Record<string, unknown>)).toBe("accepted");
  });

  test("an organisation member that creates a singleton, or filters an organisation trail's log group", () => {
    const production = organizationMemberLayout.production as any;
    const message = rejected({
      production: {
        ...production,
        accounts: {
          ...production.accounts,
          guardDuty: { ...production.accounts.guardDuty, mode: "create" },
          cloudTrail: { ...production.accounts.cloudTrail, logGroupName: "/org/trail" },
        },
      },
    });
    expect(message).toContain(
      'production: accounts.guardDuty.mode: must not be "create" in the organization-member layout',
    );
    expect(message).toContain("production: accounts.cloudTrail.logGroupName: must be unset in organization mode");
  });

  test("RUNTIME_MONITORING off with an agent on", () => {
    const production = environments.production as any;
    const guardDuty = {
      ...production.accounts.guardDuty,
      features: {
        ...production.accounts.guardDuty.features,
        RUNTIME_MONITORING: { enabled: false, reason: "not in this test account" },
      },
    };
    expect(rejected({ production: { ...production, accounts: { ...production.accounts, guardDuty } } })).toContain(
      "production: accounts.guardDuty.runtimeAgents.EC2_AGENT_MANAGEMENT.enabled: must be false while features.RUNTIME_MONITORING is off",
    );
  });
});

test("a recorder moved out of create mode keeps delivering: the trail it delivers to keeps Config's grant", () => {
  const [moved] = validateConfigs({
    production: {
      ...environments.production,
      accounts: {
        ...environments.production.accounts,
        configRecorder: { mode: "organization", includeGlobalResourceTypes: false },
      },
    },
  });
  const json = rawJson(new SecurityStack(Testing.app(), moved));
  expect(Object.keys(json.resource.aws_config_configuration_recorder ?? {})).toEqual([]);
  const policies = JSON.stringify(json.data.aws_iam_policy_document);
  expect(policies).toContain("config.amazonaws.com");
});
