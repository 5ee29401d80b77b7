import { z } from "zod";

/**
 * A GitHub Actions schedule: five cron fields in UTC. GitHub runs scheduled workflows at most
 * every 5 minutes (https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#schedule).
 */
export const githubCron = z
  .string()
  .regex(/^(\S+\s+){4}\S+$/, "must be five cron fields (minute hour day-of-month month day-of-week), in UTC")
  .refine((cron) => !/^(\*|\*\/[1-4]|[0-9,-]*\*\/[1-4])\s/.test(cron), { message: "must not run more often than every 5 minutes (GitHub's shortest schedule interval)" });

export const scheduledChecksSchema = z
  .strictObject({
    githubEnvironment: z.string().min(1).describe("GitHub environment of the scheduled jobs; only its jobs from the scheduled-checks workflow on main may assume the read-only drift role"),
    drift: githubCron.describe("When the nightly drift check runs (refresh-only plan of every stack; an issue per environment)"),
  })
  .describe("Scheduled checks (.github/workflows/scheduled-checks.yml is generated from these: npm run workflows)");

export type ScheduledChecksConfig = z.infer<typeof scheduledChecksSchema>;
