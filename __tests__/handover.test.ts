import { Testing } from "cdktf";
import { addEnvironment } from "../src/app";
import { handovers } from "../src/stacks/handovers";
import { ENVIRONMENTS, Synthesized, validConfig } from "./support/synth";

describe.each(ENVIRONMENTS)("cross-stack handover in %s", (env) => {
  const stacks = addEnvironment(Testing.app(), validConfig(env));
  const synthesized = Object.fromEntries(Object.entries(stacks).map(([layer, stack]) => [layer, Synthesized.of(stack)]));

  test.each(Object.keys(handovers))("the %s stack publishes exactly its handover contract", (layer) => {
    expect(Object.keys(synthesized[layer].outputs()).sort()).toEqual(Object.keys(handovers[layer as keyof typeof handovers]!).sort());
  });

  test.each(Object.keys(stacks))("every upstream output the %s stack reads is published by its producer", (layer) => {
    const json = synthesized[layer];
    const text = JSON.stringify(json.json);
    for (const [name, source] of Object.entries(json.dataSources("terraform_remote_state"))) {
      const producer = /auth-[a-z0-9]+-([a-z]+)\.tfstate$/.exec(source.config.key)![1];
      const published = Object.keys(synthesized[producer].outputs());
      const read = [...text.matchAll(new RegExp(`data\\.terraform_remote_state\\.${name}\\.outputs\\.(\\w+)`, "g"))].map((match) => match[1]);
      expect(read.length).toBeGreaterThan(0);
      for (const output of read) expect(published).toContain(output);
    }
  });

  test("stacks deploy in order: bootstrap, network, data", () => {
    expect(stacks.network.dependencies).toEqual([stacks.bootstrap]);
    expect(stacks.data.dependencies).toEqual([stacks.network]);
  });
});
