import { readFileSync } from "fs";
import { join } from "path";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import {
  backslashesAreEscaped,
  emptyAttributeBlocksKept,
  falsyDefaultsKept,
  lifecycleConditionsRenderAsBlocks,
  repairHclRendering,
  skippedAttributesRenderAsBlocks,
  stackOverrideBlocksRendered,
  terraformBlockRendersAttributes,
} from "../src/hcl-output";
import { SYNTH_DIR } from "./support/synth";

/** A stack's cdk.tf from the global setup's run of the bundle with SYNTH_HCL_OUTPUT, as `cdktf synth --hcl` runs it. */
const hcl = (stack: string) => readFileSync(join(SYNTH_DIR, "hcl", "stacks", stack, "cdk.tf"), "utf8");

describe("HCL export (npm run synth:hcl)", () => {
  test("once repaired (every app build does it), cdktf's HCL renderer shows none of the faults it is repaired for", () => {
    repairHclRendering();
    const probes = [
      terraformBlockRendersAttributes,
      skippedAttributesRenderAsBlocks,
      backslashesAreEscaped,
      falsyDefaultsKept,
      emptyAttributeBlocksKept,
      lifecycleConditionsRenderAsBlocks,
      stackOverrideBlocksRendered,
    ];
    expect(probes.filter((probe) => !probe()).map((probe) => probe.name)).toEqual([]);
  });

  test('the terraform block requires the Terraform releases the JSON requires (not `0 = "required_version"`)', () => {
    const text = hcl("auth-production-network");
    expect(text).toMatch(/^\s*required_version\s*=\s*">= 1\.11\.0, < 2\.0\.0"$/m);
    expect(text).not.toMatch(/^\s*0\s*=/m);
  });

  test("WAF rule statements, untyped in the bindings, are nested blocks rather than an object attribute", () => {
    const text = hcl("auth-production-app");
    expect(text).not.toContain("# Warning: The following attribute is of an unexpected type");
    expect(text).toMatch(/^\s*statement\s*\{$/m);
    expect(text).toMatch(/^\s*rate_based_statement\s*\{$/m);
    expect(text).not.toMatch(/^\s*statement\s*=\s*\{/m);
  });

  test("the VPC's default security group keeps its empty rule lists, which remove every default rule", () => {
    const group =
      /resource "aws_default_security_group" "[^"]+" \{[\s\S]*?\n\}/.exec(hcl("auth-production-network"))?.[0] ?? "";
    expect(group).toMatch(/^\s*ingress\s*=\s*\[\s*\]/m);
    expect(group).toMatch(/^\s*egress\s*=\s*\[\s*\]/m);
  });

  test("the release-state reader's postconditions and the fleets' image preconditions are blocks, as Terraform requires", () => {
    const text = hcl("auth-production-app");
    expect(text.match(/^\s*postcondition\s*\{$/gm)).toHaveLength(4);
    expect(text.match(/^\s*precondition\s*\{$/gm)).toHaveLength(2);
    expect(text).not.toMatch(/(pre|post)condition\s*=/);
  });

  test("the generated passwords' ephemeral blocks are there, with the JSON's arguments, for the write-only secret version to reference", () => {
    const text = hcl("auth-production-data");
    const names = [...text.matchAll(/^ephemeral "aws_secretsmanager_random_password" "([^"]+)" \{$/gm)].map(
      (match) => match[1],
    );
    const json = JSON.parse(readFileSync(join(SYNTH_DIR, "stacks", "auth-production-data", "cdk.tf.json"), "utf8"));
    expect(names.sort()).toEqual(Object.keys(json.ephemeral.aws_secretsmanager_random_password).sort());
    for (const name of names)
      expect(text).toContain(`ephemeral.aws_secretsmanager_random_password.${name}.random_password`);
    expect(text).toMatch(/^password_length = 64$/m);
  });

  test("a stack override the HCL output cannot render stops the synth instead of vanishing", () => {
    repairHclRendering();
    const stack = new TerraformStack(new Construct(undefined as never, "test"), "overridden");
    stack.addOverride("resource.aws_s3_bucket.b.bucket", "x");
    expect(() => stack.toHclTerraform()).toThrow("overridden: HCL output cannot render the stack override(s) resource");
  });

  test("a backslash in a string (the rotation function's excluded characters) is escaped for HCL", () => {
    const line =
      hcl("auth-production-data")
        .split("\n")
        .find((candidate) => candidate.includes("EXCLUDE_CHARACTERS")) ?? "";
    expect(line).toContain(String.raw`"\"'` + "`" + String.raw`\\$ /@"`);
  });
});
