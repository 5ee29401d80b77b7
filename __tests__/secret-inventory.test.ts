import { Testing } from "cdktf";
import { DrAppStack } from "../src/stacks/dr/dr-app-stack";
import { DrDataStack } from "../src/stacks/dr/dr-data-stack";
import { ENVIRONMENTS, Synthesized, synthEnvironment, validConfig } from "./support/synth";

/** One secret of an environment: where it is handed over, what rotates it, what alerts on its failed rotations. */
interface Entry {
  readonly site: string;
  readonly output: string;
  readonly rotation: string | undefined;
  readonly alert: string | undefined;
}

/**
 * Every secret the data tier hands over (its *_secret_arn outputs, the RDS-managed master secret
 * included), with the rotation schedule on it in the data stack and the alarm on the app stack's
 * RotationFailed rule that names it.
 */
function inventory(site: string, data: Synthesized, app: Synthesized): Entry[] {
  const rules = app.resources("aws_cloudwatch_event_rule");
  const alarms = app.resourceList("aws_cloudwatch_metric_alarm");
  return Object.entries(data.outputs())
    .filter(([output]) => output.endsWith("_secret_arn"))
    .map(([output, { value }]) => {
      const scheduled = Object.entries(data.resources("aws_secretsmanager_secret_rotation")).find(
        ([, candidate]) => candidate.secret_id === value,
      )?.[0];
      // RDS rotates the secret it manages every 7 days unless told otherwise
      // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html).
      const managedByRds =
        /^\$\{aws_db_instance\.[\w-]+\.master_user_secret\[0\]\.secret_arn\}$/.test(value) &&
        data.resource("aws_db_instance").manage_master_user_password === true;
      const rotation = scheduled ?? (managedByRds ? "RDS-managed rotation, 7-day default" : undefined);
      const failedRules = Object.entries(rules).filter(
        ([, rule]) =>
          rule.event_pattern.includes('"RotationFailed"') &&
          new RegExp(`outputs\\.${output}\\b`).test(rule.event_pattern),
      );
      const alert = alarms.find((alarm) =>
        failedRules.some(
          ([name]) =>
            alarm.metric_name === "TriggeredRules" &&
            alarm.dimensions.RuleName === `\${aws_cloudwatch_event_rule.${name}.name}`,
        ),
      )?.alarm_name;
      return { site, output, rotation, alert };
    });
}

const production = validConfig("production");
const drApp = Synthesized.of(new DrAppStack(Testing.app(), production, {}));
const sites = [
  ...ENVIRONMENTS.map((env) => {
    const stacks = synthEnvironment(env);
    return inventory(`auth-${env}`, stacks.data, stacks.app);
  }),
  // Restore mode: the restored data tier and the DR app that alerts on its secrets.
  inventory("auth-production-dr (restore mode)", Synthesized.of(new DrDataStack(Testing.app(), production)), drApp),
];

describe("every secret in the synth output, with its rotation and its alert", () => {
  test.each(sites.map((entries) => [entries[0].site, entries]))(
    "%s: every secret the data tier hands over is alerted on when its rotation fails",
    (_site, entries) => {
      const list = entries as Entry[];
      expect(list.map((entry) => entry.output).sort()).toEqual([
        "app_secret_arn",
        "db_master_secret_arn",
        "db_service_secret_arn",
        "redis_auth_secret_arn",
      ]);
      expect(list.filter((entry) => entry.rotation === undefined && entry.alert === undefined)).toEqual([]);
      expect(list.filter((entry) => entry.alert === undefined)).toEqual([]);
    },
  );

  test.each(sites.map((entries) => [entries[0].site, entries]))(
    "%s: every secret rotates on a schedule of its data stack",
    (_site, entries) => {
      expect((entries as Entry[]).filter((entry) => entry.rotation === undefined)).toEqual([]);
    },
  );

  test("restore mode: the promoted secrets rotate with the functions restore mode deploys in the DR region, the restored master secret with RDS", () => {
    const restore = Object.fromEntries(sites[ENVIRONMENTS.length].map((entry) => [entry.output, entry.rotation]));
    expect(restore).toEqual({
      db_service_secret_arn: expect.stringMatching(/^promoted-secrets-rotation_db-service_rotation-schedule_/),
      app_secret_arn: expect.stringMatching(/^promoted-secrets-rotation_app_rotation-schedule_/),
      db_master_secret_arn: expect.stringMatching(/^postgres_master-password-rotation_/),
      redis_auth_secret_arn: expect.stringMatching(/^redis-auth-rotation_/),
    });
  });

  test("restore mode: their failed rotations page through the pilot light's alert topic in the DR region (auth-<env>-dr-alerts)", () => {
    const alarms = drApp.resourceList("aws_cloudwatch_metric_alarm");
    const network = Object.entries(drApp.dataSources("terraform_remote_state")).find(([, source]) =>
      source.config.key.endsWith("/auth-production-dr-network.tfstate"),
    )![0];
    for (const entry of sites[ENVIRONMENTS.length]) {
      const alarm = alarms.find((candidate) => candidate.alarm_name === entry.alert)!;
      expect(alarm.alarm_actions).toContain(`\${data.terraform_remote_state.${network}.outputs.alert_topic_arn}`);
    }
  });
});
