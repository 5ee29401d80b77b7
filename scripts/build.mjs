// Bundles the app into dist/app.js, run through dist/main.js (scripts/bundle-loader.cjs). One bundle loads about twice as fast as hundreds of
// separate modules, and synth speed is what every `cdktf synth`, `deploy` and test run pays.
// Type checking is `npm run lint`'s job, not this one's.
import { build } from "esbuild";
import { readdirSync, statSync } from "fs";
import { copyFile, readFile } from "fs/promises";
import { join } from "path";
import { fileURLToPath } from "url";

const root = join(fileURLToPath(import.meta.url), "..", "..");
/** What cdktf and `node dist/main.js` run: a loader that runs the bundle with a V8 code cache. */
export const entryPath = join(root, "dist", "main.js");
const bundlePath = join(root, "dist", "app.js");
/** Config validation alone, which scripts/cdktf.mjs runs before starting the cdktf CLI. */
export const configCheckPath = join(root, "dist", "config-check.js");

function newestSourceTime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestSourceTime(join(path, entry))));
}

/** True when the bundle is missing or older than any input that goes into it. */
export function bundleIsStale() {
  let bundleTime;
  try {
    bundleTime = Math.min(statSync(bundlePath).mtimeMs, statSync(entryPath).mtimeMs, statSync(configCheckPath).mtimeMs);
  } catch {
    return true;
  }
  const inputs = [
    "main.ts",
    "src",
    "package-lock.json",
    "scripts/build.mjs",
    "scripts/bundle-loader.cjs",
    "scripts/config-check.ts",
  ].map((path) => join(root, path));
  return Math.max(...inputs.map(newestSourceTime)) > bundleTime;
}

/**
 * cdktf records a full stack trace (with an unlimited depth) for every token it creates, only
 * to print it if that token later fails to resolve. That is a tenth of synth time; the bundle
 * skips it unless CDKTF_TOKEN_STACK_TRACES=1 asks for it while debugging such an error.
 */
const cheapTokenStackTraces = {
  name: "cheap-token-stack-traces",
  setup(build) {
    build.onLoad({ filter: /cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/ }, async (args) => {
      const original = await readFile(args.path, "utf8");
      return {
        contents: `${original}
const fullCaptureStackTrace = exports.captureStackTrace;
exports.captureStackTrace = (below) => (process.env.CDKTF_TOKEN_STACK_TRACES === "1" ? fullCaptureStackTrace(below) : []);
`,
        loader: "js",
      };
    });
  },
};

export async function bundle() {
  const common = { bundle: true, platform: "node", target: "node20", logLevel: "warning" };
  await Promise.all([
    build({ ...common, entryPoints: [join(root, "main.ts")], outfile: bundlePath, plugins: [cheapTokenStackTraces] }),
    build({ ...common, entryPoints: [join(root, "scripts", "config-check.ts")], outfile: configCheckPath }),
  ]);
  await copyFile(join(root, "scripts", "bundle-loader.cjs"), entryPath);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
