/**
 * Compares two synthesized outputs (cdktf.out trees) the way a reviewer of a cdktf -> cdktn switch
 * needs: file by file, parsed as JSON where they are JSON, so formatting alone is not a difference,
 * and the one value that must change (the library version stamped into the output) reported apart.
 */

import { readFileSync, readdirSync, statSync } from "fs";
import { join, relative } from "path";

/** Read access to one synthesized output folder (the port; tests pass in-memory trees). */
export interface SynthTree {
  /** Paths of every file, relative to the folder, with forward slashes. */
  files(): string[];
  read(path: string): string;
}

export interface SynthComparison {
  /** Files in both trees that are equal byte for byte, the version stamps aside. */
  readonly same: string[];
  /** Version stamps that differ (`path: a -> b`); expected when the library changes. */
  readonly versionStamps: string[];
  /** Files equal as JSON (stamps aside) but not byte for byte: layout only. */
  readonly formattingOnly: string[];
  /** Real differences: missing files and differing values, one line each. */
  readonly differences: string[];
}

/** A synthesized output folder on disk. */
export function folderTree(folder: string): SynthTree {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) =>
      statSync(join(dir, name)).isDirectory()
        ? files(join(dir, name))
        : [relative(folder, join(dir, name)).split("\\").join("/")],
    );
  return { files: () => files(folder), read: (path) => readFileSync(join(folder, path), "utf8") };
}

/** Where the library writes its own version: cdk.tf.json's `//.metadata.version`, manifest.json's `version`. */
function isVersionStamp(file: string, path: string): boolean {
  return (
    (file.endsWith("cdk.tf.json") && path === "//.metadata.version") || (file === "manifest.json" && path === "version")
  );
}

interface Stamp {
  readonly line: string;
  readonly before: string;
  readonly after: string;
}

function walk(file: string, left: unknown, right: unknown, path: string, stamps: Stamp[], differences: string[]): void {
  if (JSON.stringify(left) === JSON.stringify(right)) return;
  const bothObjects =
    typeof left === "object" &&
    typeof right === "object" &&
    left !== null &&
    right !== null &&
    Array.isArray(left) === Array.isArray(right);
  if (!bothObjects) {
    const [before, after] = [JSON.stringify(left), JSON.stringify(right)];
    const line = `${file}: ${path || "."}: ${before} -> ${after}`;
    if (isVersionStamp(file, path)) stamps.push({ line, before, after });
    else differences.push(line);
    return;
  }
  for (const key of [...new Set([...Object.keys(left as object), ...Object.keys(right as object)])].sort()) {
    walk(file, (left as any)[key], (right as any)[key], path ? `${path}.${key}` : key, stamps, differences);
  }
}

export function compareSynthOutputs(before: SynthTree, after: SynthTree): SynthComparison {
  const same: string[] = [];
  const versionStamps: string[] = [];
  const formattingOnly: string[] = [];
  const differences: string[] = [];
  const afterFiles = new Set(after.files());
  const beforeFiles = before.files();
  for (const file of beforeFiles.filter((candidate) => !afterFiles.has(candidate)))
    differences.push(`${file}: only in the first output`);
  for (const file of [...afterFiles].filter((candidate) => !beforeFiles.includes(candidate)))
    differences.push(`${file}: only in the second output`);
  for (const file of beforeFiles.filter((candidate) => afterFiles.has(candidate)).sort()) {
    const [left, right] = [before.read(file), after.read(file)];
    if (!file.endsWith(".json")) {
      if (left !== right) differences.push(`${file}: content differs`);
      else same.push(file);
      continue;
    }
    const found = differences.length;
    const stamps: Stamp[] = [];
    walk(file, JSON.parse(left), JSON.parse(right), "", stamps, differences);
    versionStamps.push(...stamps.map((stamp) => stamp.line));
    if (differences.length > found) continue;
    // With the stamps put back, any remaining text difference is layout only.
    const restamped = stamps.reduce((text, stamp) => text.split(stamp.after).join(stamp.before), right);
    (restamped === left ? same : formattingOnly).push(file);
  }
  return { same, versionStamps, formattingOnly, differences };
}
