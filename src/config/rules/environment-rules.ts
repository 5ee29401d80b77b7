import { canaryName } from "../naming";
import { checkAccountsRules } from "./accounts-rules";
import { checkCatalogue } from "./catalogue-rules";
import { cidrContains, cidrsOverlap, Ipv4Cidr, parseCidr } from "../schema/cidr";
import {
  maintenanceOverlapProblem,
  Problem,
  redisShardsProblem,
  serviceUsernameProblem,
  storageAutoscalingProblem,
  testListenerCidrProblem,
} from "./combination-rules";
import { checkDisasterRecoveryRules } from "./dr-rules";
import type { IssueReporter } from "./issue-reporter";
import { checkOutsideInRules } from "./outside-in-rules";
import { formatPath } from "../schema/paths";
import { checkProductionRules } from "./production-rules";
import { REGION_ZONES, zonesOf } from "../schema/regions";
import { checkScheduledChecksRules } from "../schema/scheduled-checks-schema";
import { EnvironmentConfig, environmentConfigSchema, LOG_RETENTION_DAYS } from "../schema/schema";
import { checkSecurityRules } from "./security-rules";

/**
 * The environment schema with its cross-field rules: what validateConfigs parses with. The rules
 * live here, not in schema.ts, because they read the EnvironmentConfig type that schema.ts defines
 * (in schema.ts they made an import cycle with every rule file).
 */
export const checkedEnvironmentConfigSchema = environmentConfigSchema.superRefine(
  (config, ctx) => {
    // Runs even when some fields failed, so that every problem is reported at once. A rule stays
    // quiet about a field that already has an issue, and a rule group that trips over a malformed
    // field leaves it to that field's own message.
    const failed = ctx.issues
      .filter((entry) => entry.code !== "unrecognized_keys")
      .map((entry) => formatPath(entry.path ?? []));
    const issue: IssueReporter = (path, message) => {
      const field = formatPath(path);
      if (
        failed.some(
          (prefix) =>
            prefix !== "" && (field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`)),
        )
      )
        return;
      ctx.addIssue({ code: "custom", path, message });
    };
    const checks = [
      checkNetworkRules,
      checkEnvironmentRules,
      (value: EnvironmentConfig) => checkDataRules(value.data, value.ci.guard.minBackupRetentionDays, issue),
      (value: EnvironmentConfig) => checkCatalogue(value, issue),
      checkProductionRules,
      checkDisasterRecoveryRules,
      (value: EnvironmentConfig) => checkSecurityRules(value, issue, LOG_RETENTION_DAYS),
      checkAccountsRules,
      (value: EnvironmentConfig) => checkOutsideInRules(value, issue, canaryName(value.environment)),
      checkScheduledChecksRules,
    ];
    for (const check of checks) {
      try {
        check(config, issue);
      } catch (error) {
        if (failed.length === 0) throw error;
      }
    }
  },
  { when: (payload) => typeof payload.value === "object" && payload.value !== null },
);

/** Regions, availability zones, NAT gateways and the subnet plan. */
function checkNetworkRules(config: EnvironmentConfig, issue: IssueReporter) {
  const { network, aws } = config;

  if (aws.drRegion === aws.region) issue(["aws", "drRegion"], `must differ from aws.region (${aws.region})`);
  for (const path of [
    ["aws", "region"],
    ["aws", "drRegion"],
    ["state", "region"],
  ] as const) {
    const name = path[0] === "aws" ? aws[path[1] as "region" | "drRegion"] : config.state.region;
    if (!(name in REGION_ZONES))
      issue(
        [...path],
        `${name} is not a supported region (${Object.keys(REGION_ZONES).join(", ")}); add it to src/config/schema/regions.ts`,
      );
  }

  network.availabilityZones.forEach((zone, index) => {
    if (aws.region in REGION_ZONES && !zonesOf(aws.region).includes(zone)) {
      issue(
        ["network", "availabilityZones", index],
        `${zone} is not an availability zone of ${aws.region} (${zonesOf(aws.region).join(", ")})`,
      );
    }
  });
  if (new Set(network.availabilityZones).size !== network.availabilityZones.length) {
    issue(["network", "availabilityZones"], "must not repeat an availability zone");
  }
  if (network.natGatewayCount > network.availabilityZones.length) {
    issue(
      ["network", "natGatewayCount"],
      `must not exceed the number of availability zones (${network.availabilityZones.length})`,
    );
  }

  const vpc = parseCidr(network.vpcCidr);
  const planned: { path: (string | number)[]; block: Ipv4Cidr }[] = [];
  for (const tier of ["public", "private", "isolated"] as const) {
    const blocks = network.subnets[tier];
    if (blocks.length !== network.availabilityZones.length) {
      issue(
        ["network", "subnets", tier],
        `must list one CIDR per availability zone (${network.availabilityZones.length}), got ${blocks.length}`,
      );
    }
    blocks.forEach((text, index) => {
      const block = parseCidr(text);
      if (block) planned.push({ path: ["network", "subnets", tier, index], block });
    });
  }
  for (const [index, subnet] of planned.entries()) {
    if (vpc && !cidrContains(vpc, subnet.block)) {
      issue(subnet.path, `${subnet.block.text} does not fit inside the VPC CIDR ${vpc.text}`);
    }
    for (const other of planned.slice(index + 1)) {
      if (cidrsOverlap(subnet.block, other.block)) {
        issue(other.path, `${other.block.text} overlaps ${formatPath(subnet.path)} (${subnet.block.text})`);
      }
    }
  }
}

/** State backend, replication target, certificate names, alarm recipients and the test listener. */
function checkEnvironmentRules(config: EnvironmentConfig, issue: IssueReporter) {
  config.app.testListenerAllowedCidrs.forEach((text, index) => {
    const problem = testListenerCidrProblem(text);
    if (problem) issue(["app", "testListenerAllowedCidrs", index], problem);
  });
  if (config.state.backend === "terraform-cloud" && !config.state.terraformCloud) {
    issue(["state", "terraformCloud"], 'is required when state.backend is "terraform-cloud"');
  }
  if (
    config.registry.replicateTo?.accountId === config.aws.accountId &&
    config.registry.replicateTo.region === config.aws.region
  ) {
    issue(["registry", "replicateTo"], "must name another account or region than aws.accountId/aws.region");
  }
  config.app.alternativeNames.forEach((name, index) => {
    if (!name.endsWith(`.${config.dns.domainName}`) && name !== config.dns.domainName) {
      issue(["app", "alternativeNames", index], `${name} is not inside ${config.dns.domainName}`);
    }
  });
  if (config.production && config.alarms.emails.length === 0) {
    issue(["alarms", "emails"], "a production environment needs at least one alarm e-mail address");
  }
}

function checkDataRules(data: EnvironmentConfig["data"], minBackupRetentionDays: number, issue: IssueReporter) {
  const { postgres: db, redis: cache } = data;
  const problems: [(string | number)[], Problem][] = [
    [
      ["data", "postgres", "maxAllocatedStorageGb"],
      storageAutoscalingProblem(db.allocatedStorageGb, db.maxAllocatedStorageGb),
    ],
    [["data", "postgres", "serviceUsername"], serviceUsernameProblem(db.serviceUsername, db.masterUsername)],
    [["data", "postgres", "backupWindow"], maintenanceOverlapProblem(db.backupWindow, db.maintenanceWindow)],
    [["data", "redis", "snapshotWindow"], maintenanceOverlapProblem(cache.snapshotWindow, cache.maintenanceWindow)],
    [["data", "redis", "shards"], redisShardsProblem(cache.clusterMode, cache.shards, cache.replicasPerShard)],
  ];
  for (const [path, problem] of problems) if (problem) issue(path, problem);
  if (db.backupRetentionDays < minBackupRetentionDays) {
    // The plan guard blocks any plan below this floor: a config below it could never deploy.
    issue(
      ["data", "postgres", "backupRetentionDays"],
      `must be at least ci.guard.minBackupRetentionDays (${minBackupRetentionDays})`,
    );
  }
}
