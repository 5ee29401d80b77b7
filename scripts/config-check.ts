// Bundled into dist/config-check.js (scripts/build.mjs) and run by scripts/cdktf.mjs before the
// cdktf CLI starts: a bad config fails in a fraction of a second, printed once (cdktf would
// print the app's stderr twice), and no file is written.
import { environments } from "../src/config";
import { selectedEnvironment } from "../src/config/selected-environment";
import { ConfigError, selectEnvironments, validateConfigs } from "../src/config/rules/validate";

try {
  selectEnvironments(validateConfigs(environments), selectedEnvironment());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
