import { randomBytes } from "crypto";
import { Testing } from "cdktf";
import { Client } from "pg";
import { scramSha256Verifier } from "../../lambda/postgres-rotation/scram";
import { rotate, RotationSettings, ServiceCredentials } from "../../lambda/postgres-rotation/rotation";
import { validateConfigs } from "../../src/config/rules/validate";
import { environments } from "../../src/config";
import { AppStack } from "../../src/stacks/app/app-stack";
import { DataStack } from "../../src/stacks/data/data-stack";
import { matchesEventPattern } from "../support/event-pattern";
import { FakeSecretsManager } from "../support/fake-secrets-manager";
import { LocalPostgres, startLocalPostgres } from "../support/local-postgres";

// A year of production's rotation schedule on a simulated clock: the schedules come from the
// synthesized rotation rules, every rotation of the service's login runs the real rotation code
// against a real PostgreSQL, failures and privilege drift are injected, and every Secrets Manager
// event goes through the synthesized EventBridge rules to the alarms that read them.

const [production] = validateConfigs({ production: environments.production });
const data = JSON.parse(Testing.synth(new DataStack(Testing.app(), production)));
const app = JSON.parse(Testing.synth(new AppStack(Testing.app(), production)));
const DAY = 24 * 3600 * 1000;
const START = Date.parse("2027-01-04T00:00:00Z");

/** The secrets of the data stack, each with the handover output the app stack reads it by. */
const SECRETS = {
  service: {
    output: "db_service_secret_arn",
    arn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:auth-production/db-service-AbCdEf",
  },
  master: {
    output: "db_master_secret_arn",
    arn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-0a1b2c3d-AbCdEf",
  },
  app: {
    output: "app_secret_arn",
    arn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:auth-production/app-AbCdEf",
  },
  redis: {
    output: "redis_auth_secret_arn",
    arn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:auth-production-redis/auth-token-AbCdEf",
  },
} as const;
type SecretName = keyof typeof SECRETS;

/** Which synthesized rotation rule belongs to which secret, by the secret_id it references. */
function rotationDays(): Record<SecretName, number> {
  const rotations: Record<string, any> = data.resource.aws_secretsmanager_secret_rotation;
  const find = (pattern: RegExp) => {
    const found = Object.values(rotations).filter((rotation) => pattern.test(rotation.secret_id));
    if (found.length !== 1) throw new Error(`expected one rotation for ${pattern}, found ${found.length}`);
    return found[0].rotation_rules.automatically_after_days as number;
  };
  return {
    service: find(/db-service/),
    master: find(/master_user_secret/),
    app: find(/app-secret/),
    redis: find(/redis_auth-token/),
  };
}

/** The app stack's HCL event patterns as JSON, the data stack's outputs replaced by the ARNs above. */
function eventRules(): Array<{ name: string; pattern: Record<string, unknown> }> {
  return Object.values<any>(app.resource.aws_cloudwatch_event_rule).map((rule) => {
    let text: string = rule.event_pattern.replace(/^\$\{jsonencode\(/, "").replace(/\)\}$/, "");
    for (const secret of Object.values(SECRETS))
      text = text.replace(
        new RegExp(`data\\.terraform_remote_state\\.\\w+\\.outputs\\.${secret.output}`, "g"),
        JSON.stringify(secret.arn),
      );
    text = text.replace(/\b(aws_[a-z_]+\.[\w-]+\.name)\b/g, '"$1"').replace(/" = /g, '": ');
    return { name: rule.name, pattern: JSON.parse(text) };
  });
}

/** Alarms on a rule's TriggeredRules (threshold 0, Sum, above): a rule that matched pages. */
function alarmsOfRule(ruleName: string): string[] {
  const rules: Record<string, any> = app.resource.aws_cloudwatch_event_rule;
  return Object.values<any>(app.resource.aws_cloudwatch_metric_alarm)
    .filter(
      (alarm) =>
        alarm.namespace === "AWS/Events" && alarm.metric_name === "TriggeredRules" && alarm.actions_enabled !== false,
    )
    .filter(
      (alarm) =>
        rules[/aws_cloudwatch_event_rule\.([\w-]+)\.name/.exec(alarm.dimensions.RuleName)?.[1] ?? ""]?.name ===
        ruleName,
    )
    .map((alarm) => alarm.alarm_name);
}

/**
 * Secrets Manager's schedule for AutomaticallyAfterDays: "Secrets Manager calculates the next
 * rotation date based on the previous rotation" (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html),
 * that is the last successful one; a failed rotation is reattempted (the rotation stays pending:
 * "A previous rotation isn't complete. That rotation will be reattempted."), here the next day.
 * Each outcome is a CloudTrail event, RotationSucceeded or RotationFailed
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html#cloudtrail_log_entries_rotation).
 */
class RotationClock {
  readonly next: Record<SecretName, number>;
  readonly alerts: Array<{ day: number; secret: SecretName; alarms: string[] }> = [];
  readonly refreshes: Array<{ day: number; secret: SecretName }> = [];
  readonly unwatchedFailures: Array<{ day: number; secret: SecretName }> = [];
  private readonly rules = eventRules();

  constructor(readonly days: Record<SecretName, number>) {
    // Rotation is configured at the first apply: Secrets Manager rotates at once.
    this.next = { service: 0, master: 0, app: 0, redis: 0 };
  }

  async run(totalDays: number, rotateSecret: (secret: SecretName, day: number) => Promise<void>): Promise<void> {
    for (let day = 0; day <= totalDays; day++) {
      for (const secret of Object.keys(this.next) as SecretName[]) {
        if (this.next[secret] > day) continue;
        try {
          await rotateSecret(secret, day);
          this.next[secret] = day + this.days[secret];
          this.deliver("RotationSucceeded", secret, day);
        } catch {
          this.next[secret] = day + 1;
          this.deliver("RotationFailed", secret, day);
        }
      }
    }
  }

  private deliver(eventName: string, secret: SecretName, day: number): void {
    const event = {
      source: "aws.secretsmanager",
      "detail-type": "AWS Service Event via CloudTrail",
      time: new Date(START + day * DAY).toISOString(),
      detail: {
        eventSource: "secretsmanager.amazonaws.com",
        eventName,
        additionalEventData: { SecretId: SECRETS[secret].arn },
      },
    };
    const matched = this.rules.filter((rule) => matchesEventPattern(rule.pattern, event));
    if (eventName === "RotationSucceeded" && matched.some((rule) => rule.name.endsWith("-secret-rotated")))
      this.refreshes.push({ day, secret });
    if (eventName !== "RotationFailed") return;
    const alarms = matched.flatMap((rule) => alarmsOfRule(rule.name));
    if (alarms.length === 0) this.unwatchedFailures.push({ day, secret });
    else this.alerts.push({ day, secret, alarms });
  }
}

const STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
const MASTER_USER = "auth_admin";
const MASTER_PASSWORD = randomBytes(24).toString("base64url");
let server: LocalPostgres;

async function asMaster<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    host: server.host,
    port: server.port,
    database: "auth",
    user: MASTER_USER,
    password: MASTER_PASSWORD,
    ssl: { ca: server.caBundle },
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  server = await startLocalPostgres();
  const client = new Client({
    host: server.host,
    port: server.port,
    database: "postgres",
    user: "postgres",
    password: server.superuserPassword,
    ssl: { ca: server.caBundle },
  });
  await client.connect();
  await client.query(
    `CREATE ROLE ${MASTER_USER} WITH LOGIN CREATEROLE CREATEDB PASSWORD ${client.escapeLiteral(scramSha256Verifier(MASTER_PASSWORD))}`,
  );
  await client.query(`CREATE DATABASE auth OWNER ${MASTER_USER}`);
  await client.end();
}, 90_000);

afterAll(async () => {
  await server?.stop();
}, 30_000);

describe("a year of production's rotation schedule, failures and drift injected", () => {
  const days = rotationDays();
  const clock = new RotationClock(days);
  // Injected: RDS fails to rotate its master secret twice; the service login's rotation fails once
  // (the function pointed at a master secret that is gone); CREATE is revoked from auth_app before a clone rotation.
  const masterFailures = new Set([days.master * 3, days.master * 3 + 1]);
  const serviceFailureDay = days.service * 5;
  let driftDay: number | undefined;
  const repairs: Array<{ day: number; username: string; create: boolean }> = [];

  beforeAll(async () => {
    const secrets = new FakeSecretsManager();
    secrets.createSecret(SECRETS.master.arn, JSON.stringify({ username: MASTER_USER, password: MASTER_PASSWORD }));
    secrets.createSecret(
      SECRETS.service.arn,
      JSON.stringify({
        engine: "postgres",
        host: server.host,
        port: server.port,
        dbname: "auth",
        username: "auth_app",
        masterarn: SECRETS.master.arn,
      }),
    );
    const settings: RotationSettings = {
      masterSecretArn: SECRETS.master.arn,
      host: server.host,
      port: server.port,
      dbname: "auth",
      baseUsername: "auth_app",
      schema: "auth",
      trust: { caBundle: server.caBundle },
    };
    const log = () => undefined;
    let pendingToken: string | undefined;
    await clock.run(365, async (secret, day) => {
      if (secret === "master") {
        if (masterFailures.has(day)) throw new Error("RDS could not rotate the master password");
        return;
      }
      if (secret !== "service") return;
      const current = JSON.parse(secrets.valueAt(SECRETS.service.arn, "AWSCURRENT")!) as ServiceCredentials;
      if (driftDay === undefined && day >= days.service * 2 && current.username === "auth_app") {
        await asMaster((client) => client.query("REVOKE CREATE ON SCHEMA auth FROM auth_app"));
        driftDay = day;
      }
      const using =
        day === serviceFailureDay ? { ...settings, masterSecretArn: `${SECRETS.master.arn}-gone` } : settings;
      // A failed rotation keeps its AWSPENDING version; Secrets Manager reattempts it with the same token.
      const token = pendingToken ?? secrets.startRotation(SECRETS.service.arn);
      pendingToken = token;
      for (const step of STEPS)
        await rotate({ SecretId: SECRETS.service.arn, ClientRequestToken: token, Step: step }, secrets, using, log);
      pendingToken = undefined;
      const rotated = JSON.parse(secrets.valueAt(SECRETS.service.arn, "AWSCURRENT")!) as ServiceCredentials;
      if (driftDay !== undefined) {
        const create = await asMaster(
          async (client) =>
            (await client.query("SELECT has_schema_privilege('auth_app', 'auth', 'CREATE') AS c")).rows[0].c as boolean,
        );
        repairs.push({ day, username: rotated.username, create });
      }
    });
  }, 300_000);

  test("the schedules come from the synthesized rotation rules (AutomaticallyAfterDays, 1 to 1000)", () => {
    expect(Object.values(days).every((value) => value >= 1 && value <= 1000)).toBe(true);
    expect(days).toEqual({
      service: production.data.postgres.serviceCredentialRotationDays,
      master: production.data.postgres.masterPasswordRotationDays,
      app: production.data.secrets.appSecretRotationDays,
      redis: production.data.redis.authTokenRotationDays,
    });
  });

  test("every failed rotation reaches an alarm, the RDS master secret's included", () => {
    expect(clock.unwatchedFailures).toEqual([]);
    const expected = [
      ...[...masterFailures].map((day): [number, string] => [day, "master"]),
      [serviceFailureDay, "service"] as [number, string],
    ].sort((a, b) => a[0] - b[0]);
    expect(clock.alerts.map((alert) => [alert.day, alert.secret])).toEqual(expected);
    expect(clock.alerts.find((alert) => alert.secret === "master")!.alarms).toEqual([
      "auth-production-master-secret-rotation-failed",
    ]);
  });

  test("every rotation of the service's login refreshes the fleet; the master secret's never do", () => {
    expect(clock.refreshes.some((refresh) => refresh.secret === "master")).toBe(false);
    expect(clock.refreshes.filter((refresh) => refresh.secret === "service").length).toBeGreaterThanOrEqual(
      Math.floor(365 / days.service),
    );
  });

  test("a privilege revoked from auth_app is restored by the next rotation, which is the clone's", () => {
    expect(driftDay).toBeDefined();
    expect(repairs[0]).toEqual({ day: expect.any(Number), username: "auth_app_clone", create: true });
    expect(repairs.every((repair) => repair.create)).toBe(true);
  });
});
