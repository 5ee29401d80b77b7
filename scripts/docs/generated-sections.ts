/**
 * Sections of hand-written pages generated from their one source: the config reference from the
 * zod schema and the shipped configs, the version table from versions.json, the test catalogue
 * from __tests__. scripts/docs/pages.ts says which page holds which; `npm run docs` writes them.
 */
import { readdirSync, readFileSync } from "fs";
import { join, relative } from "path";
import { z } from "zod";
import { environments } from "../../src/config";
import { environmentConfigSchema } from "../../src/config/schema/schema";
import { validateConfigs } from "../../src/config/rules/validate";
import versions from "../../versions.json";

type JsonSchema = Record<string, any>;

interface Field {
  readonly path: string;
  readonly rule: string;
  readonly description: string;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function rule(schema: JsonSchema, optional: boolean): string {
  const parts: string[] = [];
  if (schema.enum) parts.push(`one of ${schema.enum.map((value: unknown) => JSON.stringify(value)).join(", ")}`);
  else if (schema.const !== undefined) parts.push(`always ${JSON.stringify(schema.const)}`);
  else if (schema.anyOf) parts.push(schema.anyOf.map((option: JsonSchema) => option.const ?? option.type).join(" or "));
  else if (schema.type === "array")
    parts.push(
      `list of ${schema.items?.type ?? "values"}${schema.minItems ? `, at least ${schema.minItems}` : ""}${schema.maxItems ? `, at most ${schema.maxItems}` : ""}`,
    );
  else parts.push(schema.type ?? "value");
  const safe = Number.MAX_SAFE_INTEGER;
  if (schema.minimum !== undefined && schema.maximum !== undefined && schema.maximum < safe)
    parts.push(`${schema.minimum}-${schema.maximum}`);
  else if (schema.minimum !== undefined && schema.minimum > -safe) parts.push(`≥ ${schema.minimum}`);
  else if (schema.exclusiveMinimum !== undefined) parts.push(`> ${schema.exclusiveMinimum}`);
  if (schema.minLength) parts.push(`length ≥ ${schema.minLength}`);
  // Long patterns say less than the error message that names the rule; show the short ones.
  if (schema.pattern) parts.push(schema.pattern.length <= 32 ? `\`${schema.pattern}\`` : "pattern (see schema)");
  if (schema.format) parts.push(schema.format);
  if (optional) parts.push("optional");
  return parts.join(", ");
}

function fields(schema: JsonSchema, prefix = "", optional = false): Field[] {
  if (schema.type === "object" && schema.properties) {
    const required = new Set<string>(schema.required ?? []);
    return Object.entries<JsonSchema>(schema.properties).flatMap(([name, child]) =>
      fields(child, prefix ? `${prefix}.${name}` : name, !required.has(name)),
    );
  }
  return [{ path: prefix, rule: rule(schema, optional), description: schema.description ?? "" }];
}

function valueAt(config: unknown, path: string): string {
  const value = path
    .split(".")
    .reduce<any>((node, key) => (node === undefined || node === null ? undefined : node[key]), config);
  if (value === undefined) return "unset";
  const text = Array.isArray(value)
    ? value.join(", ")
    : typeof value === "object"
      ? JSON.stringify(value)
      : String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** The Markdown table of every config field: rule, description, and each shipped environment's value. */
export function configReference(): string {
  const json = z.toJSONSchema(environmentConfigSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const configs = validateConfigs(environments);
  const header = `| field | rule | what it is | ${configs.map((config) => config.environment).join(" | ")} |`;
  const divider = `|---|---|---|${configs.map(() => "---|").join("")}`;
  const rows = fields(json).map(
    (field) =>
      `| \`${field.path}\` | ${cell(field.rule)} | ${cell(field.description)} | ${configs.map((config) => cell(valueAt(config, field.path))).join(" | ")} |`,
  );
  return [header, divider, ...rows].join("\n");
}

/** The Markdown table of pinned versions. */
export function versionTable(): string {
  return [
    "| what | version |",
    "|---|---|",
    `| Terraform CLI | ${versions.terraform} |`,
    `| hashicorp/aws provider | ${versions.awsProvider} |`,
    `| cdktf and cdktf-cli | ${versions.cdktf} |`,
    `| @cdktf/provider-aws (bindings for the provider above) | ${versions.cdktfProviderAws} |`,
    `| Node.js on developer machines and CI runners here | ${versions.nodeLocal} |`,
    `| Node.js in AWS and GitHub Actions (Lambda runtime, workflows, example image) | ${versions.nodeRuntime} |`,
  ].join("\n");
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? testFiles(join(dir, entry.name))
      : entry.name.endsWith(".test.ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Every test file with its top-level describe blocks: what each one proves. */
export function testCatalog(root = process.cwd()): string {
  return testFiles(join(root, "__tests__"))
    .sort()
    .map((file) => {
      const describes =
        /^(?:\(missing \? describe\.skip : describe\)|describe(?:\.each\([^)]*\))?)\(\s*(["'`])((?:(?!\1).)+)\1/gm;
      const titles = [...readFileSync(file, "utf8").matchAll(describes)].map((match) =>
        match[2].replace(/%s/g, "<env>"),
      );
      return `- \`${relative(root, file)}\`: ${titles.length > 0 ? titles.join("; ") : "(no describe block)"}`;
    })
    .join("\n");
}

/** The document with each named generated section replaced by its current text; a missing marker pair is an error. */
export function withGeneratedSections(
  document: string,
  renders: Readonly<Record<string, () => string>>,
  file: string,
): string {
  let result = document;
  for (const [name, render] of Object.entries(renders)) {
    const pattern = new RegExp(`(<!-- generated:${name} start[^>]*-->)[\\s\\S]*?(<!-- generated:${name} end -->)`);
    if (!pattern.test(result)) throw new Error(`${file} has no generated:${name} markers`);
    result = result.replace(pattern, (_match, start, end) => `${start}\n${render()}\n${end}`);
  }
  return result;
}
