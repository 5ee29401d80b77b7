import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";
import { drillSteps } from "../scripts/dr-drill/drill";
import { RESTORE_SWITCHES } from "../src/config/restore-mode";
import { environmentConfigSchema } from "../src/config/schema/schema";
import { LAYERS, PILOT_LIGHT_LAYERS, RESTORE_LAYERS } from "../src/config/naming";
import packageJson from "../package.json";
import { validConfig } from "./support/synth";

const RTO_MINUTES = 240;
/** What "with margin" means here: at least a fifth of the RTO left over. */
const MIN_MARGIN_MINUTES = RTO_MINUTES / 5;

const runbook = readFileSync(join(__dirname, "..", "docs", "how-to", "disaster-recovery.md"), "utf8");
const production = validConfig("production");
const section = (heading: string) => {
  const start = runbook.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const level = heading.match(/^#+/)![0];
  const rest = runbook.slice(start + heading.length + 1);
  const end = rest.search(new RegExp(`^#{1,${level.length}} `, "m"));
  return end < 0 ? rest : rest.slice(0, end);
};
/** Rows of the first Markdown table in a text, as cells. */
const tableRows = (text: string) =>
  text
    .split("\n")
    .filter((line) => line.startsWith("|") && !/^\|[-| ]+\|$/.test(line))
    .slice(1)
    .map((line) =>
      line
        .slice(1, -1)
        .split("|")
        .map((cell) => cell.trim()),
    );

describe("docs/how-to/disaster-recovery.md: every command it gives exists", () => {
  test("every npm script it runs is in package.json", () => {
    const scripts = [...runbook.matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1]);
    expect(scripts.length).toBeGreaterThan(5);
    for (const script of scripts) expect(Object.keys(packageJson.scripts)).toContain(script);
  });

  test("every stack an npm command names is a stack of a known layer", () => {
    const layers: readonly string[] = [...LAYERS, ...PILOT_LIGHT_LAYERS, ...RESTORE_LAYERS];
    const named = [...runbook.matchAll(/npm run [\w:-]+ -- --env (\w+) ([^\s`-][^\s`]*)/g)].map((match) => [
      match[1],
      match[2].replace(/^'|'$/g, ""),
    ]);
    expect(named.length).toBeGreaterThan(5);
    for (const [environment, stack] of named) {
      if (stack === `auth-${environment}-*`) continue;
      expect(layers.map((layer) => `auth-${environment}-${layer}`)).toContain(stack);
    }
  });

  test("every switch it sets is a restore-mode switch the app reads", () => {
    const switches = new Set([...runbook.matchAll(/\b(AUTH_[A-Z_]+)\b/g)].map((match) => match[1]));
    expect([...switches].sort()).toEqual(Object.values(RESTORE_SWITCHES).sort());
  });

  test("every config field it names exists in the schema", () => {
    const fields = [...runbook.matchAll(/`((?:aws|dr|state|data|registry|dns|app|network)\.[\w.]+)`/g)].map(
      (match) => match[1],
    );
    expect(fields.length).toBeGreaterThan(5);
    for (const field of fields) {
      let schema: any = environmentConfigSchema;
      for (const key of field.split(".")) {
        while (schema && !schema.shape && schema.unwrap) schema = schema.unwrap();
        schema = schema?.shape?.[key];
      }
      expect([field, schema !== undefined]).toEqual([field, true]);
    }
  });
});

describe("docs/how-to/disaster-recovery.md: the failover fits the 4-hour RTO", () => {
  const rows = tableRows(section("### Time budget"));
  const steps = rows.filter(([step]) => /^\d+$/.test(step));
  const total = rows.find(([step]) => step === "")!;

  test("the seven steps, in order: declare, decide, restore (data, app), verify, cut over, communicate", () => {
    expect(steps.map(([, what]) => what)).toEqual([
      "Declare",
      "Decide",
      "Restore the data tier",
      "Restore the app tier",
      "Verify",
      "Cut over",
      "Communicate",
    ]);
    expect(runbook).toContain("### Fail back");
  });

  test(`the budgets add up to the stated total, within ${RTO_MINUTES} minutes with at least ${MIN_MARGIN_MINUTES} to spare`, () => {
    const sum = steps.reduce((minutes, [, , budget]) => minutes + Number(budget), 0);
    expect(total[2]).toContain(`**${sum}**`);
    expect(sum).toBeLessThanOrEqual(RTO_MINUTES - MIN_MARGIN_MINUTES);
    expect(total[2]).toContain(`${RTO_MINUTES - sum} minutes of margin`);
  });

  test("each step's section carries the budget the table gives it", () => {
    for (const [number, what, budget] of steps) expect(runbook).toContain(`### ${number}. ${what} (${budget} min)`);
  });
});

describe("docs/how-to/disaster-recovery.md: the quarterly drill", () => {
  test("is exactly what npm run dr:drill prints: the same commands and budgets, in order", () => {
    const rows = tableRows(section("## Quarterly drill"));
    const printed = drillSteps(production).map((step, index) => [
      String(index + 1),
      `\`${step.command}\``,
      String(step.budgetMinutes),
    ]);
    expect(rows).toEqual(printed);
  });

  test("restores without cutting over", () => {
    expect(section("## Quarterly drill")).toMatch(/without cutting over/);
    for (const step of drillSteps(production)) expect(step.command).not.toMatch(/route53|stop-replication-to-replica/);
  });
});

describe("docs/how-to/disaster-recovery.md: the app tier, the cutover and the teardown are commands", () => {
  test("restoring the app tier deploys auth-<env>-dr-app, a restore layer", () => {
    expect(RESTORE_LAYERS).toContain("dr-app");
    expect(section("### 4. Restore the app tier (30 min)")).toContain(
      "AUTH_DR_RESTORE=1 npm run deploy -- --env production auth-production-dr-app",
    );
  });

  test("the cutover is one npm script: restore mode with AUTH_DR_CUTOVER=1, deploying the DR app only", () => {
    expect(section("### 6. Cut over (10 min)")).toContain(
      "npm run dr:cutover -- --env production auth-production-dr-app",
    );
    const script = packageJson.scripts["dr:cutover"];
    expect(script).toContain(`${RESTORE_SWITCHES.restore}=1 ${RESTORE_SWITCHES.cutover}=1`);
    expect(script).toMatch(/scripts\/cdktf\.mjs deploy\b/);
    // The script's own guard: any other stack is refused before cdktf starts.
    const refused = spawnSync(
      process.execPath,
      [join(__dirname, "..", "scripts", "cdktf.mjs"), "deploy", "auth-production-app"],
      {
        env: { ...process.env, [RESTORE_SWITCHES.cutover]: "1" },
        encoding: "utf8",
      },
    );
    expect([refused.status, refused.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/deploys exactly one stack, auth-ENV-dr-app/),
    ]);
  });

  test("fail back restores the primary database (npm run dr:restore-primary, then the data stack) and rotates its login onto it, cuts DNS back with the primary app stack, releases the records from the DR app, decommissions the restore, deletes the promoted secrets, then recreates the replicas", () => {
    const failBack = section("### Fail back");
    const order = [
      "npm run dr:restore-primary -- --env production --snapshot auth-production-failback",
      "npm run deploy -- --env production auth-production-data",
      "aws secretsmanager rotate-secret --region eu-west-1 --secret-id auth-production/db-service",
      "npm run deploy -- --env production auth-production-app",
      "AUTH_DR_RESTORE=1 npm run deploy -- --env production auth-production-dr-app",
      "npm run dr:decommission -- --env production auth-production-dr-app auth-production-dr-data",
      "aws secretsmanager delete-secret --region eu-central-1 --secret-id auth-production/db-service",
    ].map((command) => failBack.indexOf(command));
    // The second data-stack deploy, once the promoted secrets are gone, recreates the replicas.
    order.push(failBack.lastIndexOf("npm run deploy -- --env production auth-production-data"));
    expect(order.every((position) => position >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test("the failover promotes the secret replicas before restore mode deploys the data tier that turns their rotation on", () => {
    const restore = section("### 3. Restore the data tier (90 min)");
    const promote = restore.indexOf(
      "aws secretsmanager stop-replication-to-replica --region eu-central-1 --secret-id auth-production/db-service",
    );
    const deploy = restore.indexOf("AUTH_DR_RESTORE=1 npm run deploy -- --env production auth-production-dr-data");
    expect(promote).toBeGreaterThanOrEqual(0);
    expect(deploy).toBeGreaterThan(promote);
  });

  test("every teardown destroys the DR app before the data tier it reads", () => {
    const teardowns = [...runbook.matchAll(/npm run dr:(teardown|decommission) -- --env (\w+) ([^`\n]+)/g)];
    // The drill's teardown and, after fail back, the real restore's decommission.
    expect(new Set(teardowns.map(([, kind]) => kind))).toEqual(new Set(["teardown", "decommission"]));
    for (const [, , environment, stacks] of teardowns)
      expect(stacks.trim()).toBe(`auth-${environment}-dr-app auth-${environment}-dr-data`);
  });

  test("nothing is left as a manual step or a gap that the code now covers", () => {
    expect(runbook).not.toMatch(/not automated yet|is not built yet/i);
  });
});
