import { drDrillTool } from "../scripts/dr-drill/cli";
import { drillSteps, renderDrill } from "../scripts/dr-drill/drill";
import { EXIT } from "../scripts/cli/command-line";
import { runCapturing } from "./support/run-tool";
import { validConfig } from "./support/synth";
import { databaseIdentifierOf, drResourcePrefix, stackName } from "../src/config/naming";

async function run(argv: string[]) {
  const { code, out, err } = await runCapturing(drDrillTool, argv);
  return { code, out, err: err.join("\n") };
}

describe("npm run dr:drill -- --env ENV --dry-run", () => {
  test("prints every step with its exact command, what it creates and its budget, then the total", async () => {
    const { code, out } = await run(["--env", "production", "--dry-run"]);
    expect(code).toBe(EXIT.ok);
    const steps = drillSteps(validConfig("production"));
    for (const [index, step] of steps.entries()) {
      expect(out).toContain(`${index + 1}. ${step.title} [budget ${step.budgetMinutes} min]`);
      expect(out).toContain(`   $ ${step.command}`);
    }
    expect(out).toContain(
      `AUTH_DR_RESTORE=1 AUTH_DR_DRILL=1 npm run deploy -- --env production ${stackName("production", "dr-data")}`,
    );
    const { instanceClass, multiAz } = validConfig("production").data.postgres;
    const restored = databaseIdentifierOf(drResourcePrefix("production"));
    expect(out).toContain(
      `PostgreSQL ${restored} (${instanceClass}${multiAz ? ", Multi-AZ" : ""}) restored from the replicated automated backups`,
    );
    expect(out).toContain(`Total budget: ${steps.reduce((sum, step) => sum + step.budgetMinutes, 0)} min.`);
  });

  test("a drill restores without cutting over: no step touches DNS or the primary region", () => {
    const config = validConfig("production");
    for (const step of drillSteps(config)) {
      expect(step.command).not.toMatch(/route53|change-resource-record-sets|stop-replication-to-replica/);
      expect(step.command).not.toContain(`--region ${config.aws.region}`);
    }
  });

  test("refuses to run for real (exit 1): an operator runs the commands", async () => {
    const { code, err } = await run(["--env", "production"]);
    expect(code).toBe(EXIT.refused);
    expect(err).toMatch(/only --dry-run is automated/);
  });

  test("refuses an environment without a pilot light (exit 1)", async () => {
    const { code, err } = await run(["--env", "staging", "--dry-run"]);
    expect(code).toBe(EXIT.refused);
    expect(err).toMatch(/staging has no pilot light/);
    expect(() => drillSteps(validConfig("staging"))).toThrow(/no pilot light/);
  });

  test.each([[["--dry-run"]], [["--env", "nowhere", "--dry-run"]], [["--env", "production", "--dry-run", "--force"]]])(
    "bad usage %j: exit 2, one line",
    async (argv) => {
      const { code, err, out } = await run(argv);
      expect(code).toBe(EXIT.usage);
      expect(err.split("\n")).toHaveLength(1);
      expect(out).toBe("");
    },
  );

  test("--help exits 0 and names the flags", async () => {
    const { code, out } = await run(["--help"]);
    expect(code).toBe(EXIT.ok);
    expect(out).toMatch(/--env ENV[\s\S]*--dry-run/);
  });

  test("renders a step that deletes as such", () => {
    expect(renderDrill("x", [{ title: "t", command: "c", creates: [], removes: ["r"], budgetMinutes: 1 }])).toContain(
      "   creates: nothing\n   removes:\n     - r",
    );
  });
});
