import { GUARDDUTY_FEATURES } from "../../config/schema/accounts-schema";
import { CIS_METRIC_FILTERS } from "../filter-patterns";
import { accountControlTargets } from "../account-controls";
import { isTrue } from "../model";
import { defineRule, maps, when } from "../rule";

/**
 * Account controls: GuardDuty, AWS Config, Security Hub, CloudTrail and the CIS metric filters.
 * Each targets the control the security stack declares (src/compliance/account-controls.ts): in
 * create mode the stack's own resources must provide it; when the account or the organisation
 * provides it, the finding is accepted with that reason and the report lists it.
 */

export const guardDutyEnabled = defineRule({
  id: "guardduty-enabled",
  title: "GuardDuty runs in the region, with every detector feature decided",
  severity: "error",
  profile: "baseline",
  maps: maps(["GuardDuty.1"], ["CKV2_AWS_3"], []),
  rationale:
    "GuardDuty is the only detector of compromised credentials and instances; a feature left to the account's defaults is a decision nobody made.",
  fix: "Create the detector with every feature written (accounts.guardDuty.mode create), or name who runs it (existing/organization).",
  targets: accountControlTargets("guardduty", "guardduty-enabled"),
  check: (_control, stack) => {
    const detectors = stack.resources("aws_guardduty_detector");
    const features = new Set(stack.resources("aws_guardduty_detector_feature").map(({ body }) => body.name));
    return [
      ...when(detectors.length === 0, "the stack creates no GuardDuty detector"),
      ...when(
        detectors.some(({ body }) => !isTrue(body.enable)),
        "a detector is not enabled",
      ),
      ...GUARDDUTY_FEATURES.filter((feature) => detectors.length > 0 && !features.has(feature)).map(
        (feature) => `feature ${feature} is not written`,
      ),
    ];
  },
});

export const configRecording = defineRule({
  id: "config-recording",
  title: "AWS Config records the region",
  severity: "error",
  profile: "baseline",
  maps: maps(["Config.1"], ["CKV2_AWS_48"], []),
  rationale: "Most Security Hub controls are AWS Config rules: without a recorder they never produce a finding.",
  fix: "Create the recorder, channel and an enabled recorder status (accounts.configRecorder.mode create), or name who runs it.",
  targets: accountControlTargets("config", "config-recording"),
  check: (_control, stack) =>
    when(
      !stack.resources("aws_config_configuration_recorder_status").some(({ body }) => isTrue(body.is_enabled)),
      "the stack records nothing with AWS Config",
    ),
});

export const securityHubFsbp = defineRule({
  id: "securityhub-fsbp",
  title: "Security Hub runs with the FSBP standard",
  severity: "error",
  profile: "baseline",
  maps: maps([], [], []),
  rationale: "FSBP turns misconfigurations into findings that reach the security alert topic.",
  fix: "Subscribe the hub to aws-foundational-security-best-practices (accounts.securityHub.mode create), or name who runs it.",
  targets: accountControlTargets("securityhub", "securityhub-fsbp"),
  check: (_control, stack) =>
    when(
      !stack
        .resources("aws_securityhub_standards_subscription")
        .some(({ body }) => String(body.standards_arn).includes("aws-foundational-security-best-practices")),
      "the stack subscribes to no FSBP standard",
    ),
});

export const cloudTrailLogging = defineRule({
  id: "cloudtrail-logging",
  title: "A multi-region trail records the account",
  severity: "error",
  profile: "baseline",
  maps: maps(["CloudTrail.1"], ["CKV_AWS_67"], ["AVD-AWS-0014"]),
  rationale: "Without a trail no action in the account can be attributed or investigated.",
  fix: "Create the trail (accounts.cloudTrail.mode create), or name the trail that records the account (existing/organization with trailArn).",
  targets: accountControlTargets("cloudtrail", "cloudtrail-logging"),
  check: (_control, stack) =>
    when(
      !stack
        .resources("aws_cloudtrail")
        .some(({ body }) => isTrue(body.is_multi_region_trail) && isTrue(body.enable_logging ?? true)),
      "the stack creates no logging multi-region trail",
    ),
});

export const cisMetricFilters = defineRule({
  id: "cis-metric-filters",
  title: "The CIS monitoring metric filters watch the trail's log group",
  severity: "error",
  profile: "baseline",
  maps: maps(
    CIS_METRIC_FILTERS.map((filter) => filter.control.split(" / ")[1]),
    [],
    [],
  ),
  rationale:
    "The CIS alarms (root use, policy changes, console failures...) are how a person hears about account-level changes.",
  fix: "Put the filters on the trail's log group in this account and region (accounts.cloudTrail.logGroupName in existing mode), or state who provides them.",
  targets: accountControlTargets("cis-metric-filters", "cis-metric-filters"),
  check: (_control, stack) => {
    const metrics = new Set(
      stack
        .resources("aws_cloudwatch_log_metric_filter")
        .map(({ body }) => body.metric_transformation?.[0]?.name ?? body.metric_transformation?.name),
    );
    return CIS_METRIC_FILTERS.filter((filter) => !metrics.has(filter.metricName)).map(
      (filter) => `no metric filter counts ${filter.metricName} (${filter.control})`,
    );
  },
});
