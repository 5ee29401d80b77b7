import type { EnvironmentConfig } from "../../config/schema/schema";
import type { ThreatDetectionProps } from "../../constructs/security/threat-detection";
import { resourcePrefix } from "../../config/naming";

/**
 * The threat-detection settings of an environment in one region, from accounts.guardDuty and
 * security.guardDuty: the primary's security stack and the pilot light (aws.drRegion) read the same
 * config, so both regions run the same explicit feature set.
 */
export function threatDetectionProps(config: EnvironmentConfig, region: string): ThreatDetectionProps {
  const { accounts, security } = config;
  return {
    name: resourcePrefix(config.environment),
    region,
    features: Object.fromEntries(
      Object.entries(accounts.guardDuty.features).map(([feature, { enabled }]) => [feature, enabled]),
    ) as ThreatDetectionProps["features"],
    runtimeAgents: Object.fromEntries(
      Object.entries(accounts.guardDuty.runtimeAgents).map(([agent, { enabled }]) => [agent, enabled]),
    ) as ThreatDetectionProps["runtimeAgents"],
    findingPublishingFrequency: security.guardDuty.findingPublishingFrequency,
  };
}
