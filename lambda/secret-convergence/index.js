// @ts-check
"use strict";
// Lambda entry point: binds the convergence handler to the AWS SDK the Node.js runtime ships.
const { handle } = require("./convergence");

/** @type {import("./convergence").Ports | undefined} */
let ports;

function bind() {
  if (ports) return ports;
  const as = require("@aws-sdk/client-auto-scaling");
  // @ts-expect-error -- shipped by the Lambda runtime, deliberately not a dependency of this project.
  const lambda = require("@aws-sdk/client-lambda");
  const autoScaling = new as.AutoScalingClient({});
  const functions = new lambda.LambdaClient({});
  ports = {
    autoScaling: {
      describeGroups: async (AutoScalingGroupNames) =>
        ((await autoScaling.send(new as.DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames }))).AutoScalingGroups ?? []).map((group) => ({
          AutoScalingGroupName: group.AutoScalingGroupName ?? "",
          DesiredCapacity: group.DesiredCapacity,
        })),
      startInstanceRefresh: async (AutoScalingGroupName, Preferences) =>
        (await autoScaling.send(new as.StartInstanceRefreshCommand({ AutoScalingGroupName, Strategy: "Rolling", Preferences }))).InstanceRefreshId ?? "",
      describeInstanceRefreshes: async (AutoScalingGroupName) =>
        ((await autoScaling.send(new as.DescribeInstanceRefreshesCommand({ AutoScalingGroupName }))).InstanceRefreshes ?? []).map((refresh) => ({
          InstanceRefreshId: refresh.InstanceRefreshId ?? "",
          Status: refresh.Status ?? "",
          StatusReason: refresh.StatusReason,
          StartTime: refresh.StartTime,
        })),
    },
    lambda: {
      invokeAsync: (FunctionName, payload) =>
        functions.send(new lambda.InvokeCommand({ FunctionName, InvocationType: "Event", Payload: Buffer.from(JSON.stringify(payload)) })),
    },
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    // One JSON line per event; secret ARNs and group names only, never a value.
    log: (level, message, fields) => console[level](JSON.stringify({ message, ...fields })),
  };
  return ports;
}

/** @param {import("./convergence").Event} event */
exports.handler = (event) =>
  handle(event, bind(), {
    groupNames: (process.env.GROUP_NAMES ?? "").split(",").filter(Boolean),
    redisSecretArn: process.env.REDIS_SECRET_ARN,
    redisRotationFunction: process.env.REDIS_ROTATION_FUNCTION,
    waitSeconds: Number(process.env.WAIT_SECONDS ?? 840),
    pollSeconds: 20,
  });
