import { SynthTree, compareSynthOutputs } from "../scripts/cdktn/synth-diff";

const tree = (files: Record<string, string>): SynthTree => ({
  files: () => Object.keys(files),
  read: (path) => files[path],
});
const stack = (version: string, body: object, indent = 2) =>
  JSON.stringify({ "//": { metadata: { version, stackName: "s" } }, ...body }, null, indent);

describe("cdktn switch: comparing cdktf's synthesized output with cdktn's", () => {
  test("the same Terraform under another library version: only the version stamps change", () => {
    const result = compareSynthOutputs(
      tree({
        "manifest.json": '{"version": "0.21.0"}',
        "stacks/s/cdk.tf.json": stack("0.21.0", { resource: { a: { b: { x: 1 } } } }),
      }),
      tree({
        "manifest.json": '{"version": "0.24.0"}',
        "stacks/s/cdk.tf.json": stack("0.24.0", { resource: { a: { b: { x: 1 } } } }),
      }),
    );
    expect(result.differences).toEqual([]);
    expect(result.versionStamps).toEqual([
      'manifest.json: version: "0.21.0" -> "0.24.0"',
      'stacks/s/cdk.tf.json: //.metadata.version: "0.21.0" -> "0.24.0"',
    ]);
    expect(result.same.sort()).toEqual(["manifest.json", "stacks/s/cdk.tf.json"]);
  });

  test("layout alone (cdktn writes {} where cdktf wrote an empty block over two lines) is not a difference, but is reported", () => {
    const result = compareSynthOutputs(
      tree({ "a.json": '{\n  "x": {\n  }\n}' }),
      tree({ "a.json": '{\n  "x": {}\n}' }),
    );
    expect(result).toMatchObject({ differences: [], formattingOnly: ["a.json"] });
  });

  test("a changed value, a missing file and a changed asset are each named", () => {
    const result = compareSynthOutputs(
      tree({
        "stacks/s/cdk.tf.json": stack("0.21.0", { resource: { a: { b: { x: 1 } } } }),
        "stacks/s/assets/f.sh": "echo 1",
        "only-before.json": "{}",
      }),
      tree({
        "stacks/s/cdk.tf.json": stack("0.24.0", { resource: { a: { b: { x: 2 } } } }),
        "stacks/s/assets/f.sh": "echo 2",
      }),
    );
    expect(result.differences).toEqual([
      "only-before.json: only in the first output",
      "stacks/s/assets/f.sh: content differs",
      "stacks/s/cdk.tf.json: resource.a.b.x: 1 -> 2",
    ]);
  });
});
