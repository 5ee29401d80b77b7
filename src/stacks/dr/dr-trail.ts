import type { EnvironmentConfig } from "../../config/schema/schema";

/**
 * Whether the DR region keeps a trail store for restore mode: the CIS metric filters need the trail's
 * events in a log group of aws.drRegion, and the primary's trail delivers to aws.region's, which an
 * outage takes away. Not with an organisation trail: its log group is the management account's, whose
 * CIS alarms cover every region of the member, and a trail of our own would be a second, paid copy
 * the organisation's retention never sees (docs/explanation/accounts-and-organisations.md).
 */
export function drTrailStored(config: Pick<EnvironmentConfig, "accounts">): boolean {
  return config.accounts.cloudTrail.mode !== "organization";
}
