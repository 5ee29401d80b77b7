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
function replaceBlocks(text: string, header: RegExp, replacement: (match: RegExpExecArray, body: string) => string): string {
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

/**
 * The same stand-in for a stack synthesized as HCL (`cdktf synth --hcl`), which override files
 * cannot do either: they merge into blocks but cannot remove one.
 */
export function standInRandomProviderHcl(hcl: string): { hcl: string; replaced: string[] } {
  const replaced: string[] = [];
  let text = replaceBlocks(hcl, /^resource "random_password" "([^"]+)" \{/, ([, name], body) => {
    replaced.push(name);
    const length = Number(/^\s*length\s*=\s*(\d+)\s*$/m.exec(body)?.[1] ?? 32);
    return `resource "terraform_data" "${name}" {\n  input = "offline-stand-in-${"x".repeat(length)}"\n}`;
  });
  for (const name of replaced) text = text.split(`random_password.${name}.result`).join(`terraform_data.${name}.output`);
  text = replaceBlocks(text, /^provider "random" \{/, () => "");
  text = replaceBlocks(text, /^\s*random\s*=\s*\{/, () => "");
  return { hcl: text, replaced };
}
