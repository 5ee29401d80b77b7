import { readdirSync, readFileSync, statSync } from "fs";
import { join, relative } from "path";

const ROOT = join(__dirname, "..");

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}
const files = [...sources(join(ROOT, "src")), ...sources(join(ROOT, "scripts"))].map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, "utf8") }));
const definingFiles = (pattern: RegExp) => files.filter(({ text }) => pattern.test(text)).map(({ path }) => path);

describe("one home per release fact: a copy that reappears fails here", () => {
  test("the Colour type and the colour list: src/release/release-state.ts", () => {
    expect(definingFiles(/type Colour\b|["']blue["'],\s*["']green["']/)).toEqual(["src/release/release-state.ts"]);
  });

  test("the idle-colour rule: src/release/release-state.ts (the app stack renders it from there)", () => {
    expect(definingFiles(/greenTrafficPercent\s*<=?\s*\d|green_traffic_percent\s*<=?\s*\d/)).toEqual(["src/release/release-state.ts"]);
  });

  test("stack names: only stackName() in src/stacks/auth-stack.ts builds them; no file spells one out", () => {
    expect(definingFiles(/auth-\$\{[^}]+\}-(bootstrap|security|registry|network|data|app)\b/)).toEqual([]);
    expect(definingFiles(/`auth-\$\{environment\}-\$\{layer\}`/)).toEqual(["src/stacks/auth-stack.ts"]);
  });

  test("the layer list: LAYERS in src/stacks/auth-stack.ts", () => {
    expect(definingFiles(/["']bootstrap["'],\s*["'](security|registry|network)["']/)).toEqual(["src/stacks/auth-stack.ts"]);
  });

  test("target-group alarm names: src/constructs/monitoring/alarm-names.ts; nobody assembles one by hand", () => {
    expect(definingFiles(/\}-(5xx-rate|p99-latency|unhealthy-hosts)\b/)).toEqual([]);
    expect(definingFiles(/TARGET_GROUP_ALARMS = /)).toEqual(["src/constructs/monitoring/alarm-names.ts"]);
  });
});
