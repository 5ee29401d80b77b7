import { CATALOGUE } from "../schema/catalogue";
import { parseCidr } from "../schema/cidr";
import { windowsOverlap } from "../schema/windows";

/**
 * Rules on values that are only wrong together, phrased without a location: the config schema
 * reports a problem at its config path (data.postgres.maxAllocatedStorageGb), a construct at its
 * prop through node.addValidation (src/constructs/validate-props.ts), so a construct used without
 * the config is just as safe. Each returns the problem, or undefined when the values are fine.
 */
export type Problem = string | undefined;

/** Auto-scaling bounds of a colour. */
export function capacityProblem(min: number, desired: number, max: number): Problem {
  return min <= desired && desired <= max
    ? undefined
    : `must satisfy min <= desired <= max (got min ${min}, desired ${desired}, max ${max})`;
}

/** The test listener reaches the idle colour, which has not been released: never from the whole internet. */
export function testListenerCidrProblem(cidr: string): Problem {
  const block = parseCidr(cidr);
  return block && block.prefix < 8
    ? `${cidr} opens the test listener to the internet; list the smoke-test runners' networks`
    : undefined;
}

/** Storage autoscaling needs room above the initial size. */
export function storageAutoscalingProblem(allocatedGb: number, maxAllocatedGb: number): Problem {
  return maxAllocatedGb > allocatedGb
    ? undefined
    : `must exceed allocatedStorageGb (${allocatedGb}) for storage autoscaling`;
}

/** RDS and ElastiCache refuse a backup or snapshot window that overlaps the maintenance window. */
export function maintenanceOverlapProblem(dailyWindow: string, maintenanceWindow: string): Problem {
  return windowsOverlap(dailyWindow, maintenanceWindow)
    ? `${dailyWindow} overlaps the maintenance window ${maintenanceWindow}`
    : undefined;
}

/** Redis node groups: several only in cluster mode, and then each with a replica. */
export function redisShardsProblem(clusterMode: boolean, shards: number, replicasPerShard: number): Problem {
  if (clusterMode && (shards < 2 || replicasPerShard < 1))
    return "cluster mode needs at least 2 shards with at least 1 replica each";
  if (!clusterMode && shards !== 1) return "must be 1 unless clusterMode is true";
  return undefined;
}

/** ELB's slow start: off, or 30 to 900 seconds. */
export function slowStartProblem(seconds: number): Problem {
  return seconds === 0 || (seconds >= 30 && seconds <= 900) ? undefined : "must be 0 or between 30 and 900";
}

/** The enhanced-monitoring intervals RDS accepts (0 turns it off). */
export const ENHANCED_MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

export function enhancedMonitoringProblem(seconds: number): Problem {
  return (ENHANCED_MONITORING_INTERVALS as readonly number[]).includes(seconds)
    ? undefined
    : `must be one of ${ENHANCED_MONITORING_INTERVALS.join(", ")}`;
}

/** Performance Insights on a class the catalogue says lacks it (an unknown class is the catalogue check's to report). */
export function performanceInsightsProblem(
  instanceClass: string,
  enabled: boolean,
  classes: Readonly<Record<string, { readonly performanceInsights: boolean }>> = CATALOGUE.dbInstanceClasses,
): Problem {
  const known = classes[instanceClass];
  return enabled && known && !known.performanceInsights
    ? `${instanceClass} does not support Performance Insights`
    : undefined;
}

/** The service never logs in as the master user, nor as the rotation's clone of it. */
export function serviceUsernameProblem(serviceUsername: string, masterUsername: string): Problem {
  return serviceUsername === masterUsername || serviceUsername === `${masterUsername}_clone`
    ? `must differ from masterUsername (${masterUsername}): the service never logs in as the master user`
    : undefined;
}
