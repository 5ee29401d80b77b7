import { readFileSync } from "fs";
import { join } from "path";
import { comparePowers, identityPowers, renderPowers, type IdentityPowers } from "../scripts/iam/powers";
import { iamTool } from "../scripts/iam/cli";
import { ciRoleName, stackName } from "../src/stacks/naming";
import { runCapturing } from "./support/run-tool";
import { SYNTH_DIR } from "./support/synth";

/** npm run iam: each identity's powers in plain words, from the synthesized bootstrap stack. */
describe("npm run iam", () => {
  const stack = stackName("staging", "bootstrap");
  const json = JSON.parse(readFileSync(join(SYNTH_DIR, "stacks", stack, "cdk.tf.json"), "utf8"));
  let powers: IdentityPowers[];
  beforeAll(async () => {
    powers = await identityPowers(stack, json);
  });
  const of = (identity: "plan-pr" | "plan" | "deploy" | "platform") => powers.find((candidate) => candidate.identity === ciRoleName("staging", identity))!;
  const service = (identity: "plan-pr" | "plan" | "deploy" | "platform", name: string) => of(identity).services.find((candidate) => candidate.service === name);

  test("lists the four identities; only the plan roles carry an AWS managed policy, ReadOnlyAccess", () => {
    expect(powers.map((identity) => identity.identity)).toEqual(["plan-pr", "plan", "deploy", "platform"].map((identity) => ciRoleName("staging", identity as never)));
    expect(of("plan-pr").managed).toEqual(["ReadOnlyAccess"]);
    expect(of("deploy").managed).toEqual([]);
    expect(of("platform").managed).toEqual([]);
  });

  test("the PR plan role writes nothing to S3 and is denied the lock and plan writes; the plan role writes both", () => {
    expect(service("plan-pr", "s3")!.granted.write).toEqual([]);
    expect(service("plan-pr", "s3")!.denied).toEqual(expect.arrayContaining(["PutObject", "DeleteObject"]));
    expect(service("plan", "s3")!.granted.write).toEqual(["DeleteObject", "PutObject"]);
  });

  test("permissions management is spelled out: the deploy role's IAM changes are only the ones the boundary conditions allow", () => {
    expect(service("deploy", "iam")!.granted["permissions management"]).toEqual(expect.arrayContaining(["PutRolePolicy", "AttachRolePolicy"]));
    expect(service("deploy", "iam")!.granted["permissions management"]).not.toContain("CreatePolicyVersion");
    expect(service("deploy", "cloudtrail")!.granted.write).toEqual([]);
    expect(renderPowers(powers)).toMatch(/^ {2}iam: read \d+, write \d+, permissions management \d+ \[permissions management: .*AttachRolePolicy/m);
  });

  test("--compare shows the powers a change adds and removes", async () => {
    const widened = structuredClone(powers) as any[];
    widened[2].services.find((candidate: any) => candidate.service === "cloudtrail").granted.write = ["StopLogging"];
    expect(comparePowers(powers, widened)).toBe(`+ ${ciRoleName("staging", "deploy")} write cloudtrail:StopLogging\n`);
    expect(comparePowers(powers, powers)).toBe("No change in the CI identities' IAM powers.\n");
  });

  test("exit 2 on a directory without a synth", async () => {
    const result = await runCapturing(iamTool, ["/nonexistent"]);
    expect(result.code).toBe(2);
  });
});
