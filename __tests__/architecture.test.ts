import { join } from "path";
import { importGraph, ImportGraph, sourceFiles } from "../scripts/import-cycles/graph";
import { ROOMS, roomOf, roomViolations, STACK_LAYERS } from "../scripts/import-cycles/rooms";
import { ALL_LAYERS } from "../src/config/naming";

// The rooms of src/ (docs/explanation/architecture.md): every arrow points down the house.

const ROOT = join(__dirname, "..");

describe("the rooms of src/ and what may import what", () => {
  const graph = importGraph(ROOT, sourceFiles(ROOT, ["src"]));

  test("every file of src/ lives in a room, and no import breaks the plan", () => {
    expect([...graph.keys()].filter((file) => roomOf(file) === undefined)).toEqual([]);
    expect(roomViolations(graph)).toEqual([]);
  });

  test("the stack folders are the layers, in deploy order (the DR layers in dr/, after the primary's)", () => {
    const primary = ALL_LAYERS.filter((layer) => !layer.startsWith("dr-"));
    expect(STACK_LAYERS.filter((layer) => layer !== "dr")).toEqual(
      primary.filter((layer) => (STACK_LAYERS as readonly string[]).includes(layer)),
    );
    expect(primary.every((layer) => (STACK_LAYERS as readonly string[]).includes(layer))).toBe(true);
    for (const layer of STACK_LAYERS)
      expect(graph.has(`src/stacks/${layer}/${layer === "dr" ? "dr-network" : layer}-stack.ts`)).toBe(true);
  });

  test("an import up the house fails, naming the file, the import and the rule", () => {
    const upward: ImportGraph = new Map([
      ["src/config/schema/schema.ts", ["src/stacks/app/app-stack.ts"]],
      ["src/stacks/network/network-stack.ts", ["src/stacks/data/data-handover.ts"]],
      ["src/constructs/data/redis-cache.ts", ["src/stacks/shared/base-stack.ts"]],
    ]);
    expect(roomViolations(upward)).toEqual([
      {
        file: "src/config/schema/schema.ts",
        imports: "src/stacks/app/app-stack.ts",
        rule: expect.stringMatching(/^src\/config may import nothing else, not src\/stacks\/app$/),
      },
      {
        file: "src/stacks/network/network-stack.ts",
        imports: "src/stacks/data/data-handover.ts",
        rule: expect.stringMatching(/^src\/stacks\/network may import .*, not src\/stacks\/data$/),
      },
      {
        file: "src/constructs/data/redis-cache.ts",
        imports: "src/stacks/shared/base-stack.ts",
        rule: expect.stringMatching(/not src\/stacks\/shared$/),
      },
    ]);
  });

  test("a stack may read the handovers of layers before it, and a new file outside every room is reported", () => {
    const graphOf: ImportGraph = new Map([
      [
        "src/stacks/data/data-stack.ts",
        ["src/stacks/network/network-handover.ts", "src/stacks/shared/handover.ts", "src/config/naming.ts"],
      ],
      ["src/stray.ts", []],
    ]);
    expect(roomViolations(graphOf)).toEqual([
      { file: "src/stray.ts", imports: "", rule: expect.stringContaining("is in no room") },
    ]);
  });

  test("rooms are listed from the foundations up: a room imports only rooms listed before it", () => {
    ROOMS.forEach((room, index) => {
      const earlier = ROOMS.slice(0, index).map((candidate) => candidate.path);
      for (const allowed of room.mayImport) {
        const below = earlier.some(
          (path) => path === allowed || path.startsWith(`${allowed}/`) || allowed === "src" || allowed === "src/stacks",
        );
        expect([room.path, allowed, below]).toEqual([room.path, allowed, true]);
      }
    });
  });
});
