import { readdirSync, readFileSync, statSync } from "fs";
import { join, relative } from "path";
import * as ts from "typescript";

const ROOT = join(__dirname, "..", "..");
const sources = (directory: string): string[] =>
  readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });

/** Every member of every exported *Props interface under src/constructs, with its JSDoc text. */
const members = sources(join(ROOT, "src", "constructs")).flatMap((path) => {
  const file = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
  return file.statements
    .filter((statement): statement is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(statement) && statement.name.text.endsWith("Props"))
    .flatMap((declaration) =>
      declaration.members.filter(ts.isPropertySignature).map((member) => ({
        name: `${relative(ROOT, path)} ${declaration.name.text}.${member.name.getText(file)}`,
        optional: member.questionToken !== undefined,
        doc: ts.getJSDocCommentsAndTags(member).map((node) => node.getText(file)).join(" "),
      })),
    );
});

describe("construct props say what they are (one line each) and what an unset optional one means", () => {
  test("there are props to check", () => {
    expect(members.length).toBeGreaterThan(100);
  });

  test("every prop has a description", () => {
    const undocumented = members.filter(({ doc }) => doc.replace(/\/\*\*|\*\/|\*/g, "").replace(/@default[\s\S]*/, "").trim() === "").map(({ name }) => name);
    expect(undocumented).toEqual([]);
  });

  test("every optional prop names its @default", () => {
    expect(members.filter(({ optional, doc }) => optional && !/@default/.test(doc)).map(({ name }) => name)).toEqual([]);
  });
});
