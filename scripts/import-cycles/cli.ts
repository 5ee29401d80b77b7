/**
 * Fails on any import cycle among the project's own modules, type-only imports included.
 * Usage: tsx scripts/import-cycles/cli.ts (run by `npm run lint`). Exit code 1 on a cycle.
 */
import { join } from "path";
import { findCycles, importGraph, sourceFiles } from "./graph";

const root = join(__dirname, "..", "..");
const files = sourceFiles(root, ["main.ts", "src", "scripts", "lambda", "__tests__"]);
const cycles = findCycles(importGraph(root, files));
for (const { modules, loop } of cycles) {
  console.error(`import cycle among ${modules.length} modules: ${modules.join(", ")}\n  for example ${loop.join(" -> ")}`);
}
console.log(`import cycles: ${files.length} modules, ${cycles.length} cycles`);
if (cycles.length > 0) process.exitCode = 1;
