import { PROTECTED_IMAGES_KEPT, releaseTagPrefix } from "../src/release/image-protection";
import { AL2023_AMI_PARAMETER, releaseStateParameterName } from "../src/release/release-state";
import { ENVIRONMENTS, synthEnvironment, validConfig } from "./support/synth";

describe.each(ENVIRONMENTS)("registry stack auth-%s-registry", (env) => {
  const config = validConfig(env);
  const json = synthEnvironment(env).registry;

  describe("the service image repository", () => {
    const repository = json.resource("aws_ecr_repository");

    test("immutable tags, a scan of every push, its own KMS key", () => {
      expect(repository).toMatchObject({
        name: config.registry.repositoryName,
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: "KMS", kms_key: expect.stringMatching(/aws_kms_key\.registry-key/) }],
      });
      expect(json.resource("aws_kms_key")).toMatchObject({ enable_key_rotation: true });
    });

    test(`lifecycle: images a release references come first and stay, untagged leftovers expire after a day, the last ${config.registry.keepImages} tagged images are kept`, () => {
      const policy = JSON.parse(json.resource("aws_ecr_lifecycle_policy").policy);
      expect(policy.rules.map((rule: any) => rule.rulePriority)).toEqual([1, 2, 3]);
      expect(policy.rules.map((rule: any) => rule.selection)).toEqual([
        { tagStatus: "tagged", tagPrefixList: [releaseTagPrefix(env)], countType: "imageCountMoreThan", countNumber: PROTECTED_IMAGES_KEPT },
        { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
        { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: config.registry.keepImages },
      ]);
    });
  });

  test("promotion: staging replicates every push (digest unchanged) into production's registry and its DR region, which accept only staging", () => {
    const replication = json.resources("aws_ecr_replication_configuration");
    const policies = json.resources("aws_ecr_registry_policy");
    const { replicateTo } = config.registry;
    const ownPilotLight = config.dr.pilotLight ? [{ region: config.aws.drRegion, registry_id: config.aws.accountId }] : [];
    if (replicateTo) {
      const [rule] = Object.values(replication)[0].replication_configuration.rule;
      expect(rule.destination).toEqual([
        { region: replicateTo.region, registry_id: replicateTo.accountId },
        { region: replicateTo.drRegion, registry_id: replicateTo.accountId },
        ...ownPilotLight,
      ]);
      expect(rule.repository_filter).toEqual([{ filter: config.registry.repositoryName, filter_type: "PREFIX_MATCH" }]);
    } else if (config.dr.pilotLight) {
      const [rule] = Object.values(replication)[0].replication_configuration.rule;
      expect(rule.destination).toEqual(ownPilotLight);
    } else expect(replication).toEqual({});
    if (config.registry.acceptReplicationFrom) {
      const statement = json.dataSources("aws_iam_policy_document");
      const document = Object.values(statement).find((candidate) => candidate.statement?.[0]?.sid === "AcceptReplicationFromSource")!;
      expect(document.statement[0]).toMatchObject({
        principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${config.registry.acceptReplicationFrom}:root`] }],
        actions: ["ecr:CreateRepository", "ecr:ReplicateImage"],
        resources: [`arn:aws:ecr:${config.aws.region}:${config.aws.accountId}:repository/${config.registry.repositoryName}`],
      });
      expect(Object.keys(policies)).toHaveLength(1);
    } else expect(policies).toEqual({});
  });

  describe("the release state", () => {
    const parameter = json.resource("aws_ssm_parameter");

    test("the first deploy seeds it: no image on either colour (0 instances), the current AL2023 AMI", () => {
      expect(parameter).toMatchObject({ name: releaseStateParameterName(env), type: "String" });
      const ami = Object.entries(json.dataSources("aws_ssm_parameter")).find(([, source]) => source.name === AL2023_AMI_PARAMETER)![0];
      const amiRef = `data.aws_ssm_parameter.${ami}.insecure_value`;
      expect(parameter.insecure_value).toBe(
        `\${jsonencode({"version" = 1, "blue" = {"digest" = "", "amiId" = ${amiRef}}, "green" = {"digest" = "", "amiId" = ${amiRef}}, "greenTrafficPercent" = 0, "idleCapacity" = 0, "inFlight" = null})}`,
      );
    });

    test("later deploys never change it: only the release tool writes it", () => {
      expect(parameter.lifecycle).toEqual({ ignore_changes: ["insecure_value"] });
    });
  });

  test("hands over the repository, its key and the release state parameter", () => {
    expect(Object.keys(json.outputs()).sort()).toEqual(["image_push_role_arn", "registry_key_arn", "release_state_parameter", "repository_arn", "repository_name", "repository_url"]);
  });

  test("the image pipeline's push role: GitHub OIDC from the listed repositories' main branch, push to this repository only", () => {
    const roles = json.resources("aws_iam_role");
    if (config.registry.pushFromRepositories.length === 0) {
      expect(roles).toEqual({});
      expect(json.outputs().image_push_role_arn.value).toBe("");
      return;
    }
    const documents = Object.values(json.dataSources("aws_iam_policy_document"));
    const trust = documents.find((document) => document.statement[0].actions[0] === "sts:AssumeRoleWithWebIdentity")!;
    expect(trust.statement[0].condition).toEqual([
      { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
      { test: "StringEquals", variable: "token.actions.githubusercontent.com:sub", values: config.registry.pushFromRepositories.map((repository) => `repo:${repository}:ref:refs/heads/main`) },
    ]);
    const permissions = documents.find((document) => document.statement.some((statement: any) => statement.sid === "PushServiceImages"))!;
    const push = permissions.statement.find((statement: any) => statement.sid === "PushServiceImages");
    expect(push.resources).toEqual([expect.stringMatching(/aws_ecr_repository\..*\.arn/)]);
    expect(push.actions).toContain("ecr:PutImage");
    expect(permissions.statement.filter((statement: any) => statement.resources.includes("*")).map((statement: any) => statement.actions)).toEqual([["ecr:GetAuthorizationToken"]]);
  });
});
