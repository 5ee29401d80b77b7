import type { HandoverOutput, HandoverSpec } from "../../src/stacks/shared/handover";

/** cdk.tf.json as far as the harness needs to read it. */
export type TerraformJson = Record<string, any>;

/** What the harness stood in for in a stack copy, for its one-line report. */
export interface StandIns {
  readonly notes: string[];
}

/** Local state in place of the S3 backend. */
export function backendOverride(): TerraformJson {
  return { terraform: { backend: { local: { path: "terraform.tfstate" } } } };
}

/**
 * Every AWS provider block (default and aliases) with dummy credentials, no AWS calls for
 * validation, and no account allow-list (which cannot be checked without an account id).
 */
export function providerOverride(stack: TerraformJson): TerraformJson {
  const blocks: TerraformJson[] = stack.provider?.aws ?? [];
  return {
    provider: {
      aws: blocks.map((block) => ({
        ...(block.alias ? { alias: block.alias } : {}),
        access_key: "offline-plan",
        secret_key: "offline-plan",
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        allowed_account_ids: null,
      })),
    },
  };
}

/** The output's type as Terraform writes it into state. */
function terraformType(output: HandoverOutput): unknown {
  switch (output.type) {
    case "list":
      return ["list", "string"];
    case "map":
      return ["map", "string"];
    case "object":
      return ["object", Object.fromEntries(Object.entries(output.example).map(([key, value]) => [key, typeof value]))];
    default:
      return output.type;
  }
}

/** A Terraform state file holding only outputs, as a producer stack's state would after apply. */
export function stateWithOutputs(spec: HandoverSpec): TerraformJson {
  const outputs = Object.fromEntries(
    Object.entries(spec).map(([name, output]) => [name, { value: output.example, type: terraformType(output) }]),
  );
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "offline-proof",
    outputs,
    resources: [],
    check_results: null,
  };
}

/**
 * The layer whose state a remote-state data source reads: from its S3 key
 * (<env>/auth-<env>-<layer>.tfstate, in the primary or the DR bucket) or its Terraform Cloud workspace
 * (<prefix>auth-<env>-<layer>); DR layers are named dr-<layer>.
 */
export function producerLayerOf(remoteState: TerraformJson): string {
  const match = /auth-[a-z0-9]+-((?:dr-)?[a-z]+)(\.tfstate)?$/.exec(
    remoteState.config?.key ?? remoteState.config?.workspaces?.name ?? "",
  );
  if (!match) throw new Error(`remote state with an unexpected key: ${JSON.stringify(remoteState.config)}`);
  return match[1];
}

/** Points every remote-state data source at a local state file. */
export function remoteStateOverride(
  stack: TerraformJson,
  statePathOf: (layer: string) => string,
): TerraformJson | undefined {
  const sources: Record<string, TerraformJson> = stack.data?.terraform_remote_state ?? {};
  if (Object.keys(sources).length === 0) return undefined;
  return {
    data: {
      terraform_remote_state: Object.fromEntries(
        Object.entries(sources).map(([name, source]) => [
          name,
          { backend: "local", config: { path: statePathOf(producerLayerOf(source)) } },
        ]),
      ),
    },
  };
}

/**
 * The hashicorp/random provider is not in the offline mirror, so a copy's random_password
 * resources become terraform_data resources (built into Terraform) and references to
 * `.result` become `.output`. The product's own synthesized JSON is left untouched.
 */
export function standInRandomProvider(stack: TerraformJson): { stack: TerraformJson; replaced: string[] } {
  const passwords: Record<string, TerraformJson> = stack.resource?.random_password ?? {};
  const replaced = Object.keys(passwords);
  if (replaced.length === 0 && !stack.provider?.random) return { stack, replaced };
  let text = JSON.stringify(stack);
  for (const name of replaced) {
    text = text.split(`random_password.${name}.result`).join(`terraform_data.${name}.output`);
  }
  const copy: TerraformJson = JSON.parse(text);
  delete copy.resource.random_password;
  if (Object.keys(copy.resource).length === 0) delete copy.resource;
  copy.resource = copy.resource ?? {};
  copy.resource.terraform_data = {
    ...(copy.resource.terraform_data ?? {}),
    ...Object.fromEntries(
      replaced.map((name) => [name, { input: `offline-stand-in-${"x".repeat(Number(passwords[name].length ?? 32))}` }]),
    ),
  };
  delete copy.provider?.random;
  delete copy.terraform?.required_providers?.random;
  return { stack: copy, replaced };
}

/**
 * What a stand-in changes in a stack copy, in a form that applies alike to the synthesized JSON
 * and to the same stack synthesized as HCL: blocks dropped, references pointed elsewhere, blocks
 * added (as Terraform JSON, which Terraform merges with the HCL files of the same folder).
 */
export interface StandInEdit {
  /** Blocks dropped, by kind ("data" or "ephemeral"), type and name. */
  readonly drops: readonly { readonly kind: "data" | "ephemeral"; readonly type: string; readonly name: string }[];
  /** References rewritten everywhere in the configuration, in this order. */
  readonly references: readonly { readonly from: RegExp; readonly to: string }[];
  /** Blocks added: `locals`, `variable` and `resource.terraform_data`, as Terraform JSON. */
  readonly additions: TerraformJson;
}

const NO_EDIT: StandInEdit = { drops: [], references: [], additions: {} };

const escapedForRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function rewritten(text: string, references: StandInEdit["references"]): string {
  return references.reduce((result, { from, to }) => result.replace(from, to), text);
}

/** The stack's Terraform JSON with the edit applied; the original is left untouched. */
export function editedJson(stack: TerraformJson, edit: StandInEdit): TerraformJson {
  if (edit.drops.length === 0 && edit.references.length === 0 && Object.keys(edit.additions).length === 0) return stack;
  const copy: TerraformJson = JSON.parse(rewritten(JSON.stringify(stack), edit.references));
  for (const { kind, type, name } of edit.drops) {
    delete copy[kind]?.[type]?.[name];
    if (copy[kind]?.[type] && Object.keys(copy[kind][type]).length === 0) delete copy[kind][type];
    if (copy[kind] && Object.keys(copy[kind]).length === 0) delete copy[kind];
  }
  const { locals, variable, resource } = edit.additions;
  if (locals) copy.locals = { ...(copy.locals ?? {}), ...locals };
  if (variable) copy.variable = { ...(copy.variable ?? {}), ...variable };
  for (const [type, blocks] of Object.entries<TerraformJson>(resource ?? {})) {
    copy.resource = copy.resource ?? {};
    copy.resource[type] = { ...(copy.resource[type] ?? {}), ...blocks };
  }
  return copy;
}

/** Everything the edits add, as one Terraform JSON file (for beside an HCL configuration). */
export function additionsOf(edits: readonly StandInEdit[]): TerraformJson {
  return edits.reduce(
    (merged, edit) => editedJson(merged, { ...NO_EDIT, additions: edit.additions }),
    {} as TerraformJson,
  );
}

/**
 * The stack's HCL (`cdktf synth --hcl`, formatted) with the edit's drops and references applied;
 * its additions belong in a `.tf.json` file beside it. Fails when a block to drop is not there.
 */
export function editedHcl(hcl: string, edit: StandInEdit): string {
  let text = hcl;
  for (const { kind, type, name } of edit.drops) {
    let found = false;
    text = replaceBlocks(
      text,
      new RegExp(`^${kind} "${escapedForRegExp(type)}" "${escapedForRegExp(name)}" \\{`),
      () => {
        found = true;
        return "";
      },
    );
    if (!found) throw new Error(`the HCL has no ${kind} "${type}" "${name}" block to stand in`);
  }
  return rewritten(text, edit.references);
}

/** Prefix of the values that stand in for ephemeral passwords; none may ever appear in a plan. */
export const STAND_IN_MARKER = "OFFLINE-PROOF-MARKER";

/**
 * Terraform cannot open an ephemeral `aws_secretsmanager_random_password` offline (it calls
 * Secrets Manager) and mock providers do not support ephemeral resources. So a copy that is
 * planned gets an ephemeral input variable in place of each one, set to a distinct marker through
 * a tfvars file: the value stays ephemeral (Terraform still refuses it anywhere but in write-only
 * attributes), and a correct stack's `terraform show -json` contains none of the markers. A literal
 * would not do: the plan's configuration section shows constant expressions. `terraform
 * validate` runs on the real blocks before this is applied.
 */
export function standInEphemeralPasswords(stack: TerraformJson): {
  stack: TerraformJson;
  markers: string[];
  tfvars: Record<string, string>;
  edit: StandInEdit;
} {
  const type = "aws_secretsmanager_random_password";
  const names = Object.keys(stack.ephemeral?.[type] ?? {});
  if (names.length === 0) return { stack, markers: [], tfvars: {}, edit: NO_EDIT };
  const variableOf = (name: string) => `ephemeral_stand_in_${name}`;
  const edit: StandInEdit = {
    drops: names.map((name) => ({ kind: "ephemeral", type, name })),
    references: names.map((name) => ({
      from: new RegExp(escapedForRegExp(`ephemeral.${type}.${name}.random_password`), "g"),
      to: `var.${variableOf(name)}`,
    })),
    additions: {
      variable: Object.fromEntries(
        names.map((name) => [variableOf(name), { type: "string", ephemeral: true, sensitive: true }]),
      ),
    },
  };
  const tfvars = Object.fromEntries(names.map((name) => [variableOf(name), `${STAND_IN_MARKER}-${name}`]));
  return { stack: editedJson(stack, edit), markers: Object.values(tfvars), tfvars, edit };
}

/** Attribute values a stood-in data source reports, from the block's own arguments. */
export type DataSourceExample = (block: TerraformJson) => TerraformJson;

/**
 * Data sources that call AWS are read during plan even with -refresh=false. In the copy, each
 * one of a listed type becomes a local value with example attributes (a list of them when the
 * block has `count`), and references to it point at that local. Its postconditions become
 * preconditions of a terraform_data resource of the same name, so the example must pass them;
 * the product's synthesized JSON keeps the real block.
 */
export function standInDataSources(
  stack: TerraformJson,
  examples: Readonly<Record<string, DataSourceExample>>,
): { stack: TerraformJson; replaced: string[]; edit: StandInEdit } {
  const drops: StandInEdit["drops"][number][] = [];
  const references: StandInEdit["references"][number][] = [];
  const locals: Record<string, unknown> = {};
  const checks: Record<string, TerraformJson> = {};
  for (const [type, example] of Object.entries(examples)) {
    for (const [name, block] of Object.entries<TerraformJson>(stack.data?.[type] ?? {})) {
      const local = `stand_in_${type}_${name}`;
      const { count, lifecycle, depends_on, provider, "//": metadata, ...arguments_ } = block;
      const value = { ...arguments_, ...example(block) };
      locals[local] = count === undefined ? value : `\${[for index in range(${unwrap(count)}) : ${hcl(value)}]}`;
      // Its postconditions still judge the example: as preconditions of a stand-in resource.
      if (count === undefined && lifecycle?.postcondition) {
        checks[local] = {
          lifecycle: {
            precondition: lifecycle.postcondition.map((condition: TerraformJson) => ({
              condition: String(condition.condition).split("self.").join(`local.${local}.`),
              error_message: condition.error_message,
            })),
          },
        };
      }
      drops.push({ kind: "data", type, name });
      references.push({
        from: new RegExp(`${escapedForRegExp(`data.${type}.${name}`)}(?![\\w-])`, "g"),
        to: `local.${local}`,
      });
    }
  }
  const replaced = drops.map(({ type, name }) => `${type}.${name}`);
  if (replaced.length === 0) return { stack, replaced, edit: NO_EDIT };
  const edit: StandInEdit = {
    drops,
    references,
    additions: { locals, ...(Object.keys(checks).length > 0 ? { resource: { terraform_data: checks } } : {}) },
  };
  return { stack: editedJson(stack, edit), replaced, edit };
}

/** `${expr}` -> expr; a literal stays a literal. */
function unwrap(value: unknown): string {
  const text = String(value);
  const match = /^\$\{(.*)\}$/s.exec(text);
  return match ? match[1] : text;
}

/** A JSON value as an HCL expression (object keys quoted, `${...}` strings as expressions). */
function hcl(value: unknown): string {
  if (typeof value === "string") return /^\$\{(.*)\}$/s.test(value) ? unwrap(value) : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(hcl).join(", ")}]`;
  if (value && typeof value === "object")
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)} = ${hcl(item)}`)
      .join(", ")}}`;
  return JSON.stringify(value);
}

/** Index just past the brace that closes the one at `open`, skipping braces inside quoted strings. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === "\\") index++;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return index + 1;
  }
  throw new Error(`unbalanced braces from offset ${open}`);
}

/** Replaces every block whose header matches `header` (which must end at its opening brace). */
function replaceBlocks(
  text: string,
  header: RegExp,
  replacement: (match: RegExpExecArray, body: string) => string,
): string {
  const pattern = new RegExp(header.source, "gm");
  let result = "";
  let from = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const end = closingBrace(text, match.index + match[0].length - 1);
    result += text.slice(from, match.index) + replacement(match, text.slice(match.index + match[0].length, end - 1));
    from = end;
    pattern.lastIndex = end;
  }
  return result + text.slice(from);
}
