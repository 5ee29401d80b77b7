import { buildApp } from "./src/app";
import { selectedEnvironment } from "./src/config/selected-environment";
import { ConfigError } from "./src/config/validate";

try {
  buildApp({
    environment: selectedEnvironment(),
    bootstrapLocalState: process.env.AUTH_BOOTSTRAP_LOCAL_STATE === "1",
  }).synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
