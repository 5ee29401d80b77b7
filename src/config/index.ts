import { production } from "./production";
import { staging } from "./staging";

/** Every deployable environment, keyed by name. */
export const environments = { staging, production } as const;

export { ConfigError, selectEnvironments, validateConfigs } from "./validate";
export type { EnvironmentConfig } from "./schema";
