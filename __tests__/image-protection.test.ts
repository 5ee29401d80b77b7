import { readFileSync } from "fs";
import { join } from "path";
import {
  imageRegions,
  RELEASE_TOOL_ECR_ACTIONS,
  referencedDigests,
  releaseTag,
  releaseTagPrefix,
} from "../src/release/image-protection";
import { seedReleaseState } from "../src/release/release-state";
import { ENVIRONMENTS, SYNTH_DIR, Synthesized, synthEnvironment, validConfig } from "./support/synth";

const AMI = "ami-00000000000000001";
const digest = (hex: string) => `sha256:${hex.repeat(32)}`;

describe("which digests a release state keeps alive", () => {
  test("live and idle colour; during a release also the new image and both colours it would roll back to", () => {
    const finished = {
      ...seedReleaseState(AMI),
      blue: { digest: digest("0a"), amiId: AMI },
      green: { digest: digest("1b"), amiId: AMI },
    };
    expect(referencedDigests(finished)).toEqual([digest("0a"), digest("1b")]);
    const inFlight = {
      ...finished,
      green: { digest: digest("2c"), amiId: AMI },
      inFlight: {
        to: "green" as const,
        digest: digest("2c"),
        steps: [100],
        fullCapacity: 2,
        startedAt: "",
        startedBy: "",
        alarmsFiringAtStart: [],
        before: { blue: finished.blue, green: finished.green, greenTrafficPercent: 0, idleCapacity: 0 },
      },
    };
    expect(referencedDigests(inFlight)).toEqual([digest("0a"), digest("1b"), digest("2c")]);
    expect(referencedDigests(seedReleaseState(AMI))).toEqual([]);
  });

  test("a protecting tag names its environment and digest, and fits ECR's tag length (300)", () => {
    const tag = releaseTag("production", digest("ab"));
    expect(tag.startsWith(releaseTagPrefix("production"))).toBe(true);
    expect(tag.startsWith(releaseTagPrefix("staging"))).toBe(false);
    expect(tag.length).toBeLessThanOrEqual(300);
  });
});

describe("the release tool's ECR permissions", () => {
  test("RELEASE_TOOL_ECR_ACTIONS lists exactly the ECR commands the release tool sends", () => {
    const source = readFileSync(join(__dirname, "..", "scripts", "release", "aws.ts"), "utf8");
    const ecrImport = /import \{([^}]+)\} from "@aws-sdk\/client-ecr"/.exec(source)![1];
    const commands = ecrImport
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name.endsWith("Command"));
    const sent = commands
      .filter((command) => source.includes(`new ${command}(`))
      .map((command) => `ecr:${command.replace(/Command$/, "")}`);
    expect([...RELEASE_TOOL_ECR_ACTIONS].sort()).toEqual(sent.sort());
  });

  describe.each(ENVIRONMENTS)("auth-%s-bootstrap", (env) => {
    const config = validConfig(env);
    const json = synthEnvironment(env).bootstrap;

    test("the deploy role, which runs releases, gets those actions on the primary and pilot-light repositories only", () => {
      const policy = json.resourceList("aws_iam_role_policy").find((candidate) => candidate.name === "release-images")!;
      expect(policy.role).toMatch(/aws_iam_role\.ci_deploy-role_.*\.name/);
      const [statement, ...others] = json.policyDocument(policy.policy).statement;
      expect(others).toEqual([]);
      expect(statement.actions).toEqual([...RELEASE_TOOL_ECR_ACTIONS]);
      expect(statement.resources).toEqual(
        imageRegions(config).map(
          (region) => `arn:aws:ecr:${region}:${config.aws.accountId}:repository/${config.registry.repositoryName}`,
        ),
      );
      expect(statement.actions).not.toContain("ecr:InitiateLayerUpload");
    });
  });

  test("the pilot light's repository keeps production's referenced images like the primary's", () => {
    const production = validConfig("production");
    const drNetwork = new Synthesized(
      JSON.parse(readFileSync(join(SYNTH_DIR, "stacks", "auth-production-dr-network", "cdk.tf.json"), "utf8")),
    );
    const policy = JSON.parse(drNetwork.resource("aws_ecr_lifecycle_policy").policy);
    expect(policy.rules[0]).toMatchObject({
      rulePriority: 1,
      selection: { tagStatus: "tagged", tagPrefixList: [releaseTagPrefix(production.environment)] },
    });
  });
});
