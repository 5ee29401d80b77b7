import { Testing } from "cdktf";
import { DATA_TIER_RESTORE_BUDGET_MINUTES, RESTORE_CREATE_TIMEOUT_MINUTES, RTO_MARGIN_MINUTES } from "../src/config/restore-budget";
import { DrDataStack } from "../src/stacks/dr-data-stack";
import { drillSteps, renderDrill } from "../scripts/dr-drill/drill";
import { Synthesized, validConfig } from "./support/synth";

const production = validConfig("production");
const restored = new Synthesized(JSON.parse(Testing.synth(new DrDataStack(Testing.app(), production, {}))));
const dataStep = drillSteps(production).find((step) => step.command.includes("auth-production-dr-data") && step.command.includes("deploy"))!;

describe("a slow restore does not lock itself", () => {
  test("the drill's data-tier budget is the one the timeouts are sized from", () => {
    expect(dataStep.budgetMinutes).toBe(DATA_TIER_RESTORE_BUDGET_MINUTES);
    expect(RESTORE_CREATE_TIMEOUT_MINUTES).toBe(DATA_TIER_RESTORE_BUDGET_MINUTES + RTO_MARGIN_MINUTES);
    // Above the provider's default create timeouts (40 min aws_db_instance, 60 min aws_elasticache_replication_group).
    expect(RESTORE_CREATE_TIMEOUT_MINUTES).toBeGreaterThan(60);
  });

  test("the restored PostgreSQL instance and the DR cache carry that create timeout", () => {
    expect(restored.resource("aws_db_instance").timeouts).toEqual({ create: `${RESTORE_CREATE_TIMEOUT_MINUTES}m` });
    expect(restored.resource("aws_elasticache_replication_group").timeouts).toEqual({ create: `${RESTORE_CREATE_TIMEOUT_MINUTES}m` });
  });

  test("the drill's dry run says what to run when the restore times out", () => {
    expect(dataStep.onTimeout).toBe("npm run dr:untaint -- --env production --drill");
    expect(renderDrill("production", drillSteps(production))).toContain(`$ ${dataStep.onTimeout}, then run the step again`);
  });
});
