/**
 * Time budgets of a DR restore: the one home the drill (scripts/dr-drill/drill.ts), the failover
 * runbook's time budget (docs/how-to/disaster-recovery.md) and the restored resources' Terraform timeouts
 * read, so a budget cannot change in one place and not the others.
 */

/**
 * Minutes the data tier (PostgreSQL restored from the replicated backups, an empty Redis) may take.
 * The same apply starts the DR trail and its CIS alarms (seconds each, created in parallel with the
 * stores); GuardDuty and Security Hub already run in the DR region from the pilot light, so the
 * security baseline adds nothing else to the RTO (docs/how-to/disaster-recovery.md, Security in the DR region).
 */
export const DATA_TIER_RESTORE_BUDGET_MINUTES = 90;

/** The failover runbook's margin to the 4-hour RTO (240 minutes against a 180-minute budget). */
export const RTO_MARGIN_MINUTES = 60;

/**
 * Terraform's create timeout for each restored data store. Above the budget: a restore that is slow
 * but progressing must finish, since on timeout Terraform keeps the instance as tainted, and with
 * prevent_destroy the next plan refuses to replace it (docs/how-to/disaster-recovery.md, "A tainted restore").
 * An overrun is a drill finding, not a failed restore. Not above budget plus the RTO margin: a
 * restore slower than that misses the RTO anyway, and the operator should hear of it.
 */
export const RESTORE_CREATE_TIMEOUT_MINUTES = DATA_TIER_RESTORE_BUDGET_MINUTES + RTO_MARGIN_MINUTES;
