import {
  POSTGRES_FAILED_LOGIN_PATTERN,
  SECURITY_EVENT_METRICS,
  SECURITY_EVENTS_NAMESPACE,
} from "../../compliance/filter-patterns";
import type { LogEventSpec } from "./log-event-alarm";

/**
 * Failed PostgreSQL password logins, counted from the exported postgresql log: one definition for
 * the data stack, which creates the alarm, and the app stack's dashboard, which charts it.
 * log_connections (AUDIT_PARAMETERS) logs every attempt; a refused password is one FATAL line.
 */
export function databaseFailedLogins(thresholds: {
  readonly databaseFailedLogins: number;
  readonly periodSeconds: number;
}): LogEventSpec {
  return {
    name: "db-failed-logins",
    description: "Failed PostgreSQL password logins (a wrong or stale credential, or someone guessing)",
    pattern: POSTGRES_FAILED_LOGIN_PATTERN,
    namespace: SECURITY_EVENTS_NAMESPACE,
    metricName: SECURITY_EVENT_METRICS.databaseFailedLogins,
    runbook: "security-events",
    threshold: thresholds.databaseFailedLogins,
    periodSeconds: thresholds.periodSeconds,
  };
}
