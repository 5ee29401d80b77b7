/**
 * The variables each kind of GitHub environment must hold, read from the workflows themselves:
 * `vars.NAME` in a job whose `environment` is that kind (`vars.NAME || default` has a default and
 * is not required). So a workflow that starts reading a variable extends the check with it.
 */
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";

/** The GitHub environments an environment of src/config has (ci.* and scheduledChecks.githubEnvironment). */
export const GITHUB_ENVIRONMENT_ROLES = ["deploy", "plan", "platform", "drift"] as const;
export type GithubEnvironmentRole = (typeof GITHUB_ENVIRONMENT_ROLES)[number];

/** How the workflows name them: ${{ inputs.environment }} or ${{ matrix.environment }}, a suffix; the drift ones by name (generated). */
const PER_ENVIRONMENT = /^\$\{\{ (inputs|matrix)\.environment \}\}(-plan|-platform)?$/;

export function variablesByRole(
  workflows: readonly { readonly name: string; readonly text: string }[],
  driftEnvironments: readonly string[],
): Record<GithubEnvironmentRole, string[]> {
  const found: Record<GithubEnvironmentRole, Set<string>> = {
    deploy: new Set(),
    plan: new Set(),
    platform: new Set(),
    drift: new Set(),
  };
  for (const { text } of workflows) {
    for (const job of Object.values<any>(parse(text)?.jobs ?? {})) {
      const environment = typeof job.environment === "string" ? job.environment : job.environment?.name;
      if (typeof environment !== "string") continue;
      const match = PER_ENVIRONMENT.exec(environment);
      const role: GithubEnvironmentRole | undefined = match
        ? match[2] === "-plan"
          ? "plan"
          : match[2] === "-platform"
            ? "platform"
            : "deploy"
        : driftEnvironments.includes(environment)
          ? "drift"
          : undefined;
      if (!role) continue;
      for (const [, name, fallback] of JSON.stringify(job).matchAll(/vars\.([A-Za-z_][A-Za-z0-9_]*)( \|\|)?/g))
        if (!fallback) found[role].add(name);
    }
  }
  return Object.fromEntries(GITHUB_ENVIRONMENT_ROLES.map((role) => [role, [...found[role]].sort()])) as Record<
    GithubEnvironmentRole,
    string[]
  >;
}

/** The repository's workflows. */
export function repositoryWorkflows(root: string): { name: string; text: string }[] {
  const dir = join(root, ".github", "workflows");
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => ({ name, text: readFileSync(join(dir, name), "utf8") }));
}
