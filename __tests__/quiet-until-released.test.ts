import { SERVICE_DOWN } from "../src/constructs/monitoring/app-alarms";
import { ENVIRONMENTS, synthEnvironment } from "./support/synth";

/** The alarms that watch the serving fleet: before the first release there is none, and they would page. */
const SERVING_ALARMS = [
  "alb-5xx-rate",
  SERVICE_DOWN.loadBalancer5xx,
  SERVICE_DOWN.liveWithoutHealthyTargets,
  "live-in-service-instances",
  SERVICE_DOWN.alarm,
];

describe.each(ENVIRONMENTS)("%s: the serving fleet's alarms are quiet until the first release", (env) => {
  const app = synthEnvironment(env).app;
  const alarms = [
    ...app.resourceList("aws_cloudwatch_metric_alarm"),
    ...app.resourceList("aws_cloudwatch_composite_alarm"),
  ];
  const serving = alarms.filter((alarm) =>
    SERVING_ALARMS.some((suffix) => alarm.alarm_name === `auth-${env}-${suffix}`),
  );

  test("their actions are enabled by the release state the stack reads at plan time: on once either colour has a digest", () => {
    expect(serving.map((alarm) => alarm.alarm_name).sort()).toEqual(
      SERVING_ALARMS.map((suffix) => `auth-${env}-${suffix}`).sort(),
    );
    for (const alarm of serving) {
      expect(alarm.actions_enabled).toBe(
        '${local.release_state.blue.digest != "" || local.release_state.green.digest != ""}',
      );
      // Quiet, not deaf: the topic stays wired, so the first release turns paging on with no other change.
      expect(alarm.alarm_actions).toHaveLength(1);
    }
    // The state comes from the release tool's item in the release table, read at plan time.
    expect(JSON.stringify(app.json.locals.release_state)).toContain("data.aws_dynamodb_table_item.");
  });

  test("every other alarm pages from day one", () => {
    for (const alarm of alarms.filter((candidate) => !serving.includes(candidate)))
      expect(alarm.actions_enabled ?? true).toBe(true);
  });
});
