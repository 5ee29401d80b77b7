import { readdirSync, statSync } from "fs";
import { join, relative } from "path";
import { headingAnchor } from "../../src/constructs/monitoring/runbooks";

const root = join(__dirname, "..", "..");

/** Every Markdown file under a folder of the repository, as repository-relative paths. */
export function markdownFiles(folder: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : name.endsWith(".md") ? [relative(root, path)] : [];
    });
  return walk(join(root, folder)).sort();
}

/** The text outside fenced code blocks, with inline code blanked (links and headings there are examples). */
export function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[\s\S]*?^\1\s*$/gm, "").replace(/`[^`\n]*`/g, "``");
}

/** The anchors GitHub gives a document: one per heading (a repeated heading gets -1, -2, ...), and every <a id|name>. */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const match of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = headingAnchor(match[1].replace(/\[([^\]]*)\]\([^)]*\)/g, "$1"));
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const match of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1]);
  return anchors;
}

/** Every inline link target of a document's prose: [text](target) and <a href="target">. */
export function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  return [
    ...[...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]),
    ...[...text.matchAll(/<a\s+href="([^"]+)"/g)].map((match) => match[1]),
  ];
}
