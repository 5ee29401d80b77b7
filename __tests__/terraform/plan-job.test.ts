import { spawn } from "child_process";
import { createHash } from "crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runPlanJob, TerraformPort } from "../../scripts/plan-job/job";
import { terraformCli } from "../../scripts/plan-job/adapters";
import { DEFAULT_POLICY } from "../../scripts/plan-report/guard";
import { missingToolchain, offlineEnvironment, TERRAFORM } from "../../scripts/terraform-proof/terraform";

const FIXTURE = join(__dirname, "..", "fixtures", "plans", "sensitive-marker");
/** The fixture's secret values and its sensitive output all contain this. */
const MARKER = "MARKER-";
const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`plan job tests need Terraform: ${missing}`);

/** A copy of the fixture as a synthesized stack directory, its prior state as the stack's state. */
function stackDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "plan-job-stack-"));
  cpSync(join(FIXTURE, "main.tf.json"), join(dir, "main.tf.json"));
  cpSync(join(FIXTURE, "prior-state.json"), join(dir, "terraform.tfstate"));
  return dir;
}

/**
 * A stand-in `aws` CLI on PATH for `aws s3 cp FILE s3://BUCKET/KEY ...`: it records its arguments
 * and keeps the object in a local "bucket" directory, so the real adapter's command line is tested.
 */
function fakeAwsCli(): { bin: string; bucket: string; calls: string; terraformCalls: string } {
  const root = mkdtempSync(join(tmpdir(), "fake-aws-"));
  const bin = join(root, "bin");
  const bucket = join(root, "bucket");
  const calls = join(root, "calls.txt");
  mkdirSync(bin);
  mkdirSync(bucket);
  writeFileSync(
    join(bin, "aws"),
    `#!/bin/sh
echo "$@" >> "${calls}"
[ "$1 $2" = "s3 cp" ] || { echo "fake aws: only s3 cp is modelled" >&2; exit 2; }
case "$3" in
  s3://*) cp "${bucket}/\${3#s3://}" "$4" ;;
  *) key="\${4#s3://}"; mkdir -p "${bucket}/$(dirname "$key")"; cp "$3" "${bucket}/$key" ;;
esac
`,
  );
  chmodSync(join(bin, "aws"), 0o755);
  // The real terraform behind a wrapper that records each command line.
  writeFileSync(
    join(bin, "terraform"),
    `#!/bin/sh\necho "$@" >> "${join(root, "terraform-calls.txt")}"\nexec "${TERRAFORM}" "$@"\n`,
  );
  chmodSync(join(bin, "terraform"), 0o755);
  return { bin, bucket, calls, terraformCalls: join(root, "terraform-calls.txt") };
}

function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join("node_modules", "tsx", "dist", "cli.mjs"), join("scripts", "plan-job", "cli.ts"), ...args],
      { env },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );

(missing ? describe.skip : describe)(
  "the plan job keeps plans with secrets out of everything it writes and prints",
  () => {
    const aws = fakeAwsCli();
    const deploy = { dir: stackDir(), out: mkdtempSync(join(tmpdir(), "plan-job-out-")) };
    const pullRequest = { dir: stackDir(), out: mkdtempSync(join(tmpdir(), "plan-job-out-")) };
    const terraformArgs: string[][] = [];
    let cli: { status: number | null; stdout: string; stderr: string };

    beforeAll(async () => {
      const env = offlineEnvironment(join(deploy.dir, "terraform.rc"));
      // Both plans at once: the deploy plan through the CLI (real adapters, fake bucket), the pull
      // request plan through the core with a recording Terraform port.
      const real = terraformCli(TERRAFORM, env);
      const recording: TerraformPort = {
        ...real,
        plan: (dir, args) => (terraformArgs.push(args), real.plan(dir, args)),
      };
      [cli] = await Promise.all([
        runCli(
          [
            "--stack",
            "auth-staging-data",
            "--dir",
            deploy.dir,
            "--out-dir",
            deploy.out,
            "--lock-timeout",
            "10m",
            "--save-plan",
            "plans/run-7",
          ],
          { ...env, PATH: `${aws.bin}:${process.env.PATH}`, TERRAFORM_BINARY: join(aws.bin, "terraform") },
        ),
        runPlanJob(
          {
            stack: "auth-staging-data",
            stackDir: pullRequest.dir,
            outDir: pullRequest.out,
            lock: { kind: "none" },
            refresh: false,
            policy: DEFAULT_POLICY,
          },
          recording,
          { put: () => Promise.reject(new Error("a pull request plan is never stored")) },
        ),
      ]);
    }, 120_000);

    test("the fixture holds the marker and the plan was stored (so its absence below means something)", () => {
      const stored = filesUnder(aws.bucket);
      expect(stored).toHaveLength(1);
      expect(readFileSync(join(FIXTURE, "prior-state.json"), "utf8")).toContain(MARKER);
      expect(cli.status).toBe(0);
    });

    test("only the summary and the Markdown report are written, and neither holds the marker", () => {
      for (const run of [deploy, pullRequest]) {
        const files = filesUnder(run.out)
          .map((file) => file.slice(run.out.length + 1))
          .sort();
        expect(files).toEqual(["auth-staging-data.md", "auth-staging-data.summary.json"]);
        for (const file of files) expect(readFileSync(join(run.out, file), "utf8")).not.toContain(MARKER);
      }
    });

    test("nothing it prints holds the marker", () => {
      expect(cli.stdout).toContain("auth-staging-data: Plan: 1 to add, 1 to change, 1 to destroy.");
      expect(cli.stdout).toContain(
        "auth-staging-data: planned without refresh: refreshing aws_secretsmanager_secret_version reads secret values, which the plan role may not",
      );
      expect(cli.stdout + cli.stderr).not.toContain(MARKER);
    });

    test("no binary plan is left next to the stack or on the runner", () => {
      for (const run of [deploy, pullRequest]) {
        expect(readdirSync(run.dir).filter((name) => /plan/.test(name))).toEqual([]);
      }
    });

    test("the summary holds addresses, actions and masked diffs, and the checksum of the stored plan", () => {
      const summary = JSON.parse(readFileSync(join(deploy.out, "auth-staging-data.summary.json"), "utf8"));
      const [stored] = filesUnder(aws.bucket);
      expect(summary).toMatchObject({
        format: "auth-plan-summary",
        stack: "auth-staging-data",
        savedPlan: "s3://auth-staging-tfstate-111111111111/plans/run-7/auth-staging-data.tfplan",
        planSha256: createHash("sha256").update(readFileSync(stored)).digest("hex"),
        outputChanges: [{ name: "app_secret", action: "update" }],
      });
      const rule = summary.changes.find(
        (change: any) => change.address === "aws_vpc_security_group_ingress_rule.https",
      );
      expect(rule).toMatchObject({
        action: "update",
        attributes: [{ path: "cidr_ipv4", before: '"10.0.0.0/8"', after: '"0.0.0.0/0"' }],
      });
      const secret = summary.changes.find((change: any) => change.address === "aws_secretsmanager_secret_version.app");
      expect(secret.attributes).toContainEqual({
        path: "secret_string",
        before: "(sensitive value)",
        after: "(sensitive value)",
      });
    });

    test("the saved plan goes to the environment's state bucket, encrypted with the state key", () => {
      const calls = readFileSync(aws.calls, "utf8").trim().split("\n");
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatch(
        /^s3 cp \S+auth-staging-data\.tfplan s3:\/\/auth-staging-tfstate-111111111111\/plans\/run-7\/auth-staging-data\.tfplan /,
      );
      expect(calls[0]).toContain("--sse aws:kms --sse-kms-key-id alias/auth-staging-tfstate-111111111111-state");
      expect(
        existsSync(join(aws.bucket, "auth-staging-tfstate-111111111111", "plans", "run-7", "auth-staging-data.tfplan")),
      ).toBe(true);
    });

    test("pull request plans never take the state lock; deploy plans wait for it", () => {
      expect(terraformArgs).toHaveLength(1);
      expect(terraformArgs[0]).toContain("-lock=false");
      expect(terraformArgs[0]).not.toContainEqual(expect.stringMatching(/^-lock-timeout/));
      const deployPlan = readFileSync(aws.terraformCalls, "utf8")
        .split("\n")
        .find((line) => / plan /.test(` ${line} `))!;
      expect(deployPlan).toContain("-lock-timeout=10m");
      expect(deployPlan).not.toContain("-lock=false");
    });

    describe("the apply job applies exactly the approved plan", () => {
      /** scripts/guarded-apply.sh over the deploy run's summary, as the apply job runs it. */
      function guardedApply(): Promise<{ status: number | null; stdout: string }> {
        const stacks = mkdtempSync(join(tmpdir(), "stacks-"));
        cpSync(deploy.dir, join(stacks, "auth-staging-data"), { recursive: true });
        const env = {
          ...offlineEnvironment(join(stacks, "terraform.rc")),
          PATH: `${aws.bin}:${process.env.PATH}`,
          STACKS_DIR: stacks,
        };
        return new Promise((resolve) => {
          const child = spawn("bash", [join("scripts", "guarded-apply.sh"), deploy.out, "auth-staging-data"], { env });
          let stdout = "";
          child.stdout.on("data", (chunk) => (stdout += chunk));
          child.stderr.on("data", (chunk) => (stdout += chunk));
          child.on("close", (status) => resolve({ status, stdout }));
        });
      }
      const storedPlan = () =>
        join(aws.bucket, "auth-staging-tfstate-111111111111", "plans", "run-7", "auth-staging-data.tfplan");

      test("a plan that is not the approved one is refused before Terraform sees it", async () => {
        const original = readFileSync(storedPlan());
        writeFileSync(storedPlan(), Buffer.concat([original, Buffer.from("tampered")]));
        try {
          const result = await guardedApply();
          expect(result.status).toBe(1);
          expect(result.stdout).toContain(
            "::error::auth-staging-data: the saved plan is not the approved one (SHA-256 differs)",
          );
        } finally {
          writeFileSync(storedPlan(), original);
        }
      }, 60_000);

      test("when the state changed after approval, Terraform refuses the plan and the message says to plan again", async () => {
        // Another apply in between: same lineage, a newer serial.
        const statePath = join(deploy.dir, "terraform.tfstate");
        const state = JSON.parse(readFileSync(statePath, "utf8"));
        writeFileSync(statePath, JSON.stringify({ ...state, serial: state.serial + 1 }));
        const result = await guardedApply();
        expect(result.status).not.toBe(0);
        expect(result.stdout).toContain("Saved plan is stale");
        expect(result.stdout).toContain(
          "::error::auth-staging-data: the state changed after this plan was approved (another apply or a release ran in between), so Terraform refused the plan and applied nothing of it. Run the deploy workflow again",
        );
        expect(result.stdout).not.toContain(MARKER);
      }, 60_000);
    });
  },
);
