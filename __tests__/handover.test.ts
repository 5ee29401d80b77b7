import { handovers } from "../src/stacks/handovers";
import { ENVIRONMENTS, LAYERS, SYNTH_DIR, synthEnvironment } from "./support/synth";
import { readFileSync } from "fs";
import { join } from "path";

describe.each(ENVIRONMENTS)("cross-stack handover in %s", (env) => {
  const synthesized = synthEnvironment(env);
  const manifest = JSON.parse(readFileSync(join(SYNTH_DIR, "manifest.json"), "utf8"));

  test.each(Object.keys(handovers))("the %s stack publishes exactly its handover contract", (layer) => {
    expect(Object.keys(synthesized[layer as (typeof LAYERS)[number]].outputs()).sort()).toEqual(Object.keys(handovers[layer as keyof typeof handovers]!).sort());
  });

  test.each(LAYERS)("every upstream output the %s stack reads is published by its producer", (layer) => {
    const json = synthesized[layer];
    const text = JSON.stringify(json.json);
    for (const [name, source] of Object.entries(json.dataSources("terraform_remote_state"))) {
      const producer = /auth-[a-z0-9]+-([a-z]+)\.tfstate$/.exec(source.config.key)![1];
      const published = Object.keys(synthesized[producer as (typeof LAYERS)[number]].outputs());
      const read = [...text.matchAll(new RegExp(`data\\.terraform_remote_state\\.${name}\\.outputs\\.(\\w+)`, "g"))].map((match) => match[1]);
      expect(read.length).toBeGreaterThan(0);
      for (const output of read) expect(published).toContain(output);
    }
  });

  test("stacks deploy in order: bootstrap, security, registry, network, data, app", () => {
    const dependencies = (layer: string) => manifest.stacks[`auth-${env}-${layer}`].dependencies;
    expect(LAYERS).toEqual(["bootstrap", "security", "registry", "network", "data", "app"]);
    expect(dependencies("bootstrap")).toEqual([]);
    expect(dependencies("security")).toEqual([`auth-${env}-bootstrap`]);
    expect(dependencies("registry")).toEqual([`auth-${env}-security`]);
    expect(dependencies("network")).toEqual([`auth-${env}-registry`]);
    expect(dependencies("data")).toEqual([`auth-${env}-network`]);
    expect(dependencies("app")).toEqual([`auth-${env}-data`]);
  });
});
