/** The real release ports: cdktf for deploys, ELB target health, CloudWatch alarm states. */
import { spawn } from "child_process";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { AlarmWatch, Colour, Deployer, Fleet, ReleaseSettings } from "./orchestrator";

function cdktf(args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["cdktf", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1" },
    });
    child.stdout.on("data", (chunk) => String(chunk).split("\n").filter(Boolean).forEach((line) => log(`   ${line}`)));
    child.stderr.on("data", (chunk) => String(chunk).split("\n").filter(Boolean).forEach((line) => log(`   ${line}`)));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`cdktf ${args[0]} exited with ${code}`))));
  });
}

/**
 * Deploys the app stack with the release variables and reads them back from its outputs; before
 * the first deploy (no outputs yet) the config's defaults are current.
 */
export function cdktfDeployer(
  stack: string,
  defaults: ReleaseSettings,
  log: (line: string) => void,
): Deployer & { outputs(): Promise<Record<string, any>> } {
  const outputs = async () => {
    const file = join(mkdtempSync(join(tmpdir(), "release-")), "outputs.json");
    await cdktf(["output", stack, "--outputs-file", file], log);
    return JSON.parse(readFileSync(file, "utf8"))[stack] as Record<string, any>;
  };
  return {
    outputs,
    async current(): Promise<ReleaseSettings> {
      const { release_settings: settings } = await outputs();
      if (!settings) return defaults;
      return {
        blueImageTag: settings.blue_image_tag,
        greenImageTag: settings.green_image_tag,
        greenTrafficPercent: Number(settings.green_traffic_percent),
        idleCapacity: Number(settings.idle_capacity),
      };
    },
    async deploy(settings: ReleaseSettings) {
      await cdktf(
        [
          "deploy",
          stack,
          "--auto-approve",
          // The upstream stacks are deployed already; a release only changes this one.
          "--ignore-missing-stack-dependencies",
          `--var=blue_image_tag=${settings.blueImageTag}`,
          `--var=green_image_tag=${settings.greenImageTag}`,
          `--var=green_traffic_percent=${settings.greenTrafficPercent}`,
          `--var=idle_capacity=${settings.idleCapacity}`,
        ],
        log,
      );
    },
  };
}

export function targetHealthFleet(targetGroupArns: Record<Colour, string>, region: string, timeoutMs = 15 * 60_000): Fleet {
  const elb = new ElasticLoadBalancingV2Client({ region });
  return {
    async waitHealthy(colour, count, signal) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { TargetHealthDescriptions = [] } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArns[colour] }), { abortSignal: signal });
        const healthy = TargetHealthDescriptions.filter((target) => target.TargetHealth?.State === "healthy").length;
        if (healthy >= count) return;
        if (Date.now() > deadline) throw new Error(`${healthy} of ${count} healthy after ${timeoutMs / 60_000} minutes`);
        await new Promise((resolve) => setTimeout(resolve, 15_000));
        if (signal.aborted) throw new Error("interrupted");
      }
    },
  };
}

export function cloudWatchAlarms(prefix: string, region: string): AlarmWatch {
  const cloudwatch = new CloudWatchClient({ region });
  return {
    async firing() {
      const names: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, StateValue: "ALARM", NextToken }));
        for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) if (alarm.AlarmName) names.push(alarm.AlarmName);
        NextToken = page.NextToken;
      } while (NextToken);
      return names;
    },
  };
}

/** Desired capacity of an auto-scaling group now (target tracking may have scaled it out). */
export async function currentDesiredCapacity(groupName: string, region: string): Promise<number | undefined> {
  const autoscaling = new AutoScalingClient({ region });
  const { AutoScalingGroups = [] } = await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }));
  return AutoScalingGroups[0]?.DesiredCapacity;
}
