import { findCycles, importGraph, ImportGraph } from "../scripts/import-cycles/graph";

// npm run lint fails on an import cycle among the project's own modules (scripts/import-cycles),
// type-only imports included: they are the same layering mistake, only one the runtime forgives.

/** The graph of in-memory files. */
function graphOf(files: Record<string, string>): ImportGraph {
  return importGraph("/nowhere", Object.keys(files), (file) => files[file]);
}

describe("import cycle check", () => {
  test("finds a cycle made only of `import type`, like schema.ts and the rule files had", () => {
    const graph: ImportGraph = new Map([
      ["config/schema.ts", ["config/dr-schema.ts"]],
      ["config/dr-schema.ts", ["config/schema.ts"]],
    ]);
    expect(findCycles(graph)).toEqual([
      {
        modules: ["config/dr-schema.ts", "config/schema.ts"],
        loop: ["config/dr-schema.ts", "config/schema.ts", "config/dr-schema.ts"],
      },
    ]);
  });

  test("reads every kind of import as an edge: import type, export from, require and import()", () => {
    const graph = graphOf({
      "a.ts": 'import type { B } from "./b";\nexport { c } from "./c";',
      "b.ts": 'const d = require("./d");',
      "c.ts": 'export const load = () => import("./a");',
      "d.ts": 'import { z } from "zod";',
    });
    expect(graph.get("a.ts")).toEqual(["b.ts", "c.ts"]);
    expect(graph.get("b.ts")).toEqual(["d.ts"]);
    expect(graph.get("c.ts")).toEqual(["a.ts"]);
    expect(graph.get("d.ts")).toEqual([]);
    expect(findCycles(graph).map((cycle) => cycle.loop)).toEqual([["a.ts", "c.ts", "a.ts"]]);
  });

  test("reports one cycle per group of modules that reach each other, with the shortest loop as the example", () => {
    const graph: ImportGraph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts", "a.ts"]],
      ["c.ts", ["a.ts"]],
      ["x.ts", ["x.ts"]],
      ["y.ts", ["a.ts"]],
    ]);
    expect(findCycles(graph)).toEqual([
      { modules: ["a.ts", "b.ts", "c.ts"], loop: ["a.ts", "b.ts", "a.ts"] },
      { modules: ["x.ts"], loop: ["x.ts", "x.ts"] },
    ]);
  });

  test("a graph that only flows one way has no cycle", () => {
    const graph: ImportGraph = new Map([
      ["main.ts", ["src/app.ts", "src/config/index.ts"]],
      ["src/app.ts", ["src/config/index.ts"]],
      ["src/config/index.ts", []],
    ]);
    expect(findCycles(graph)).toEqual([]);
  });
});
