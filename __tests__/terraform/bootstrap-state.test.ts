import { execFile, spawnSync } from "child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { promisify } from "util";
import { migrateLocalState } from "../../scripts/bootstrap-state/migrate";
import { UsageError } from "../../scripts/cli/command-line";
import { missingToolchain, offlineEnvironment, TERRAFORM } from "../../scripts/terraform-proof/terraform";
import { buildApp } from "../../src/app";

const missing = missingToolchain();
if (missing && process.env.CI === "true") throw new Error(`bootstrap state tests need Terraform: ${missing}`);

/** What the bootstrap stack's first apply leaves in its local state file (shape of Terraform's v4 state). */
function firstApplyState(lineage: string) {
  const instance = (id: string) => ({ schema_version: 0, attributes: { id } });
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 3,
    lineage,
    outputs: { state_bucket: { value: "auth-staging-tfstate", type: "string" } },
    resources: [
      {
        mode: "managed",
        type: "aws_s3_bucket",
        name: "state",
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [instance("auth-staging-tfstate")],
      },
      {
        mode: "managed",
        type: "aws_kms_key",
        name: "state",
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [instance("1234abcd-12ab-34cd-56ef-1234567890ab")],
      },
    ],
    check_results: null,
  };
}

(missing ? describe.skip : describe)(
  "bootstrap state: the first apply's local state survives synths and moves into the bucket",
  () => {
    const root = mkdtempSync(join(tmpdir(), "bootstrap-state-"));
    const outdir = join(root, "cdktf.out");
    const localStateFolder = join(root, ".bootstrap-state");
    const localFile = join(localStateFolder, "auth-staging-bootstrap.tfstate");

    test("the local state file lies outside the synth output", () => {
      buildApp({ outdir, environment: "staging", bootstrapLocalState: true, localStateFolder }).synth();
      const stack = JSON.parse(readFileSync(join(outdir, "stacks", "auth-staging-bootstrap", "cdk.tf.json"), "utf8"));
      expect(stack.terraform.backend).toEqual({ local: { path: localFile } });
      expect(localFile.startsWith(outdir)).toBe(false);
    });

    test("a cdktf synth of the other environment deletes staging's stack folders but not its local state", () => {
      mkdirSync(localStateFolder, { recursive: true });
      writeFileSync(localFile, JSON.stringify(firstApplyState("first-apply")));
      const before = readFileSync(localFile, "utf8");
      const synth = spawnSync(
        process.execPath,
        [join("scripts", "cdktf.mjs"), "synth", "--env", "production", "--output", outdir],
        { encoding: "utf8" },
      );
      expect(synth.status).toBe(0);
      expect(existsSync(join(outdir, "stacks", "auth-staging-bootstrap"))).toBe(false); // cdktf removed the orphaned folder...
      expect(existsSync(join(outdir, "stacks", "auth-production-bootstrap"))).toBe(true);
      expect(readFileSync(localFile, "utf8")).toBe(before); // ...and the state is still there.
    }, 60_000);

    describe("migration with the real Terraform (a local file stands in for the S3 bucket)", () => {
      const bucketState = join(root, "bucket", "auth-staging-bootstrap.tfstate");
      let stackDir: string;
      let terraform: (...args: string[]) => Promise<string>;
      const log: string[] = [];

      beforeAll(() => {
        const s3Outdir = join(root, "cdktf.out-s3");
        buildApp({ outdir: s3Outdir, environment: "staging" }).synth();
        stackDir = join(root, "work");
        cpSync(join(s3Outdir, "stacks", "auth-staging-bootstrap"), stackDir, { recursive: true });
        writeFileSync(
          join(stackDir, "backend_override.tf.json"),
          JSON.stringify({ terraform: { backend: { local: { path: bucketState } } } }),
        );
        const env = offlineEnvironment(join(root, "terraform.rc"));
        terraform = async (...args) => (await promisify(execFile)(TERRAFORM, args, { cwd: stackDir, env })).stdout;
      });

      test("pushes every resource into the bucket and keeps the local file as *.migrated", async () => {
        const outcome = await migrateLocalState(localFile, terraform, (line) => log.push(line));
        expect(outcome).toEqual({ kind: "migrated", resources: 2, keptAs: `${localFile}.migrated` });
        const pushed = JSON.parse(readFileSync(bucketState, "utf8"));
        expect(pushed.lineage).toBe("first-apply");
        expect(pushed.resources.map((resource: any) => resource.type).sort()).toEqual(["aws_kms_key", "aws_s3_bucket"]);
        expect(existsSync(localFile)).toBe(false);
        expect(log).toEqual([
          "terraform init (backend: the state bucket)",
          "terraform state push (2 resources, lineage first-apply)",
        ]);
      }, 120_000);

      test("a second run finds nothing to migrate (usage error, exit 2)", async () => {
        await expect(migrateLocalState(localFile, terraform, () => undefined)).rejects.toThrow(UsageError);
      });

      test("refuses to overwrite a different state already in the bucket", async () => {
        writeFileSync(localFile, JSON.stringify(firstApplyState("another-apply")));
        const outcome = await migrateLocalState(localFile, terraform, () => undefined);
        expect(outcome).toMatchObject({ kind: "refused", reason: expect.stringContaining("different state") });
        expect(existsSync(localFile)).toBe(true);
        expect(JSON.parse(readFileSync(bucketState, "utf8")).lineage).toBe("first-apply");
      }, 120_000);
    });
  },
);
