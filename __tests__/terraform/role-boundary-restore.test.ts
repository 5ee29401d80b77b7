import { execFileSync } from "child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { environmentPolicies } from "../../src/iam/environment-policies";
import { applyingIdentity, parseStackName, permissionsBoundaryArn } from "../../src/stacks/naming";
import { simulate, type Identity } from "../support/iam-simulator";
import { roleRequests } from "../support/role-grants";
import { validConfig } from "../support/synth";

/**
 * Restore mode (AUTH_DR_RESTORE=1 adds auth-<env>-dr-data and auth-<env>-dr-app): its roles work
 * under the workload boundary too. Here rather than with the unit tests (role-boundary.test.ts)
 * because it synthesizes the app itself, which the unit suite's time budget has no room for.
 */
const ANYTHING = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

describe("restore mode: the restored stacks' roles under the workload boundary", () => {
  const synthDir = mkdtempSync(join(tmpdir(), "role-boundary-restore-"));
  beforeAll(() => {
    execFileSync(process.execPath, [join("scripts", "synth.mjs")], { env: { ...process.env, AUTH_ENV: "", AUTH_DR_RESTORE: "1", CDKTF_OUTDIR: synthDir, CDKTF_CONTEXT_JSON: "" }, stdio: "ignore" });
  }, 120_000);
  afterAll(() => rmSync(synthDir, { recursive: true, force: true }));

  test("each action the restored stacks' roles' own policies and managed policies' use grant is allowed under the boundary they carry", async () => {
    const config = validConfig("production");
    const generated = environmentPolicies(config);
    const names = readdirSync(join(synthDir, "stacks")).filter((name) => name.startsWith("auth-production-"));
    expect(names).toEqual(expect.arrayContaining(["auth-production-dr-data", "auth-production-dr-app"]));
    const stacks = Object.fromEntries(
      names.filter((name) => existsSync(join(synthDir, "stacks", name, "cdk.tf.json"))).map((name) => [name, JSON.parse(readFileSync(join(synthDir, "stacks", name, "cdk.tf.json"), "utf8"))]),
    );
    const restored = roleRequests(stacks, "production", config.aws.accountId).filter((request) => /-dr-(data|app)$/.test(request.stack));
    expect(new Set(restored.map((request) => request.role)).size).toBeGreaterThanOrEqual(3);
    const refused: string[] = [];
    for (const request of restored) {
      expect(applyingIdentity(parseStackName(request.stack)!.layer)).toBe("deploy");
      expect(stacks[request.stack].resource.aws_iam_role).toBeDefined();
      const identity: Identity = { accountId: config.aws.accountId, roleArn: `arn:aws:iam::${config.aws.accountId}:role/${request.role}`, policies: [ANYTHING], boundary: generated.boundary };
      const decision = await simulate(identity, request).catch((error: Error) => (/no\.resource\.types/.test(error.message) ? "Allowed" : Promise.reject(error)));
      if (decision !== "Allowed") refused.push(`${request.role}: ${request.action} on ${request.resource} (${decision})`);
    }
    expect(refused).toEqual([]);
    for (const stack of ["auth-production-dr-data", "auth-production-dr-app"]) {
      for (const role of Object.values(stacks[stack].resource.aws_iam_role as Record<string, { permissions_boundary: string }>)) expect(role.permissions_boundary).toBe(permissionsBoundaryArn(config));
    }
  });
});
