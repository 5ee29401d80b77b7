/** The plan job's real ports: the terraform binary, and the state bucket through the AWS CLI. */
import { execFile } from "child_process";
import { promisify } from "util";
import type { PlanStorePort, TerraformPort } from "./job";

const run = promisify(execFile);

/**
 * Runs terraform quietly: its output stays in memory and only the "Plan:" line is returned. On a
 * failure Terraform's diagnostics (stderr; sensitive values are masked there by Terraform) go to
 * stderr, since they are what a user needs to fix the stack.
 */
export function terraformCli(binary = "terraform", env: NodeJS.ProcessEnv = process.env): TerraformPort {
  const terraform = async (dir: string, args: string[]) => {
    try {
      return (await run(binary, [`-chdir=${dir}`, ...args, "-no-color"], { env, maxBuffer: 256 * 1024 * 1024 })).stdout;
    } catch (error: any) {
      if (error.stderr) process.stderr.write(error.stderr);
      throw new Error(
        `terraform ${args[0]} failed in ${dir}${error.stderr ? " (its errors are above)" : `: ${error.message}`}`,
        { cause: error },
      );
    }
  };
  return {
    init: async (dir) => void (await terraform(dir, ["init", "-input=false"])),
    releaseSettings: async (dir) => {
      try {
        return JSON.parse(
          (await run(binary, [`-chdir=${dir}`, "output", "-json", "release_settings"], { env })).stdout,
        );
      } catch {
        return undefined; // no such output (not the app stack, or before its first deploy)
      }
    },
    plan: async (dir, args) =>
      /^(Plan: .*|No changes\..*)$/m.exec(await terraform(dir, ["plan", ...args]))?.[0] ?? "planned",
    showJson: (dir, planFile) => terraform(dir, ["show", "-json", planFile]),
  };
}

/** Saved plans in the environment's state bucket, SSE-KMS with the state key (the bucket's lifecycle rule expires them). */
export function stateBucketStore(bucket: string, region: string, kmsKeyId: string): PlanStorePort {
  return {
    put: async (localPath, key) => {
      const uri = `s3://${bucket}/${key}`;
      await run("aws", [
        "s3",
        "cp",
        localPath,
        uri,
        "--region",
        region,
        "--sse",
        "aws:kms",
        "--sse-kms-key-id",
        kmsKeyId,
        "--only-show-errors",
      ]);
      return uri;
    },
  };
}
