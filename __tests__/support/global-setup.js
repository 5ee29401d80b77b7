// Synthesizes the whole app once, from the same bundle `cdktf synth` runs, into .jest-synth/, and
// as `cdktf synth --hcl` does into .jest-synth/hcl/, both at once.
// Test files read the stacks from there instead of each building every environment again.
const { execFile } = require("child_process");
const { promisify } = require("util");
const { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } = require("fs");
const { join } = require("path");
const { pathToFileURL } = require("url");

const root = join(__dirname, "..", "..");
const outdir = join(root, ".jest-synth");

/** What the synthesis reads besides the bundle (Lambda sources are zipped and bundled at synth time). */
const SYNTH_INPUTS = ["dist/app.js", "src", "main.ts", "lambda", "templates", "versions.json", "package-lock.json"];
const stampPath = join(outdir, "inputs.stamp");

function newestTime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestTime(join(path, entry))));
}

const inputsStamp = () => JSON.stringify(SYNTH_INPUTS.map((path) => [path, newestTime(join(root, path))]));

module.exports = async function synthesizeOnce() {
  const { bundle, bundleIsStale, entryPath } = await import(pathToFileURL(join(root, "scripts", "build.mjs")).href);
  if (bundleIsStale()) await bundle();
  // npm run test:quick (JEST_REUSE_SYNTH=1) keeps a synthesis none of whose inputs changed since;
  // npm test always synthesizes afresh.
  if (
    process.env.JEST_REUSE_SYNTH === "1" &&
    existsSync(stampPath) &&
    readFileSync(stampPath, "utf8") === inputsStamp()
  )
    return;
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(join(outdir, "hcl"), { recursive: true });
  const synth = (target, extra) =>
    promisify(execFile)(process.execPath, [entryPath], {
      cwd: root,
      env: {
        ...process.env,
        CDKTF_OUTDIR: target,
        AUTH_ENV: "",
        CDKTF_CONTEXT_JSON: "",
        SYNTH_HCL_OUTPUT: "",
        ...extra,
      },
    }).catch((error) => {
      process.stderr.write(error.stderr || error.message);
      throw error;
    });
  // JEST_SYNTH_HCL=0: a run whose tests read no HCL (the config-mutation proof picks such a set) skips that synthesis.
  const hcl = process.env.JEST_SYNTH_HCL === "0" ? [] : [synth(join(outdir, "hcl"), { SYNTH_HCL_OUTPUT: "true" })];
  await Promise.all([synth(outdir, {}), ...hcl]);
  // A synthesis without HCL is never reused by test:quick.
  if (hcl.length > 0) writeFileSync(stampPath, inputsStamp());
};
