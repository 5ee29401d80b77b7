import { existsSync, readFileSync, statSync } from "fs";
import { dirname, join, normalize } from "path";
import { anchorsOf, linkTargets, markdownFiles } from "./support/markdown";

const root = join(__dirname, "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");
const documents = ["README.md", ...markdownFiles("docs")];

/** Why a relative link of a document does not resolve, or undefined when it does. */
function problem(document: string, target: string): string | undefined {
  const [path, anchor] = target.split("#", 2) as [string, string | undefined];
  const file = path === "" ? document : normalize(join(dirname(document), decodeURIComponent(path)));
  if (file.startsWith("..")) return `${target} leaves the repository`;
  if (!existsSync(join(root, file))) return `${target}: no file ${file}`;
  if (anchor === undefined || !file.endsWith(".md") || statSync(join(root, file)).isDirectory()) return undefined;
  return anchorsOf(read(file)).has(anchor) ? undefined : `${target}: ${file} has no heading #${anchor}`;
}

describe("every relative link of README.md and docs/ resolves, file and anchor", () => {
  test("the link check sees the documents and their links (not vacuous)", () => {
    expect(documents.length).toBeGreaterThan(20);
    expect(documents.flatMap((document) => linkTargets(read(document))).length).toBeGreaterThan(50);
    expect(problem("README.md", "docs/no-such-page.md")).toMatch(/no file/);
    expect(problem("README.md", "#no-such-heading")).toMatch(/has no heading/);
  });

  test.each(documents)("%s", (document) => {
    const broken = linkTargets(read(document))
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
      .map((target) => problem(document, target))
      .filter((message) => message !== undefined);
    expect(broken).toEqual([]);
  });
});

describe("every page is findable from the front door", () => {
  test("README.md links every page of docs/, directly or through pages it links", () => {
    const reached = new Set<string>(["README.md"]);
    const queue = ["README.md"];
    while (queue.length > 0) {
      const document = queue.shift()!;
      for (const target of linkTargets(read(document))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const path = target.split("#")[0];
        const file = path === "" ? document : normalize(join(dirname(document), decodeURIComponent(path)));
        if (file.endsWith(".md") && existsSync(join(root, file)) && !reached.has(file)) {
          reached.add(file);
          queue.push(file);
        }
      }
    }
    expect(documents.filter((document) => !reached.has(document))).toEqual([]);
  });
});
