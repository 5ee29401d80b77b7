// Synthesizes the whole app once, from the same bundle `cdktf synth` runs, into .jest-synth/, and
// as `cdktf synth --hcl` does into .jest-synth/hcl/, both at once.
// Test files read the stacks from there instead of each building every environment again.
const { execFile } = require("child_process");
const { promisify } = require("util");
const { mkdirSync, rmSync } = require("fs");
const { join } = require("path");
const { pathToFileURL } = require("url");

const root = join(__dirname, "..", "..");
const outdir = join(root, ".jest-synth");

module.exports = async function synthesizeOnce() {
  const { bundle, bundleIsStale, entryPath } = await import(pathToFileURL(join(root, "scripts", "build.mjs")).href);
  if (bundleIsStale()) await bundle();
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(join(outdir, "hcl"), { recursive: true });
  const synth = (target, extra) =>
    promisify(execFile)(process.execPath, [entryPath], {
      cwd: root,
      env: { ...process.env, CDKTF_OUTDIR: target, AUTH_ENV: "", CDKTF_CONTEXT_JSON: "", SYNTH_HCL_OUTPUT: "", ...extra },
    }).catch((error) => {
      process.stderr.write(error.stderr || error.message);
      throw error;
    });
  await Promise.all([synth(outdir, {}), synth(join(outdir, "hcl"), { SYNTH_HCL_OUTPUT: "true" })]);
};
