/**
 * What adding an environment takes in code (docs/how-to/add-an-environment.md): one config file in
 * src/config and one registration in src/config/index.ts. The add-an-environment proof writes both
 * into a scratch copy; everything else (workflows, docs, the deploy order) must follow by generation.
 */
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";

export const ENVIRONMENTS_INDEX = "src/config/index.ts";

/**
 * A config file for `name` that starts from staging's values, with what must be the environment's
 * own: its name, state buckets, GitHub environments, domain and scheduled-check environment.
 * (A real one is usually a copy of staging.ts edited in place; the proof only needs a valid one.)
 */
export function environmentConfigFile(name: string, accountId: string): string {
  return `import type { EnvironmentConfigInput } from "../schema/schema";
import { staging } from "./staging";

// Its own account: one account holds one environment per region (src/config/rules/validate.ts says why).
const { replicateTo: _promotedByStaging, ...registry } = staging.registry;

/** ${name}: a throwaway environment, staging's shape in its own account, state and GitHub environments. */
export const ${name}: EnvironmentConfigInput = {
  ...staging,
  environment: "${name}",
  aws: { ...staging.aws, accountId: "${accountId}" },
  registry,
  state: { ...staging.state, bucket: "auth-${name}-tfstate-${accountId}" },
  ci: { ...staging.ci, deployEnvironment: "${name}", planEnvironment: "${name}-plan", platformEnvironment: "${name}-platform" },
  scheduledChecks: { ...staging.scheduledChecks, githubEnvironment: "${name}-drift" },
  dns: { ...staging.dns, domainName: "auth.${name}.example.com" },
  dr: { ...staging.dr, stateBucket: "auth-${name}-tfstate-dr-${accountId}" },
};
`;
}

/**
 * Registers `name` in src/config/index.ts: its import, and its place in the environments list
 * (first: the promotion order runs from the first entry to the last).
 */
export function registerEnvironment(root: string, name: string): void {
  const path = join(root, ENVIRONMENTS_INDEX);
  const text = readFileSync(path, "utf8");
  const list = /export const environments = \{ ([^}]*) \} as const;/;
  if (!list.test(text))
    throw new Error(
      `${ENVIRONMENTS_INDEX}: no "export const environments = { ... } as const;" line to register ${name} in`,
    );
  writeFileSync(
    path,
    `import { ${name} } from "./environments/${name}";\n${text.replace(list, (_, names: string) => `export const environments = { ${name}, ${names} } as const;`)}`,
  );
}

/** Both steps: the config file and the registration. */
export function addEnvironment(root: string, name: string, accountId = "333333333333"): void {
  writeFileSync(join(root, "src", "config", "environments", `${name}.ts`), environmentConfigFile(name, accountId));
  registerEnvironment(root, name);
}
