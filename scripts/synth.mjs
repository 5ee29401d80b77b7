// The app command cdktf runs (cdktf.json): rebundles only when a source changed, then runs
// the bundle in this same process, so a synth pays for one Node start-up, not three.
import { createRequire } from "module";
import { bundle, bundleIsStale, entryPath } from "./build.mjs";

if (bundleIsStale()) await bundle();
createRequire(import.meta.url)(entryPath);
