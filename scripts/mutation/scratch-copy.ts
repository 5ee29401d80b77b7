/**
 * A throwaway copy of the working tree (tracked and untracked files git does not ignore), with
 * node_modules hard-linked rather than copied: seconds, and no npm install. The mutation and
 * add-an-environment proofs change config there and run the repository's own checks on it.
 */
import { execFileSync, spawnSync } from "child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";

export interface ScratchCopy {
  readonly dir: string;
  /** Runs a command in the copy; the environment is the caller's without jest's and cdktf's run-specific variables. */
  run(
    command: string,
    args: readonly string[],
    env?: NodeJS.ProcessEnv,
  ): { readonly status: number; readonly output: string };
  remove(): void;
}

/** Variables that would make a child behave as part of this run rather than as a fresh one in the copy. */
const RUN_SPECIFIC = /^(JEST_|AUTH_ENV$|AUTH_DR_|CDKTF_OUTDIR$|CDKTF_CONTEXT_JSON$|NODE_OPTIONS$)/;

export function scratchCopy(root: string, prefix = "scratch-copy-"): ScratchCopy {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
  })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    // A file deleted in the working tree but still in the index is not part of the tree under test.
    try {
      cpSync(join(root, file), join(dir, file), { preserveTimestamps: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  execFileSync("cp", ["-al", join(root, "node_modules"), join(dir, "node_modules")]);
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !RUN_SPECIFIC.test(name)));
  return {
    dir,
    run(command, args, env = {}) {
      const result = spawnSync(command, args, {
        cwd: dir,
        env: { ...base, CHECKPOINT_DISABLE: "1", ...env },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      });
      return {
        status: result.status ?? 1,
        output: `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}`,
      };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
