import { buildApp } from "./src/app";
import { restoreModeFrom } from "./src/config/restore-mode";
import { selectedEnvironment } from "./src/config/selected-environment";
import { ConfigError } from "./src/config/rules/validate";

try {
  buildApp({
    environment: selectedEnvironment(),
    bootstrapLocalState: process.env.AUTH_BOOTSTRAP_LOCAL_STATE === "1",
    restore: restoreModeFrom(),
  }).synth();
} catch (error) {
  // A bad config, or an unsuppressed compliance finding (cdktf's stack validation): one message, no stack trace.
  const expected =
    error instanceof ConfigError || (error instanceof Error && error.message.startsWith("Validation failed"));
  if (!expected) throw error;
  console.error((error as Error).message);
  process.exitCode = 1;
}
