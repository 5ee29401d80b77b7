// @ts-check
"use strict";

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
 *
 * @typedef {{ AutoScalingGroupName: string, DesiredCapacity?: number }} Group
 * @typedef {{ InstanceRefreshId: string, Status: string, StatusReason?: string, StartTime?: Date | string }} Refresh
 * @typedef {{
 *   describeGroups(names: string[]): Promise<Group[]>,
 *   startInstanceRefresh(group: string, preferences: { MinHealthyPercentage: number, MaxHealthyPercentage: number }): Promise<string>,
 *   describeInstanceRefreshes(group: string): Promise<Refresh[]>,
 * }} AutoScaling
 * @typedef {{ invokeAsync(functionName: string, payload: object): Promise<unknown> }} Lambda
 * @typedef {{ now(): number, sleep(ms: number): Promise<void> }} Clock
 * @typedef {{ autoScaling: AutoScaling, lambda: Lambda, clock: Clock, log(level: "info" | "error", message: string, fields: object): void }} Ports
 * @typedef {{ groupNames: string[], redisSecretArn?: string, redisRotationFunction?: string, waitSeconds: number, pollSeconds: number }} Settings
 * @typedef {{ "detail-type": string, time?: string, detail?: any }} Event
 */

/** https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StartInstanceRefresh.html (Errors) */
const REFRESH_IN_PROGRESS = "InstanceRefreshInProgress";
/** https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstanceRefresh.html (Status) */
const RUNNING = ["Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking"];
const PREFERENCES = { MinHealthyPercentage: 100, MaxHealthyPercentage: 200 };

/** @param {Event} event @param {Ports} ports @param {Settings} settings */
async function handle(event, ports, settings) {
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
  if (event.detail?.eventName !== "RotationSucceeded" || typeof secretId !== "string") throw new Error(`unexpected event ${detailType}`);

  const rotatedAt = event.time ? Date.parse(event.time) : ports.clock.now();
  const refreshes = await refreshFleet(rotatedAt, ports, settings);
  ports.log("info", "instance refresh after a rotation", { secretId, refreshes });
  if (settings.redisSecretArn && secretId === settings.redisSecretArn && settings.redisRotationFunction) {
    await waitForSuccess(refreshes, ports, settings);
    await ports.lambda.invokeAsync(settings.redisRotationFunction, { SecretId: secretId, Action: "retirePreviousToken" });
    ports.log("info", "every instance runs with the new Redis token: retiring the old one", { secretId });
  }
  return { refreshed: refreshes };
}

/**
 * @param {number} rotatedAt @param {Ports} ports @param {Settings} settings
 * @returns {Promise<Array<{ group: string, refresh: string }>>}
 */
async function refreshFleet(rotatedAt, ports, settings) {
  const groups = await ports.autoScaling.describeGroups(settings.groupNames);
  const running = groups.filter((group) => (group.DesiredCapacity ?? 0) > 0);
  const refreshes = [];
  for (const { AutoScalingGroupName: group } of running) refreshes.push({ group, refresh: await refreshGroup(group, rotatedAt, ports, settings) });
  return refreshes;
}

/** @param {string} group @param {number} rotatedAt @param {Ports} ports @param {Settings} settings */
async function refreshGroup(group, rotatedAt, { autoScaling, clock }, settings) {
  const deadline = clock.now() + settings.waitSeconds * 1000;
  for (;;) {
    try {
      return await autoScaling.startInstanceRefresh(group, PREFERENCES);
    } catch (error) {
      if (/** @type {{ name?: string }} */ (error).name !== REFRESH_IN_PROGRESS) throw error;
    }
    const active = (await autoScaling.describeInstanceRefreshes(group)).find((refresh) => RUNNING.includes(refresh.Status));
    if (active && active.StartTime && new Date(active.StartTime).getTime() >= rotatedAt && active.Status !== "Cancelling") {
      return active.InstanceRefreshId; // started after the rotation: every instance it launches reads the new value
    }
    if (clock.now() >= deadline) throw new Error(`${group}: an earlier instance refresh is still running after ${settings.waitSeconds} s`);
    await clock.sleep(settings.pollSeconds * 1000);
  }
}

/**
 * @param {Array<{ group: string, refresh: string }>} refreshes @param {Ports} ports @param {Settings} settings
 */
async function waitForSuccess(refreshes, { autoScaling, clock }, settings) {
  const deadline = clock.now() + settings.waitSeconds * 1000;
  for (const { group, refresh } of refreshes) {
    for (;;) {
      const state = (await autoScaling.describeInstanceRefreshes(group)).find((candidate) => candidate.InstanceRefreshId === refresh);
      if (state?.Status === "Successful") break;
      if (!state || !RUNNING.includes(state.Status)) {
        throw new Error(`${group}: instance refresh ${refresh} ended ${state?.Status ?? "unknown"}${state?.StatusReason ? ` (${state.StatusReason})` : ""}; the old Redis token stays valid`);
      }
      if (clock.now() >= deadline) throw new Error(`${group}: instance refresh ${refresh} still ${state.Status} after ${settings.waitSeconds} s`);
      await clock.sleep(settings.pollSeconds * 1000);
    }
  }
}

module.exports = { handle, PREFERENCES };
