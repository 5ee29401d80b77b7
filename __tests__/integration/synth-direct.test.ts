import { spawnSync } from "child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "fs";
import { tmpdir } from "os";
import { join, relative } from "path";

// npm run synth runs the app in its own process without the cdktf CLI (scripts/synth-direct.mjs);
// what it writes must be what `cdktf synth` writes, file for file and byte for byte.

const ROOT = join(__dirname, "..", "..");
const env = { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", AUTH_ENV: "" };

/** Every file under `dir`, by relative path, with its bytes. */
function files(dir: string): Record<string, Buffer> {
  const walk = (path: string): string[] =>
    statSync(path).isDirectory() ? readdirSync(path).flatMap((name) => walk(join(path, name))) : [path];
  return Object.fromEntries(walk(dir).map((path) => [relative(dir, path), readFileSync(path)]));
}

function synth(command: string[], extra: string[]) {
  const outdir = join(mkdtempSync(join(tmpdir(), "synth-direct-")), "out");
  const run = spawnSync(command[0], [...command.slice(1), "--output", outdir, ...extra], {
    cwd: ROOT,
    env,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`${command.join(" ")} failed: ${run.stderr}`);
  return { files: files(outdir), stdout: run.stdout };
}

describe("npm run synth writes exactly what cdktf synth writes", () => {
  test.each([
    ["Terraform JSON", []],
    ["HCL (--hcl)", ["--hcl"]],
  ])(
    "%s: the same files with the same bytes",
    (_, extra) => {
      const direct = synth([process.execPath, join("scripts", "cdktf.mjs"), "synth"], extra);
      const cli = synth([join("node_modules", ".bin", "cdktf"), "synth"], extra);
      expect(Object.keys(direct.files).sort()).toEqual(Object.keys(cli.files).sort());
      expect(Object.keys(direct.files)).toContain("manifest.json");
      const differing = Object.keys(cli.files).filter((path) => !cli.files[path].equals(direct.files[path]));
      expect(differing).toEqual([]);
      expect(direct.stdout).toContain("Generated Terraform code for the stacks: auth-production-app,");
    },
    300_000,
  );
});
