/**
 * Alarm names other tools read (the release tool watches a colour's own alarms during a
 * release): defined once here, used by the alarms that create them and by every reader.
 */
import type { Colour } from "../../release/release-state";
import { resourcePrefix } from "../../config/naming";

/** Per-target-group alarms every colour has. */
export const TARGET_GROUP_ALARMS = ["5xx-rate", "p99-latency", "unhealthy-hosts"] as const;
export type TargetGroupAlarm = (typeof TARGET_GROUP_ALARMS)[number];

/** Prefix of every alarm of an environment's service, e.g. auth-staging. */
export function alarmPrefix(environment: string): string {
  return resourcePrefix(environment);
}

/** Name of a colour's target-group alarm after the prefix, e.g. green-5xx-rate. */
export function targetGroupAlarmSuffix(colour: Colour, alarm: TargetGroupAlarm): string {
  return `${colour}-${alarm}`;
}

/** Full name of a colour's target-group alarm, e.g. auth-staging-green-5xx-rate. */
export function targetGroupAlarmName(environment: string, colour: Colour, alarm: TargetGroupAlarm): string {
  return `${alarmPrefix(environment)}-${targetGroupAlarmSuffix(colour, alarm)}`;
}
