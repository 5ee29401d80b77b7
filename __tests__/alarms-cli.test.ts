import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { alarmsTool } from "../scripts/alarms/cli";
import { alarmRows, renderMarkdown, runbookOf } from "../scripts/alarms/catalog";
import { EXIT } from "../scripts/cli/command-line";
import { runCapturing } from "./support/run-tool";
import { ENVIRONMENTS, LAYERS, SYNTH_DIR, synthEnvironment } from "./support/synth";

const run = (argv: string[]) => runCapturing(alarmsTool, argv);

describe("npm run alarms: the alarm catalog", () => {
  test.each(ENVIRONMENTS)("lists every alarm of every %s stack with its metric, threshold and runbook", async (env) => {
    const { code, out } = await run(["--env", env, SYNTH_DIR]);
    expect(code).toBe(EXIT.ok);
    const stacks = synthEnvironment(env);
    for (const layer of LAYERS) {
      const json = stacks[layer].json;
      const names = [
        ...Object.values<any>(json.resource?.aws_cloudwatch_metric_alarm ?? {}),
        ...Object.values<any>(json.resource?.aws_cloudwatch_composite_alarm ?? {}),
      ].map((alarm) => alarm.alarm_name);
      for (const name of names) expect(out).toMatch(new RegExp(`^${name} +\\S`, "m"));
      if (names.length > 0) expect(out).toContain(`auth-${env}-${layer} (${names.length} alarms)`);
    }
    expect(out).not.toContain("(none)");
    expect(out).not.toMatch(new RegExp(`auth-${env === "staging" ? "production" : "staging"}-`));
  });

  test("says what each alarm watches and when it fires, composites by their members' names", () => {
    const rows = alarmRows("auth-staging-app", synthEnvironment("staging").app.json);
    const row = (suffix: string) => rows.find((candidate) => candidate.name === `auth-staging-${suffix}`)!;
    expect(row("blue-cpu-sustained")).toMatchObject({
      metric: "AWS/EC2 CPUUtilization Average (AutoScalingGroupName)",
      threshold: "> 70 in 12 periods of 300 s (missing data: notBreaching)",
      runbook: "fleet-capacity",
    });
    expect(row("alb-5xx-rate").metric).toMatch(
      /^IF\(.*\) where target = AWS\/ApplicationELB HTTPCode_Target_5XX_Count Sum \(LoadBalancer\); elb = AWS\/ApplicationELB HTTPCode_ELB_5XX_Count Sum/,
    );
    expect(row("service-down")).toMatchObject({
      metric: 'composite: ALARM("auth-staging-alb-elb-5xx") OR ALARM("auth-staging-live-no-healthy-targets")',
      runbook: "service-down",
    });
    expect(renderMarkdown([row("service-down")])).toContain(
      '| auth-staging-app | `auth-staging-service-down` | composite: ALARM("auth-staging-alb-elb-5xx") OR ALARM("auth-staging-live-no-healthy-targets") | when the rule is true | [service-down](docs/how-to/runbooks.md#service-down) |',
    );
  });

  test("an alarm without a runbook link shows as (none)", () => {
    expect(runbookOf("Something broke")).toBe("(none)");
    expect(runbookOf("Broke. Runbook: https://github.com/o/r/blob/main/docs/how-to/runbooks.md#service-errors")).toBe(
      "service-errors",
    );
  });

  test("bad input exits 2 with one line: no synth output, no stack of the environment, an unknown flag, a file that is not JSON", async () => {
    const missing = await run([join(tmpdir(), "no-such-synth-output")]);
    expect(missing).toMatchObject({
      code: EXIT.usage,
      err: [expect.stringMatching(/^alarms: .*stacks does not exist: run npm run synth first/)],
    });
    expect(await run(["--env", "qa", SYNTH_DIR])).toMatchObject({
      code: EXIT.usage,
      err: [expect.stringMatching(/^alarms: no stack of environment qa/)],
    });
    expect(await run(["--colour", "blue"])).toMatchObject({ code: EXIT.usage });
    const dir = mkdtempSync(join(tmpdir(), "alarms-cli-"));
    mkdirSync(join(dir, "stacks", "auth-x-app"), { recursive: true });
    writeFileSync(join(dir, "stacks", "auth-x-app", "cdk.tf.json"), "{ not json");
    expect(await run([dir])).toMatchObject({
      code: EXIT.usage,
      err: [expect.stringMatching(/cdk\.tf\.json is not valid JSON/)],
    });
    expect((await run(["--help"])).code).toBe(EXIT.ok);
  });
});
