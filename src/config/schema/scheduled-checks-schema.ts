import { z } from "zod";

/**
 * A GitHub Actions schedule: five cron fields in UTC. GitHub runs scheduled workflows at most
 * every 5 minutes (https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#schedule).
 */
export const githubCron = z
  .string()
  .regex(/^(\S+\s+){4}\S+$/, "must be five cron fields (minute hour day-of-month month day-of-week), in UTC")
  .refine((cron) => !/^(\*|\*\/[1-4]|[0-9,-]*\*\/[1-4])\s/.test(cron), {
    message: "must not run more often than every 5 minutes (GitHub's shortest schedule interval)",
  });

export const scheduledChecksSchema = z
  .strictObject({
    githubEnvironment: z
      .string()
      .min(1)
      .describe(
        "GitHub environment of the scheduled jobs; only its jobs from the scheduled-checks workflow on main may assume the read-only drift role",
      ),
    drift: githubCron.describe(
      "When the nightly drift check runs (refresh-only plan of every stack; an issue per environment)",
    ),
    drPreflight: z
      .strictObject({
        schedule: githubCron.describe(
          "When the DR drill's read-only preflight runs (weekly): replicated backups' restore window, DR image digests, DR certificate",
        ),
        maxBackupLagMinutes: z
          .number()
          .int()
          .min(5)
          .max(1440)
          .describe(
            "How far behind now the replicated backups' latest restorable time may be: the RPO docs/how-to/disaster-recovery.md promises",
          ),
      })
      .optional()
      .describe(
        "Weekly DR preflight; required with dr.pilotLight, absent without one (there is nothing to restore from)",
      ),
    certificates: githubCron.describe("When the certificates' days to expiry are read from the account (monthly)"),
    cost: z
      .strictObject({
        schedule: githubCron.describe(
          "When the monthly cost check runs: the price catalogue's age and the estimate's change since the last run",
        ),
        maxMonthlyChangePercent: z
          .number()
          .min(1)
          .max(1000)
          .describe(
            "A change of the monthly estimate since the last run beyond this share (either way) opens the environment's cost issue",
          ),
      })
      .describe("Monthly cost check (npm run cost offline; no AWS call)"),
  })
  .describe("Scheduled checks (.github/workflows/scheduled-checks.yml is generated from these: npm run workflows)");

export type ScheduledChecksConfig = z.infer<typeof scheduledChecksSchema>;

/** The weekly DR preflight exists exactly where there is a pilot light to restore from. */
export function checkScheduledChecksRules(
  config: { readonly dr: { readonly pilotLight: boolean }; readonly scheduledChecks: ScheduledChecksConfig },
  issue: (path: (string | number)[], message: string) => void,
): void {
  if (config.dr.pilotLight && !config.scheduledChecks.drPreflight)
    issue(
      ["scheduledChecks", "drPreflight"],
      "is required when dr.pilotLight is true: the weekly preflight proves there is something to restore from",
    );
  if (!config.dr.pilotLight && config.scheduledChecks.drPreflight)
    issue(
      ["scheduledChecks", "drPreflight"],
      "must be absent when dr.pilotLight is false: there is nothing to restore from",
    );
}
