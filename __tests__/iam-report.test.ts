import { readFileSync } from "fs";
import { join } from "path";
import { comparePowers, identityPowers, renderPowers, type IdentityPowers } from "../scripts/iam/powers";
import { iamTool } from "../scripts/iam/cli";
import { renderIamSection, renderReport } from "../scripts/plan-report/report";
import { ciRoleName, stackName } from "../src/config/naming";
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
  const of = (identity: "plan-pr" | "plan" | "deploy" | "platform") =>
    powers.find((candidate) => candidate.identity === ciRoleName("staging", identity))!;
  const service = (identity: "plan-pr" | "plan" | "deploy" | "platform", name: string) =>
    of(identity).services.find((candidate) => candidate.service === name);

  test("lists the four identities; only the plan roles carry an AWS managed policy, ReadOnlyAccess", () => {
    expect(powers.map((identity) => identity.identity)).toEqual(
      ["plan-pr", "plan", "deploy", "platform"].map((identity) => ciRoleName("staging", identity as never)),
    );
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
    expect(service("deploy", "iam")!.granted["permissions management"]).toEqual(
      expect.arrayContaining(["PutRolePolicy", "AttachRolePolicy"]),
    );
    expect(service("deploy", "iam")!.granted["permissions management"]).not.toContain("CreatePolicyVersion");
    expect(service("deploy", "cloudtrail")!.granted.write).toEqual([]);
    expect(renderPowers(powers)).toMatch(
      /^ {2}iam: read \d+, write \d+, permissions management \d+ \[permissions management: .*AttachRolePolicy/m,
    );
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

/** The pull request's plan report carries the change in the CI identities' powers against its base. */
describe("IAM powers in the plan report", () => {
  const stack = stackName("staging", "bootstrap");
  const json = JSON.parse(readFileSync(join(SYNTH_DIR, "stacks", stack, "cdk.tf.json"), "utf8"));

  test("a change that widens a policy shows the added power in the report, as a diff", async () => {
    const before = await identityPowers(stack, json);
    // The same bootstrap stack, with the PR plan role's inline policy granting one more write.
    const widened = JSON.parse(JSON.stringify(json));
    const documents = widened.data.aws_iam_policy_document as Record<string, any>;
    const [name] = Object.keys(documents).filter(
      (key) => JSON.stringify(documents[key]).includes("DenySecretValues") && key.includes("plan-pr"),
    );
    documents[name].statement.push({ sid: "Widened", effect: "Allow", actions: ["sns:Publish"], resources: ["*"] });
    const comparison = comparePowers(before, await identityPowers(stack, widened));
    const report = renderReport([], { iamChanges: comparison });
    expect(report).toContain("### IAM powers");
    expect(report).toMatch(/gives the CI identities \*\*1 power\(s\)\*\* and takes away 0/);
    expect(report).toContain(`+ ${ciRoleName("staging", "plan-pr")} write sns:Publish`);
  });

  test("no change says so; the section is left out when the workflow gives none", () => {
    expect(renderIamSection("No change in the CI identities' IAM powers.\n")).toBe(
      "### IAM powers\n\nNo change in the CI identities' IAM powers.",
    );
    expect(renderReport([], {})).not.toContain("### IAM powers");
  });

  test("the pull request workflow computes it against the base commit and hands it to the report", () => {
    const workflow = readFileSync(join(__dirname, "..", ".github", "workflows", "pull-request.yml"), "utf8");
    expect(workflow).toContain(
      'npm run --silent iam -- --compare "$RUNNER_TEMP/base-synth" cdktf.out > cdktf.out/iam-powers.md',
    );
    expect(workflow).toContain('git archive "$BASE_SHA"');
    expect(workflow).toContain("--iam-changes cdktf.out/iam-powers.md");
  });
});
