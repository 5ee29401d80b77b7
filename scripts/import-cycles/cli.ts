/**
 * Fails on any import cycle among the project's own modules, type-only imports included, and on
 * an import of src/ that breaks the rooms' plan (rooms.ts, docs/explanation/architecture.md).
 * Usage: tsx scripts/import-cycles/cli.ts (run by `npm run lint`). Exit code 1 on a cycle.
 */
import { join } from "path";
import { findCycles, importGraph, sourceFiles } from "./graph";
import { roomViolations } from "./rooms";

const root = join(__dirname, "..", "..");
const files = sourceFiles(root, ["main.ts", "src", "scripts", "lambda", "__tests__"]);
const graph = importGraph(root, files);
const cycles = findCycles(graph);
for (const { modules, loop } of cycles) {
  console.error(
    `import cycle among ${modules.length} modules: ${modules.join(", ")}\n  for example ${loop.join(" -> ")}`,
  );
}
const violations = roomViolations(graph);
for (const { file, imports, rule } of violations)
  console.error(`${file}${imports ? ` imports ${imports}` : ""}: ${rule} (docs/explanation/architecture.md)`);
console.log(
  `import cycles: ${files.length} modules, ${cycles.length} cycles; rooms: ${violations.length} imports against the plan`,
);
if (cycles.length > 0 || violations.length > 0) process.exitCode = 1;
