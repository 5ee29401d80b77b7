// jest's module runtime with V8's code cache. Every test file gets its own module registry, so each
// file that touches the app parses and compiles cdktf and ~100 provider classes (about 13 MB of
// JavaScript) again: most of the unit suite's CPU time. This runtime hands V8 the code it compiled
// for the same source before (vm.Script's `cachedData`, the mechanism of Node's own compile cache),
// so a file after the first skips that work. Modules still run afresh in every file: only the
// compiled code is shared, never a module's state, so test isolation is what jest gives.
// The cache lives in node_modules/.cache/jest-code-cache (a fresh clone starts cold; the first file
// of a run fills it for the rest). JEST_CODE_CACHE=0 turns it off. V8 itself rejects a cache made by
// another V8 version or other flags (script.cachedDataRejected), and the key is the source's hash.
const { createHash } = require("crypto");
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("fs");
const { join } = require("path");
const vm = require("vm");
const Runtime = require("jest-runtime").default;

const CACHE = join(__dirname, "..", "..", "node_modules", ".cache", "jest-code-cache");
const ENABLED = process.env.JEST_CODE_CACHE !== "0";
const supportsVmModules = typeof vm.SyntheticModule === "function";

class CodeCacheRuntime extends Runtime {
  /** Scripts compiled without a usable cache: their code is saved when the test file is done. */
  _uncached = [];

  createScriptFromCode(scriptSource, filename) {
    if (!ENABLED || this._resolver.isCoreModule(filename)) return super.createScriptFromCode(scriptSource, filename);
    const source = this.wrapCodeInModuleWrapper(scriptSource);
    const path = join(CACHE, `${createHash("sha256").update(filename).update("\0").update(source).digest("hex")}.bin`);
    let cachedData;
    try {
      cachedData = readFileSync(path);
    } catch {
      cachedData = undefined;
    }
    let script;
    try {
      script = new vm.Script(source, {
        columnOffset: this._fileTransforms.get(filename)?.wrapperLength,
        displayErrors: true,
        filename,
        cachedData,
        // As jest-runtime's own createScriptFromCode.
        importModuleDynamically: async (specifier) => {
          if (!supportsVmModules) throw new Error("You need to run with a version of node that supports ES Modules in the VM API. See https://jestjs.io/docs/ecmascript-modules");
          const context = this._environment.getVmContext?.();
          if (!context) throw new Error("Test environment has been torn down");
          const module = await this.resolveModule(specifier, filename, context);
          return this.linkAndEvaluateModule(module);
        },
      });
    } catch {
      // A syntax error: jest's own path reports it the way it always has.
      return super.createScriptFromCode(scriptSource, filename);
    }
    if (cachedData === undefined || script.cachedDataRejected) this._uncached.push([script, path]);
    return script;
  }

  teardown() {
    // After the file ran, so the cache holds the functions it compiled lazily too.
    if (this._uncached.length > 0) {
      mkdirSync(CACHE, { recursive: true });
      for (const [script, path] of this._uncached) {
        try {
          const temporary = `${path}.${process.pid}.tmp`;
          writeFileSync(temporary, script.createCachedData());
          renameSync(temporary, path);
        } catch {
          // A cache that cannot be written only costs time.
        }
      }
      this._uncached = [];
    }
    super.teardown();
  }
}

module.exports = CodeCacheRuntime;
module.exports.default = CodeCacheRuntime;
