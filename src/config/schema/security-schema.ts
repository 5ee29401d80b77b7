import { z } from "zod";

/**
 * The security baseline (auth-<env>-security) and the application security events, kept out of
 * schema.ts so the section merges on its own: `security` configures what the security stack
 * deploys and which service log fields mean what, `alarms.security` holds the thresholds.
 */

/** CloudWatch Logs metric filter field selectors the config may name: `$.a.b` of a JSON log event. */
const jsonField = z
  .string()
  .regex(/^\$(\.[A-Za-z_][A-Za-z0-9_-]*)+$/, "must be a JSON field selector such as $.event or $.auth.outcome");
/** Values a filter pattern compares with: no quote or backslash, which the pattern cannot carry unescaped. */
const fieldValue = z.string().regex(/^[^"\\]+$/, "must be a non-empty value without double quotes or backslashes");

const logEvent = z.strictObject({
  field: jsonField.describe("JSON field of the service's log line that names the event, e.g. $.event"),
  values: z
    .array(fieldValue)
    .min(1, "must list at least one value")
    .describe("Values of that field that count as this event"),
});

/** GuardDuty severities: Low 1.0-3.9, Medium 4.0-6.9, High 7.0-8.9, Critical 9.0-10.0 (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html). */
export const GUARDDUTY_SEVERITY_FLOOR = { LOW: 1, MEDIUM: 4, HIGH: 7, CRITICAL: 9 } as const;

export const securitySchema = z.strictObject({
  trail: z
    .strictObject({
      logRetentionDays: z
        .number()
        .int()
        .min(1)
        .describe(
          "Retention of the trail's CloudWatch Logs group (what the CIS alarms read); must be a CloudWatch Logs retention value",
        ),
      archiveAfterDays: z
        .number()
        .int()
        .min(30, "S3 needs objects to be at least 30 days old before STANDARD_IA")
        .describe("Days before trail log files move to S3 Standard-IA"),
      expireAfterDays: z
        .number()
        .int()
        .min(1)
        .describe(
          "Days before trail log files expire from the bucket (superseded versions go 30 days after they are replaced)",
        ),
    })
    .describe("CloudTrail: multi-region, validated, KMS-encrypted, to S3 and CloudWatch Logs"),
  guardDuty: z
    .strictObject({
      alertAtSeverity: z
        .enum(["LOW", "MEDIUM", "HIGH", "CRITICAL"])
        .describe("GuardDuty findings at or above this severity go to the security alert topic"),
      findingPublishingFrequency: z
        .enum(["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"])
        .describe("How often GuardDuty re-publishes updates of an existing finding"),
    })
    .describe("GuardDuty alerting; the detector's features are under accounts.guardDuty"),
  securityHub: z
    .boolean()
    .describe("Security Hub with the AWS Foundational Security Best Practices standard; must be true in production"),
  configRecorder: z
    .boolean()
    .describe(
      "AWS Config recording every supported resource type (global ones included) into the trail bucket; must be true when securityHub is",
    ),
  serviceLogEvents: z
    .strictObject({
      authenticationFailure: logEvent.describe("A failed sign-in as the service logs it"),
      accountLockout: logEvent.describe("An account locked out after repeated failures"),
    })
    .describe("Which JSON log lines of the service are security events (metric filters on the service log group)"),
});

export const securityAlarmsSchema = z.strictObject({
  periodSeconds: z
    .union([z.literal(60), z.literal(300), z.literal(900), z.literal(3600)])
    .describe("Period the security-event alarms below count over"),
  authenticationFailures: z.number().int().min(1).describe("Alarm: failed sign-ins per period (credential stuffing)"),
  accountLockouts: z.number().int().min(1).describe("Alarm: account lockouts per period"),
  databaseFailedLogins: z
    .number()
    .int()
    .min(1)
    .describe("Alarm: PostgreSQL 'password authentication failed' lines per period"),
  wafBlockedPerRule: z.number().int().min(1).describe("Alarm: requests one WAF managed rule group blocks per period"),
  wafRateLimitedPerRule: z.number().int().min(1).describe("Alarm: requests one WAF rate-based rule blocks per period"),
  unauthorizedApiCalls: z
    .number()
    .int()
    .min(1)
    .describe(
      "Alarm: AccessDenied/UnauthorizedOperation API calls in the trail per 5 minutes (CIS counts any; read-only consoles make some noise)",
    ),
});

export type SecurityConfig = z.infer<typeof securitySchema>;
export type SecurityAlarmThresholds = z.infer<typeof securityAlarmsSchema>;
