import { appHandover } from "../src/stacks/app/app-handover";
import { readHandover } from "../src/stacks/shared/handover";
import { handovers } from "../src/stacks/handovers";
import { ENVIRONMENTS, LAYERS, SYNTH_DIR, synthEnvironment } from "./support/synth";
import { readFileSync } from "fs";
import { join } from "path";

describe.each(ENVIRONMENTS)("cross-stack handover in %s", (env) => {
  const synthesized = synthEnvironment(env);
  const manifest = JSON.parse(readFileSync(join(SYNTH_DIR, "manifest.json"), "utf8"));

  test.each(LAYERS)(
    "the %s stack publishes exactly its handover contract (optional outputs only where its config asks)",
    (layer) => {
      const spec = handovers[layer];
      const published = Object.keys(synthesized[layer].outputs()).sort();
      const required = Object.keys(spec).filter((name) => !spec[name].optional);
      expect(published).toEqual(expect.arrayContaining(required));
      expect(Object.keys(spec)).toEqual(expect.arrayContaining(published));
    },
  );

  test.each(LAYERS)("the %s stack's outputs carry the descriptions of its contract", (layer) => {
    for (const [name, output] of Object.entries(synthesized[layer].outputs()))
      expect(output.description).toBe(handovers[layer][name].description);
  });

  test.each(LAYERS)("every upstream output the %s stack reads is published by its producer", (layer) => {
    const json = synthesized[layer];
    const text = JSON.stringify(json.json);
    for (const [name, source] of Object.entries(json.dataSources("terraform_remote_state"))) {
      const producer = /auth-[a-z0-9]+-([a-z]+)\.tfstate$/.exec(source.config.key)![1];
      const published = Object.keys(synthesized[producer as (typeof LAYERS)[number]].outputs());
      const read = [
        ...text.matchAll(new RegExp(`data\\.terraform_remote_state\\.${name}\\.outputs\\.(\\w+)`, "g")),
      ].map((match) => match[1]);
      expect(read.length).toBeGreaterThan(0);
      for (const output of read) expect(published).toContain(output);
    }
  });

  test("stacks deploy in order: bootstrap, security, [dr-network with the pilot light], registry, network, data, app", () => {
    const dependencies = (layer: string) => manifest.stacks[`auth-${env}-${layer}`].dependencies;
    expect(LAYERS).toEqual(["bootstrap", "security", "registry", "network", "data", "app"]);
    expect(dependencies("bootstrap")).toEqual([]);
    expect(dependencies("security")).toEqual([`auth-${env}-bootstrap`]);
    if (env === "production") {
      // Its image repository must exist before the registry's replication rule copies into it.
      expect(dependencies("dr-network")).toEqual([`auth-${env}-security`]);
      expect(dependencies("registry")).toEqual([`auth-${env}-dr-network`]);
    } else {
      expect(manifest.stacks[`auth-${env}-dr-network`]).toBeUndefined();
      expect(dependencies("registry")).toEqual([`auth-${env}-security`]);
    }
    expect(dependencies("network")).toEqual([`auth-${env}-registry`]);
    expect(dependencies("data")).toEqual([`auth-${env}-network`]);
    expect(dependencies("app")).toEqual([`auth-${env}-data`]);
  });
});

describe("tools read a stack's outputs through its contract (readHandover)", () => {
  const asOutputs = (values: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value }]));
  const examples = Object.fromEntries(Object.entries(appHandover).map(([name, output]) => [name, output.example]));

  test("every output of the contract, with its type; an optional one may be missing", () => {
    const { hosted_zone_name_servers: _, ...required } = examples;
    const outputs = readHandover("auth-staging-app", appHandover, asOutputs(required));
    expect(outputs.target_group_arns.green).toBe(appHandover.target_group_arns.example.green);
    expect(outputs.current_release.green_traffic_percent).toBe(0);
    expect(outputs.hosted_zone_name_servers).toBeUndefined();
  });

  test("a missing output: the stack is not deployed (yet)", () => {
    const { test_listener_url: _, ...rest } = examples;
    expect(() => readHandover("auth-staging-app", appHandover, asOutputs(rest))).toThrow(
      "auth-staging-app has no output test_listener_url: deploy it first",
    );
  });

  test.each([
    ["group_names", { blue: "auth-staging-blue" }, "is not an object of blue: string, green: string"],
    ["current_release", { ...appHandover.current_release.example, idle_capacity: "0" }, "is not an object of"],
    ["fleet_status", 1, "is not a string"],
    ["hosted_zone_name_servers", "ns-1", "is not a list of strings"],
  ])("an output of another shape (%s) is refused, naming the output", (name, value, problem) => {
    expect(() => readHandover("auth-staging-app", appHandover, asOutputs({ ...examples, [name]: value }))).toThrow(
      `auth-staging-app output ${name} ${problem}`,
    );
  });
});
