import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { environments } from "../src/config";
import type { EnvironmentConfig } from "../src/config/schema/schema";
import { validateConfigs } from "../src/config/rules/validate";
import {
  driftRoleName,
  SCHEDULED_CHECKS_WORKFLOW,
  securityAlertTopicName,
  stackNamePrefix,
} from "../src/config/naming";
import { classifyStack, StackDrift } from "../scripts/drift/classify";
import { BOT_AUTHOR, fitIssueBody, IssuePort, issueMarker, syncIssue, TrackedIssue } from "../scripts/drift/issues";
import { needsAttention, renderDriftReport, securityAlert } from "../scripts/drift/report";
import { securityRelevance } from "../scripts/drift/security-relevant";
import { checkedLayers } from "../scripts/workflows/scheduled-checks";
import { generatedWorkflows } from "../scripts/workflows/cli";
import { editedConfig, ENVIRONMENTS, synthEnvironment, validConfig } from "./support/synth";

const ROOT = join(__dirname, "..");

describe("scheduled checks: the workflow is generated from config", () => {
  const workflow = parse(readFileSync(join(ROOT, SCHEDULED_CHECKS_WORKFLOW), "utf8"));

  test("the committed workflow is what config generates (npm run workflows)", () => {
    for (const { path, text } of generatedWorkflows()) expect(readFileSync(join(ROOT, path), "utf8")).toBe(text);
  });

  test.each(ENVIRONMENTS)("%s: drift runs on its configured schedule, or by hand, and only from main", (name) => {
    const config = validConfig(name);
    const job = workflow.jobs[`drift-${name}`];
    expect(workflow.on.schedule).toContainEqual({ cron: config.scheduledChecks.drift });
    expect(workflow.on.workflow_dispatch.inputs.environment.options).toContain(name);
    expect(job.if).toContain(`github.event.schedule == '${config.scheduledChecks.drift}'`);
    expect(job.if).toMatch(/^\$\{\{ github\.ref == 'refs\/heads\/main' && /);
    expect(job.environment).toBe(config.scheduledChecks.githubEnvironment);
  });

  test.each(ENVIRONMENTS)("%s: every stack outside a restore is checked", (name) => {
    const config = validConfig(name);
    expect(workflow.jobs[`drift-${name}`].strategy.matrix.layer).toEqual(checkedLayers(config));
    expect(checkedLayers(config).includes("dr-network")).toBe(config.dr.pilotLight);
    expect(workflow.jobs[`drift-${name}`].env.STACK).toBe(`${stackNamePrefix(name)}\${{ matrix.layer }}`);
  });

  test("every job assumes only the read-only drift role; only the jobs that report may write issues", () => {
    for (const [name, job] of Object.entries<any>(workflow.jobs)) {
      const roles = job.steps
        .filter((step: any) => step.uses?.startsWith("aws-actions/configure-aws-credentials"))
        .map((step: any) => step.with["role-to-assume"]);
      if (!name.startsWith("cost-")) expect(roles).toEqual(["${{ vars.DRIFT_ROLE_ARN }}"]);
      if (name.startsWith("cost-")) {
        // Offline: it prices the synthesized app and reads the last run's artifact; no AWS identity at all.
        expect(roles).toEqual([]);
        expect(job.permissions).toEqual({ contents: "read", actions: "read", issues: "write" });
        expect(job.if).toMatch(/github\.ref == 'refs\/heads\/main'/);
        continue;
      }
      const reports = name.endsWith("-report") || /^(dr-preflight|certificates)-/.test(name);
      expect(job.permissions).toEqual(
        reports
          ? { contents: "read", "id-token": "write", issues: "write" }
          : { contents: "read", "id-token": "write" },
      );
      expect(job.if).toMatch(/github\.ref == 'refs\/heads\/main'/);
    }
  });

  test.each(ENVIRONMENTS)(
    "%s: the DR preflight runs weekly where there is a pilot light, certificates monthly, on their configured schedules",
    (name) => {
      const config = validConfig(name);
      const preflight = workflow.jobs[`dr-preflight-${name}`];
      expect(preflight !== undefined).toBe(config.dr.pilotLight);
      if (preflight)
        expect(preflight.if).toContain(`github.event.schedule == '${config.scheduledChecks.drPreflight!.schedule}'`);
      expect(workflow.jobs[`certificates-${name}`].if).toContain(
        `github.event.schedule == '${config.scheduledChecks.certificates}'`,
      );
      expect(workflow.jobs[`cost-${name}`].if).toContain(
        `github.event.schedule == '${config.scheduledChecks.cost.schedule}'`,
      );
    },
  );

  test("jobs upload only redacted verdicts and cost estimates; drift plans take no lock and are never saved", () => {
    const text = readFileSync(join(ROOT, SCHEDULED_CHECKS_WORKFLOW), "utf8");
    const uploads = Object.values<any>(workflow.jobs).flatMap((job) =>
      job.steps.filter((step: any) => step.uses?.startsWith("actions/upload-artifact")),
    );
    for (const upload of uploads)
      expect(["drift-review/*.drift.json", "cost-review/estimate.json"]).toContain(upload.with.path);
    expect(text).not.toMatch(/plan-job|--save-plan|\.tfplan|show -json|lock-timeout/);
  });

  test("a schedule GitHub cannot run fails config validation naming the field", () => {
    const bad = editedConfig("staging", (config: any) => (config.scheduledChecks.drift = "*/2 * * * *"));
    expect(() => validateConfigs({ staging: bad })).toThrow(
      /staging: scheduledChecks\.drift: must not run more often than every 5 minutes/,
    );
    const short = editedConfig("staging", (config: any) => (config.scheduledChecks.drift = "0 3 * *"));
    expect(() => validateConfigs({ staging: short })).toThrow(
      /staging: scheduledChecks\.drift: must be five cron fields/,
    );
  });
});

describe("scheduled checks: the read-only drift identity", () => {
  test.each(ENVIRONMENTS)(
    "%s: trusts only the scheduled-checks workflow from main, in its GitHub environment",
    (name) => {
      const config = validConfig(name);
      const bootstrap = synthEnvironment(name).bootstrap;
      const role = bootstrap.resourceList("aws_iam_role").find((candidate) => candidate.name === driftRoleName(name))!;
      const trust = bootstrap.policyDocument(role.assume_role_policy).statement[0];
      const subject = trust.condition.find((condition: any) => condition.variable.endsWith(":sub"));
      expect(subject.test).toBe("StringEquals");
      expect(subject.values).toEqual([
        `repo:${config.ci.githubRepository}:environment:${config.scheduledChecks.githubEnvironment}:job_workflow_ref:${config.ci.githubRepository}/${SCHEDULED_CHECKS_WORKFLOW}@refs/heads/main`,
      ]);
    },
  );

  test.each(ENVIRONMENTS)(
    "%s: reads state and secret metadata, writes no lock, plan or state, reads no secret value, may page",
    (name) => {
      const config = validConfig(name);
      const bootstrap = synthEnvironment(name).bootstrap;
      const policy = bootstrap
        .resourceList("aws_iam_role_policy")
        .find((candidate) => JSON.stringify(candidate.role).includes("ci-drift"))!;
      const statements: any[] = bootstrap.policyDocument(policy.policy).statement;
      const sid = (id: string) => statements.find((statement) => statement.sid === id);
      expect(sid("DenyStateWrites")).toMatchObject({
        effect: "Deny",
        actions: expect.arrayContaining(["s3:PutObject", "s3:DeleteObject"]),
      });
      expect(sid("DenySecretValues")).toMatchObject({
        effect: "Deny",
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"],
        resources: ["*"],
      });
      expect(
        statements
          .filter((statement) => statement.effect !== "Deny")
          .flatMap((statement) => statement.actions)
          .filter((action: string) => /Put|Delete|Create|Update/.test(action)),
      ).toEqual([]);
      expect(sid("PublishSecurityDrift").resources).toEqual([
        `arn:aws:sns:${config.aws.region}:${config.aws.accountId}:${securityAlertTopicName(name)}`,
      ]);
      expect(sid("EncryptAlertThroughSns").condition).toEqual([
        { test: "StringEquals", variable: "kms:ViaService", values: [`sns.${config.aws.region}.amazonaws.com`] },
      ]);
      expect(
        synthEnvironment(name)
          .security.resourceList("aws_sns_topic")
          .map((topic) => topic.name),
      ).toContain(securityAlertTopicName(name));
      const attachments = bootstrap
        .resourceList("aws_iam_role_policy_attachment")
        .filter((attachment) => JSON.stringify(attachment.role).includes("ci-drift"));
      expect(attachments.map((attachment) => attachment.policy_arn)).toEqual([
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
      ]);
    },
  );
});

describe("scheduled checks: drift classification", () => {
  const update = (address: string, type: string, before: object, after: object) => ({
    address,
    type,
    mode: "managed",
    change: { actions: ["update"], before, after, before_sensitive: {}, after_sensitive: {} },
  });

  test("the security-relevant list covers security groups, IAM, KMS, CloudTrail, GuardDuty, deletion protection and backups", () => {
    for (const type of [
      "aws_security_group",
      "aws_vpc_security_group_ingress_rule",
      "aws_iam_role_policy",
      "aws_kms_key",
      "aws_cloudtrail",
      "aws_guardduty_detector_feature",
      "aws_backup_plan",
    ]) {
      expect(securityRelevance(type, [])).toBeDefined();
    }
    expect(securityRelevance("aws_db_instance", ["deletion_protection"])).toBe("deletion_protection changed");
    expect(securityRelevance("aws_db_instance", ["backup_retention_period"])).toBe("backup_retention_period changed");
    expect(securityRelevance("aws_cloudwatch_log_group", ["retention_in_days"])).toBeUndefined();
  });

  test("drift outranks pending; a deploy that would revert a protection the guard blocks says so", () => {
    const stack = classifyStack(
      "auth-staging-data",
      {
        resource_drift: [
          update(
            "aws_db_instance.db",
            "aws_db_instance",
            { deletion_protection: true, backup_retention_period: 7 },
            { deletion_protection: true, backup_retention_period: 0 },
          ),
        ],
      },
      {
        resource_changes: [
          update(
            "aws_cloudwatch_log_group.x",
            "aws_cloudwatch_log_group",
            { retention_in_days: 30 },
            { retention_in_days: 90 },
          ),
        ],
      },
    );
    expect(stack.status).toBe("drifted");
    expect(stack.pending).toEqual(["aws_cloudwatch_log_group.x"]);
    // Reverting 0 -> 7 raises retention: the guard has nothing to block.
    expect(stack.drift[0]).toMatchObject({ securityRelevant: "backup_retention_period changed", revertBlockedBy: [] });
    const loosened = classifyStack(
      "auth-staging-data",
      {
        resource_drift: [
          update(
            "aws_db_instance.db",
            "aws_db_instance",
            { deletion_protection: false },
            { deletion_protection: true },
          ),
        ],
      },
      {},
    );
    // Someone turned protection on by hand: a deploy would turn it off again, which the guard blocks.
    expect(loosened.drift[0].revertBlockedBy).toEqual(["deletion-protection"]);
  });

  test("a resource deleted outside Terraform is drift; a stateful one is security-relevant", () => {
    const deleted = (address: string, type: string) => ({
      address,
      type,
      change: { actions: ["delete"], before: {}, after: null },
    });
    const stack = classifyStack(
      "auth-staging-data",
      {
        resource_drift: [
          deleted("aws_db_instance.db", "aws_db_instance"),
          deleted("aws_cloudwatch_metric_alarm.a", "aws_cloudwatch_metric_alarm"),
        ],
      },
      {},
    );
    expect(stack.drift.map((resource) => [resource.action, resource.securityRelevant])).toEqual([
      ["delete", "aws_db_instance deleted outside Terraform"],
      ["delete", undefined],
    ]);
  });

  test("only drift and failures need attention; pending alone does not open an issue", () => {
    const of = (status: StackDrift["status"]): StackDrift => ({
      stack: "auth-staging-app",
      status,
      drift: [],
      pending: [],
    });
    expect(needsAttention([of("in-sync"), of("pending")])).toBe(false);
    expect(needsAttention([of("in-sync"), of("failed")])).toBe(true);
    expect(needsAttention([of("drifted")])).toBe(true);
  });

  test("the alert names addresses and attributes, never values", () => {
    const stack = classifyStack(
      "auth-staging-data",
      {
        resource_drift: [
          update(
            "aws_kms_key.k",
            "aws_kms_key",
            { enable_key_rotation: true, policy: "SECRET-ISH" },
            { enable_key_rotation: false, policy: "SECRET-ISH-2" },
          ),
        ],
      },
      {},
    );
    const alert = securityAlert("staging", [stack], "https://example.invalid/run")!;
    expect(alert.message).toContain("aws_kms_key.k changed (enable_key_rotation, policy)");
    expect(alert.message).not.toMatch(/SECRET-ISH|true|false/);
    expect(alert.subject.length).toBeLessThanOrEqual(100);
    expect(securityAlert("staging", [classifyStack("auth-staging-app", {}, {})], "x")).toBeUndefined();
  });

  test("the report lists failures as failures, never as in sync", () => {
    const failed: StackDrift = {
      stack: "auth-staging-data",
      status: "failed",
      drift: [],
      pending: [],
      failure: "no state at s3://b/k",
    };
    const text = renderDriftReport("staging", [failed], {
      url: "https://example.invalid/run",
      at: "2026-12-07T03:00:00Z",
    });
    expect(text).toContain("| auth-staging-data | **failed to check** | 0 | 0 |");
    expect(text).toContain("no state at s3://b/k");
    expect(text).toContain("docs/how-to/handle-drift.md");
  });
});

/** GitHub issues as the REST API keeps them: numbers in order, open until closed. */
class FakeIssues implements IssuePort {
  readonly issues: (TrackedIssue & { open: boolean; title: string; labels: string[]; comments: string[] })[] = [];
  async openIssues(label: string) {
    return this.issues.filter((issue) => issue.open && issue.labels.includes(label));
  }
  async create(title: string, body: string, labels: string[]) {
    const number = this.issues.length + 1;
    this.issues.push({ number, title, body, labels, author: BOT_AUTHOR, open: true, comments: [] });
    return number;
  }
  async update(number: number, body: string) {
    Object.assign(this.issues[number - 1], { body });
  }
  async comment(number: number, body: string) {
    this.issues[number - 1].comments.push(body);
  }
  async close(number: number) {
    this.issues[number - 1].open = false;
  }
}

describe("scheduled checks: one issue per environment and check", () => {
  const update = (attention: boolean, body = "report") => ({
    check: "drift",
    environment: "staging",
    title: "Drift in staging",
    body,
    attention,
  });

  test("opened on drift, updated in place while it lasts, closed when it is gone, never duplicated", async () => {
    const github = new FakeIssues();
    expect(await syncIssue(github, update(false))).toEqual({ kind: "none" });
    expect(await syncIssue(github, update(true, "night 1"))).toEqual({ kind: "created", number: 1 });
    expect(await syncIssue(github, update(true, "night 2"))).toEqual({ kind: "updated", number: 1 });
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0].body).toBe(`${issueMarker("drift", "staging")}\nnight 2`);
    expect(await syncIssue(github, update(false, "in sync"))).toEqual({ kind: "closed", number: 1 });
    expect(github.issues[0].open).toBe(false);
    expect(await syncIssue(github, update(true, "night 4"))).toEqual({ kind: "created", number: 2 });
  });

  test("environments and checks have their own issue; a marker pasted by someone else is ignored", async () => {
    const github = new FakeIssues();
    github.issues.push({
      number: 1,
      title: "mine",
      body: `${issueMarker("drift", "staging")}\nfake`,
      labels: ["scheduled-check"],
      author: "someone",
      open: true,
      comments: [],
    });
    await syncIssue(github, update(true));
    await syncIssue(github, { ...update(true), environment: "production" });
    expect(
      github.issues.filter((issue) => issue.author === BOT_AUTHOR).map((issue) => issue.body.split("\n")[0]),
    ).toEqual([issueMarker("drift", "staging"), issueMarker("drift", "production")]);
    expect(github.issues[0].body).toBe(`${issueMarker("drift", "staging")}\nfake`);
  });

  test("a duplicate left by a race is closed, pointing at the first", async () => {
    const github = new FakeIssues();
    await github.create("a", `${issueMarker("drift", "staging")}\nx`, ["scheduled-check"]);
    await github.create("b", `${issueMarker("drift", "staging")}\ny`, ["scheduled-check"]);
    expect(await syncIssue(github, update(true))).toEqual({ kind: "updated", number: 1 });
    expect(github.issues[1]).toMatchObject({ open: false, comments: ["Duplicate of #1."] });
  });

  test("a report longer than GitHub allows is cut with a pointer to the run", () => {
    const cut = fitIssueBody("x".repeat(70_000));
    expect(cut.length).toBeLessThanOrEqual(65_000);
    expect(cut).toMatch(/Truncated.*workflow run/);
  });
});

test("every environment has scheduled checks in its config", () => {
  for (const config of Object.values(environments as Record<string, EnvironmentConfig>))
    expect(config.scheduledChecks).toBeDefined();
});

test("an update in which no attribute differs is neither drift nor pending (Terraform plans one for every secret version)", () => {
  const same = {
    address: "aws_secretsmanager_secret_version.app",
    type: "aws_secretsmanager_secret_version",
    mode: "managed",
    change: {
      actions: ["update"],
      before: { version_id: "v1" },
      after: { version_id: "v1" },
      before_sensitive: {},
      after_sensitive: {},
    },
  };
  expect(classifyStack("auth-staging-data", { resource_drift: [same] }, { resource_changes: [same] })).toMatchObject({
    status: "in-sync",
    drift: [],
    pending: [],
  });
});
