import { EnvironmentConfig, environmentConfigSchema, formatPath } from "./schema";

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
  for (const [name, candidate] of Object.entries(raw)) {
    const result = environmentConfigSchema.safeParse(candidate);
    if (result.success) {
      valid.push(result.data);
      continue;
    }
    for (const issue of result.error.issues) {
      const field = issue.path.length > 0 ? formatPath(issue.path) : "(root)";
      problems.push(`${name}: ${field}: ${issue.message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return valid;
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
