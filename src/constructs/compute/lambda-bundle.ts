import { createRequire } from "module";
import { join } from "path";
import { projectRoot } from "../../project-root";
import { LAMBDA_NODE_BUNDLE_TARGET } from "./lambda-runtime";

/**
 * Bundles a function's TypeScript entry point with its npm dependencies (e.g. `pg`) into one
 * CommonJS file. Paths in the output are relative to the project root, so the bytes are the
 * same on every machine. The AWS SDK is left out: the Lambda runtime ships it.
 */
export function bundleFunction(entryPoint: string): Buffer {
  // One esbuild run per entry point and process: every environment's data stack ships the same bytes.
  let bundled = bundles.get(entryPoint);
  if (!bundled) bundles.set(entryPoint, (bundled = bundleOnce(entryPoint)));
  return Buffer.from(bundled);
}

const bundles = new Map<string, Buffer>();

function bundleOnce(entryPoint: string): Buffer {
  const root = projectRoot();
  // Loaded from the project's node_modules at synth time: esbuild cannot be bundled into the app itself.
  const esbuild = createRequire(join(root, "package.json"))("esbuild") as typeof import("esbuild");
  const result = esbuild.buildSync({
    entryPoints: [join(root, entryPoint)],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: LAMBDA_NODE_BUNDLE_TARGET,
    // pg-native is pg's optional libpq binding, loaded only when asked for.
    external: ["@aws-sdk/*", "pg-native"],
    legalComments: "eof",
    charset: "utf8",
    write: false,
    outfile: "index.js",
    logLevel: "error",
  });
  return Buffer.from(result.outputFiles[0].contents);
}
