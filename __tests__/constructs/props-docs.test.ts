import { readdirSync, readFileSync, statSync } from "fs";
import { join, relative } from "path";

const ROOT = join(__dirname, "..", "..");
const sources = (directory: string): string[] =>
  readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });

/**
 * Every member of every exported *Props interface under src/constructs, with the JSDoc right above
 * it. Read as text (the project's layout: members indented two spaces, one per line), which is
 * much cheaper than loading the TypeScript compiler into the unit suite.
 */
const members = sources(join(ROOT, "src", "constructs")).flatMap((path) => {
  const text = readFileSync(path, "utf8");
  return [...text.matchAll(/^export interface (\w+Props)\b[^{]*\{\n([\s\S]*?)^\}/gm)].flatMap(([, name, body]) => {
    const lines = body.split("\n");
    return lines.flatMap((line, index) => {
      const member = /^ {2}readonly (\w+)(\??):/.exec(line);
      if (!member) return [];
      let start = index - 1;
      if (lines[start]?.trim().endsWith("*/")) while (start > 0 && !lines[start].trim().startsWith("/**")) start--;
      const doc = lines[index - 1]?.trim().endsWith("*/") ? lines.slice(start, index).join(" ") : "";
      return [{ name: `${relative(ROOT, path)} ${name}.${member[1]}`, optional: member[2] === "?", doc }];
    });
  });
});

describe("construct props say what they are (one line each) and what an unset optional one means", () => {
  test("there are props to check", () => {
    expect(members.length).toBeGreaterThan(200);
  });

  test("every prop has a description", () => {
    const undocumented = members
      .filter(
        ({ doc }) =>
          doc
            .replace(/\/\*\*|\*\/|\*/g, "")
            .replace(/@default[\s\S]*/, "")
            .trim() === "",
      )
      .map(({ name }) => name);
    expect(undocumented).toEqual([]);
  });

  test("every optional prop names its @default", () => {
    expect(members.filter(({ optional, doc }) => optional && !/@default/.test(doc)).map(({ name }) => name)).toEqual(
      [],
    );
  });
});
