import type { IssueReporter } from "./issue-reporter";
import type { EnvironmentConfig } from "../schema/schema";

/**
 * What the security section demands beyond its own fields: a retention CloudWatch Logs accepts
 * (the list comes from schema.ts, passed in by environment-rules.ts), Security Hub in production and AWS
 * Config wherever Security Hub runs.
 */
export function checkSecurityRules(
  config: EnvironmentConfig,
  issue: IssueReporter,
  logRetentionDays: readonly number[],
): void {
  const retention = config.security.trail.logRetentionDays;
  if (!logRetentionDays.includes(retention)) {
    issue(
      ["security", "trail", "logRetentionDays"],
      `must be one of the CloudWatch Logs retention values: ${logRetentionDays.join(", ")}`,
    );
  }
  const { archiveAfterDays, expireAfterDays } = config.security.trail;
  if (expireAfterDays <= archiveAfterDays) {
    issue(
      ["security", "trail", "expireAfterDays"],
      `must exceed archiveAfterDays (${archiveAfterDays}): files expire after they move to Standard-IA`,
    );
  }
  // Most FSBP controls are AWS Config rules: without a recorder they never produce a finding
  // (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-setup-prereqs.html).
  if (config.security.securityHub && !config.security.configRecorder) {
    issue(
      ["security", "configRecorder"],
      "must be true when security.securityHub is true (Security Hub's FSBP controls need AWS Config recording)",
    );
  }
  if (config.production && !config.security.securityHub) {
    issue(
      ["security", "securityHub"],
      "must be true in a production environment (FSBP findings are part of the production baseline)",
    );
  }
}
