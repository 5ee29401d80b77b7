import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { buildApp } from "../../src/app";
import { environments } from "../../src/config";
import { validateConfigs } from "../../src/config/rules/validate";
import { mappedActions, packPolicies } from "../../src/iam/ci-policies";
import { arnPatterns, GLOBAL_SERVICES } from "../../src/iam/arn-patterns";
import { environmentPolicies, layersOf } from "../../src/iam/environment-policies";
import { inventoryFile } from "../../src/iam/inventory-store";
import recorded from "../../src/iam/layer-inventory.json";
import { readStacks } from "../../scripts/iam/inventory";
import { simulate, type Identity } from "../support/iam-simulator";

/**
 * The generated policies are derived from what the stacks synthesize, restore stacks included:
 * the recorded inventory must be the synth's, and every action the map lists for a layer must be
 * granted to the identity that applies it (simulated, all of them: hence the process suite).
 */
const configs = validateConfigs(environments);

describe("the recorded inventory is what the app synthesizes (restore mode included)", () => {
  test("src/iam/layer-inventory.json equals the synth: run npm run iam:inventory after changing a stack", () => {
    const outdir = mkdtempSync(join(tmpdir(), "iam-inventory-"));
    try {
      buildApp({ outdir, restore: { drill: false } }).synth();
      const accountOf = (environment: string) =>
        configs.find((config) => config.environment === environment)!.aws.accountId;
      expect(inventoryFile(readStacks(outdir), accountOf)).toEqual(recorded);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe.each(configs.map((config) => [config.environment, config] as const))(
  "every mapped action of %s is granted to the identity that applies its layer",
  (_, config) => {
    const generated = environmentPolicies(config);
    const patterns = arnPatterns({
      environment: config.environment,
      accountId: config.aws.accountId,
      repositoryName: config.registry.repositoryName,
    });
    // Concrete ARNs in a service's patterns, wildcards filled in; the simulator takes the one of the action's resource type.
    const sampleArns = (service: string) =>
      (patterns[service] ?? []).map((pattern) =>
        pattern.replace(/^arn:aws:([\w-]+):\*:/, `arn:aws:$1:${config.aws.region}:`).replace(/\*/g, "sample"),
      );

    test.each(["deploy", "platform"] as const)("%s", async (identityName) => {
      const statements = identityName === "deploy" ? generated.deploy : generated.platform;
      const identity: Identity = {
        accountId: config.aws.accountId,
        roleArn: `arn:aws:iam::${config.aws.accountId}:role/auth-${config.environment}-ci-${identityName}`,
        policies: packPolicies(statements),
      };
      const actions = mappedActions(
        generated.inventories[identityName],
        identityName === "deploy" ? ["provider", "release"] : ["provider"],
      );
      const keyPolicy = {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${config.aws.accountId}:root` },
            Action: "kms:*",
            Resource: "*",
          },
        ],
      };
      const refused: string[] = [];
      // The layers run in aws.region and, the pilot light's, in aws.drRegion: an action is granted
      // when it is allowed in one of them (the pilot light's detection settings only in the DR region).
      const decideIn = (region: string, action: string, resource: string, context: Record<string, string>) => {
        const service = action.split(":")[0];
        const regional: Record<string, string> = GLOBAL_SERVICES.includes(service)
          ? {}
          : { "aws:RequestedRegion": region };
        return simulate(identity, {
          action,
          resource,
          context: { ...regional, ...context },
          resourcePolicy: service === "kms" ? keyPolicy : undefined,
        });
      };
      const decide = async (action: string, resource: string, context: Record<string, string>) => {
        const primary = await decideIn(config.aws.region, action, resource, context);
        return primary === "Allowed" || !config.dr.pilotLight
          ? primary
          : decideIn(config.aws.drRegion, action, resource, context);
      };
      const check = async (kind: string, action: string, resource: string, context: Record<string, string>) => {
        const decision = await decide(action, resource, context);
        if (decision !== "Allowed") refused.push(`${kind} ${action} on ${resource}: ${decision}`);
      };
      for (const action of actions.named) {
        const decisions: string[] = [];
        for (const resource of sampleArns(action.split(":")[0])) {
          // The simulator refuses an ARN of another resource type than the action's: try the next pattern.
          decisions.push(await decide(action, resource, {}).catch(() => "not its resource type"));
        }
        if (!decisions.includes("Allowed"))
          refused.push(`named ${action}: ${decisions.join(", ") || "no ARN pattern"}`);
      }
      for (const action of actions.tagged)
        await check("tagged", action, "*", { "aws:ResourceTag/Environment": config.environment });
      for (const action of actions.created)
        await check("created", action, "*", { "aws:RequestTag/Environment": config.environment });
      for (const action of actions.anyResource) await check("anyResource", action, "*", {});
      expect(refused).toEqual([]);
      expect(layersOf(identityName).length).toBeGreaterThan(0);
    });
  },
);
