/**
 * The project's own import graph and its cycles. Every import counts, `import type` included: a
 * type-only cycle is the same layering mistake as a value cycle, only one the runtime forgives
 * (eslint-plugin-import-x's no-cycle skips type imports, and costs seconds; this is one scan).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "fs";
import { dirname, join, relative } from "path";
import * as ts from "typescript";

/** Module → the project modules it imports (relative specifiers only; packages are outside the graph). */
export type ImportGraph = Map<string, string[]>;

const SOURCE = /\.(ts|js|mjs|cjs)$/;
const SKIPPED_DIRECTORIES = new Set(["node_modules", "dist", "cdktf.out", "coverage", "templates"]);

/** Source files under the given roots (files or directories), skipping build output and dot folders. */
export function sourceFiles(root: string, entries: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) {
        if (!name.startsWith(".") && !SKIPPED_DIRECTORIES.has(name)) walk(join(path, name));
      }
    } else if (SOURCE.test(path) && !path.endsWith(".d.ts")) {
      found.push(relative(root, path));
    }
  };
  for (const entry of entries) if (existsSync(join(root, entry))) walk(join(root, entry));
  return found;
}

/** Resolves a relative specifier to one of the scanned modules, the way Node and TypeScript do here (no path aliases). */
function resolveSpecifier(modules: ReadonlySet<string>, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const base = join(dirname(from), specifier);
  const candidates = [
    base,
    ...[".ts", ".js", ".mjs", ".cjs"].map((ext) => base + ext),
    join(base, "index.ts"),
    join(base, "index.js"),
  ];
  return candidates.find((candidate) => modules.has(candidate));
}

/** The imports of each file: import and export declarations (type-only too), require() and import(). */
export function importGraph(
  root: string,
  files: readonly string[],
  read = (file: string) => readFileSync(join(root, file), "utf8"),
): ImportGraph {
  const graph: ImportGraph = new Map();
  const modules = new Set(files);
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(read(file), true, true);
    const targets = importedFiles
      .map((imported) => resolveSpecifier(modules, file, imported.fileName))
      .filter((target): target is string => target !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Modules that import each other, directly or through one another, and one loop among them as an example. */
export interface ImportCycle {
  /** Every module in the cycle (a strongly connected component), sorted. */
  readonly modules: string[];
  /** A shortest loop from the first module back to itself, e.g. ["a.ts", "b.ts", "a.ts"]. */
  readonly loop: string[];
}

/** Every cycle, one per strongly connected component (Tarjan); a module importing itself is a cycle of one. Sorted, so output is stable. */
export function findCycles(graph: ImportGraph): ImportCycle[] {
  let counter = 0;
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const connect = (node: string): void => {
    index.set(node, counter);
    lowLink.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(next)!));
      } else if (onStack.has(next)) {
        lowLink.set(node, Math.min(lowLink.get(node)!, index.get(next)!));
      }
    }
    if (lowLink.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return components
    .map((component) => ({ modules: component.sort(), loop: loopThrough(graph, new Set(component)) }))
    .sort((a, b) => a.modules[0].localeCompare(b.modules[0]));
}

/** A shortest loop from the component's first module (alphabetically) back to itself, inside the component. */
function loopThrough(graph: ImportGraph, component: Set<string>): string[] {
  const start = [...component].sort()[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const loop = [start];
        for (let at: string | undefined = node; at !== start && at !== undefined; at = previous.get(at))
          loop.splice(1, 0, at);
        return [...loop, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}
