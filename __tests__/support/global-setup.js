// Synthesizes the whole app once, from the same bundle `cdktf synth` runs, into .jest-synth/.
// Test files read the stacks from there instead of each building every environment again.
const { execFileSync } = require("child_process");
const { rmSync } = require("fs");
const { join } = require("path");
const { pathToFileURL } = require("url");

const root = join(__dirname, "..", "..");
const outdir = join(root, ".jest-synth");

module.exports = async function synthesizeOnce() {
  const { bundle, bundleIsStale, entryPath } = await import(pathToFileURL(join(root, "scripts", "build.mjs")).href);
  if (bundleIsStale()) await bundle();
  rmSync(outdir, { recursive: true, force: true });
  execFileSync(process.execPath, [entryPath], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, CDKTF_OUTDIR: outdir, AUTH_ENV: "", CDKTF_CONTEXT_JSON: "" },
  });
};
