// Preloaded into the cdktf CLI by `npm run synth` (NODE_OPTIONS=--require). cdktf-cli 0.21
// compiles about 15 MB of JavaScript on every start (its own bundle, jsii, jsii-rosetta,
// TypeScript); a V8 code cache for CommonJS files under node_modules saves most of that.
// Files are keyed by path and content hash, so an upgraded package never runs a stale cache.
"use strict";
const { createHash } = require("crypto");
const { mkdirSync, readFileSync, writeFileSync } = require("fs");
const Module = require("module");
const { dirname, join, sep } = require("path");
const vm = require("vm");

const cacheDirectory = join(__dirname, "..", "node_modules", ".cache", "v8-code-cache");
const compile = Module.prototype._compile;
const pending = [];

Module.prototype._compile = function compileWithCache(content, filename) {
  if (
    !filename.endsWith(".js") ||
    !filename.includes(`${sep}node_modules${sep}`) ||
    /^\s*(import|export)\s/m.test(content.slice(0, 2000))
  ) {
    return compile.call(this, content, filename);
  }
  const key = createHash("sha1").update(filename).update(content).digest("hex");
  const cachePath = join(cacheDirectory, `${key}.bin`);
  let cachedData;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    cachedData = undefined;
  }
  let script;
  try {
    script = new vm.Script(Module.wrap(content), {
      filename,
      cachedData,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
  } catch {
    return compile.call(this, content, filename);
  }
  if (!cachedData || script.cachedDataRejected) pending.push({ script, cachePath });
  // eslint-disable-next-line @typescript-eslint/no-this-alias -- the require shim below closes over the module being compiled, as Node's own loader does.
  const module = this;
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.cache = Module._cache;
  require.extensions = Module._extensions;
  return script.runInThisContext().call(module.exports, module.exports, require, module, filename, dirname(filename));
};

process.once("exit", () => {
  if (pending.length === 0) return;
  try {
    mkdirSync(cacheDirectory, { recursive: true });
    for (const { script, cachePath } of pending) writeFileSync(cachePath, script.createCachedData());
  } catch {
    // No writable node_modules: only the speed-up is lost.
  }
});
