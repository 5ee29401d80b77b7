import { existsSync } from "fs";
import { dirname, join } from "path";

/**
 * The directory holding cdktf.json, found from the working directory up, as cdktf itself
 * resolves asset paths. (Not __dirname: the app runs from a bundle in dist/.)
 */
export function projectRoot(start = process.cwd()): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "cdktf.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no cdktf.json in ${start} or above`);
  }
}
