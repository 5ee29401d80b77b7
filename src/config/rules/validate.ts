import { z } from "zod";
import { editDistance } from "../schema/catalogue";
import { formatPath } from "../schema/paths";
import { checkSharedAccounts } from "./accounts-rules";
import { checkedEnvironmentConfigSchema } from "./environment-rules";
import { EnvironmentConfig, environmentConfigSchema } from "../schema/schema";

/** Thrown when configuration is invalid; `problems` holds one line per failed rule. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Checks every config and reports all problems of all environments at once. */
export function validateConfigs(raw: Readonly<Record<string, unknown>>): EnvironmentConfig[] {
  const problems: string[] = [];
  const valid: EnvironmentConfig[] = [];
  const named: { name: string; config: EnvironmentConfig }[] = [];
  for (const [name, candidate] of Object.entries(raw)) {
    const result = checkedEnvironmentConfigSchema.safeParse(candidate);
    if (result.success) {
      valid.push(result.data);
      named.push({ name, config: result.data });
      continue;
    }
    for (const issue of result.error.issues) problems.push(...describeIssue(name, issue));
  }
  problems.push(...sharedResourceProblems(raw), ...checkSharedAccounts(named));
  if (problems.length > 0) throw new ConfigError(problems);
  return valid;
}

/** One line per problem: `env: field.path: rule`; an unknown key gets its own path and the closest known key. */
function describeIssue(environment: string, issue: z.core.$ZodIssue): string[] {
  const line = (path: readonly PropertyKey[], message: string) =>
    `${environment}: ${path.length > 0 ? formatPath(path) : "(root)"}: ${message}`;
  if (issue.code === "unrecognized_keys") {
    const known = knownKeysAt(issue.path);
    return issue.keys.map((key) => {
      const closest = known
        .map((name) => ({ name, distance: editDistance(key.toLowerCase(), name.toLowerCase()) }))
        .sort((a, b) => a.distance - b.distance)[0];
      const hint = closest && closest.distance <= 2 ? ` (did you mean ${closest.name}?)` : "";
      return line([...issue.path, key], `unknown key${hint}`);
    });
  }
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message))
    return [line(issue.path, `is required (${issue.expected})`)];
  return [line(issue.path, issue.message)];
}

/** The keys the schema defines for the object at `path`. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks zod's internal definitions, which differ per schema kind.
  let schema: any = environmentConfigSchema;
  for (const segment of path) {
    while (schema?.unwrap && !schema.shape) schema = schema.unwrap();
    schema = typeof segment === "number" ? schema?.element : schema?.shape?.[segment];
  }
  while (schema?.unwrap && !schema.shape) schema = schema.unwrap();
  return Object.keys(schema?.shape ?? {});
}

/** Each environment needs its own name and its own state bucket: a shared bucket mixes (and overwrites) their state. */
function sharedResourceProblems(raw: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  const claimed = { environment: new Map<string, string>(), "state.bucket": new Map<string, string>() };
  for (const [name, candidate] of Object.entries(raw)) {
    const config = candidate as { environment?: unknown; state?: { bucket?: unknown } } | undefined;
    const values = { environment: config?.environment, "state.bucket": config?.state?.bucket } as const;
    for (const field of ["environment", "state.bucket"] as const) {
      const value = values[field];
      if (typeof value !== "string") continue;
      const owner = claimed[field].get(value);
      if (owner) problems.push(`${name}: ${field}: ${value} is already ${owner}'s; every environment needs its own`);
      else claimed[field].set(value, name);
    }
  }
  return problems;
}

/**
 * Narrows the run to one environment when `selector` names one (from AUTH_ENV or the
 * `environment` context value); all environments otherwise.
 */
export function selectEnvironments(
  configs: readonly EnvironmentConfig[],
  selector: string | undefined,
): EnvironmentConfig[] {
  if (selector === undefined || selector === "") return [...configs];
  const selected = configs.filter((config) => config.environment === selector);
  if (selected.length === 0) {
    const known = configs.map((config) => config.environment).join(", ");
    throw new ConfigError([`environment: unknown environment "${selector}" (known: ${known})`]);
  }
  return selected;
}
