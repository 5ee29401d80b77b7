import { production } from "./environments/production";
import { staging } from "./environments/staging";

/** Every deployable environment, keyed by name. */
export const environments = { staging, production } as const;

export { ConfigError, selectEnvironments, validateConfigs } from "./rules/validate";
export type { EnvironmentConfig } from "./schema/schema";
