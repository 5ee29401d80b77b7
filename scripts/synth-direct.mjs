// `npm run synth` without the cdktf CLI: the app runs in this process with the environment
// `cdktf synth` gives it, then the CLI's own steps after the app follow (HCL formatted with the
// CLI's formatter, stack folders of stacks that no longer exist removed). The CLI's start-up costs
// about 2 s of every synth (issue 27); the files written are the same, byte for byte
// (__tests__/integration/synth-direct.test.ts compares them). cdktf-cli 0.21's
// @cdktf/cli-core/src/lib/synth-stack.js is what this follows.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { createRequire } from "module";
import { basename, join } from "path";
import { bundle, bundleIsStale, configCheckPath, entryPath } from "./build.mjs";

const require = createRequire(import.meta.url);

/** The options of `cdktf synth` this path takes; anything else goes to the CLI. */
export function directSynthArguments(passThrough) {
  const options = { output: "cdktf.out", hcl: false };
  for (let index = 0; index < passThrough.length; index++) {
    const argument = passThrough[index];
    if (argument === "--hcl") options.hcl = true;
    else if ((argument === "--output" || argument === "-o") && passThrough[index + 1])
      options.output = passThrough[++index];
    else if (argument.startsWith("--output=")) options.output = argument.slice("--output=".length);
    else return undefined;
  }
  return options;
}

/** What `cdktf synth` sets for the app (synth-stack.js): TF_VAR_* left out, its context, the HCL switch. */
export function appEnvironment(base, { outdir, hcl, root }) {
  const env = Object.fromEntries(Object.entries(base).filter(([key]) => !key.startsWith("TF_VAR_")));
  const config = JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8"));
  const relativeModules = (config.terraformModules ?? []).filter((module) => {
    const source = typeof module === "string" ? module : module.source;
    return source.startsWith("./") || source.startsWith("../");
  });
  const context = base.CDKTF_CONTEXT_JSON ? JSON.parse(base.CDKTF_CONTEXT_JSON) : {};
  return {
    ...env,
    CDKTF_OUTDIR: outdir,
    CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true",
    CDKTF_CONTEXT_JSON: JSON.stringify({ ...context, cdktfRelativeModules: relativeModules }),
    SYNTH_HCL_OUTPUT: String(hcl),
  };
}

/** Runs the app in this process; returns the exit code (2 a bad config, 1 a failed synth). */
export async function synthDirect({ root, outdir, hcl, env }) {
  if (bundleIsStale()) await bundle();
  // The config check first, as before the CLI: a bad config is one message and exit 2, nothing written.
  Object.assign(process.env, env);
  require(configCheckPath);
  if (process.exitCode === 2) return 2;

  const stacksFolder = join(outdir, "stacks");
  const existing = existsSync(stacksFolder)
    ? readdirSync(stacksFolder)
        .map((name) => join(stacksFolder, name))
        .filter((path) => statSync(path).isDirectory())
    : [];
  const appEnv = appEnvironment(process.env, { outdir, hcl, root });
  for (const key of Object.keys(process.env)) if (!(key in appEnv)) delete process.env[key];
  Object.assign(process.env, appEnv);
  require(entryPath);
  if (process.exitCode) return process.exitCode;

  const manifestPath = join(outdir, "manifest.json");
  if (!existsSync(manifestPath)) {
    console.error(`ERROR: synthesis failed: the app did not write ${manifestPath}`);
    return 1;
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const stacks = Object.values(manifest.stacks);
  if (hcl) {
    const { format } = require("@cdktf/hcl-tools");
    for (const stack of stacks) {
      const path = join(outdir, stack.synthesizedStackPath);
      writeFileSync(path, await format(readFileSync(path, "utf8")));
    }
  }
  if (stacks.length === 0) console.error("ERROR: No Terraform code synthesized.");
  const names = stacks.map((stack) => stack.name);
  for (const orphan of existing.filter((path) => !names.includes(basename(path)))) rmSync(orphan, { recursive: true });
  console.log(`Generated Terraform code for the stacks: ${names.join(", ")}`);
  return 0;
}
