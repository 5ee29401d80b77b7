import { execFileSync } from "child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { environmentPolicies } from "../../src/iam/environment-policies";
import { applyingIdentity, parseStackName } from "../../src/config/naming";
import { simulate, type Identity } from "../support/iam-simulator";
import { roleRequests } from "../support/role-grants";
import { ENVIRONMENTS, validConfig } from "../support/synth";

/**
 * Every role the stacks create still works under its boundary (#23 requirement 3): each action its
 * own policies allow on each resource they name, and each use of its AWS managed policies
 * (managed-policy-needs.ts), is Allowed by @cloud-copilot/iam-simulate under the boundary it carries.
 * Over a synth with restore mode on (AUTH_DR_RESTORE=1: every stack of staging and production,
 * dr-data and dr-app included). In the terraform tier, not the unit suite: it synthesizes the app
 * itself and runs some 400 simulations (about 7 ms each), which the unit suite's 10 s budget has no
 * room for. What a role under the boundary cannot do is the unit suite's (role-boundary.test.ts).
 */
const ANYTHING = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

describe("every role the stacks create, restore mode included, under its boundary", () => {
  const synthDir = mkdtempSync(join(tmpdir(), "role-boundary-grants-"));
  beforeAll(() => {
    execFileSync(process.execPath, [join("scripts", "synth.mjs")], {
      env: { ...process.env, AUTH_ENV: "", AUTH_DR_RESTORE: "1", CDKTF_OUTDIR: synthDir, CDKTF_CONTEXT_JSON: "" },
      stdio: "ignore",
    });
  }, 120_000);
  afterAll(() => rmSync(synthDir, { recursive: true, force: true }));

  test.each(ENVIRONMENTS)(
    "%s: each action its roles' own policies and managed policies' use grant is allowed under the boundary each role carries",
    async (env) => {
      const config = validConfig(env);
      const generated = environmentPolicies(config);
      const names = readdirSync(join(synthDir, "stacks")).filter(
        (name) =>
          parseStackName(name)?.environment === env && existsSync(join(synthDir, "stacks", name, "cdk.tf.json")),
      );
      if (config.dr.pilotLight)
        expect(names).toEqual(expect.arrayContaining([`auth-${env}-dr-data`, `auth-${env}-dr-app`]));
      const stacks = Object.fromEntries(
        names.map((name) => [name, JSON.parse(readFileSync(join(synthDir, "stacks", name, "cdk.tf.json"), "utf8"))]),
      );
      const requests = roleRequests(stacks, env, config.aws.accountId);
      // Every role but the CI identities has requests: a role whose policies the helper cannot read would fail above.
      const roles = new Set(requests.map((request) => request.role));
      for (const json of Object.values(stacks)) {
        for (const role of Object.values((json.resource?.aws_iam_role ?? {}) as Record<string, { name: string }>)) {
          if (!role.name.startsWith(`auth-${env}-ci-`))
            expect([role.name, roles.has(role.name)]).toEqual([role.name, true]);
        }
      }
      const refused: string[] = [];
      for (const request of requests) {
        const deploy = applyingIdentity(parseStackName(request.stack)!.layer) === "deploy";
        const identity: Identity = {
          accountId: config.aws.accountId,
          roleArn: `arn:aws:iam::${config.aws.accountId}:role/${request.role}`,
          policies: [ANYTHING],
          boundary: deploy ? generated.boundary : generated.platformBoundary,
        };
        // A statement may list an ARN some of its actions never authorize on (CreateLogStream on the
        // log group as well as its streams): the simulator finds no resource type, AWS never asks.
        const decision = await simulate(identity, request).catch((error: Error) =>
          /no\.resource\.types/.test(error.message) ? "Allowed" : Promise.reject(error),
        );
        if (decision !== "Allowed")
          refused.push(`${request.role}: ${request.action} on ${request.resource} (${decision})`);
      }
      expect(refused).toEqual([]);
    },
  );
});
