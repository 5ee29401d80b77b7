import { execFileSync } from "child_process";
import { builtinModules } from "module";
import { readFileSync } from "fs";
import { join } from "path";
import { inflateRawSync } from "zlib";
import { SYNTH_DIR, synthEveryStack } from "./support/synth";

// The Lambda functions are TypeScript, bundled at synth time (src/constructs/compute/lambda-bundle.ts)
// into one index.js each, with the AWS SDK left to the runtime that ships it.
const BUNDLED = {
  "app-secret-rotation": "lambda/secret-rotation",
  "redis-auth-rotation": "lambda/redis-auth-rotation",
  "secret-convergence": "lambda/secret-convergence",
  "db-service-rotation": "lambda/postgres-rotation",
};

function shippedFunctions() {
  return Object.entries(synthEveryStack("staging")).flatMap(([stack, json]) =>
    json
      .resourceList("aws_lambda_function")
      .map((fn) => ({ name: fn.function_name as string, zip: join(SYNTH_DIR, "stacks", stack, fn.filename) })),
  );
}

/** The files of a zip as deterministicZip writes them (deflated, sizes in the local headers); __tests__/secret-rotation.test.ts proves those are valid zips. */
function zipEntries(zip: string): Record<string, string> {
  const archive = readFileSync(zip);
  const entries: Record<string, string> = {};
  for (let at = 0; archive.readUInt32LE(at) === 0x04034b50;) {
    const size = archive.readUInt32LE(at + 18);
    const nameLength = archive.readUInt16LE(at + 26);
    const start = at + 30 + nameLength + archive.readUInt16LE(at + 28);
    entries[archive.toString("utf8", at + 30, at + 30 + nameLength)] = inflateRawSync(
      archive.subarray(start, start + size),
    ).toString("utf8");
    at = start + size;
  }
  return entries;
}

describe("Lambda function bundles", () => {
  const functions = shippedFunctions();
  const bundleOf = (suffix: string) =>
    zipEntries(functions.find((fn) => fn.name.endsWith(`-${suffix}`))!.zip)["index.js"];

  test.each(Object.entries(BUNDLED))("the %s function ships one bundle of %s", (suffix) => {
    const shipped = functions.find((fn) => fn.name.endsWith(`-${suffix}`));
    expect(shipped).toBeDefined();
    expect(Object.keys(zipEntries(shipped!.zip))).toEqual(["index.js"]);
  });

  test("each bundle needs nothing but Node's built-in modules and the AWS SDK the runtime ships, and exports its handler", () => {
    for (const suffix of Object.keys(BUNDLED)) {
      const code = bundleOf(suffix);
      const required = [...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1]);
      const outside = required.filter(
        (id) => !id.startsWith("@aws-sdk/") && !builtinModules.includes(id.replace(/^node:/, "")) && id !== "pg-native",
      );
      expect({ suffix, outside }).toEqual({ suffix, outside: [] });
      expect(code).toMatch(/\bhandler: \(\) => handler\b/);
    }
  });

  test("the Secrets Manager rotations share one adapter: its code is in each of their bundles, and nowhere else in lambda/", () => {
    for (const suffix of ["app-secret-rotation", "redis-auth-rotation", "db-service-rotation"]) {
      expect(bundleOf(suffix)).toContain("// lambda/shared/secrets-manager.ts");
    }
    const sdkImports = execFileSync("grep", ["-rl", "@aws-sdk/client-secrets-manager", "lambda"], {
      cwd: join(__dirname, ".."),
      encoding: "utf8",
    })
      .trim()
      .split("\n");
    expect(sdkImports).toEqual(["lambda/shared/secrets-manager.ts"]);
  });
});
