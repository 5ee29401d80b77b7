/**
 * Makes every running instance pick up a rotated secret: instances read their secrets once, at
 * boot, so after Secrets Manager reports RotationSucceeded for one of the service's secrets this
 * starts an instance refresh of every group that runs instances (the live colour, and the idle one
 * while a release has it running), at 100 % minimum and 200 % maximum healthy: replacements are
 * launched and healthy before any old instance goes, so capacity never drops.
 *
 * Auto Scaling runs one refresh per group at a time and refuses a second with
 * InstanceRefreshInProgress. A refresh that started after the rotation replaces every instance
 * with one that boots after it, so it is adopted; an older one (a release's) is waited for, then
 * a new refresh is started.
 *
 * For the Redis AUTH token the old token is still accepted next to the new one; once every
 * refresh succeeded, the Redis rotation function is asked to retire it (ElastiCache SET).
 *
 * Failures throw, so they count as function errors (alarmed) and Lambda retries the event.
 */

export interface Group {
  readonly AutoScalingGroupName: string;
  readonly DesiredCapacity?: number;
}

export interface Refresh {
  readonly InstanceRefreshId: string;
  readonly Status: string;
  readonly StatusReason?: string;
  readonly StartTime?: Date | string;
}

export interface RefreshPreferences {
  readonly MinHealthyPercentage: number;
  readonly MaxHealthyPercentage: number;
}

export interface AutoScaling {
  describeGroups(names: string[]): Promise<Group[]>;
  startInstanceRefresh(group: string, preferences: RefreshPreferences): Promise<string>;
  describeInstanceRefreshes(group: string): Promise<Refresh[]>;
}

export interface Lambda {
  invokeAsync(functionName: string, payload: object): Promise<unknown>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface Ports {
  readonly autoScaling: AutoScaling;
  readonly lambda: Lambda;
  readonly clock: Clock;
  log(level: "info" | "error", message: string, fields: object): void;
}

export interface Settings {
  readonly groupNames: string[];
  readonly redisSecretArn?: string;
  readonly redisRotationFunction?: string;
  readonly waitSeconds: number;
  readonly pollSeconds: number;
}

/** The EventBridge events the function is subscribed to (rotation results from CloudTrail, refresh failures). */
export interface Event {
  readonly "detail-type": string;
  readonly time?: string;
  readonly detail?: {
    readonly eventName?: string;
    readonly additionalEventData?: { readonly SecretId?: unknown };
    readonly AutoScalingGroupName?: string;
    readonly InstanceRefreshId?: string;
  };
}

/** One instance refresh started (or adopted) for one group. */
export interface GroupRefresh {
  readonly group: string;
  readonly refresh: string;
}

/** https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StartInstanceRefresh.html (Errors) */
const REFRESH_IN_PROGRESS = "InstanceRefreshInProgress";
/** https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstanceRefresh.html (Status) */
const RUNNING = ["Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking"];
export const PREFERENCES: RefreshPreferences = { MinHealthyPercentage: 100, MaxHealthyPercentage: 200 };

export async function handle(event: Event, ports: Ports, settings: Settings): Promise<{ refreshed: GroupRefresh[] }> {
  const detailType = event["detail-type"];
  if (detailType === "EC2 Auto Scaling Instance Refresh Failed") {
    ports.log("error", "instance refresh failed: instances may still hold an old secret", {
      group: event.detail?.AutoScalingGroupName,
      refresh: event.detail?.InstanceRefreshId,
    });
    return { refreshed: [] };
  }
  const secretId = event.detail?.additionalEventData?.SecretId;
  if (event.detail?.eventName === "RotationFailed") {
    ports.log("error", "secret rotation failed: see the rotation function's logs", { secretId });
    return { refreshed: [] };
  }
  if (event.detail?.eventName !== "RotationSucceeded" || typeof secretId !== "string")
    throw new Error(`unexpected event ${detailType}`);

  const rotatedAt = event.time ? Date.parse(event.time) : ports.clock.now();
  const refreshes = await refreshFleet(rotatedAt, ports, settings);
  ports.log("info", "instance refresh after a rotation", { secretId, refreshes });
  if (settings.redisSecretArn && secretId === settings.redisSecretArn && settings.redisRotationFunction) {
    await waitForSuccess(refreshes, ports, settings);
    await ports.lambda.invokeAsync(settings.redisRotationFunction, {
      SecretId: secretId,
      Action: "retirePreviousToken",
    });
    ports.log("info", "every instance runs with the new Redis token: retiring the old one", { secretId });
  }
  return { refreshed: refreshes };
}

async function refreshFleet(rotatedAt: number, ports: Ports, settings: Settings): Promise<GroupRefresh[]> {
  const groups = await ports.autoScaling.describeGroups(settings.groupNames);
  const running = groups.filter((group) => (group.DesiredCapacity ?? 0) > 0);
  const refreshes: GroupRefresh[] = [];
  for (const { AutoScalingGroupName: group } of running)
    refreshes.push({ group, refresh: await refreshGroup(group, rotatedAt, ports, settings) });
  return refreshes;
}

async function refreshGroup(
  group: string,
  rotatedAt: number,
  { autoScaling, clock }: Ports,
  settings: Settings,
): Promise<string> {
  const deadline = clock.now() + settings.waitSeconds * 1000;
  for (;;) {
    try {
      return await autoScaling.startInstanceRefresh(group, PREFERENCES);
    } catch (error) {
      if ((error as { name?: string }).name !== REFRESH_IN_PROGRESS) throw error;
    }
    const active = (await autoScaling.describeInstanceRefreshes(group)).find((refresh) =>
      RUNNING.includes(refresh.Status),
    );
    if (
      active &&
      active.StartTime &&
      new Date(active.StartTime).getTime() >= rotatedAt &&
      active.Status !== "Cancelling"
    ) {
      return active.InstanceRefreshId; // started after the rotation: every instance it launches reads the new value
    }
    if (clock.now() >= deadline)
      throw new Error(`${group}: an earlier instance refresh is still running after ${settings.waitSeconds} s`);
    await clock.sleep(settings.pollSeconds * 1000);
  }
}

async function waitForSuccess(
  refreshes: GroupRefresh[],
  { autoScaling, clock }: Ports,
  settings: Settings,
): Promise<void> {
  const deadline = clock.now() + settings.waitSeconds * 1000;
  for (const { group, refresh } of refreshes) {
    for (;;) {
      const state = (await autoScaling.describeInstanceRefreshes(group)).find(
        (candidate) => candidate.InstanceRefreshId === refresh,
      );
      if (state?.Status === "Successful") break;
      if (!state || !RUNNING.includes(state.Status)) {
        throw new Error(
          `${group}: instance refresh ${refresh} ended ${state?.Status ?? "unknown"}${state?.StatusReason ? ` (${state.StatusReason})` : ""}; the old Redis token stays valid`,
        );
      }
      if (clock.now() >= deadline)
        throw new Error(`${group}: instance refresh ${refresh} still ${state.Status} after ${settings.waitSeconds} s`);
      await clock.sleep(settings.pollSeconds * 1000);
    }
  }
}
