import { ConfigError } from "./src/config/validate";
import { buildApp } from "./src/app";

/** The environment to synthesize: AUTH_ENV, else the `environment` cdktf context value, else all. */
function selectedEnvironment(): string | undefined {
  if (process.env.AUTH_ENV) return process.env.AUTH_ENV;
  const context = process.env.CDKTF_CONTEXT_JSON ? JSON.parse(process.env.CDKTF_CONTEXT_JSON) : {};
  return typeof context.environment === "string" ? context.environment : undefined;
}

try {
  buildApp({
    environment: selectedEnvironment(),
    bootstrapLocalState: process.env.AUTH_BOOTSTRAP_LOCAL_STATE === "1",
  }).synth();
} catch (error) {
  // A bad config, or an unsuppressed compliance finding (cdktf's stack validation): one message, no stack trace.
  const expected = error instanceof ConfigError || (error instanceof Error && error.message.startsWith("Validation failed"));
  if (!expected) throw error;
  console.error((error as Error).message);
  process.exitCode = 1;
}
