// A plain require: the wrappers must replace properties on the renderer's own exports object,
// through which cdktf's stacks call it (`(0, render_1.renderResource)(...)`).
import render = require("cdktf/lib/hcl/render");
import { TerraformVariable } from "cdktf";

type Fragment = Record<string, any>;

/** True while cdktf renders the terraform block's plain attributes (required_version) correctly in HCL. */
export function terraformBlockRendersAttributes(): boolean {
  return render.renderTerraform({ required_version: ">= 1.0" }).includes('required_version = ">= 1.0"');
}

const SKIPPED_WARNING = "# Warning: The following attribute is of an unexpected type";
const probeResource = () => ({ probe: { probe: { statement: { value: { byte_match: {} }, isBlock: false, type: "simple", storageClassType: "Probe" } } } });

/** True while cdktf renders attributes the provider bindings left untyped as nested blocks. */
export function skippedAttributesRenderAsBlocks(): boolean {
  return !render.renderResource(probeResource()).hcl.includes(SKIPPED_WARNING);
}

/**
 * The bindings leave some deeply nested blocks untyped to stay small (aws_wafv2_web_acl's rule
 * `statement` is one: cdktf's skipped-attributes list), and cdktf's HCL renderer then writes them
 * as an object attribute (`statement = { ... }`) under a warning, which Terraform rejects
 * ("At least 1 statement blocks are required"). In the provider schema every object inside such
 * a value is a nested block, so this marks them as blocks and their scalars with their types.
 */
function asBlocks(value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item !== "object" || item === null)) {
      return { value, type: "list", storageClassType: typeof value[0] === "number" ? "numberList" : "stringList" };
    }
    return { value: value.map(blockBody), isBlock: true, type: "list" };
  }
  if (typeof value === "object" && value !== null) return { value: blockBody(value as Fragment), isBlock: true, type: "simple" };
  return { value, type: "simple", storageClassType: typeof value };
}

function blockBody(body: Fragment): Fragment {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined && value !== null).map(([key, value]) => [key, asBlocks(value)]));
}

function isSkippedAttribute(node: Fragment): boolean {
  return (
    node.type === "simple" &&
    !node.isBlock &&
    typeof node.value === "object" &&
    node.value !== null &&
    !["string", "number", "boolean"].includes(node.storageClassType)
  );
}

/** True while cdktf escapes backslashes in quoted HCL strings (it writes `"a\$b"` for a\$b, which HCL rejects). */
export function backslashesAreEscaped(): boolean {
  return render.renderResource({ probe: { probe: { x: { value: "a\\b", type: "simple", storageClassType: "string" } } } }).hcl.includes('"a\\\\b"');
}

/**
 * A one-line literal with a backslash, escaped as HCL wants it (backslashes and quotes); cdktf
 * leaves quotes that already have a backslash before them alone. Expressions (`${...}`), heredocs
 * and the JSON documents cdktf writes unquoted are left to it.
 */
function escapedLiteral(text: string): string {
  if (!text.includes("\\") || text.includes("${") || /[\n\r]/.test(text) || /^[[{]/.test(text)) return text;
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

function prepared(node: unknown, fixBlocks: boolean, fixBackslashes: boolean): unknown {
  if (typeof node === "string") return fixBackslashes ? escapedLiteral(node) : node;
  if (Array.isArray(node)) return node.map((item) => prepared(item, fixBlocks, fixBackslashes));
  if (typeof node !== "object" || node === null) return node;
  if (fixBlocks && isSkippedAttribute(node as Fragment)) return prepared(asBlocks((node as Fragment).value), false, fixBackslashes);
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === "//" ? value : prepared(value, fixBlocks, fixBackslashes)]));
}

/**
 * Arguments the AWS provider processes in attribute-as-blocks mode: omitting one leaves existing
 * rules or routes unmanaged, an empty list removes them all ("To remove all managed routes an empty
 * list should be specified", aws_route_table docs; https://developer.hashicorp.com/terraform/language/attr-as-blocks).
 */
const ATTRIBUTES_AS_BLOCKS: Readonly<Record<string, readonly string[]>> = {
  aws_security_group: ["ingress", "egress"],
  aws_default_security_group: ["ingress", "egress"],
  aws_network_acl: ["ingress", "egress"],
  aws_default_network_acl: ["ingress", "egress"],
  aws_route_table: ["route"],
  aws_default_route_table: ["route"],
};

/** True while cdktf keeps an empty attribute-as-blocks list (`egress = []`); it writes no blocks, which means "leave them alone". */
export function emptyAttributeBlocksKept(): boolean {
  const probe = { aws_default_security_group: { probe: { egress: { value: [], isBlock: true, type: "set", storageClassType: "DefaultSecurityGroupEgressList" } } } };
  return /egress\s*=\s*\[/.test(render.renderResource(probe).hcl);
}

/** The empty attribute-as-blocks lists of a resource fragment, written as the empty list they are. */
function withEmptyAttributeBlocks(resource: Fragment): Fragment {
  return Object.fromEntries(
    Object.entries(resource).map(([type, byName]) => [
      type,
      Object.fromEntries(
        Object.entries(byName as Fragment).map(([name, attributes]) => [
          name,
          Object.fromEntries(
            Object.entries(attributes as Fragment).map(([key, value]) =>
              (ATTRIBUTES_AS_BLOCKS[type] ?? []).includes(key) && Array.isArray(value?.value) && value.value.length === 0
                ? [key, { value: [], type: "list", storageClassType: "stringList" }]
                : [key, value],
            ),
          ),
        ]),
      ),
    ]),
  );
}

type HclAttributes = (this: unknown) => Record<string, unknown>;

/** True while cdktf keeps a variable's falsy default (0, false, "") in HCL; it filters on truthiness. */
export function falsyDefaultsKept(): boolean {
  return "default" in (TerraformVariable.prototype.synthesizeHclAttributes as HclAttributes).call({ default: 0 });
}

/**
 * Repairs five faults of `cdktf synth --hcl` (cdktf 0.21.0; cdktn 0.24.0 has the same code) that
 * make Terraform reject the HCL of these stacks, or plan it differently from the JSON: the
 * terraform block's plain attributes are rendered from the list of their names
 * (`0 = "required_version"`), untyped nested blocks as attributes (see asBlocks), backslashes in
 * strings unescaped (the rotation function's excluded characters), a variable's default dropped
 * when it is falsy (`green_traffic_percent = 0` would become a required variable), and an empty
 * attribute-as-blocks list dropped (the default security group would keep its rules). Each repair
 * applies only while its probe shows the fault, so each retires itself once cdktf is fixed.
 * JSON synthesis uses none of this code.
 */
export function repairHclRendering(): void {
  if (!terraformBlockRendersAttributes()) {
    const blocks = ["required_providers", "backend", "cloud"];
    const original = render.renderTerraform;
    render.renderTerraform = ((terraform: Fragment): string => {
      const plain = Object.fromEntries(Object.entries(terraform).filter(([key]) => !blocks.includes(key)));
      const onlyBlocks = Object.fromEntries(Object.entries(terraform).filter(([key]) => blocks.includes(key)));
      return original(onlyBlocks).replace(/\n\}$/, `${render.renderSimpleAttributes(plain)}\n}`);
    }) as typeof original;
  }
  if (!falsyDefaultsKept()) {
    const original = TerraformVariable.prototype.synthesizeHclAttributes as HclAttributes;
    TerraformVariable.prototype.synthesizeHclAttributes = function (this: TerraformVariable) {
      const attributes = original.call(this);
      return this.default === undefined || "default" in attributes ? attributes : { default: { value: this.default, type: "any" }, ...attributes };
    };
  }
  if (!emptyAttributeBlocksKept()) {
    const original = render.renderResource;
    render.renderResource = ((resource: Fragment) => original(withEmptyAttributeBlocks(resource))) as typeof original;
  }
  const fixBlocks = !skippedAttributesRenderAsBlocks();
  const fixBackslashes = !backslashesAreEscaped();
  if (!fixBlocks && !fixBackslashes) return;
  for (const name of ["renderResource", "renderDatasource", "renderProvider", "renderOutput"] as const) {
    const original = render[name] as (fragment: unknown) => any;
    (render as Record<typeof name, unknown>)[name] = (fragment: Fragment) => original(prepared(fragment, fixBlocks, fixBackslashes));
  }
}
