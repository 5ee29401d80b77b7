import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { catalogueAge, catalogueAgeTool } from "../scripts/cost/catalogue-age";
import { COST_KNOBS_PAGE, costKnobsPage } from "../scripts/docs/cost-knobs";
import { costTool } from "../scripts/cost/cli";
import { environments } from "../src/config";
import { CATALOGUE, CATALOGUE_REGIONS, unitPrice } from "../src/cost/catalogue";
import { estimateEnvironment, priceStack } from "../src/cost/estimate";
import { FREE_TYPES } from "../src/cost/free-types";
import { PRICED_TYPES } from "../src/cost/price-resource";
import { estimateJson } from "../src/cost/render";
import { Testing } from "cdktf";
import { DrDataStack } from "../src/stacks/dr/dr-data-stack";
import { runCapturing } from "./support/run-tool";
import { ENVIRONMENTS, referenceTo, SYNTH_DIR, synthEnvironment, validConfig } from "./support/synth";

/** Every stack the global setup synthesized (all environments), by name. */
const stacks: Record<string, any> = Object.fromEntries(
  readdirSync(join(SYNTH_DIR, "stacks")).map((name) => [
    name,
    JSON.parse(readFileSync(join(SYNTH_DIR, "stacks", name, "cdk.tf.json"), "utf8")),
  ]),
);

describe("the price catalogue", () => {
  test("every synthesized resource type is priced or listed as free with a reason", () => {
    // Restore mode's types are checked on a restore-mode synth in __tests__/terraform/cost-cli.test.ts.
    const types = new Set(Object.values(stacks).flatMap((json) => Object.keys(json.resource ?? {})));
    const unaccounted = [...types].filter(
      (type) => !(PRICED_TYPES as readonly string[]).includes(type) && !FREE_TYPES[type],
    );
    expect(unaccounted).toEqual([]);
    for (const reason of Object.values(FREE_TYPES)) expect(reason.length).toBeGreaterThan(10);
  });

  test("every priced resource of every environment finds its figures, in the regions its config uses", () => {
    for (const name of ENVIRONMENTS) {
      const config = validConfig(name);
      for (const region of [config.aws.region, config.aws.drRegion, config.state.region])
        expect(CATALOGUE_REGIONS).toContain(region);
      expect(() => estimateEnvironment(config, stacks)).not.toThrow();
    }
  });

  test("each unit price carries its source page, its region and the date it was taken", () => {
    for (const byRegion of CATALOGUE.values()) {
      for (const [region, price] of Object.entries(byRegion)) {
        expect(price.region).toBe(region);
        expect(price.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
        expect(price.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(price.provenance === "recalled" || price.evidence !== undefined).toBe(true);
      }
    }
    expect(() => unitPrice("ec2:m7i.48xlarge", "eu-west-1")).toThrow(/has no entry ec2:m7i.48xlarge/);
  });

  test("cost:catalogue-age warns after 6 months on a simulated clock, and not before", async () => {
    expect(catalogueAge("2026-12-07", new Date("2027-06-06T23:59:59Z")).stale).toBe(false);
    expect(catalogueAge("2026-12-07", new Date("2027-06-07T00:00:00Z")).stale).toBe(true);
    const readOn = [...CATALOGUE.values()][0]["eu-west-1"].readOn;
    const later = new Date(Date.parse(`${readOn}T00:00:00Z`) + 200 * 86_400_000);
    const run = await runCapturing(
      catalogueAgeTool(() => later),
      [],
    );
    expect(run.code).toBe(0);
    expect(run.err).toEqual([expect.stringMatching(/^warning: the price catalogue is 200 days old/)]);
  });
});

describe("pricing a known small stack", () => {
  test("staging's network stack, worked out by hand from eu-west-1 list prices", () => {
    // 1 NAT gateway: 730 h x $0.048 = $35.04; its Elastic IP: 730 h x $0.005 = $3.65;
    // the Secrets Manager interface endpoint in 2 AZs: 2 x 730 h x $0.011 = $16.06;
    // 2 KMS keys (flow logs, alert topic) x $1 = $2.00; 2 NAT alarms x $0.10 = $0.20.
    const fixed = 35.04 + 3.65 + 16.06 + 2 + 0.2;
    // Usage (defaults of cost.usage): 10 GB through the NAT x $0.048 = $0.48; 1 GB through the endpoint
    // x $0.01 = $0.01; flow logs 0.5 GB ingested x $0.57 = $0.285, kept 30 days: 0.5 x 30/30.4 GB x $0.03 = $0.0148.
    const usage = 0.48 + 0.01 + 0.285 + 0.0148;
    const items = priceStack("auth-staging-network", stacks["auth-staging-network"], validConfig("staging"));
    const total = (key: "fixed" | "usage") => items.reduce((sum, item) => sum + item[key], 0);
    expect(total("fixed")).toBeCloseTo(fixed, 2);
    expect(total("usage")).toBeCloseTo(usage, 2);
    expect(items.map((item) => item.type).sort()).toEqual([
      "aws_cloudwatch_log_group",
      "aws_cloudwatch_metric_alarm",
      "aws_cloudwatch_metric_alarm",
      "aws_eip",
      "aws_kms_key",
      "aws_kms_key",
      "aws_nat_gateway",
      "aws_vpc_endpoint",
    ]);
  });

  test("the fleets: steady state prices one live colour and one idle colour, a release both full", () => {
    const config = validConfig("production");
    const app = priceStack("auth-production-app", stacks["auth-production-app"], config);
    const groups = app.filter((item) => item.type === "aws_autoscaling_group");
    const perInstance = 730 * 0.0456 + 30 * 0.088 + 7 * 0.3; // t3.medium, 30 GB gp3 root, detailed monitoring
    const { desired } = config.app.capacity;
    expect(groups.reduce((sum, item) => sum + item.fixed, 0)).toBeCloseTo(
      (desired + config.cost.usage.idleCapacity) * perInstance,
      1,
    );
    const agent = config.cost.usage.agentMetricsPerInstance * 0.3;
    expect(groups.reduce((sum, item) => sum + item.duringRelease!, 0)).toBeCloseTo(
      2 * desired * (perInstance + agent),
      1,
    );
  });

  test("a secret's replicas count as DR; the environment totals add up by category and by stack", () => {
    const estimate = estimateEnvironment(validConfig("production"), stacks);
    const secret = estimate.items.find((item) => item.type === "aws_secretsmanager_secret")!;
    expect(secret.lines.map((line) => [line.what, line.category ?? secret.category])).toEqual([
      ["secret", "data"],
      ["replica in eu-central-1", "DR"],
    ]);
    const byCategory = Object.values(estimate.byCategory).reduce((sum, value) => sum + value, 0);
    const byStack = Object.values(estimate.byStack).reduce((sum, value) => sum + value, 0);
    expect(byCategory).toBeCloseTo(estimate.total, 1);
    expect(byStack).toBeCloseTo(estimate.total, 1);
    expect(estimate.fixed + estimate.usage).toBeCloseTo(estimate.total, 2);
  });
});

describe("the DR trail: a second copy of the management events, priced per restore day", () => {
  const config = validConfig("production");
  const restoreStacks = {
    ...stacks,
    "auth-production-dr-data": JSON.parse(Testing.synth(new DrDataStack(Testing.app(), config, { drill: false }))),
  };
  const estimate = estimateEnvironment(config, restoreStacks);

  test("the restore's trail pays for every management event at the second-copy price; the primary's trail is the free first copy", () => {
    const trail = estimate.restore!.items.find((item) => item.type === "aws_cloudtrail")!;
    const events = config.cost.usage.cloudTrailMillionEventsPerMonth * 1_000_000;
    expect(trail.usage).toBeCloseTo(
      (events / 100_000) * unitPrice("cloudtrail:management-events-copy-100k", config.aws.drRegion).usd,
      2,
    );
    expect(estimate.items.filter((item) => item.type === "aws_cloudtrail")).toEqual([]);
  });

  test("it is in the restore's cost per day, with the CIS alarms, and not in the monthly estimate", () => {
    const restoreTypes = new Set(estimate.restore!.items.map((item) => item.type));
    expect([...restoreTypes]).toEqual(expect.arrayContaining(["aws_cloudtrail", "aws_cloudwatch_metric_alarm"]));
    const withoutTrail = estimateEnvironment(config, {
      ...restoreStacks,
      "auth-production-dr-data": {
        ...restoreStacks["auth-production-dr-data"],
        resource: { ...restoreStacks["auth-production-dr-data"].resource, aws_cloudtrail: {} },
      },
    });
    const trailMonthly = estimate.restore!.items.find((item) => item.type === "aws_cloudtrail")!.monthly;
    expect(estimate.restore!.perDay - withoutTrail.restore!.perDay).toBeCloseTo((trailMonthly / 730) * 24, 2);
    expect(estimate.total).toBeCloseTo(withoutTrail.total, 2);
  });
});

describe("npm run cost", () => {
  test("JSON output: currency, total, fixed, usage and items with stack, address, type, monthly, fixed", async () => {
    const run = await runCapturing(costTool, ["--env", "staging", "--format", "json", "--synth-dir", SYNTH_DIR]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.out);
    expect(json).toMatchObject({
      currency: "USD",
      total: expect.any(Number),
      fixed: expect.any(Number),
      usage: expect.any(Number),
    });
    expect(json.total).toBeCloseTo(json.fixed + json.usage, 2);
    expect(json.items.length).toBeGreaterThan(20);
    for (const item of json.items) {
      expect(item).toMatchObject({
        stack: expect.stringMatching(/^auth-staging-/),
        address: expect.stringContaining(`${item.type}.`),
        type: expect.stringMatching(/^aws_/),
        monthly: expect.any(Number),
        fixed: expect.any(Number),
      });
    }
    expect(json).toEqual(JSON.parse(JSON.stringify(estimateJson(estimateEnvironment(validConfig("staging"), stacks)))));
  });

  test.each([
    [["--env", "nope", "--synth-dir", SYNTH_DIR], /^cost: unknown environment "nope" \(known: staging, production\)/],
    [
      ["--env", "staging", "--format", "xml", "--synth-dir", SYNTH_DIR],
      /^cost: unknown format "xml" \(known: table, json, markdown\)/,
    ],
    [["--format", "json"], /^cost: --env is required/],
    [["--env", "staging", "--synth-dir", "/nonexistent"], /^cost: \/nonexistent\/stacks does not exist/],
  ])("bad input %j exits 2 with one line", async (argv, message) => {
    const run = await runCapturing(costTool, argv);
    expect(run.code).toBe(2);
    expect(run.out).toBe("");
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(message);
    expect(run.err[0]).not.toContain("\n");
  });

  test("the table and Markdown name the estimate, its catalogue date, both fleet states and every category", async () => {
    for (const format of ["table", "markdown"]) {
      const run = await runCapturing(costTool, ["--env", "production", "--format", format, "--synth-dir", SYNTH_DIR]);
      expect(run.code).toBe(0);
      expect(run.out).toMatch(/offline catalogue of \d{4}-\d{2}-\d{2}/);
      expect(run.out).toContain("During a release (both colours full)");
      for (const category of ["compute", "data", "networking", "security and monitoring", "DR"])
        expect(run.out).toContain(category);
    }
  });
});

test("every shipped environment states a budget", () => {
  for (const name of Object.keys(environments) as (keyof typeof environments)[])
    expect(validConfig(name).cost.budget.monthlyLimitUsd).toBeGreaterThan(0);
});

describe.each(ENVIRONMENTS)("budgets and anomaly alerts (%s)", (name) => {
  const config = validConfig(name);
  const network = synthEnvironment(name).network;
  const topic = network.named("aws_sns_topic", "alerts_topic");
  const topicArn = referenceTo(network, "aws_sns_topic", topic, "arn");

  test("a monthly cost budget from config alerts the alert topic at each threshold and on the forecast", () => {
    const budget = network.resource("aws_budgets_budget");
    expect(budget).toMatchObject({
      budget_type: "COST",
      time_unit: "MONTHLY",
      limit_unit: "USD",
      limit_amount: config.cost.budget.monthlyLimitUsd.toFixed(2),
    });
    expect(
      budget.notification.map((entry: any) => [
        entry.notification_type,
        entry.threshold,
        entry.subscriber_sns_topic_arns,
      ]),
    ).toEqual([
      ...config.cost.budget.actualThresholdsPercent.map((threshold) => ["ACTUAL", threshold, [topicArn]]),
      ["FORECASTED", config.cost.budget.forecastThresholdPercent, [topicArn]],
    ]);
  });

  test("a Cost Anomaly Detection monitor sends anomalies above the configured impact to the alert topic", () => {
    expect(config.cost.anomalyDetection.monitor).toBe("create");
    expect(network.resource("aws_ce_anomaly_monitor")).toMatchObject({
      monitor_type: "DIMENSIONAL",
      monitor_dimension: "SERVICE",
    });
    const subscription = network.resource("aws_ce_anomaly_subscription");
    expect(subscription.subscriber).toEqual([{ type: "SNS", address: topicArn }]);
    expect(subscription.threshold_expression.dimension.values).toEqual([
      String(config.cost.anomalyDetection.minimumImpactUsd),
    ]);
  });

  test("budgets.amazonaws.com and costalerts.amazonaws.com may publish to the topic, from this account, and use its key", () => {
    const topicPolicy = network.policyDocument(network.named("aws_sns_topic_policy", "alerts").policy);
    const statement = (sid: string) => topicPolicy.statement.find((entry: any) => entry.sid === sid);
    expect(statement("BudgetsPublish")).toMatchObject({
      principals: [{ type: "Service", identifiers: ["budgets.amazonaws.com"] }],
      actions: ["sns:Publish"],
    });
    expect(statement("BudgetsPublish").condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: [config.aws.accountId] },
      { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:budgets::${config.aws.accountId}:*`] },
    ]);
    expect(statement("CostAnomalyDetectionPublish")).toMatchObject({
      principals: [{ type: "Service", identifiers: ["costalerts.amazonaws.com"] }],
      condition: [{ variable: "aws:SourceAccount", values: [config.aws.accountId] }],
    });
    const key = network.named("aws_kms_key", "alerts_key");
    const keyPolicy = network.policyDocument(key.policy);
    for (const service of ["budgets.amazonaws.com", "costalerts.amazonaws.com"]) {
      const grant = keyPolicy.statement.find((entry: any) => entry.principals?.[0]?.identifiers?.includes(service));
      expect(grant.actions.sort()).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
    }
  });

  test("the DR site's network stack has no second budget", () => {
    const stacks = readdirSync(join(SYNTH_DIR, "stacks")).filter((stack) => stack.startsWith(`auth-${name}-`));
    expect(
      stacks.filter((stack) =>
        readFileSync(join(SYNTH_DIR, "stacks", stack, "cdk.tf.json"), "utf8").includes('"aws_budgets_budget"'),
      ),
    ).toEqual([`auth-${name}-network`]);
  });
});

describe("knobs with figures", () => {
  test("docs/reference/cost-knobs.md is generated from the catalogue and the configs, and current", () => {
    const page = costKnobsPage();
    expect(readFileSync(join(__dirname, "..", COST_KNOBS_PAGE), "utf8")).toBe(page);
    const nat = (unitPrice("nat:hour", "eu-west-1").usd + unitPrice("ipv4:hour", "eu-west-1").usd) * 730;
    expect(page).toContain(`| \`network.natGatewayCount\` | $${nat.toFixed(2)} a month per gateway`);
    for (const setting of [
      "interface endpoints",
      "app.instanceType",
      "data.postgres.instanceClass",
      "data.postgres.multiAz",
      "alarm count",
      "dr.pilotLight",
      "logRetentionDays",
    ])
      expect(page).toContain(setting);
  });
});
