/**
 * The rooms of src/ and what each may import: the plan docs/explanation/architecture.md shows (its
 * table is generated from ROOMS) and `npm run lint` enforces. Rooms are listed from the foundations
 * up; a room may import only the rooms it names, so every arrow points down the house and a new one
 * that points up fails lint, naming the file, the import and the rule.
 */
import { LAYERS } from "../../src/config/naming";
import type { ImportGraph } from "./graph";

export interface Room {
  /** Folder or file under src/, without a trailing slash. */
  readonly path: string;
  /** What lives here, in one line. */
  readonly holds: string;
  /** Rooms (paths of this list) its files may import, besides its own. */
  readonly mayImport: readonly string[];
}

const FOUNDATIONS = ["src/config", "src/project-root.ts"];
const MODELS = ["src/release", "src/iam", "src/cost", "src/compliance"];

/** The layers' stack folders in deploy order, the DR site's last: a stack reads only the handovers of layers before it. */
export const STACK_LAYERS = [...LAYERS, "dr"] as const;

const stackRooms: Room[] = STACK_LAYERS.map((layer, index) => ({
  path: `src/stacks/${layer}`,
  holds: `the ${layer === "dr" ? "DR pilot light and restore" : layer} stacks, with the handovers they publish`,
  mayImport: [
    "src/stacks/shared",
    "src/constructs",
    ...MODELS,
    ...FOUNDATIONS,
    ...STACK_LAYERS.slice(0, index).map((earlier) => `src/stacks/${earlier}`),
  ],
}));

export const ROOMS: readonly Room[] = [
  { path: "src/project-root.ts", holds: "where the repository is, for files the constructs package", mayImport: [] },
  {
    path: "src/config",
    holds:
      "the typed config (schema/, environments/, rules/), the restore-mode switches, and naming.ts: every name derived from it",
    mayImport: [],
  },
  {
    path: "src/release",
    holds: "the release state's model and store, shared by the app stack and the release tool",
    mayImport: FOUNDATIONS,
  },
  {
    path: "src/iam",
    holds: "the derived CI policies and the workload boundary, from the action map",
    mayImport: [...FOUNDATIONS, "src/release"],
  },
  { path: "src/cost", holds: "the price catalogue and the estimate of a synth or a plan", mayImport: FOUNDATIONS },
  {
    path: "src/compliance",
    holds: "the compliance pack: rules over the synthesized JSON, suppressions",
    mayImport: [...FOUNDATIONS, "src/iam"],
  },
  {
    path: "src/constructs",
    holds: "one construct per concern, by area (compute, data, edge, monitoring, ...)",
    mayImport: [...MODELS, ...FOUNDATIONS],
  },
  {
    path: "src/stacks/shared",
    holds: "what every stack is built on: the base stack, handover contracts, forgetting, deploy order",
    mayImport: ["src/constructs", ...MODELS, ...FOUNDATIONS],
  },
  ...stackRooms,
  {
    path: "src/stacks/handovers.ts",
    holds: "the list of every layer's handover, for docs and tests",
    mayImport: ["src/stacks", ...FOUNDATIONS],
  },
  {
    path: "src/hcl-output.ts",
    holds: "the HCL rendering of the synthesized JSON (synth --hcl)",
    mayImport: FOUNDATIONS,
  },
  { path: "src/app.ts", holds: "the app: every environment's stacks, in deploy order", mayImport: ["src"] },
];

/** The room a file belongs to: the longest room path that contains it. */
export function roomOf(file: string, rooms: readonly Room[] = ROOMS): Room | undefined {
  return rooms
    .filter((room) => file === room.path || file.startsWith(`${room.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

const inside = (file: string, path: string) => file === path || file.startsWith(`${path}/`);

/** One import that breaks the plan. */
export interface RoomViolation {
  readonly file: string;
  readonly imports: string;
  readonly rule: string;
}

/** Every import among src/ files that leaves its room for one the room may not import; files outside src/ are not rooms. */
export function roomViolations(graph: ImportGraph, rooms: readonly Room[] = ROOMS): RoomViolation[] {
  const violations: RoomViolation[] = [];
  for (const [file, targets] of graph) {
    if (!file.startsWith("src/")) continue;
    const room = roomOf(file, rooms);
    if (!room) {
      violations.push({ file, imports: "", rule: "is in no room: add it to a room of scripts/import-cycles/rooms.ts" });
      continue;
    }
    for (const target of targets) {
      if (!target.startsWith("src/") || inside(target, room.path)) continue;
      if (room.mayImport.some((allowed) => inside(target, allowed))) continue;
      const targetRoom = roomOf(target, rooms)?.path ?? target;
      violations.push({
        file,
        imports: target,
        rule: `${room.path} may import ${room.mayImport.length ? room.mayImport.join(", ") : "nothing else"}, not ${targetRoom}`,
      });
    }
  }
  return violations;
}

/** The rooms as a markdown table for docs/explanation/architecture.md. */
export function roomsTable(rooms: readonly Room[] = ROOMS): string {
  return [
    "| room | holds | may import |",
    "|---|---|---|",
    ...rooms.map(
      (room) =>
        `| \`${room.path}\` | ${room.holds} | ${room.mayImport.length ? room.mayImport.map((path) => `\`${path}\``).join(", ") : "nothing of src/"} |`,
    ),
  ].join("\n");
}
