import type { HandoverSpec } from "../../src/stacks/handover";

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

/** A Terraform state file holding only outputs, as a producer stack's state would after apply. */
export function stateWithOutputs(spec: HandoverSpec): TerraformJson {
  const outputs = Object.fromEntries(
    Object.entries(spec).map(([name, output]) => [
      name,
      { value: output.example, type: output.type === "list" ? ["list", "string"] : output.type },
    ]),
  );
  return { version: 4, terraform_version: "1.11.4", serial: 1, lineage: "offline-proof", outputs, resources: [], check_results: null };
}

/**
 * The layer whose state a remote-state data source reads: from its S3 key
 * (<env>/auth-<env>-<layer>.tfstate) or its Terraform Cloud workspace (<prefix>auth-<env>-<layer>).
 */
export function producerLayerOf(remoteState: TerraformJson): string {
  const match = /auth-[a-z0-9]+-([a-z]+)(\.tfstate)?$/.exec(remoteState.config?.key ?? remoteState.config?.workspaces?.name ?? "");
  if (!match) throw new Error(`remote state with an unexpected key: ${JSON.stringify(remoteState.config)}`);
  return match[1];
}

/** Points every remote-state data source at a local state file. */
export function remoteStateOverride(stack: TerraformJson, statePathOf: (layer: string) => string): TerraformJson | undefined {
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
export function standInEphemeralPasswords(stack: TerraformJson): { stack: TerraformJson; markers: string[]; tfvars: Record<string, string> } {
  const passwords: Record<string, TerraformJson> = stack.ephemeral?.aws_secretsmanager_random_password ?? {};
  const names = Object.keys(passwords);
  if (names.length === 0) return { stack, markers: [], tfvars: {} };
  const variableOf = (name: string) => `ephemeral_stand_in_${name}`;
  const replace = (value: unknown): unknown => {
    if (typeof value === "string") {
      return names.reduce((text, name) => text.split(`ephemeral.aws_secretsmanager_random_password.${name}.random_password`).join(`var.${variableOf(name)}`), value);
    }
    if (Array.isArray(value)) return value.map(replace);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, replace(child)]));
    return value;
  };
  const copy = replace(stack) as TerraformJson;
  delete copy.ephemeral.aws_secretsmanager_random_password;
  if (Object.keys(copy.ephemeral).length === 0) delete copy.ephemeral;
  copy.variable = {
    ...(copy.variable ?? {}),
    ...Object.fromEntries(names.map((name) => [variableOf(name), { type: "string", ephemeral: true, sensitive: true }])),
  };
  const tfvars = Object.fromEntries(names.map((name) => [variableOf(name), `${STAND_IN_MARKER}-${name}`]));
  return { stack: copy, markers: Object.values(tfvars), tfvars };
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
export function standInDataSources(stack: TerraformJson, examples: Readonly<Record<string, DataSourceExample>>): { stack: TerraformJson; replaced: string[] } {
  const replaced: string[] = [];
  const locals: Record<string, unknown> = {};
  const checks: Record<string, TerraformJson> = {};
  let text = JSON.stringify(stack);
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
      const escaped = `data.${type}.${name}`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      text = text.replace(new RegExp(`${escaped}(?![\\w-])`, "g"), `local.${local}`);
      replaced.push(`${type}.${name}`);
    }
  }
  if (replaced.length === 0) return { stack, replaced };
  const copy: TerraformJson = JSON.parse(text);
  for (const type of Object.keys(examples)) delete copy.data?.[type];
  if (copy.data && Object.keys(copy.data).length === 0) delete copy.data;
  copy.locals = { ...(copy.locals ?? {}), ...locals };
  if (Object.keys(checks).length > 0) {
    copy.resource = copy.resource ?? {};
    copy.resource.terraform_data = { ...(copy.resource.terraform_data ?? {}), ...checks };
  }
  return { stack: copy, replaced };
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
  if (value && typeof value === "object") return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)} = ${hcl(item)}`).join(", ")}}`;
  return JSON.stringify(value);
}
