import { movedLease } from "../src/constructs/release/release-state-table";
import { PROTECTED_IMAGES_KEPT, releaseTagPrefix } from "../src/release/image-protection";
import {
  AL2023_AMI_PARAMETER,
  releaseLeaseParameterName,
  releaseStateParameterName,
} from "../src/release/release-state";
import { RELEASE_TABLE_HASH_KEY, seededReleaseItem } from "../src/release/release-store";
import { releaseTableName } from "../src/config/naming";
import { callerSubject, IMAGE_WORKFLOW } from "../src/constructs/ci/reusable-workflow-subject";
import { ENVIRONMENTS, synthEnvironment, validConfig } from "./support/synth";

/**
 * Whether a token's claims satisfy a trust statement's conditions. IAM: StringEquals compares
 * exactly, StringLike matches `*` (any run of characters) and `?`; every condition must hold.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
 */
function trustHolds(
  conditions: { test: string; variable: string; values: string[] }[],
  claims: Record<string, string>,
): boolean {
  return conditions.every((condition) => {
    const value = claims[condition.variable.replace("token.actions.githubusercontent.com:", "")];
    if (value === undefined) return false;
    if (condition.test === "StringEquals") return condition.values.includes(value);
    if (condition.test !== "StringLike") throw new Error(`operator ${condition.test} not modelled`);
    return condition.values.some((pattern) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
          .replace(/\*/g, ".*")
          .replace(/\?/g, ".")}$`,
      ).test(value),
    );
  });
}

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
        encryption_configuration: [
          { encryption_type: "KMS", kms_key: expect.stringMatching(/aws_kms_key\.registry-key/) },
        ],
      });
      expect(json.resource("aws_kms_key")).toMatchObject({ enable_key_rotation: true });
    });

    test(`lifecycle: images a release references come first and stay, untagged leftovers expire after a day, the last ${config.registry.keepImages} tagged images are kept`, () => {
      const policy = JSON.parse(json.resource("aws_ecr_lifecycle_policy").policy);
      expect(policy.rules.map((rule: any) => rule.rulePriority)).toEqual([1, 2, 3]);
      expect(policy.rules.map((rule: any) => rule.selection)).toEqual([
        {
          tagStatus: "tagged",
          tagPrefixList: [releaseTagPrefix(env)],
          countType: "imageCountMoreThan",
          countNumber: PROTECTED_IMAGES_KEPT,
        },
        { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
        {
          tagStatus: "tagged",
          tagPatternList: ["*"],
          countType: "imageCountMoreThan",
          countNumber: config.registry.keepImages,
        },
      ]);
    });
  });

  test("promotion: staging replicates every push (digest unchanged) into production's registry and its DR region, which accept only staging", () => {
    const replication = json.resources("aws_ecr_replication_configuration");
    const policies = json.resources("aws_ecr_registry_policy");
    const { replicateTo } = config.registry;
    const ownPilotLight = config.dr.pilotLight
      ? [{ region: config.aws.drRegion, registry_id: config.aws.accountId }]
      : [];
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
      const document = Object.values(statement).find(
        (candidate) => candidate.statement?.[0]?.sid === "AcceptReplicationFromSource",
      )!;
      expect(document.statement[0]).toMatchObject({
        principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${config.registry.acceptReplicationFrom}:root`] }],
        actions: ["ecr:CreateRepository", "ecr:ReplicateImage"],
        resources: [
          `arn:aws:ecr:${config.aws.region}:${config.aws.accountId}:repository/${config.registry.repositoryName}`,
        ],
      });
      expect(Object.keys(policies)).toHaveLength(1);
    } else expect(policies).toEqual({});
  });

  describe("the release state", () => {
    const parameter = json
      .resourceList("aws_ssm_parameter")
      .find((candidate) => candidate.name === releaseStateParameterName(env))!;

    test("the first deploy seeds it: no image on either colour (0 instances), the current AL2023 AMI", () => {
      expect(parameter).toMatchObject({ name: releaseStateParameterName(env), type: "String" });
      const ami = Object.entries(json.dataSources("aws_ssm_parameter")).find(
        ([, source]) => source.name === AL2023_AMI_PARAMETER,
      )![0];
      const amiRef = `data.aws_ssm_parameter.${ami}.insecure_value`;
      expect(parameter.insecure_value).toBe(
        `\${jsonencode({"version" = 1, "blue" = {"digest" = "", "amiId" = ${amiRef}}, "green" = {"digest" = "", "amiId" = ${amiRef}}, "greenTrafficPercent" = 0, "idleCapacity" = 0, "inFlight" = null})}`,
      );
    });

    test("later deploys never change it: only the release tool writes it", () => {
      expect(parameter.lifecycle).toEqual({ ignore_changes: ["insecure_value"] });
    });
  });

  describe("the release store: state and lease in one DynamoDB item", () => {
    const table = json.resource("aws_dynamodb_table");
    const item = json.resource("aws_dynamodb_table_item");
    const legacyLease = json
      .resourceList("aws_ssm_parameter")
      .find((candidate) => candidate.name === releaseLeaseParameterName(env))!;
    const [legacyStateId, legacyState] = Object.entries(json.dataSources("aws_ssm_parameter")).find(
      ([, source]) => source.name !== AL2023_AMI_PARAMETER,
    )!;

    test("a table named from naming.ts, encrypted at rest with the AWS owned key (plans need no KMS grant), with point-in-time recovery and deletion protection", () => {
      expect(table).toMatchObject({
        name: releaseTableName(env),
        billing_mode: "PAY_PER_REQUEST",
        hash_key: RELEASE_TABLE_HASH_KEY,
        attribute: [{ name: RELEASE_TABLE_HASH_KEY, type: "S" }],
        server_side_encryption: { enabled: false },
        point_in_time_recovery: { enabled: true, recovery_period_in_days: 35 },
        deletion_protection_enabled: true,
      });
    });

    test("its one item is created from the release state parameter (a fresh seed, or a deployed environment's current state) and then left to the release tool", () => {
      expect(item.lifecycle).toEqual({ ignore_changes: ["item"] });
      expect(item.table_name).toMatch(/aws_dynamodb_table\..*\.name/);
      const source = `data.aws_ssm_parameter.${legacyStateId}.insecure_value`;
      const expected = `\${jsonencode(${JSON.stringify(seededReleaseItem("STATE")).replace(/:/g, "=").replace('"STATE"', source)})}`;
      expect(item.item.replace(/\s/g, "")).toBe(expected);
      expect(legacyState.name).toMatch(
        new RegExp(`^\\$\\{aws_ssm_parameter\\.release-state_parameter_\\w+\\.name\\}$`),
      );
    });

    test("the migration: a lease that never expires keeps the previous tool out before the state is copied, at apply time", () => {
      expect(JSON.parse(legacyLease.insecure_value)).toEqual(movedLease(releaseTableName(env)));
      expect(Date.parse(movedLease(releaseTableName(env)).expiresAt)).toBeGreaterThan(Date.parse("9999-01-01"));
      expect(legacyLease.lifecycle).toBeUndefined();
      expect(legacyState.depends_on).toEqual([
        expect.stringMatching(/^aws_ssm_parameter\.release-store_legacy-lease_\w+$/),
      ]);
    });
  });

  test("hands over the repository, its key and the release store", () => {
    expect(Object.keys(json.outputs()).sort()).toEqual([
      "image_push_role_arn",
      "registry_key_arn",
      "release_state_table",
      "repository_arn",
      "repository_name",
      "repository_url",
    ]);
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
      {
        test: config.registry.pushWorkflowRefs.some((ref) => ref.endsWith("*")) ? "StringLike" : "StringEquals",
        variable: "token.actions.githubusercontent.com:sub",
        values: config.registry.pushFromRepositories.flatMap((caller) =>
          config.registry.pushWorkflowRefs.map((ref) =>
            callerSubject({
              caller,
              callerRef: "refs/heads/main",
              workflowRepository: config.ci.githubRepository,
              workflow: IMAGE_WORKFLOW,
              ref,
            }),
          ),
        ),
      },
    ]);
    const permissions = documents.find((document) =>
      document.statement.some((statement: any) => statement.sid === "PushServiceImages"),
    )!;
    const push = permissions.statement.find((statement: any) => statement.sid === "PushServiceImages");
    expect(push.resources).toEqual([expect.stringMatching(/aws_ecr_repository\..*\.arn/)]);
    expect(push.actions).toContain("ecr:PutImage");
    expect(
      permissions.statement
        .filter((statement: any) => statement.resources.includes("*"))
        .map((statement: any) => statement.actions),
    ).toEqual([["ecr:GetAuthorizationToken"]]);
  });

  describe("who may push: only the image workflow, as the application repository's main branch calls it", () => {
    const [caller] = config.registry.pushFromRepositories;
    const infra = config.ci.githubRepository;
    const trust = () =>
      Object.values(json.dataSources("aws_iam_policy_document")).find(
        (document) => document.statement[0].actions[0] === "sts:AssumeRoleWithWebIdentity",
      )!.statement[0];
    /** A push job's token under the customized template (repo, context, job_workflow_ref). */
    const token = (callerRef: string, workflowRepository: string, workflow: string, ref: string) => ({
      aud: "sts.amazonaws.com",
      sub: callerSubject({ caller, callerRef, workflowRepository, workflow, ref }),
    });
    const pinned = config.registry.pushWorkflowRefs[0].replace(/\*$/, "1.0.0");
    const pushTest = caller ? test : test.skip;

    pushTest(
      "the image workflow at a configured ref, called from main, may push; so may any other caller workflow of that repository (job_workflow_ref names the called workflow, not the caller)",
      () => {
        expect(trustHolds(trust().condition, token("refs/heads/main", infra, IMAGE_WORKFLOW, pinned))).toBe(true);
      },
    );

    pushTest.each([
      [
        "another workflow of the application repository on main",
        () => token("refs/heads/main", caller, ".github/workflows/other.yml", "refs/heads/main"),
      ],
      [
        "a copy of the image workflow in the application repository",
        () => token("refs/heads/main", caller, IMAGE_WORKFLOW, "refs/heads/main"),
      ],
      [
        "the image workflow pinned to a feature branch",
        () => token("refs/heads/main", infra, IMAGE_WORKFLOW, "refs/heads/feature"),
      ],
      [
        "the image workflow pinned to a commit SHA",
        () => token("refs/heads/main", infra, IMAGE_WORKFLOW, "0123456789abcdef0123456789abcdef01234567"),
      ],
      [
        "the image workflow called from a branch other than main",
        () => token("refs/heads/feature", infra, IMAGE_WORKFLOW, pinned),
      ],
      [
        "a token under the default template (no job_workflow_ref)",
        () => ({ aud: "sts.amazonaws.com", sub: `repo:${caller}:ref:refs/heads/main` }),
      ],
    ])("refused: %s", (_, claims) => {
      expect(trustHolds(trust().condition, claims())).toBe(false);
    });
  });
});
