import { Testing } from "cdktf";
import { environments } from "../src/config";
import { GUARDDUTY_FEATURES } from "../src/config/schema/accounts-schema";
import { organizationMemberLayout } from "../src/config/environments/layouts";
import type { EnvironmentConfig } from "../src/config/schema/schema";
import { GUARDDUTY_SEVERITY_FLOOR } from "../src/config/schema/security-schema";
import { validateConfigs } from "../src/config/rules/validate";
import { CIS_METRIC_FILTERS } from "../src/compliance/filter-patterns";
import { fsbpStandardArn } from "../src/constructs/security/threat-detection";
import { DrDataStack } from "../src/stacks/dr/dr-data-stack";
import { DrNetworkStack } from "../src/stacks/dr/dr-network-stack";
import { drTrailLogGroupName, drTrailName } from "../src/config/naming";
import { drillSteps } from "../scripts/dr-drill/drill";
import { Block, Synthesized, synthEveryStack, validConfig } from "./support/synth";

/**
 * Requirement 4 of issue 24: the DR region's security baseline runs from the pilot light, in every
 * account mode, and its findings page on the DR alert topic as the primary's do on the security topic.
 */
const production = validConfig("production");
const pilotLight = synthEveryStack("production")["auth-production-dr-network"];
const primarySecurity = synthEveryStack("production")["auth-production-security"];
const inMode = (mode: "existing" | "organization"): EnvironmentConfig => {
  if (mode === "organization") return validateConfigs(organizationMemberLayout)[0];
  const accounts = environments.production.accounts;
  return validateConfigs({
    production: {
      ...environments.production,
      accounts: {
        ...accounts,
        guardDuty: { ...accounts.guardDuty, mode: "existing" },
        securityHub: { mode: "existing" },
      },
    },
  })[0];
};
const synthPilotLight = (config: EnvironmentConfig) => Synthesized.of(new DrNetworkStack(Testing.app(), config));
const featureStatuses = (stack: Synthesized) =>
  Object.fromEntries(
    stack.resourceList("aws_guardduty_detector_feature").map((feature) => [feature.name, feature.status]),
  );
const additional = (stack: Synthesized) =>
  stack.resourceList("aws_guardduty_detector_feature").find((feature) => feature.name === "RUNTIME_MONITORING")!
    .additional_configuration;

function findingRoutes(stack: Synthesized) {
  const rules = stack.resources("aws_cloudwatch_event_rule");
  return stack
    .resourceList("aws_cloudwatch_event_target")
    .filter((target) =>
      /security-findings/.test(
        Object.values(rules).find((rule) =>
          target.rule.includes(`.${Object.keys(rules).find((key) => rules[key] === rule)}.`),
        )?.name ?? "",
      ),
    )
    .map((target) => {
      const [logical] = /aws_cloudwatch_event_rule\.([\w-]+)\./.exec(target.rule)!.slice(1);
      const topic = stack.resources("aws_sns_topic")[/aws_sns_topic\.([\w-]+)\.arn/.exec(target.arn)![1]];
      return { rule: rules[logical].name, pattern: JSON.parse(rules[logical].event_pattern), topic: topic.name };
    });
}

describe("create mode: the pilot light runs GuardDuty and Security Hub in aws.drRegion", () => {
  test("the primary and the pilot light each manage a detector, in their own region", () => {
    expect(primarySecurity.resourceList("aws_guardduty_detector")).toHaveLength(1);
    expect(pilotLight.resourceList("aws_guardduty_detector")).toEqual([
      expect.objectContaining({
        enable: true,
        finding_publishing_frequency: production.security.guardDuty.findingPublishingFrequency,
      }),
    ]);
    expect(pilotLight.json.provider.aws[0].region).toBe(production.aws.drRegion);
  });

  test("every GuardDuty feature is explicit, as in the primary: the config's decision for each", () => {
    const expected = Object.fromEntries(
      GUARDDUTY_FEATURES.map((feature) => [
        feature,
        production.accounts.guardDuty.features[feature].enabled ? "ENABLED" : "DISABLED",
      ]),
    );
    expect(featureStatuses(pilotLight)).toEqual(expected);
    expect(featureStatuses(pilotLight)).toEqual(featureStatuses(primarySecurity));
    expect(additional(pilotLight)).toEqual(additional(primarySecurity));
  });

  test("Security Hub with only FSBP, the DR region's standard", () => {
    expect(pilotLight.resource("aws_securityhub_account")).toMatchObject({ enable_default_standards: false });
    expect(pilotLight.resource("aws_securityhub_standards_subscription").standards_arn).toBe(
      fsbpStandardArn(production.aws.drRegion),
    );
  });

  test("no second account analyzer: the baseline is GuardDuty and Security Hub", () => {
    expect(pilotLight.resourceList("aws_accessanalyzer_analyzer")).toEqual([]);
  });
});

describe("the DR region's findings page on the DR alert topic, as the primary's page on the security topic", () => {
  const dr = findingRoutes(pilotLight);
  const primary = findingRoutes(primarySecurity);

  test("the same patterns (severity floor from config), to auth-<env>-dr-alerts", () => {
    expect(dr.map((route) => route.pattern)).toEqual(primary.map((route) => route.pattern));
    expect(dr[0].pattern.detail.severity).toEqual([
      { numeric: [">=", GUARDDUTY_SEVERITY_FLOOR[production.security.guardDuty.alertAtSeverity]] },
    ]);
    expect(dr.map((route) => route.topic)).toEqual(dr.map(() => "auth-production-dr-alerts"));
    expect(dr.map((route) => route.rule)).toEqual([
      "auth-production-dr-security-findings-guardduty",
      "auth-production-dr-security-findings-securityhub-critical",
    ]);
  });

  test("the DR topic admits those rules (topic policy) and EventBridge may use its key (key policy)", () => {
    const topicPolicy = pilotLight.policyDocument(pilotLight.named("aws_sns_topic_policy", /^alerts_/).policy);
    const eventsPublish = topicPolicy.statement.find((statement: Block) => statement.sid === "EventBridgeRulesPublish");
    expect(eventsPublish.condition[0].values).toEqual([
      `arn:aws:events:${production.aws.drRegion}:${production.aws.accountId}:rule/auth-production-dr-security-findings-*`,
    ]);
    const topic = pilotLight.named("aws_sns_topic", /^alerts_/);
    const key = pilotLight.resources("aws_kms_key")[/aws_kms_key\.([\w-]+)\.arn/.exec(topic.kms_master_key_id)![1]];
    const keyPolicy = pilotLight.policyDocument(key.policy);
    expect(
      keyPolicy.statement.find((statement: Block) => statement.sid === "EventBridgeRulesPublish").principals[0]
        .identifiers,
    ).toEqual(["events.amazonaws.com"]);
  });

  test("a rule that cannot deliver raises an alarm on the DR topic", () => {
    const names = pilotLight.resourceList("aws_cloudwatch_metric_alarm").map((alarm) => alarm.alarm_name);
    expect(names).toEqual(
      expect.arrayContaining([
        "auth-production-dr-guardduty-findings-delivery-failed",
        "auth-production-dr-securityhub-critical-findings-delivery-failed",
        "auth-production-dr-security-findings-undelivered",
      ]),
    );
  });
});

describe.each(["existing", "organization"] as const)(
  "%s mode: the pilot light creates no detector or hub, forgets what create left, and still pages",
  (mode) => {
    const config = inMode(mode);
    const stack = synthPilotLight(config);

    test("no detector, feature, hub or standard resource", () => {
      expect(config.accounts.guardDuty.mode).toBe(mode);
      for (const type of [
        "aws_guardduty_detector",
        "aws_guardduty_detector_feature",
        "aws_securityhub_account",
        "aws_securityhub_standards_subscription",
      ])
        expect([type, stack.resourceList(type)]).toEqual([type, []]);
    });

    test("a removed block (destroy = false) for each address create mode declared, so switching modes deletes nothing", () => {
      const createdAddresses = [
        "aws_guardduty_detector",
        "aws_guardduty_detector_feature",
        "aws_securityhub_account",
        "aws_securityhub_standards_subscription",
      ].flatMap((type) => Object.keys(pilotLight.resources(type)).map((name) => `${type}.${name}`));
      expect(createdAddresses.length).toBe(GUARDDUTY_FEATURES.length + 3);
      const removed: Block[] = (stack.json.removed ?? []).filter((block: Block) =>
        /^aws_(guardduty|securityhub)_/.test(block.from),
      );
      expect(removed.map((block) => block.from).sort()).toEqual(createdAddresses.sort());
      expect(removed.every((block) => block.lifecycle.destroy === false)).toBe(true);
    });

    test("the finding rules are wired the same way: the account's event bus receives the findings whoever runs the services", () => {
      expect(findingRoutes(stack)).toEqual(findingRoutes(pilotLight));
    });
  },
);

describe("restore mode: the DR trail and the CIS alarms on its events in aws.drRegion", () => {
  const restoreData = (config: EnvironmentConfig) => {
    const stack = new DrDataStack(Testing.app(), config, { drill: false });
    // What cdktf runs at synth: the compliance pack passes.
    stack.runAllValidations();
    return Synthesized.of(stack);
  };
  const existingTrail = (() => {
    const accounts = environments.production.accounts;
    return validateConfigs({
      production: {
        ...environments.production,
        accounts: {
          ...accounts,
          configRecorder: { mode: "existing", includeGlobalResourceTypes: false },
          cloudTrail: {
            mode: "existing",
            trailArn: "arn:aws:cloudtrail:eu-west-1:222222222222:trail/landing-zone",
            logGroupName: "/landing-zone/cloudtrail",
          },
        },
      },
    })[0];
  })();
  const fromPilotLight = (stack: Synthesized, output: string) => {
    const [name] = Object.entries(stack.dataSources("terraform_remote_state")).find(([, source]) =>
      source.config.key.endsWith("dr-network.tfstate"),
    )!;
    return `\${data.terraform_remote_state.${name}.outputs.${output}}`;
  };

  test("the pilot light keeps the trail's store (key, log bucket, log group, delivery role) and runs no trail: a second copy of management events is paid", () => {
    expect(pilotLight.resourceList("aws_cloudtrail")).toEqual([]);
    expect(pilotLight.resourceList("aws_cloudwatch_log_group").map((group) => group.name)).toContain(
      drTrailLogGroupName("production"),
    );
    expect(pilotLight.resourceList("aws_s3_bucket").map((bucket) => bucket.bucket)).toContain(
      `${drTrailName("production")}-${production.aws.accountId}`,
    );
    expect(pilotLight.resourceList("aws_iam_role").map((role) => role.name)).toContain(
      `${drTrailName("production")}-cloudwatch-logs`,
    );
    for (const output of [
      "trail_bucket",
      "trail_key_arn",
      "trail_log_group_arn",
      "trail_log_group_name",
      "trail_role_arn",
    ])
      expect([output, pilotLight.outputs()[output].value]).not.toEqual([output, ""]);
  });

  test.each([
    ["create", production],
    ["existing", existingTrail],
  ])(
    "%s trail mode: restore starts a multi-region trail on the pilot light's store, and the CIS filters read its log group",
    (_mode, config) => {
      const stack = restoreData(config);
      expect(stack.resource("aws_cloudtrail")).toMatchObject({
        name: drTrailName("production"),
        is_multi_region_trail: true,
        include_global_service_events: true,
        enable_log_file_validation: true,
        s3_bucket_name: fromPilotLight(stack, "trail_bucket"),
        kms_key_id: fromPilotLight(stack, "trail_key_arn"),
        cloud_watch_logs_group_arn: `${fromPilotLight(stack, "trail_log_group_arn")}:*`,
        cloud_watch_logs_role_arn: fromPilotLight(stack, "trail_role_arn"),
      });
      const filters = stack.resourceList("aws_cloudwatch_log_metric_filter");
      expect(filters.map((filter) => filter.pattern).sort()).toEqual(
        CIS_METRIC_FILTERS.map((filter) => filter.pattern).sort(),
      );
      expect(new Set(filters.map((filter) => filter.log_group_name))).toEqual(
        new Set([fromPilotLight(stack, "trail_log_group_name")]),
      );
      const alarms = stack.resourceList("aws_cloudwatch_metric_alarm");
      expect(alarms).toHaveLength(CIS_METRIC_FILTERS.length);
      for (const alarm of alarms)
        expect([alarm.alarm_name, alarm.alarm_actions]).toEqual([
          alarm.alarm_name,
          [fromPilotLight(stack, "alert_topic_arn")],
        ]);
      const unauthorized = alarms.find((alarm) => alarm.metric_name === "UnauthorizedApiCalls")!;
      expect(unauthorized.threshold).toBe(config.alarms.security.unauthorizedApiCalls);
    },
  );

  test("organization trail mode: no DR trail store, no restore trail and no CIS alarms: the organisation trail's owner runs them for every region", () => {
    const member = inMode("organization");
    expect(member.accounts.cloudTrail.mode).toBe("organization");
    const light = synthPilotLight(member);
    expect(light.resourceList("aws_cloudwatch_log_group").map((group) => group.name)).not.toContain(
      drTrailLogGroupName("production"),
    );
    expect(light.outputs().trail_bucket.value).toBe("");
    // A store that create or existing mode left is forgotten, never deleted with its logs.
    const removed: Block[] = light.json.removed ?? [];
    expect(removed.map((block) => block.from)).toEqual(
      expect.arrayContaining(
        Object.keys(pilotLight.resources("aws_s3_bucket"))
          .filter((name) => name.startsWith("trail-store"))
          .map((name) => `aws_s3_bucket.${name}`),
      ),
    );
    expect(removed.filter((block) => block.from.startsWith("aws_s3_bucket.trail-store")).length).toBe(2);
    const stack = restoreData(member);
    expect(stack.resourceList("aws_cloudtrail")).toEqual([]);
    expect(stack.resourceList("aws_cloudwatch_log_metric_filter")).toEqual([]);
  });
});

describe("the RTO budget: what remains of the security baseline at restore is in the data tier's step", () => {
  const dataStep = (config: EnvironmentConfig) =>
    drillSteps(config).find(
      (step) => step.command.includes("deploy") && step.command.includes("auth-production-dr-data"),
    )!;

  test("the drill's data-tier step lists the DR trail and its CIS alarms; nothing else is enabled at restore", () => {
    expect(dataStep(production).creates).toEqual(
      expect.arrayContaining([expect.stringContaining(`trail ${drTrailName("production")}`)]),
    );
    expect(dataStep(production).creates.join("\n")).not.toMatch(/GuardDuty|Security Hub/);
  });

  test("with an organisation trail the step creates no trail", () => {
    expect(dataStep(inMode("organization")).creates.join("\n")).not.toContain(drTrailName("production"));
  });
});
