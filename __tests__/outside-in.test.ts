import { execFileSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { inflateRawSync } from "zlib";
import { CANARY_HANDLER, CANARY_PACKAGE_FOLDER, CANARY_SOURCE } from "../src/constructs/monitoring/login-canary";
import { canaryName, globalSiteName, heartbeatRuleNames } from "../src/config/naming";
import { validateConfigs } from "../src/config/rules/validate";
import { editedConfig, referenceTo, SYNTH_DIR, synthEveryStack, validConfig } from "./support/synth";

/**
 * Outside-in checks (outsideIn): Route 53 health checks alarmed in us-east-1, the login canary and the
 * primary region's heartbeat alarmed in aws.drRegion, all in the pilot-light stack.
 */
const production = validConfig("production");
const outsideIn = production.outsideIn!;
const stacks = synthEveryStack("production");
const dr = stacks["auth-production-dr-network"];
const primaryNetwork = stacks["auth-production-network"];
const alarmNamed = (name: string) =>
  dr.resourceList("aws_cloudwatch_metric_alarm").find((alarm) => alarm.alarm_name === name)!;
const topicNamed = (name: string) =>
  Object.entries(dr.resources("aws_sns_topic")).find(([, topic]) => topic.name === name)!;
const statementsOf = (policy: string) => dr.policyDocument(policy).statement;

describe("Route 53 health checks: HTTPS with SNI on /health from several checker regions, alarmed in us-east-1", () => {
  const check = dr.resource("aws_route53_health_check");
  const alarm = alarmNamed(`${globalSiteName("production")}-endpoint-unhealthy`);

  test("check the public name's health path over HTTPS with SNI, from the configured regions (at least 3)", () => {
    expect(check).toMatchObject({
      type: "HTTPS",
      enable_sni: true,
      fqdn: production.dns.domainName,
      port: 443,
      resource_path: production.app.healthCheckPath,
      regions: outsideIn.healthCheck.checkerRegions,
      request_interval: outsideIn.healthCheck.requestIntervalSeconds,
      failure_threshold: outsideIn.healthCheck.failureThreshold,
    });
    expect(check.regions.length).toBeGreaterThanOrEqual(3);
  });

  test("the alarm reads HealthCheckStatus of that check in us-east-1 and pages through the us-east-1 topic", () => {
    expect(alarm).toMatchObject({
      provider: "aws.us-east-1",
      namespace: "AWS/Route53",
      metric_name: "HealthCheckStatus",
      dimensions: { HealthCheckId: referenceTo(dr, "aws_route53_health_check", check, "id") },
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      evaluation_periods: outsideIn.healthCheck.unhealthyMinutes,
      treat_missing_data: "breaching",
    });
    const [logical, topic] = topicNamed(`${globalSiteName("production")}-alerts`);
    expect(topic.provider).toBe("aws.us-east-1");
    expect(alarm.alarm_actions).toEqual([`\${aws_sns_topic.${logical}.arn}`]);
    expect(dr.json.provider.aws).toContainEqual(expect.objectContaining({ alias: "us-east-1", region: "us-east-1" }));
  });

  test("the us-east-1 topic is encrypted with a key in us-east-1 and has the on-call subscription", () => {
    const [logical, topic] = topicNamed(`${globalSiteName("production")}-alerts`);
    const key = Object.entries(dr.resources("aws_kms_key")).find(
      ([name]) => topic.kms_master_key_id === `\${aws_kms_key.${name}.arn}`,
    )![1];
    expect(key.provider).toBe("aws.us-east-1");
    const subscriptions = dr
      .resourceList("aws_sns_topic_subscription")
      .filter((subscription) => subscription.topic_arn === `\${aws_sns_topic.${logical}.arn}`);
    expect(subscriptions.map((subscription) => [subscription.endpoint, subscription.provider])).toEqual(
      production.alarms.emails.map((email) => [email, "aws.us-east-1"]),
    );
  });
});

describe("the login canary: from the DR region against the primary endpoint, on a Node.js 22 runtime", () => {
  const canary = dr.resource("aws_synthetics_canary");
  const role = dr.resourceList("aws_iam_role").find((candidate) => candidate.name === "auth-production-dr-canary")!;

  test("runs the configured runtime, schedule and paths against https://<dns.domainName>", () => {
    expect(canary).toMatchObject({
      name: canaryName("production"),
      runtime_version: outsideIn.canary.runtimeVersion,
      handler: "canary.handler",
      schedule: { expression: `rate(${outsideIn.canary.scheduleMinutes} minutes)` },
      start_canary: true,
      run_config: {
        environment_variables: {
          CANARY_ENDPOINT: `https://${production.dns.domainName}`,
          CANARY_HEALTH_PATH: production.app.healthCheckPath,
          CANARY_TEST_PATH: outsideIn.canary.testPath,
        },
      },
    });
    expect(canary.provider).toBeUndefined();
    expect(dr.json.provider.aws[0].region).toBe(production.aws.drRegion);
  });

  /** The entries of the canary's zip, by path, read with the local-header fields the deterministic zip writes. */
  const packageEntries = (): Record<string, string> => {
    const zip = readFileSync(join(SYNTH_DIR, "stacks", "auth-production-dr-network", canary.zip_file));
    const entries: Record<string, string> = {};
    for (let offset = 0; zip.readUInt32LE(offset) === 0x04034b50;) {
      const nameLength = zip.readUInt16LE(offset + 26);
      const size = zip.readUInt32LE(offset + 18);
      expect([zip.readUInt16LE(offset + 10), zip.readUInt16LE(offset + 12)]).toEqual([0, 33]);
      const name = zip.subarray(offset + 30, offset + 30 + nameLength).toString();
      entries[name] = inflateRawSync(
        zip.subarray(offset + 30 + nameLength, offset + 30 + nameLength + size),
      ).toString();
      offset += 30 + nameLength + size;
    }
    return entries;
  };

  test("its package holds exactly the canary sources, zipped deterministically (fixed timestamps)", () => {
    const entries = packageEntries();
    expect(Object.keys(entries)).toEqual(["canary.js", "probe.js"].map((name) => `${CANARY_PACKAGE_FOLDER}/${name}`));
    for (const name of Object.keys(entries))
      expect(entries[name]).toBe(
        readFileSync(join(__dirname, "..", CANARY_SOURCE, name.slice(CANARY_PACKAGE_FOLDER.length + 1)), "utf8"),
      );
    expect(canary.zip_file).toMatch(/login-canary-[0-9a-f]{16}\.zip$/);
  });

  test("the package has the documented Node.js layout: the handler's file resolves in nodejs/node_modules and exports the function, with its own requires", () => {
    // The runtime unpacks the zip under /opt and requires /opt/nodejs/node_modules/<file> (login-canary.ts cites the docs).
    expect(CANARY_PACKAGE_FOLDER).toBe("nodejs/node_modules");
    expect(canary.handler).toBe(CANARY_HANDLER);
    const [file, exported] = canary.handler.split(".");
    const opt = mkdtempSync(join(tmpdir(), "canary-opt-"));
    try {
      for (const [name, content] of Object.entries(packageEntries())) {
        mkdirSync(dirname(join(opt, name)), { recursive: true });
        writeFileSync(join(opt, name), content);
      }
      // A separate Node with no NODE_PATH, from another directory: only what the zip holds can resolve.
      const type = execFileSync(
        process.execPath,
        [
          "-e",
          "process.stdout.write(typeof require(process.argv[1])[process.argv[2]])",
          join(opt, "nodejs", "node_modules", file),
          exported,
        ],
        { cwd: tmpdir(), env: { PATH: process.env.PATH } },
      ).toString();
      expect(type).toBe("function");
    } finally {
      rmSync(opt, { recursive: true, force: true });
    }
  });

  test("artifacts go to a private bucket, encrypted with the canary's own KMS key", () => {
    const key = canary.artifact_config.s3_encryption.kms_key_arn;
    expect(canary.artifact_config.s3_encryption.encryption_mode).toBe("SSE_KMS");
    const bucket = Object.entries(dr.resources("aws_s3_bucket")).find(
      ([name]) => canary.artifact_s3_location === `s3://\${aws_s3_bucket.${name}.bucket}/`,
    )!;
    const encryption = dr
      .resourceList("aws_s3_bucket_server_side_encryption_configuration")
      .find((entry) => entry.bucket === `\${aws_s3_bucket.${bucket[0]}.id}`)!;
    expect(encryption.rule[0].apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: "aws:kms",
      kms_master_key_id: key,
    });
    expect(
      dr
        .resourceList("aws_s3_bucket_public_access_block")
        .filter((block) => block.bucket === `\${aws_s3_bucket.${bucket[0]}.id}`),
    ).toHaveLength(1);
  });

  test("its role may write only its artifacts, its own log groups and Synthetics metrics", () => {
    expect(canary.execution_role_arn).toBe(referenceTo(dr, "aws_iam_role", role, "arn"));
    const policy = dr
      .resourceList("aws_iam_role_policy")
      .find((candidate) => candidate.role === referenceTo(dr, "aws_iam_role", role, "id"))!;
    const statements = statementsOf(policy.policy);
    const wildcard = statements.filter((statement: any) => statement.resources.includes("*"));
    expect(wildcard.map((statement: any) => [statement.actions, statement.condition])).toEqual([
      [["s3:ListAllMyBuckets"], undefined],
      [
        ["cloudwatch:PutMetricData"],
        [{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["CloudWatchSynthetics"] }],
      ],
    ]);
    const logs = statements.find((statement: any) => statement.sid === "WriteOwnLogs");
    expect(logs.resources[0]).toBe(
      `arn:aws:logs:${production.aws.drRegion}:${production.aws.accountId}:log-group:/aws/lambda/cwsyn-${canaryName("production")}-*`,
    );
  });

  test("SuccessPercent is alarmed on the DR topic: the configured failed runs of the last runs, a silent canary pages too", () => {
    const alarm = alarmNamed("auth-production-dr-canary-login-failed");
    expect(alarm).toMatchObject({
      namespace: "CloudWatchSynthetics",
      metric_name: "SuccessPercent",
      dimensions: { CanaryName: canaryName("production") },
      period: outsideIn.canary.scheduleMinutes * 60,
      evaluation_periods: outsideIn.canary.evaluationRuns,
      datapoints_to_alarm: outsideIn.canary.failedRunsToAlarm,
      threshold: 100,
      comparison_operator: "LessThanThreshold",
      treat_missing_data: "breaching",
    });
    expect(alarm.provider).toBeUndefined();
    expect(alarm.alarm_actions).toEqual([`\${aws_sns_topic.${topicNamed("auth-production-dr-alerts")[0]}.arn}`]);
  });
});

describe("the primary region's heartbeat: silence in the DR region pages", () => {
  const names = heartbeatRuleNames("production");

  test("the primary network stack forwards a schedule every minute to the DR region's default bus, with a role that may do only that", () => {
    const rule = primaryNetwork.resource("aws_cloudwatch_event_rule");
    expect(rule).toMatchObject({ name: names.sender, schedule_expression: "rate(1 minute)" });
    const bus = `arn:aws:events:${production.aws.drRegion}:${production.aws.accountId}:event-bus/default`;
    const target = primaryNetwork.resource("aws_cloudwatch_event_target");
    expect(target).toMatchObject({
      arn: bus,
      rule: referenceTo(primaryNetwork, "aws_cloudwatch_event_rule", rule, "name"),
    });
    const role = Object.entries(primaryNetwork.resources("aws_iam_role")).find(
      ([name]) => target.role_arn === `\${aws_iam_role.${name}.arn}`,
    )![1];
    expect(role.name).toBe(names.sender);
    const policy = primaryNetwork
      .resourceList("aws_iam_role_policy")
      .find((candidate) => candidate.name === names.sender)!;
    expect(primaryNetwork.policyDocument(policy.policy).statement).toEqual([
      expect.objectContaining({ actions: ["events:PutEvents"], resources: [bus] }),
    ]);
  });

  test("the DR rule matches exactly the sender's scheduled events, and the alarm fires on their absence", () => {
    const rule = dr.resourceList("aws_cloudwatch_event_rule").find((candidate) => candidate.name === names.receiver)!;
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ["aws.events"],
      "detail-type": ["Scheduled Event"],
      resources: [`arn:aws:events:${production.aws.region}:${production.aws.accountId}:rule/${names.sender}`],
    });
    expect(alarmNamed("auth-production-dr-primary-region-silent")).toMatchObject({
      namespace: "AWS/Events",
      metric_name: "MatchedEvents",
      dimensions: { RuleName: names.receiver },
      statistic: "Sum",
      evaluation_periods: outsideIn.silentPrimaryMinutes,
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      treat_missing_data: "breaching",
    });
  });

  test("staging, without a pilot light or outsideIn, has no heartbeat", () => {
    expect(validConfig("staging").outsideIn).toBeUndefined();
    expect(synthEveryStack("staging")["auth-staging-network"].resourceList("aws_cloudwatch_event_rule")).toEqual([]);
  });
});

describe("config: outsideIn", () => {
  const problemsOf = (edit: (config: any) => void) => {
    try {
      validateConfigs({ production: editedConfig("production", edit) });
      return [];
    } catch (error) {
      return (error as { problems: string[] }).problems;
    }
  };

  test("is required in production, and needs the pilot light", () => {
    expect(problemsOf((c) => delete c.outsideIn)).toEqual([
      expect.stringMatching(/^production: outsideIn: is required in a production environment/),
    ]);
    expect(() =>
      validateConfigs({ staging: editedConfig("staging", (c: any) => (c.outsideIn = structuredClone(outsideIn))) }),
    ).toThrow(/staging: outsideIn: needs dr\.pilotLight/);
  });

  test("refuses fewer than 3 checker regions, a repeated or unknown one, more failed runs than runs, and the health path as test path", () => {
    expect(problemsOf((c) => (c.outsideIn.healthCheck.checkerRegions = ["us-east-1", "eu-west-1"]))).toEqual([
      expect.stringMatching(/checkerRegions: must list at least 3 checker regions/),
    ]);
    expect(
      problemsOf((c) => (c.outsideIn.healthCheck.checkerRegions = ["us-east-1", "eu-west-1", "eu-west-1"])),
    ).toEqual(["production: outsideIn.healthCheck.checkerRegions: must not repeat a region"]);
    expect(
      problemsOf((c) => (c.outsideIn.healthCheck.checkerRegions = ["us-east-1", "eu-west-1", "eu-central-1"])),
    ).toEqual([expect.stringMatching(/checkerRegions\[2\]/)]);
    expect(problemsOf((c) => (c.outsideIn.canary.failedRunsToAlarm = 3))).toEqual([
      "production: outsideIn.canary.failedRunsToAlarm: must not exceed outsideIn.canary.evaluationRuns (2)",
    ]);
    expect(problemsOf((c) => (c.outsideIn.canary.testPath = c.app.healthCheckPath))).toEqual([
      expect.stringMatching(/testPath: must differ from app\.healthCheckPath/),
    ]);
    // A Python runtime, and a Node.js 20 one (syn-nodejs-puppeteer-11.0).
    for (const runtime of ["syn-python-selenium-5.1", "syn-nodejs-puppeteer-11.0"]) {
      expect(problemsOf((c) => (c.outsideIn.canary.runtimeVersion = runtime))).toEqual([
        expect.stringMatching(
          /runtimeVersion: must be a supported Synthetics runtime on Node\.js 22: syn-nodejs-puppeteer-12\.0/,
        ),
      ]);
    }
  });
});
