/**
 * Two environments in one account never share a name. Every name-bearing resource of every stack
 * (primary, pilot light and restore mode) of the shared-account layout is listed with the scope
 * its name must be unique in: the account for IAM and S3, the region otherwise, the parent for a
 * sub-resource. A second synthesis of the layout the config refuses (one account, one region)
 * shows the check finds collisions, and which ones.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App } from "cdktf";
import { addEnvironment, buildApp } from "../../src/app";
import { environments } from "../../src/config";
import { sharedAccountLayout } from "../../src/config/environments/layouts";
import { checkedEnvironmentConfigSchema } from "../../src/config/rules/environment-rules";

/** Top-level attributes that name a resource in its scope. */
const NAME_ATTRIBUTES = [
  "name",
  "name_prefix",
  "bucket",
  "analyzer_name",
  "alarm_name",
  "function_name",
  "dashboard_name",
  "identifier",
  "replication_group_id",
  "url",
  "vault_name",
  "plan_name",
  "role_name",
];
/** Types whose names are unique per account (IAM) or globally (S3), not per region. */
const ACCOUNT_WIDE = /^aws_(iam_|s3_bucket$)/;
/** Sub-resources whose name is unique only within their parent, by the attribute naming the parent. */
const PARENT: Record<string, string> = {
  aws_cloudwatch_log_metric_filter: "log_group_name",
  aws_cloudwatch_event_target: "rule",
  aws_guardduty_detector_feature: "detector_id",
  aws_route53_record: "zone_id",
  aws_iam_role_policy: "role",
  aws_iam_role_policy_attachment: "role",
  aws_lambda_permission: "function_name",
  aws_secretsmanager_secret_rotation: "secret_id",
};
/** Names the layout shares on purpose, as `type name`, with the reason. None today. */
const DELIBERATELY_SHARED: Record<string, string> = {};

interface NamedResource {
  readonly environment: string;
  readonly address: string;
  readonly key: string;
}

/** Every name-bearing resource of a synth output, keyed by its name in its scope. */
function namedResources(outdir: string): NamedResource[] {
  const stacks = readdirSync(join(outdir, "stacks"));
  return stacks.flatMap((stack) => {
    const json = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
    const environment = /^auth-([a-z0-9]+)-/.exec(stack)![1];
    const providers: Record<string, string> = Object.fromEntries(
      (json.provider?.aws ?? []).map((block: any) => [block.alias ? `aws.${block.alias}` : "aws", block.region]),
    );
    return Object.entries<Record<string, any>>(json.resource ?? {}).flatMap(([type, blocks]) =>
      Object.entries(blocks).flatMap(([name, body]) => {
        const scope = ACCOUNT_WIDE.test(type) ? "account" : providers[body.provider ?? "aws"];
        const parentValue = PARENT[type] ? String(body[PARENT[type]]) : "";
        // A parent named by reference is a resource of this stack, so of this environment.
        const parent = parentValue.includes("${") ? `${stack}:${parentValue}` : parentValue;
        return NAME_ATTRIBUTES.filter(
          (attribute) => typeof body[attribute] === "string" && !body[attribute].includes("${"),
        ).map((attribute) => ({
          environment,
          address: `${stack}/${type}.${name}`,
          key: `${type} ${scope} ${parent} ${attribute}=${body[attribute]}`,
        }));
      }),
    );
  });
}

/** Names claimed by more than one environment, with the resources claiming them. */
function collisions(resources: readonly NamedResource[]): Record<string, string[]> {
  const byKey = new Map<string, NamedResource[]>();
  for (const resource of resources) byKey.set(resource.key, [...(byKey.get(resource.key) ?? []), resource]);
  return Object.fromEntries(
    [...byKey]
      .filter(
        ([key, claims]) => new Set(claims.map((claim) => claim.environment)).size > 1 && !DELIBERATELY_SHARED[key],
      )
      .map(([key, claims]) => [key, claims.map((claim) => claim.address)]),
  );
}

describe("names in one account", () => {
  const root = mkdtempSync(join(tmpdir(), "layout-names-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("the shared-account layout: no two environments share a name in its scope, in any stack or mode", () => {
    const outdir = join(root, "shared");
    buildApp({ outdir, configs: sharedAccountLayout, restore: { drill: false } }).synth();
    const resources = namedResources(outdir);
    expect(new Set(resources.map((resource) => resource.environment))).toEqual(new Set(["staging", "production"]));
    expect(resources.length).toBeGreaterThan(100);
    expect(collisions(resources)).toEqual({});
  });

  test("one account with one region, which the config refuses, would collide: the check sees it", () => {
    const outdir = join(root, "single-region");
    const app = new App({ outdir });
    const production = {
      ...environments.production,
      registry: { ...environments.production.registry, acceptReplicationFrom: undefined },
    };
    // Each config is valid on its own; only the cross-environment rules refuse the pair.
    const configs = [
      environments.staging,
      { ...production, aws: { ...production.aws, accountId: environments.staging.aws.accountId } },
    ].map((config) => checkedEnvironmentConfigSchema.parse(config));
    for (const config of configs) addEnvironment(app, config);
    app.synth();
    const found = Object.keys(collisions(namedResources(outdir)));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_ecr_repository eu-west-1 {2}name=auth-service$/),
        expect.stringMatching(/^aws_iam_openid_connect_provider account {2}url=/),
      ]),
    );
  });
});
