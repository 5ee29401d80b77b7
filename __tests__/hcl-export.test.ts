import { readFileSync } from "fs";
import { join } from "path";
import { backslashesAreEscaped, emptyAttributeBlocksKept, falsyDefaultsKept, repairHclRendering, skippedAttributesRenderAsBlocks, terraformBlockRendersAttributes } from "../src/hcl-output";
import { SYNTH_DIR } from "./support/synth";

/** A stack's cdk.tf from the global setup's run of the bundle with SYNTH_HCL_OUTPUT, as `cdktf synth --hcl` runs it. */
const hcl = (stack: string) => readFileSync(join(SYNTH_DIR, "hcl", "stacks", stack, "cdk.tf"), "utf8");

describe("HCL export (npm run synth:hcl)", () => {
  test("once repaired (every app build does it), cdktf's HCL renderer shows none of the faults it is repaired for", () => {
    repairHclRendering();
    expect([terraformBlockRendersAttributes(), skippedAttributesRenderAsBlocks(), backslashesAreEscaped(), falsyDefaultsKept(), emptyAttributeBlocksKept()]).toEqual([true, true, true, true, true]);
  });

  test("the terraform block requires the Terraform releases the JSON requires (not `0 = \"required_version\"`)", () => {
    const text = hcl("auth-production-network");
    expect(text).toMatch(/^\s*required_version\s*=\s*">= 1\.10\.0, < 2\.0\.0"$/m);
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
    const group = /resource "aws_default_security_group" "[^"]+" \{[\s\S]*?\n\}/.exec(hcl("auth-production-network"))?.[0] ?? "";
    expect(group).toMatch(/^\s*ingress\s*=\s*\[\s*\]/m);
    expect(group).toMatch(/^\s*egress\s*=\s*\[\s*\]/m);
  });

  test("release variables keep their default of 0, so a plain plan needs no -var", () => {
    const variable = /variable "green_traffic_percent" \{[\s\S]*?\n\}/.exec(hcl("auth-production-app"))?.[0] ?? "";
    expect(variable).toMatch(/^\s*default\s*=\s*0$/m);
  });

  test("a backslash in a string (the rotation function's excluded characters) is escaped for HCL", () => {
    const line = hcl("auth-production-data").split("\n").find((candidate) => candidate.includes("EXCLUDE_CHARACTERS")) ?? "";
    expect(line).toContain(String.raw`"\"'` + "`" + String.raw`\\$ /@"`);
  });
});
