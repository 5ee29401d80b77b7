import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { contentKey } from "../scripts/terraform-proof/content-key";

/** A prepared stack directory as the proof writes it: the stack, its overrides, an asset. */
function stackDir(
  stack: object = { resource: { aws_sns_topic: { alerts: { name: "auth-staging-alerts" } } } },
): string {
  const dir = mkdtempSync(join(tmpdir(), "content-key-"));
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(stack));
  writeFileSync(
    join(dir, "backend_override.tf.json"),
    JSON.stringify({ terraform: { backend: { local: { path: "terraform.tfstate" } } } }),
  );
  mkdirSync(join(dir, "assets", "rotation"), { recursive: true });
  writeFileSync(join(dir, "assets", "rotation", "index.zip"), Buffer.from([0x50, 0x4b, 1, 2, 3]));
  return dir;
}

const COMMANDS = "init,plan,show -json";

describe("the proof's content key: a stack variant shares a run only with byte-identical input", () => {
  test("the same files in another folder (another variant's copy) share the key", () => {
    const plain = stackDir();
    const layout = join(mkdtempSync(join(tmpdir(), "content-key-layout-")), "auth-staging-app--organization-member");
    cpSync(plain, layout, { recursive: true });
    expect(contentKey(layout, COMMANDS)).toBe(contentKey(plain, COMMANDS));
  });

  test("one differing byte anywhere in the stack's files gives another key", () => {
    const plain = stackDir();
    const key = contentKey(plain, COMMANDS);
    expect(
      contentKey(stackDir({ resource: { aws_sns_topic: { alerts: { name: "auth-staging-alertz" } } } }), COMMANDS),
    ).not.toBe(key);
    const asset = stackDir();
    writeFileSync(join(asset, "assets", "rotation", "index.zip"), Buffer.from([0x50, 0x4b, 1, 2, 4]));
    expect(contentKey(asset, COMMANDS)).not.toBe(key);
    const extra = stackDir();
    writeFileSync(join(extra, "ephemeral_stand_ins.auto.tfvars.json"), "{}");
    expect(contentKey(extra, COMMANDS)).not.toBe(key);
  });

  test("a file moved to another name gives another key, though the bytes are the same", () => {
    const moved = stackDir();
    mkdirSync(join(moved, "assets", "other"));
    cpSync(join(moved, "assets", "rotation", "index.zip"), join(moved, "assets", "other", "index.zip"));
    const plain = stackDir();
    mkdirSync(join(plain, "assets", "other"));
    expect(contentKey(moved, COMMANDS)).not.toBe(contentKey(plain, COMMANDS));
  });

  test("other commands, other files written before the plan, or another upstream state give another key", () => {
    const dir = stackDir();
    const state = join(mkdtempSync(join(tmpdir(), "content-key-state-")), "network.tfstate");
    writeFileSync(state, JSON.stringify({ outputs: { vpc_id: { value: "vpc-1" } } }));
    const key = contentKey(dir, COMMANDS, [], [state]);
    expect(contentKey(dir, "init,validate,plan,show -json", [], [state])).not.toBe(key);
    expect(contentKey(dir, COMMANDS, [["proof_stand_ins.tf.json", "{}"]], [state])).not.toBe(key);
    writeFileSync(state, JSON.stringify({ outputs: { vpc_id: { value: "vpc-2" } } }));
    expect(contentKey(dir, COMMANDS, [], [state])).not.toBe(key);
  });

  test("Terraform's own working data is not input: an initialized copy keeps its key", () => {
    const dir = stackDir();
    const key = contentKey(dir, COMMANDS);
    mkdirSync(join(dir, ".terraform", "providers"), { recursive: true });
    writeFileSync(join(dir, ".terraform", "terraform.tfstate"), "{}");
    writeFileSync(join(dir, "plan.bin"), "plan");
    expect(contentKey(dir, COMMANDS)).toBe(key);
  });

  test("a configuration that reads its own path (path.module, abspath) shares a key only with itself", () => {
    const reads = { output: { here: { value: "${path.module}" } } };
    const first = stackDir(reads);
    const copy = join(mkdtempSync(join(tmpdir(), "content-key-copy-")), "copy");
    cpSync(first, copy, { recursive: true });
    expect(contentKey(copy, COMMANDS)).not.toBe(contentKey(first, COMMANDS));
    expect(contentKey(first, COMMANDS)).toBe(contentKey(first, COMMANDS));
  });
});
