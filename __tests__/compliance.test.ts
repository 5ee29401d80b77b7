import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { enforceCompliance } from "../src/compliance/enforce";
import { blockingFindings, evaluateStack, MIN_REASON_LENGTH } from "../src/compliance/evaluate";
import type { TerraformJson } from "../src/compliance/model";
import { renderReport, renderRuleCatalogue } from "../src/compliance/report";
import { RULES } from "../src/compliance/rules";
import { suppressFinding } from "../src/compliance/suppress";
import { complianceTool, evaluateSynthOutput } from "../scripts/compliance/cli";
import { EXIT } from "../scripts/cli/command-line";
import { runCapturing } from "./support/run-tool";
import { RULE_FIXTURES } from "./support/compliance-fixtures";
import { SYNTH_DIR } from "./support/synth";

const asProduction = (json: TerraformJson): TerraformJson => ({
  ...json,
  "//": { ...json["//"], compliance: { ...json["//"]?.compliance, profile: "production" } },
});

describe("every rule of the pack", () => {
  test("carries an id, control mappings, a severity, a rationale and a fix", () => {
    expect(new Set(RULES.map((rule) => rule.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(["error", "warning"]).toContain(rule.severity);
      expect(rule.rationale.length).toBeGreaterThan(20);
      expect(rule.fix.length).toBeGreaterThan(10);
      for (const id of rule.maps.fsbp) expect(id).toMatch(/^[A-Za-z0-9]+\.\d+$/);
      for (const id of rule.maps.checkov) expect(id).toMatch(/^CKV2?_AWS_\d+$/);
      for (const id of rule.maps.trivy) expect(id).toMatch(/^AVD-AWS-\d{4}$/);
    }
  });

  test("is listed in docs/reference/compliance-rules.md exactly as npm run compliance -- --rules prints it", () => {
    expect(readFileSync(join(__dirname, "..", "docs", "reference", "compliance-rules.md"), "utf8")).toContain(
      renderRuleCatalogue(RULES),
    );
  });

  test("has a violating and a compliant fixture", () => {
    expect(Object.keys(RULE_FIXTURES).sort()).toEqual(RULES.map((rule) => rule.id).sort());
  });

  describe.each(RULES.map((rule) => [rule.id, rule] as const))("%s", (id, rule) => {
    const fixture = RULE_FIXTURES[id];

    test("passes on a compliant stack", () => {
      const [result] = evaluateStack("fixture", asProduction(fixture.compliant), [rule]).results;
      expect(result.open).toEqual([]);
      expect(result.outcome).toBe("pass");
    });

    test("fails on a violating stack, naming the resource", () => {
      const violating = structuredClone(fixture.compliant) as any;
      fixture.violate(violating);
      const [result] = evaluateStack("fixture", asProduction(violating), [rule]).results;
      expect(result.outcome).toBe(rule.severity === "error" ? "fail" : "warn");
      expect(result.open.length).toBeGreaterThan(0);
      for (const finding of result.open) expect(finding.address).toMatch(/^[a-z0-9_]+\.[\w-]+$/);
    });
  });
});

describe("iam-role-boundary: the boundary of the role's layer", () => {
  const rule = RULES.find((candidate) => candidate.id === "iam-role-boundary")!;
  const role = (boundary: string) => ({
    resource: {
      aws_iam_role: { r: { name: "auth-staging-x", assume_role_policy: "{}", permissions_boundary: boundary } },
    },
  });
  const workload = "arn:aws:iam::111111111111:policy/auth-staging-role-boundary";
  const platform = "arn:aws:iam::111111111111:policy/auth-staging-platform-role-boundary";

  test.each([
    ["auth-staging-data", workload, "pass"],
    ["auth-staging-data", platform, "fail"],
    ["auth-staging-security", platform, "pass"],
    ["auth-staging-security", workload, "fail"],
  ])("a role of %s carrying %s: %s", (stack, boundary, outcome) => {
    expect(evaluateStack(stack, role(boundary), [rule]).results[0].outcome).toBe(outcome);
  });
});

describe("references between resources", () => {
  const rule = RULES.find((candidate) => candidate.id === "s3-versioning")!;
  const versioned = (target: string) => ({
    resource: {
      aws_s3_bucket: { logs: { bucket: "a" }, logs_archive: { bucket: "b" } },
      aws_s3_bucket_versioning: { v: { bucket: `\${${target}.id}`, versioning_configuration: { status: "Enabled" } } },
    },
  });

  test("a resource that configures another names it by address; a longer address with the same prefix is another resource", () => {
    const [result] = evaluateStack("s", versioned("aws_s3_bucket.logs_archive"), [rule]).results;
    expect(result.open.map((finding) => finding.address)).toEqual(["aws_s3_bucket.logs"]);
  });

  test("a data source with the same type and name is not the resource", () => {
    const [result] = evaluateStack("s", versioned("data.aws_s3_bucket.logs"), [rule]).results;
    expect(result.open.map((finding) => finding.address)).toEqual(["aws_s3_bucket.logs", "aws_s3_bucket.logs_archive"]);
  });
});

describe("profiles: production rules apply only to production stacks", () => {
  const singleAz = { resource: { aws_db_instance: { db: { engine: "postgres", multi_az: false } } } };
  const rule = RULES.find((candidate) => candidate.id === "rds-multi-az")!;

  test("a stack marked baseline skips them", () => {
    const [result] = evaluateStack("s", { ...singleAz, "//": { compliance: { profile: "baseline" } } }, [rule]).results;
    expect(result.outcome).toBe("skipped");
  });

  test("a stack that declares no profile gets the strictest one", () => {
    const report = evaluateStack("s", singleAz, [rule]);
    expect(report.profile).toBe("production");
    expect(report.results[0].outcome).toBe("fail");
  });
});

describe("suppressions: per resource, next to the construct, with a reason", () => {
  const unencrypted = (suppressions: unknown[]) => ({
    resource: { aws_db_instance: { db: { "//": { compliance: { suppressions } }, storage_encrypted: false } } },
  });
  const rule = RULES.find((candidate) => candidate.id === "rds-storage-encrypted")!;

  test("a suppressed finding does not block and is listed with its reason", () => {
    const report = evaluateStack(
      "s",
      unencrypted([{ rule: rule.id, reason: "restored from an unencrypted snapshot, migration ticket OPS-12" }]),
      [rule],
    );
    expect(blockingFindings([report])).toEqual([]);
    expect(report.results[0].suppressed).toHaveLength(2);
    expect(renderReport([report], [rule])).toContain(
      "Reason: restored from an unencrypted snapshot, migration ticket OPS-12",
    );
  });

  test("a suppression without a real reason is not honoured and is reported", () => {
    const report = evaluateStack("s", unencrypted([{ rule: rule.id, reason: "ok" }]), [rule]);
    expect(blockingFindings([report])).toHaveLength(2);
    expect(report.stale).toEqual([
      expect.objectContaining({ rule: rule.id, problem: expect.stringMatching(/gives no reason/) }),
    ]);
  });

  test("a suppression that names no rule, or silences nothing, is reported as stale", () => {
    const suppressions = [
      { rule: "rds-storage-encrypted", reason: "this resource was fixed long ago, nobody removed it" },
      { rule: "no-such-rule", reason: "a typo in the rule id should not go unnoticed" },
    ];
    const compliant = {
      resource: {
        aws_db_instance: {
          db: { "//": { compliance: { suppressions } }, storage_encrypted: true, kms_key_id: "${aws_kms_key.k.arn}" },
        },
      },
    };
    expect(evaluateStack("s", compliant, [rule]).stale.map((entry) => entry.problem)).toEqual([
      expect.stringMatching(/suppresses nothing/),
      expect.stringMatching(/names no rule/),
    ]);
  });

  test("suppressFinding writes the suppression into the resource's metadata in cdk.tf.json", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const key = new KmsKey(stack, "signing", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" });
    suppressFinding(
      key,
      "kms-key-rotation",
      "asymmetric keys cannot rotate automatically; rotated by issuing a new key",
    );
    const json: any = stack.toTerraform();
    expect(Object.values<any>(json.resource.aws_kms_key)[0]["//"].compliance.suppressions).toEqual([
      { rule: "kms-key-rotation", reason: "asymmetric keys cannot rotate automatically; rotated by issuing a new key" },
    ]);
  });

  test("suppressFinding refuses a suppression without a reason", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const key = new KmsKey(stack, "key", {});
    expect(() => suppressFinding(key, "kms-key-rotation", "  ")).toThrow(
      new RegExp(`needs a reason of at least ${MIN_REASON_LENGTH} characters`),
    );
  });
});

describe("at synth time", () => {
  function synthesize(build: (stack: TerraformStack) => void): () => void {
    const app = new App({ outdir: join(mkdtempSync(join(tmpdir(), "compliance-")), "out") });
    const stack = new TerraformStack(app, "auth-test-data");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    enforceCompliance(stack, "baseline");
    build(stack);
    return () => app.synth();
  }
  const unrotatedKey = (stack: TerraformStack) => new KmsKey(stack, "key", { enableKeyRotation: false });

  test("an unsuppressed error fails synth, naming the rule, the resource, the construct and the fix", () => {
    const synth = synthesize((stack) => unrotatedKey(stack));
    expect(synth).toThrow(
      /compliance kms-key-rotation: aws_kms_key\.key \(auth-test-data\/key\): enable_key_rotation is not true\. Fix: Set enable_key_rotation = true/,
    );
  });

  test("a suppressed finding lets synth through", () => {
    const synth = synthesize((stack) =>
      suppressFinding(
        unrotatedKey(stack),
        "kms-key-rotation",
        "imported key material cannot rotate automatically; rotated by hand",
      ),
    );
    expect(synth).not.toThrow();
  });
});

describe("both environments as synthesized", () => {
  const reports = evaluateSynthOutput(SYNTH_DIR);

  test("every stack is checked, production stacks with the production profile", () => {
    expect(reports.map((report) => `${report.stack} ${report.profile}`)).toEqual(
      expect.arrayContaining([
        "auth-production-data production",
        "auth-production-app production",
        "auth-staging-data baseline",
        "auth-staging-app baseline",
      ]),
    );
  });

  test("have zero unsuppressed findings and no stale suppression", () => {
    expect(reports.flatMap((report) => report.results.flatMap((result) => result.open))).toEqual([]);
    expect(reports.flatMap((report) => report.stale)).toEqual([]);
  });

  // The production pilot light's network is the network stack in the DR region, port 80 redirect included.
  test("suppress only what is justified (log buckets, the permissions boundary's ceiling, port 80 redirect)", () => {
    // The trail bucket's access-log bucket is exempt for the same reasons as every access-log bucket.
    const suppressed = reports.flatMap((report) =>
      report.results.flatMap((result) => result.suppressed.map((finding) => `${finding.stack} ${finding.rule.id}`)),
    );
    expect(new Set(suppressed)).toEqual(
      new Set(
        ["staging", "production"].flatMap((env) => [
          `auth-${env}-app s3-encrypted-with-kms`,
          `auth-${env}-app s3-access-logging`,
          `auth-${env}-app s3-versioning`,
          `auth-${env}-bootstrap s3-encrypted-with-kms`,
          `auth-${env}-bootstrap s3-access-logging`,
          `auth-${env}-bootstrap s3-versioning`,
          // The boundary's "*" is a ceiling; no identity is suppressed any more.
          `auth-${env}-bootstrap iam-no-admin-access`,
          `auth-${env}-bootstrap iam-no-wildcard-actions`,
          `auth-${env}-bootstrap iam-no-wildcard-resource`,
          `auth-${env}-security s3-encrypted-with-kms`,
          `auth-${env}-security s3-access-logging`,
          `auth-${env}-security s3-versioning`,
          `auth-${env}-network sg-no-world-ingress`,
        ]),
      )
        .add("auth-production-dr-network sg-no-world-ingress")
        // The canary's artifact bucket (written only by the canary role, no service data) and the
        // pilot-light listener's access-log bucket, exempt like every access-log bucket.
        .add("auth-production-dr-network s3-encrypted-with-kms")
        .add("auth-production-dr-network s3-access-logging")
        .add("auth-production-dr-network s3-versioning"),
    );
  });
});

describe("npm run compliance", () => {
  const run = (argv: string[]) => runCapturing(complianceTool, argv);
  const synthOutput = (stacks: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "compliance-cli-"));
    for (const [name, text] of Object.entries(stacks)) {
      mkdirSync(join(dir, "stacks", name), { recursive: true });
      writeFileSync(join(dir, "stacks", name, "cdk.tf.json"), text);
    }
    return dir;
  };

  test("over the real synth output: a table of controls x stacks, the suppressions, exit 0", async () => {
    const { code, out } = await run([SYNTH_DIR]);
    expect(code).toBe(EXIT.ok);
    const header = out.split("\n").find((line) => line.startsWith("| control"))!;
    for (const stack of [
      "auth-staging-bootstrap",
      "auth-staging-app",
      "auth-production-data",
      "auth-production-network",
    ])
      expect(header).toContain(stack);
    for (const rule of RULES) expect(out).toMatch(new RegExp(`^\\| ${rule.id} `, "m"));
    expect(out).toContain("## Open findings (0)");
    expect(out).toMatch(/iam-no-admin-access auth-production-bootstrap .*Reason: /);
  });

  test("an open error exits 1 and prints the finding with its fix", async () => {
    const dir = synthOutput({
      "auth-x-data": JSON.stringify({ resource: { aws_kms_key: { k: { enable_key_rotation: false } } } }),
    });
    const { code, out } = await run([dir]);
    expect(code).toBe(EXIT.refused);
    expect(out).toMatch(/ERROR kms-key-rotation auth-x-data aws_kms_key\.k: enable_key_rotation is not true\. Fix: /);
  });

  test("bad input exits 2 with one line: no synth output, or a file that is not JSON", async () => {
    const missing = await run([join(tmpdir(), "no-such-synth-output")]);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.err).toEqual([expect.stringMatching(/^compliance: .*stacks does not exist/)]);
    const broken = await run([synthOutput({ "auth-x-app": "{ not json" })]);
    expect(broken.code).toBe(EXIT.usage);
    expect(broken.err).toEqual([expect.stringMatching(/^compliance: .*cdk\.tf\.json is not valid JSON/)]);
  });

  test("--rules prints the catalogue with the FSBP, checkov and trivy ids", async () => {
    const { code, out } = await run(["--rules"]);
    expect(code).toBe(EXIT.ok);
    expect(out).toMatch(/\| `s3-access-logging` \| .* \| baseline \| S3\.9 \| CKV_AWS_18 \| AVD-AWS-0089 \|/);
  });
});
