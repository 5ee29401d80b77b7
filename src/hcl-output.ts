// A plain require: the wrappers must replace properties on the renderer's own exports object,
// through which cdktf's stacks call it (`(0, render_1.renderResource)(...)`).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: an ES import would bind a copy.
import render = require("cdktf/lib/hcl/render");
import { TerraformStack, TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- cdktf's renderer takes and returns free-form Terraform JSON.
type Fragment = Record<string, any>;

/** True while cdktf renders the terraform block's plain attributes (required_version) correctly in HCL. */
export function terraformBlockRendersAttributes(): boolean {
  return render.renderTerraform({ required_version: ">= 1.0" }).includes('required_version = ">= 1.0"');
}

const SKIPPED_WARNING = "# Warning: The following attribute is of an unexpected type";
const probeResource = () => ({
  probe: {
    probe: { statement: { value: { byte_match: {} }, isBlock: false, type: "simple", storageClassType: "Probe" } },
  },
});

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
  if (typeof value === "object" && value !== null)
    return { value: blockBody(value as Fragment), isBlock: true, type: "simple" };
  return { value, type: "simple", storageClassType: typeof value };
}

function blockBody(body: Fragment): Fragment {
  return Object.fromEntries(
    Object.entries(body)
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([key, value]) => [key, asBlocks(value)]),
  );
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
  return render
    .renderResource({ probe: { probe: { x: { value: "a\\b", type: "simple", storageClassType: "string" } } } })
    .hcl.includes('"a\\\\b"');
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
  if (fixBlocks && isSkippedAttribute(node as Fragment))
    return prepared(asBlocks((node as Fragment).value), false, fixBackslashes);
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === "//" ? value : prepared(value, fixBlocks, fixBackslashes),
    ]),
  );
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
  const probe = {
    aws_default_security_group: {
      probe: { egress: { value: [], isBlock: true, type: "set", storageClassType: "DefaultSecurityGroupEgressList" } },
    },
  };
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
              (ATTRIBUTES_AS_BLOCKS[type] ?? []).includes(key) &&
              Array.isArray(value?.value) &&
              value.value.length === 0
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

/** True while cdktf writes a lifecycle's precondition and postcondition as blocks; it writes `postcondition = [{...}]`, which Terraform rejects. */
export function lifecycleConditionsRenderAsBlocks(): boolean {
  const probe = {
    probe: { probe: { lifecycle: { postcondition: [{ condition: "${true}", error_message: "probe" }] } } },
  };
  return /^\s*postcondition\s*\{/m.test(render.renderDatasource(probe).hcl);
}

const CONDITION_BLOCKS = ["precondition", "postcondition"];

/**
 * A fragment's plain `lifecycle` object typed, so its conditions render as the nested blocks
 * Terraform requires (https://developer.hashicorp.com/terraform/language/expressions/custom-conditions)
 * and its other arguments as before.
 */
function withConditionBlocks(attributes: Fragment): Fragment {
  const lifecycle = attributes.lifecycle;
  if (
    !lifecycle ||
    typeof lifecycle !== "object" ||
    "value" in lifecycle ||
    !CONDITION_BLOCKS.some((name) => name in lifecycle)
  )
    return attributes;
  const typed = Object.fromEntries(
    Object.entries(lifecycle as Fragment).map(([name, value]) => [
      name,
      CONDITION_BLOCKS.includes(name) ? { value, isBlock: true, type: "list" } : { value, type: "any" },
    ]),
  );
  return { ...attributes, lifecycle: { value: typed, isBlock: true, type: "simple" } };
}

/** Each block of a `{ type: { name: attributes } }` fragment passed through `change`. */
function eachBlock(fragment: Fragment, change: (attributes: Fragment) => Fragment): Fragment {
  return Object.fromEntries(
    Object.entries(fragment).map(([type, byName]) => [
      type,
      Object.fromEntries(
        Object.entries(byName as Fragment).map(([name, attributes]) => [name, change(attributes as Fragment)]),
      ),
    ]),
  );
}

/** Top-level block kinds the stacks write through `TerraformStack.addOverride` that cdktf's HCL output knows nothing of. */
const OVERRIDE_BLOCKS = ["ephemeral", "removed"];

/**
 * `removed` blocks (CutoverAliasRecords) in HCL: `from` is a resource address, written bare, as HCL
 * takes it (https://developer.hashicorp.com/terraform/language/block/removed), not as a string.
 */
function renderRemovedBlocks(blocks: readonly Fragment[], stackName: string): string[] {
  return blocks.map((block) => {
    const from = String(block.from);
    if (!/^[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*$/.test(from))
      throw new Error(`${stackName}: a removed block's from is not a resource address: ${from}`);
    const lifecycle =
      block.lifecycle === undefined
        ? ""
        : `\n  lifecycle {\n    destroy = ${block.lifecycle.destroy === false ? "false" : "true"}\n  }`;
    return `removed {\n  from = ${from}${lifecycle}\n}`;
  });
}

/** True while cdktf's HCL output keeps a stack's ephemeral blocks; it renders only the `terraform` key of stack overrides and drops the rest. */
export function stackOverrideBlocksRendered(): boolean {
  const stack = new TerraformStack(new Construct(undefined as never, "probe"), "probe");
  stack.addOverride("ephemeral.probe.probe", { length: 1 });
  return stack.toHclTerraform().hcl.includes('ephemeral "probe" "probe"');
}

/**
 * A stack's `ephemeral` overrides as HCL blocks, rendered like data sources (same attribute
 * rules and repairs), and its `removed` blocks. Any other top-level override would vanish from
 * the HCL silently, so it stops the synth instead.
 */
function renderOverrideBlocks(overrides: Fragment, stackName: string): string {
  const unknown = Object.keys(overrides).filter((key) => !["terraform", "//", ...OVERRIDE_BLOCKS].includes(key));
  if (unknown.length > 0)
    throw new Error(
      `${stackName}: HCL output cannot render the stack override(s) ${unknown.join(", ")}; use JSON synthesis or extend src/hcl-output.ts`,
    );
  const blocks = Object.entries<Fragment>(overrides.ephemeral ?? {}).flatMap(([type, byName]) =>
    Object.entries<Fragment>(byName).map(([name, attributes]) =>
      render.renderDatasource({ [type]: { [name]: attributes } }).hcl.replace(/^data "/, 'ephemeral "'),
    ),
  );
  blocks.push(...renderRemovedBlocks(overrides.removed ?? [], stackName));
  const text = blocks.map((block) => `\n${block}`).join("");
  if (Token.isUnresolved(text))
    throw new Error(`${stackName}: an ephemeral block holds a token, which HCL output cannot resolve here`);
  return text;
}

/**
 * Repairs seven faults of `cdktf synth --hcl` (cdktf 0.21.0; cdktn 0.24.0 has the same code) that
 * make Terraform reject the HCL of these stacks, or plan it differently from the JSON: the
 * terraform block's plain attributes are rendered from the list of their names
 * (`0 = "required_version"`), untyped nested blocks as attributes (see asBlocks), backslashes in
 * strings unescaped (the rotation function's excluded characters), a variable's default dropped
 * when it is falsy (a variable with default 0 would become required), an empty
 * attribute-as-blocks list dropped (the default security group would keep its rules), lifecycle
 * conditions written as a list attribute (the release state's postconditions), and a stack's
 * ephemeral blocks dropped (the generated passwords, written through the stack's escape hatch).
 * Each repair applies only while its probe shows the fault, so each retires itself once cdktf is
 * fixed.
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
      return this.default === undefined || "default" in attributes
        ? attributes
        : { default: { value: this.default, type: "any" }, ...attributes };
    };
  }
  if (!emptyAttributeBlocksKept()) {
    const original = render.renderResource;
    render.renderResource = ((resource: Fragment) => original(withEmptyAttributeBlocks(resource))) as typeof original;
  }
  if (!lifecycleConditionsRenderAsBlocks()) {
    for (const name of ["renderResource", "renderDatasource"] as const) {
      const original = render[name] as (fragment: Fragment) => unknown;
      (render as Record<typeof name, unknown>)[name] = (fragment: Fragment) =>
        original(eachBlock(fragment, withConditionBlocks));
    }
  }
  if (!stackOverrideBlocksRendered()) {
    const original = TerraformStack.prototype.toHclTerraform;
    TerraformStack.prototype.toHclTerraform = function (this: TerraformStack) {
      const result = original.call(this);
      // cdktf keeps stack overrides in a private field; its JSON synthesis merges them all.
      const overrides = (this as unknown as { rawOverrides: Fragment }).rawOverrides;
      return { ...result, hcl: result.hcl + renderOverrideBlocks(overrides, this.node.id) };
    };
  }
  const fixBlocks = !skippedAttributesRenderAsBlocks();
  const fixBackslashes = !backslashesAreEscaped();
  if (!fixBlocks && !fixBackslashes) return;
  for (const name of ["renderResource", "renderDatasource", "renderProvider", "renderOutput"] as const) {
    const original = render[name] as (fragment: unknown) => unknown;
    (render as Record<typeof name, unknown>)[name] = (fragment: Fragment) =>
      original(prepared(fragment, fixBlocks, fixBackslashes));
  }
}
