import type { IssueReporter } from "./issue-reporter";
import { CANARY_NAME } from "../schema/outside-in-schema";
import type { EnvironmentConfig } from "../schema/schema";

/** Where the checks live and what they watch must exist. */
export function checkOutsideInRules(config: EnvironmentConfig, issue: IssueReporter, canaryName: string): void {
  const { outsideIn } = config;
  if (!outsideIn) {
    if (config.production)
      issue(
        ["outsideIn"],
        "is required in a production environment: without it nothing pages when the primary region itself fails",
      );
    return;
  }
  if (!config.dr.pilotLight)
    issue(
      ["outsideIn"],
      "needs dr.pilotLight: the health-check alarms, the canary and the heartbeat alarm live in auth-<env>-dr-network",
    );
  const regions = outsideIn.healthCheck.checkerRegions;
  if (new Set(regions).size !== regions.length)
    issue(["outsideIn", "healthCheck", "checkerRegions"], "must not repeat a region");
  const { failedRunsToAlarm, evaluationRuns } = outsideIn.canary;
  if (failedRunsToAlarm > evaluationRuns)
    issue(
      ["outsideIn", "canary", "failedRunsToAlarm"],
      `must not exceed outsideIn.canary.evaluationRuns (${evaluationRuns})`,
    );
  if (!CANARY_NAME.test(canaryName))
    issue(
      ["environment"],
      `gives the canary name ${canaryName}, longer than Synthetics' 21 characters; use a shorter environment name`,
    );
  if (outsideIn.canary.testPath === config.app.healthCheckPath)
    issue(
      ["outsideIn", "canary", "testPath"],
      "must differ from app.healthCheckPath: the canary checks /health anyway, the test path exercises the login",
    );
}
