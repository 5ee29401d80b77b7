import { existsSync } from "fs";
import { join } from "path";
import { Testing } from "cdktf";
import { RestoreMode, restoreModeFrom } from "../src/config/restore-mode";
import { repairHclRendering } from "../src/hcl-output";
import { AL2023_AMI_PARAMETER } from "../src/release/release-state";
import { appHandover } from "../src/stacks/app/app-handover";
import { DrAppStack } from "../src/stacks/dr/dr-app-stack";
import { Block, SYNTH_DIR, Synthesized, synthEnvironment, validConfig } from "./support/synth";

const production = validConfig("production");
const primary = synthEnvironment("production").app;
const DIGEST = `sha256:${"cd".repeat(32)}`;

/** The DR app on its own (it reads other stacks only through remote state), with the compliance pack run as cdktf synth runs it. */
function drApp(
  restore: Pick<RestoreMode, "cutover" | "imageDigest" | "decommission"> & Partial<Pick<RestoreMode, "drill">> = {},
): Synthesized {
  // One synthesis per restore mode for the whole file: the app stack is the largest there is.
  const key = JSON.stringify(restore);
  const known = synthesized.get(key);
  if (known) return known;
  const stack = new DrAppStack(Testing.app(), production, restore);
  stack.runAllValidations();
  const json = Synthesized.of(stack);
  synthesized.set(key, json);
  return json;
}
const synthesized = new Map<string, Synthesized>();

const standby = drApp();
const cutover = drApp({ cutover: true });
const pinned = drApp({ imageDigest: DIGEST });
const text = (json: Synthesized) => JSON.stringify(json.json);
/** The remote-state data source reading a given state key, by its logical name. */
const remoteStateOf = (json: Synthesized, key: string) => {
  const [name] =
    Object.entries(json.dataSources("terraform_remote_state")).find(([, source]) => source.config.key === key) ?? [];
  if (!name) throw new Error(`no remote state of ${key}`);
  return `data.terraform_remote_state.${name}.outputs`;
};
const drNetworkOutputs = remoteStateOf(standby, "production/auth-production-dr-network.tfstate");
const drDataOutputs = remoteStateOf(standby, "production/auth-production-dr-data.tfstate");
const names = [production.dns.domainName, ...production.app.alternativeNames];

describe("restore mode: auth-<env>-dr-app is the app stack in aws.drRegion", () => {
  test("is never part of a normal synth", () => {
    expect(existsSync(join(SYNTH_DIR, "stacks", "auth-production-dr-app"))).toBe(false);
  });

  test("runs in the DR region with its state in the DR bucket, and reads only that bucket: pilot light, restored data tier, replica of the primary app state", () => {
    expect(standby.json.provider.aws).toEqual([expect.objectContaining({ region: production.aws.drRegion })]);
    expect(standby.json.terraform.backend.s3).toMatchObject({
      bucket: production.dr.stateBucket,
      region: production.aws.drRegion,
      key: "production/auth-production-dr-app.tfstate",
    });
    const sources = Object.values(standby.dataSources("terraform_remote_state")).map((source) => [
      source.config.bucket,
      source.config.region,
      source.config.key,
    ]);
    expect(sources.sort()).toEqual([
      [production.dr.stateBucket, production.aws.drRegion, "production/auth-production-app.tfstate"],
      [production.dr.stateBucket, production.aws.drRegion, "production/auth-production-dr-data.tfstate"],
      [production.dr.stateBucket, production.aws.drRegion, "production/auth-production-dr-network.tfstate"],
    ]);
    expect(text(standby)).not.toContain(production.state.bucket);
  });

  test("builds the same service as the primary: ALB, WAF, both colours' fleets, alarms, dashboard, secret convergence", () => {
    for (const type of [
      "aws_lb",
      "aws_wafv2_web_acl",
      "aws_wafv2_web_acl_association",
      "aws_cloudwatch_dashboard",
      "aws_lambda_function",
    ]) {
      expect([type, standby.resourceList(type).length]).toEqual([type, primary.resourceList(type).length]);
    }
    expect(standby.resourceList("aws_autoscaling_group")).toHaveLength(2);
    expect(standby.resourceList("aws_cloudwatch_metric_alarm").length).toBeGreaterThan(10);
  });

  test("fleets pull from the pilot light's repository replica in the DR registry, and may decrypt its images", () => {
    const userData = standby.resourceList("aws_launch_template").map((template) => template.user_data as string);
    for (const data of userData) {
      expect(data).toContain(`"repository_url" = ${drNetworkOutputs}.repository_url`);
      expect(data).toContain(
        `"registry" = "${production.aws.accountId}.dkr.ecr.${production.aws.drRegion}.amazonaws.com"`,
      );
    }
    const instancePolicy = JSON.stringify(standby.dataSources("aws_iam_policy_document"));
    expect(instancePolicy).toContain(`\${${drNetworkOutputs}.repository_arn}`);
    expect(instancePolicy).toContain(`\${${drNetworkOutputs}.registry_key_arn}`);
    expect(text(standby)).not.toMatch(/auth-production-registry\.tfstate/);
  });

  test("reads the replicated secrets: the ARNs the restored data tier's contract points at", () => {
    const [data] = standby.resourceList("aws_launch_template").map((template) => template.user_data as string);
    for (const [variable, output] of [
      ["db_secret_arn", "db_service_secret_arn"],
      ["app_secret_arn", "app_secret_arn"],
      ["redis_secret_arn", "redis_auth_secret_arn"],
    ]) {
      expect(data).toContain(`"${variable}" = ${drDataOutputs}.${output}`);
    }
    expect(JSON.stringify(standby.dataSources("aws_iam_policy_document"))).toContain(
      `\${${drDataOutputs}.app_secret_arn}`,
    );
  });

  test("runs the digest the primary was serving, from the replica of its app state, on the DR region's Amazon Linux AMI", () => {
    const primaryApp = remoteStateOf(standby, "production/auth-production-app.tfstate");
    const release = standby.json.locals.release_state;
    expect(release.blue.digest).toBe(
      `\${(${primaryApp}.current_release.green_traffic_percent > 50) ? ${primaryApp}.current_release.green_digest : ${primaryApp}.current_release.blue_digest}`,
    );
    expect(release).toMatchObject({ green: { digest: "" }, greenTrafficPercent: 0, idleCapacity: 0 });
    const [ami] = Object.entries(standby.dataSources("aws_ssm_parameter"));
    expect(ami[1].name).toBe(AL2023_AMI_PARAMETER);
    expect(release.blue.amiId).toBe(`\${data.aws_ssm_parameter.${ami[0]}.insecure_value}`);
    // The image must be in the DR repository before instances boot on it.
    expect(Object.values<Block>(standby.dataSources("aws_ecr_image")).map((image) => image.repository_name)).toEqual([
      production.registry.repositoryName,
      production.registry.repositoryName,
    ]);
  });

  test("or the digest given in AUTH_DR_IMAGE_DIGEST, without reading the primary app state", () => {
    expect(pinned.json.locals.release_state.blue.digest).toBe(DIGEST);
    expect(
      Object.values(pinned.dataSources("terraform_remote_state")).map((source) => source.config.key),
    ).not.toContain("production/auth-production-app.tfstate");
  });

  test("publishes the app contract", () => {
    const required = Object.entries(appHandover)
      .filter(([, output]) => !("optional" in output))
      .map(([name]) => name);
    expect(Object.keys(standby.outputs()).sort()).toEqual(required.sort());
    expect(standby.outputs().dashboard_url.value).toContain(`region=${production.aws.drRegion}#dashboards/dashboard/`);
  });
});

describe("DNS: the DR app leaves the service's names alone until the cutover", () => {
  /** The primary's alias records (its certificate's validation records are CNAMEs it may overwrite). */
  const primaryAliases = () => primary.resourceList("aws_route53_record").filter((record) => record.alias);
  const recordAddresses = (json: Synthesized) =>
    Object.keys(json.resources("aws_route53_record")).map((name) => `aws_route53_record.${name}`);

  test("without AUTH_DR_CUTOVER: no record, no hosted zone, no certificate of its own; the listener uses the pilot light's certificate", () => {
    expect(standby.resources("aws_route53_record")).toEqual({});
    expect(standby.resources("aws_route53_zone")).toEqual({});
    expect(standby.resources("aws_acm_certificate")).toEqual({});
    const https = standby.resourceList("aws_lb_listener").filter((listener) => listener.protocol === "HTTPS");
    expect(https.length).toBeGreaterThan(0);
    for (const listener of https) expect(listener.certificate_arn).toBe(`\${${drNetworkOutputs}.certificate_arn}`);
  });

  test("with AUTH_DR_CUTOVER=1: it takes over A and AAAA of every service name, pointing at its own load balancer", () => {
    const records = cutover.resourceList("aws_route53_record");
    expect(records.map((record) => `${record.name} ${record.type}`).sort()).toEqual(
      names.flatMap((name) => [`${name} A`, `${name} AAAA`]).sort(),
    );
    const [lb] = Object.keys(cutover.resources("aws_lb"));
    for (const record of records) {
      expect(record).toMatchObject({
        zone_id: production.dns.hostedZoneId,
        allow_overwrite: true,
        alias: { name: `\${aws_lb.${lb}.dns_name}`, zone_id: `\${aws_lb.${lb}.zone_id}`, evaluate_target_health: true },
      });
    }
    // The same alias records the primary app stack owns.
    expect(
      primaryAliases()
        .map((record) => `${record.name} ${record.type}`)
        .sort(),
    ).toEqual(records.map((record) => `${record.name} ${record.type}`).sort());
    expect(cutover.json.removed).toBeUndefined();
  });

  test("after a cutover, a deploy without it forgets the records instead of deleting the live ones (removed blocks, destroy = false)", () => {
    expect(standby.json.removed).toEqual(
      recordAddresses(cutover).map((from) => ({ from, lifecycle: { destroy: false } })),
    );
  });

  test("the removed blocks survive HCL synthesis (npm run synth:hcl), with a bare resource address as HCL requires", () => {
    repairHclRendering();
    const hcl = new DrAppStack(Testing.app(), production, {}).toHclTerraform().hcl;
    for (const from of recordAddresses(cutover))
      expect(hcl).toContain(`removed {\n  from = ${from}\n  lifecycle {\n    destroy = false\n  }\n}`);
  });

  test("the primary app stack neither overwrites records nor forgets any: it stays their owner", () => {
    expect(primaryAliases().length).toBeGreaterThan(0);
    for (const record of primaryAliases()) expect(record.allow_overwrite).toBeUndefined();
    expect(primary.json.removed).toBeUndefined();
  });
});

describe("a drill keeps its state apart from a real restore's, so its teardown cannot reach one", () => {
  test("a drill's DR app keeps its state under <env>/drill/ and reads the drill's data tier there; a real restore never does", () => {
    const drill = drApp({ drill: true });
    expect(drill.json.terraform.backend.s3.key).toBe("production/drill/auth-production-dr-app.tfstate");
    expect(remoteStateOf(drill, "production/drill/auth-production-dr-data.tfstate")).toBeDefined();
    expect(() => remoteStateOf(drill, "production/auth-production-dr-data.tfstate")).toThrow();
    // What it reads from the pilot light and the primary's replica is the same for both.
    expect(remoteStateOf(drill, "production/auth-production-dr-network.tfstate")).toBeDefined();
    expect(standby.json.terraform.backend.s3.key).toBe("production/auth-production-dr-app.tfstate");
  });

  test("a failover's load balancer keeps production's deletion protection; a drill's and a decommission's can be destroyed", () => {
    expect(production.app.albDeletionProtection).toBe(true);
    expect(standby.resource("aws_lb").enable_deletion_protection).toBe(true);
    expect(drApp({ drill: true }).resource("aws_lb").enable_deletion_protection).toBe(false);
    const decommission = drApp({ decommission: true });
    expect(decommission.resource("aws_lb").enable_deletion_protection).toBe(false);
    // A decommission destroys the real restore: its state, not a drill's.
    expect(decommission.json.terraform.backend.s3.key).toBe("production/auth-production-dr-app.tfstate");
  });
});

describe("the DR app's names do not collide with the primary's", () => {
  /** Name attributes of the resources that carry one, account-wide or per region. */
  const NAMED: Record<string, string> = {
    aws_lb: "name",
    aws_lb_target_group: "name",
    aws_autoscaling_group: "name",
    aws_launch_template: "name",
    aws_iam_role: "name",
    aws_iam_instance_profile: "name",
    aws_cloudwatch_metric_alarm: "alarm_name",
    aws_cloudwatch_composite_alarm: "alarm_name",
    aws_cloudwatch_dashboard: "dashboard_name",
    aws_cloudwatch_log_group: "name",
    aws_cloudwatch_event_rule: "name",
    aws_lambda_function: "function_name",
    aws_kms_alias: "name",
    aws_s3_bucket: "bucket",
    aws_wafv2_web_acl: "name",
    aws_ssm_parameter: "name",
  };
  const namesOf = (json: Synthesized) =>
    Object.entries(NAMED).flatMap(([type, attribute]) =>
      json.resourceList(type).map((resource) => `${type} ${resource[attribute]}`),
    );

  test("no resource of the DR app has a primary resource's name", () => {
    const dr = namesOf(cutover);
    expect(dr.length).toBeGreaterThan(40);
    const taken = new Set(namesOf(primary));
    expect(dr.filter((name) => taken.has(name))).toEqual([]);
  });

  test("alarms and the dashboard are prefixed auth-<env>-dr", () => {
    const alarms = [
      ...cutover.resourceList("aws_cloudwatch_metric_alarm"),
      ...cutover.resourceList("aws_cloudwatch_composite_alarm"),
    ].map((alarm) => alarm.alarm_name as string);
    for (const alarm of alarms) expect(alarm).toMatch(/^auth-production-dr-/);
    expect(cutover.resource("aws_cloudwatch_dashboard").dashboard_name).toBe("auth-production-dr");
  });
});

describe("restore mode switches of the DR app", () => {
  test("AUTH_DR_CUTOVER=1 and AUTH_DR_IMAGE_DIGEST are read in restore mode only", () => {
    expect(restoreModeFrom({ AUTH_DR_RESTORE: "1", AUTH_DR_CUTOVER: "1", AUTH_DR_IMAGE_DIGEST: DIGEST })).toEqual({
      drill: false,
      pointInTime: undefined,
      cutover: true,
      imageDigest: DIGEST,
    });
    expect(() => restoreModeFrom({ AUTH_DR_CUTOVER: "1" })).toThrow(
      /AUTH_DR_CUTOVER: only take effect with AUTH_DR_RESTORE=1/,
    );
  });

  test("a drill never cuts over", () => {
    expect(() => restoreModeFrom({ AUTH_DR_RESTORE: "1", AUTH_DR_DRILL: "1", AUTH_DR_CUTOVER: "1" })).toThrow(
      /AUTH_DR_CUTOVER: a drill \(AUTH_DR_DRILL=1\) never cuts over/,
    );
  });

  test.each(["latest", "sha256:abc", `sha256:${"AB".repeat(32)}`])(
    "rejects the digest %s with one line naming the switch",
    (digest) => {
      expect(() => restoreModeFrom({ AUTH_DR_RESTORE: "1", AUTH_DR_IMAGE_DIGEST: digest })).toThrow(
        /^Invalid configuration:\n {2}- AUTH_DR_IMAGE_DIGEST: must be an image digest sha256:<64 hex digits>/,
      );
    },
  );
});
