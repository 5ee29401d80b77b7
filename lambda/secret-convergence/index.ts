import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
} from "@aws-sdk/client-auto-scaling";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { Event, handle, Ports } from "./convergence";

/** Lambda entry point: binds the convergence handler to the AWS SDK the Node.js runtime ships. */

let ports: Ports | undefined;

function bind(): Ports {
  if (ports) return ports;
  const autoScaling = new AutoScalingClient({});
  const functions = new LambdaClient({});
  ports = {
    autoScaling: {
      describeGroups: async (AutoScalingGroupNames) =>
        (
          (await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames }))).AutoScalingGroups ??
          []
        ).map((group) => ({
          AutoScalingGroupName: group.AutoScalingGroupName ?? "",
          DesiredCapacity: group.DesiredCapacity,
        })),
      startInstanceRefresh: async (AutoScalingGroupName, Preferences) =>
        (
          await autoScaling.send(
            new StartInstanceRefreshCommand({ AutoScalingGroupName, Strategy: "Rolling", Preferences }),
          )
        ).InstanceRefreshId ?? "",
      describeInstanceRefreshes: async (AutoScalingGroupName) =>
        (
          (await autoScaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName }))).InstanceRefreshes ??
          []
        ).map((refresh) => ({
          InstanceRefreshId: refresh.InstanceRefreshId ?? "",
          Status: refresh.Status ?? "",
          StatusReason: refresh.StatusReason,
          StartTime: refresh.StartTime,
        })),
    },
    lambda: {
      invokeAsync: (FunctionName, payload) =>
        functions.send(
          new InvokeCommand({ FunctionName, InvocationType: "Event", Payload: Buffer.from(JSON.stringify(payload)) }),
        ),
    },
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    // One JSON line per event; secret ARNs and group names only, never a value.
    log: (level, message, fields) => console[level](JSON.stringify({ message, ...fields })),
  };
  return ports;
}

export const handler = (event: Event) =>
  handle(event, bind(), {
    groupNames: (process.env.GROUP_NAMES ?? "").split(",").filter(Boolean),
    redisSecretArn: process.env.REDIS_SECRET_ARN,
    redisRotationFunction: process.env.REDIS_ROTATION_FUNCTION,
    waitSeconds: Number(process.env.WAIT_SECONDS ?? 840),
    pollSeconds: 20,
  });
