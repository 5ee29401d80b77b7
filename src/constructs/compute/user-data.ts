import { createHash } from "crypto";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { AssetType, Fn, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { projectRoot } from "../../project-root";
import type { TelemetryUserDataValues } from "./service-telemetry";

/** The boot script of the app instances: a plain shell file with {{placeholders}}. */
export const USER_DATA_TEMPLATE = "templates/user-data.sh";

/** Everything the boot script needs; secret ARNs only, never secret values. */
export interface UserDataValues extends TelemetryUserDataValues {
  readonly colour: string;
  readonly region: string;
  readonly registry: string;
  readonly repository_url: string;
  readonly image_digest: string;
  readonly db_secret_arn: string;
  readonly redis_secret_arn: string;
  readonly app_secret_arn: string;
  readonly db_host: string;
  readonly db_port: string;
  readonly db_name: string;
  readonly redis_host: string;
  readonly redis_port: string;
  readonly node_env: string;
  readonly port: string;
  readonly log_group: string;
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

export function readUserDataTemplate(): string {
  return readFileSync(join(projectRoot(), USER_DATA_TEMPLATE), "utf8");
}

/** The placeholder names a template uses. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]))];
}

/**
 * The template in Terraform's templatefile() syntax: the script's own ${...} and %{...}
 * escaped so Terraform leaves them to bash, and {{name}} turned into ${name}.
 */
export function toTerraformTemplate(template: string): string {
  return template
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{")
    .replace(PLACEHOLDER, (_, name: string) => `\${${name}}`);
}

/** Fills the placeholders with plain values, as Terraform will; for tests and reviews. */
export function renderUserData(values: UserDataValues, template = readUserDataTemplate()): string {
  checkValuesMatch(template, values);
  return template.replace(PLACEHOLDER, (_, name: string) => values[name as keyof UserDataValues]);
}

function checkValuesMatch(template: string, values: UserDataValues): void {
  const wanted = placeholdersOf(template).sort();
  const given = Object.keys(values).sort();
  if (wanted.join() !== given.join()) {
    throw new Error(`${USER_DATA_TEMPLATE} uses {{${wanted.join("}}, {{")}}} but was given ${given.join(", ")}`);
  }
}

/**
 * The boot script as a Terraform template file shipped with the stack. Terraform fills it in
 * with templatefile(), so values that are references (secret ARNs from the data stack, the image
 * digest from the release state) need no escaping in cdktf, and a missing value fails `terraform validate`.
 */
export class UserDataTemplate extends Construct {
  private readonly template: string;
  private readonly asset: TerraformAsset;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.template = readUserDataTemplate();
    const terraformTemplate = toTerraformTemplate(this.template);
    const hash = createHash("sha256").update(terraformTemplate).digest("hex").slice(0, 16);
    const directory = join(tmpdir(), "auth-infra-assets");
    mkdirSync(directory, { recursive: true });
    const path = join(directory, `user-data-${hash}.sh.tftpl`);
    writeFileSync(path, terraformTemplate);
    this.asset = new TerraformAsset(this, "file", { path, type: AssetType.FILE });
  }

  /** The filled-in script, base64-encoded as launch templates take it. */
  base64(values: UserDataValues): string {
    checkValuesMatch(this.template, values);
    return Fn.base64encode(Fn.templatefile(this.asset.path, { ...values }));
  }
}
