// Bundles the app into dist/main.js. One bundle loads about twice as fast as hundreds of
// separate modules, and synth speed is what every `cdktf synth`, `deploy` and test run pays.
// Type checking is `npm run lint`'s job, not this one's.
import { build } from "esbuild";
import { readdirSync, statSync } from "fs";
import { join } from "path";
import { fileURLToPath } from "url";

const root = join(fileURLToPath(import.meta.url), "..", "..");
export const bundlePath = join(root, "dist", "main.js");

function newestSourceTime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestSourceTime(join(path, entry))));
}

/** True when the bundle is missing or older than any input that goes into it. */
export function bundleIsStale() {
  let bundleTime;
  try {
    bundleTime = statSync(bundlePath).mtimeMs;
  } catch {
    return true;
  }
  const inputs = ["main.ts", "src", "package-lock.json", "scripts/build.mjs"].map((path) => join(root, path));
  return Math.max(...inputs.map(newestSourceTime)) > bundleTime;
}

export async function bundle() {
  await build({
    entryPoints: [join(root, "main.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    outfile: bundlePath,
    logLevel: "warning",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
