import { GithubDeployRoles } from "../../src/constructs/ci/github-deploy-roles";
import { TerraformCloudDynamicCredentials } from "../../src/constructs/ci/terraform-cloud-dynamic-credentials";
import { ContainerRegistry } from "../../src/constructs/compute/container-registry";
import { ServiceInstanceRole } from "../../src/constructs/compute/instance-role";
import { ImagePushRole } from "../../src/constructs/registry/image-push-role";
import { ImageReplication, ReplicationDestination } from "../../src/constructs/registry/image-replication";
import { constructStack, synthAlone } from "../support/construct-stack";
import { Synthesized } from "../support/synth";

const ACCOUNT = "111122223333";
const STATE_BUCKET = "arn:aws:s3:::tf-state";
const STATE_KEY = "arn:aws:kms:eu-west-1:111122223333:key/state";

type Statement = {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  not_resources?: string[];
  condition?: unknown;
};
const bySid = (statements: Statement[], sid: string) => statements.find((statement) => statement.sid === sid)!;

describe("GithubDeployRoles alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new GithubDeployRoles(stack, "ci", {
      name: "t",
      accountId: ACCOUNT,
      repository: "org/infra",
      deployEnvironment: "deploy",
      planEnvironment: "plan",
      platformEnvironment: "platform",
      deployPolicyArns: [],
      platformPolicyArns: [],
      stateBucketArn: STATE_BUCKET,
      stateKeyArn: STATE_KEY,
    });
    json = synthAlone(stack);
  });

  const subjectsOf = (role: string) =>
    json.policyDocument(json.named("aws_iam_role", role).assume_role_policy).statement[0].condition[1];

  test("creates the account's GitHub OIDC provider by default, and both roles last 3 hours at most", () => {
    expect(json.resource("aws_iam_openid_connect_provider")).toMatchObject({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
    for (const role of json.resourceList("aws_iam_role")) expect(role.max_session_duration).toBe(10800);
  });

  test("the deploy role trusts exactly the default deploy and release workflows from main, in the deploy environment", () => {
    expect(subjectsOf("deploy-role")).toEqual({
      test: "StringEquals",
      variable: "token.actions.githubusercontent.com:sub",
      values: [
        "repo:org/infra:environment:deploy:job_workflow_ref:org/infra/.github/workflows/deploy.yml@refs/heads/main",
        "repo:org/infra:environment:deploy:job_workflow_ref:org/infra/.github/workflows/release-environment.yml@refs/heads/main",
      ],
    });
  });

  test("the PR plan role trusts pull request runs, the plan role the deploy workflow from main, both in the plan environment", () => {
    expect(subjectsOf("plan-pr-role")).toEqual({
      test: "StringLike",
      variable: "token.actions.githubusercontent.com:sub",
      values: [
        "repo:org/infra:environment:plan:job_workflow_ref:org/infra/.github/workflows/pull-request.yml@refs/pull/*",
      ],
    });
    expect(subjectsOf("plan-role")).toEqual({
      test: "StringEquals",
      variable: "token.actions.githubusercontent.com:sub",
      values: [
        "repo:org/infra:environment:plan:job_workflow_ref:org/infra/.github/workflows/deploy.yml@refs/heads/main",
      ],
    });
  });

  test("the platform role trusts only the deploy workflow from main in the platform environment", () => {
    expect(subjectsOf("platform-role").values).toEqual([
      "repo:org/infra:environment:platform:job_workflow_ref:org/infra/.github/workflows/deploy.yml@refs/heads/main",
    ]);
  });

  test("the plan role saves plans under plans/ but never reads them, never reads secret values, decrypts only state", () => {
    const statements: Statement[] = json.policyDocument(
      json.named("aws_iam_role_policy", "plan-policy").policy,
    ).statement;
    expect(bySid(statements, "SavePlans").resources).toEqual([`${STATE_BUCKET}/plans/*`]);
    expect(bySid(statements, "DenyReadingSavedPlans")).toMatchObject({
      effect: "Deny",
      resources: [`${STATE_BUCKET}/plans/*`],
    });
    expect(bySid(statements, "DenySecretValues")).toMatchObject({ effect: "Deny", resources: ["*"] });
    expect(bySid(statements, "DenyDecryptButState")).toMatchObject({
      effect: "Deny",
      actions: ["kms:Decrypt"],
      not_resources: [STATE_KEY],
    });
    expect(bySid(statements, "ReadState").resources).toEqual([`${STATE_BUCKET}/*`]);
  });

  test("a DR state bucket, an existing OIDC provider, another ref and prefix when asked (branches no shipped config takes together)", () => {
    const stack = constructStack();
    new GithubDeployRoles(stack, "ci", {
      name: "t",
      accountId: ACCOUNT,
      repository: "org/infra",
      deployEnvironment: "deploy",
      planEnvironment: "plan",
      platformEnvironment: "platform",
      deployPolicyArns: [],
      platformPolicyArns: [],
      stateBucketArn: STATE_BUCKET,
      stateKeyArn: STATE_KEY,
      drState: { bucketArn: "arn:aws:s3:::tf-state-dr", keyArn: "arn:aws:kms:eu-central-1:111122223333:key/dr" },
      createOidcProvider: false,
      deployRef: "refs/heads/release",
      savedPlansPrefix: "saved",
      maxSessionSeconds: 3600,
    });
    const custom = synthAlone(stack);
    expect(custom.resourceList("aws_iam_openid_connect_provider")).toEqual([]);
    const statements: Statement[] = custom.policyDocument(
      custom.named("aws_iam_role_policy", "plan-policy").policy,
    ).statement;
    expect(bySid(statements, "LockState").resources).toEqual([
      `${STATE_BUCKET}/*.tflock`,
      "arn:aws:s3:::tf-state-dr/*.tflock",
    ]);
    expect(bySid(statements, "DenyDecryptButState").not_resources).toEqual([
      STATE_KEY,
      "arn:aws:kms:eu-central-1:111122223333:key/dr",
    ]);
    expect(bySid(statements, "SavePlans").resources).toEqual([`${STATE_BUCKET}/saved/*`]);
    const deployTrust = custom.policyDocument(custom.named("aws_iam_role", "deploy-role").assume_role_policy)
      .statement[0].condition[1].values;
    for (const subject of deployTrust) expect(subject).toMatch(/@refs\/heads\/release$/);
    for (const role of custom.resourceList("aws_iam_role")) expect(role.max_session_duration).toBe(3600);
  });
});

describe("TerraformCloudDynamicCredentials alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new TerraformCloudDynamicCredentials(stack, "tfc", {
      name: "t",
      accountId: ACCOUNT,
      organization: "org",
      project: "auth",
      workspaces: ["auth-staging-app"],
      applyPolicyArns: [],
      platformPolicyArns: [],
    });
    json = synthAlone(stack);
  });

  test("defaults: an OIDC provider for app.terraform.io, sessions of 2 hours", () => {
    expect(json.resource("aws_iam_openid_connect_provider")).toMatchObject({
      url: "https://app.terraform.io",
      client_id_list: ["aws.workload.identity"],
    });
    for (const role of json.resourceList("aws_iam_role")) expect(role.max_session_duration).toBe(7200);
  });

  test("each phase's role trusts exactly that phase of the named workspaces", () => {
    for (const phase of ["plan", "apply"]) {
      const [trust] = json.policyDocument(json.named("aws_iam_role", `${phase}-role`).assume_role_policy).statement;
      expect(trust.principals).toEqual([
        { type: "Federated", identifiers: [`arn:aws:iam::${ACCOUNT}:oidc-provider/app.terraform.io`] },
      ]);
      expect(trust.condition).toEqual([
        { test: "StringEquals", variable: "app.terraform.io:aud", values: ["aws.workload.identity"] },
        {
          test: "StringEquals",
          variable: "app.terraform.io:sub",
          values: [`organization:org:project:auth:workspace:auth-staging-app:run_phase:${phase}`],
        },
      ]);
    }
  });

  test("the plan phase can neither read secret values nor decrypt", () => {
    const statements: Statement[] = json.policyDocument(
      json.named("aws_iam_role_policy", "plan-policy").policy,
    ).statement;
    expect(statements.map((statement) => `${statement.effect} ${statement.actions} ${statement.resources}`)).toEqual([
      "Deny secretsmanager:GetSecretValue,secretsmanager:BatchGetSecretValue *",
      "Deny kms:Decrypt *",
    ]);
  });

  test("another host without a new provider (a branch no shipped config takes), and no workspace is refused", () => {
    const stack = constructStack();
    new TerraformCloudDynamicCredentials(stack, "tfe", {
      name: "t",
      accountId: ACCOUNT,
      hostname: "tfe.example.com",
      createOidcProvider: false,
      organization: "org",
      project: "p",
      workspaces: ["w"],
      applyPolicyArns: [],
      platformPolicyArns: [],
    });
    const custom = synthAlone(stack);
    expect(custom.resourceList("aws_iam_openid_connect_provider")).toEqual([]);
    expect(
      custom.policyDocument(custom.named("aws_iam_role", "apply-role").assume_role_policy).statement[0].condition[0]
        .variable,
    ).toBe("tfe.example.com:aud");
    expect(
      () =>
        new TerraformCloudDynamicCredentials(constructStack(), "none", {
          name: "t",
          accountId: ACCOUNT,
          organization: "org",
          project: "p",
          workspaces: [],
          applyPolicyArns: [],
          platformPolicyArns: [],
        }),
    ).toThrow("none: workspaces must name at least one workspace");
  });
});

describe("ServiceInstanceRole alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new ServiceInstanceRole(stack, "instance", {
      name: "svc",
      region: "eu-west-1",
      secretArns: ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:a"],
      kmsKeyArns: ["arn:aws:kms:eu-west-1:111122223333:key/k"],
      repositoryArn: "arn:aws:ecr:eu-west-1:111122223333:repository/svc",
      logGroupArn: "arn:aws:logs:eu-west-1:111122223333:log-group:svc",
    });
    json = synthAlone(stack);
  });

  test("only EC2 assumes it; it is reachable through Session Manager", () => {
    expect(json.policyDocument(json.resource("aws_iam_role").assume_role_policy).statement).toEqual([
      { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] },
    ]);
    expect(json.resource("aws_iam_role_policy_attachment").policy_arn).toBe(
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    );
    expect(json.resource("aws_iam_instance_profile").name).toBe("svc");
  });

  test("reads its own secrets, decrypts only through Secrets Manager or ECR, pulls its images, writes its logs", () => {
    const statements: Statement[] = json.policyDocument(json.resource("aws_iam_role_policy").policy).statement;
    expect(statements.map((statement) => statement.sid)).toEqual([
      "ReadServiceSecrets",
      "DecryptServiceSecrets",
      "PullServiceImages",
      "LogInToRegistry",
      "WriteServiceLogs",
    ]);
    expect(bySid(statements, "DecryptServiceSecrets").condition).toEqual([
      {
        test: "StringEquals",
        variable: "kms:ViaService",
        values: ["secretsmanager.eu-west-1.amazonaws.com", "ecr.eu-west-1.amazonaws.com"],
      },
    ]);
    expect(bySid(statements, "ReadServiceSecrets").resources).toEqual([
      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:a",
    ]);
  });
});

describe("ContainerRegistry alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new ContainerRegistry(stack, "registry", { name: "svc", kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k" });
    json = synthAlone(stack);
  });

  test("immutable tags, scan on push, encrypted with the given key", () => {
    expect(json.resource("aws_ecr_repository")).toMatchObject({
      name: "svc",
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: "KMS", kms_key: "arn:aws:kms:eu-west-1:111122223333:key/k" }],
    });
  });

  test("by default keeps the newest 30 tagged images and drops untagged ones after a day", () => {
    const [untagged, tagged] = JSON.parse(json.resource("aws_ecr_lifecycle_policy").policy).rules;
    expect(untagged.selection).toEqual({
      tagStatus: "untagged",
      countType: "sinceImagePushed",
      countUnit: "days",
      countNumber: 1,
    });
    expect(tagged.selection).toEqual({
      tagStatus: "tagged",
      tagPatternList: ["*"],
      countType: "imageCountMoreThan",
      countNumber: 30,
    });
  });
});

describe("ImagePushRole alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new ImagePushRole(stack, "push", {
      name: "push",
      accountId: "111122223333",
      repositories: ["org/app", "org/other"],
      workflowRepository: "org/infra",
      workflowRefs: ["refs/heads/main"],
      repositoryArn: "arn:aws:ecr:eu-west-1:111122223333:repository/svc",
    });
    json = synthAlone(stack);
  });

  test("trusts only the image workflow at the pinned ref, run from the named repositories' main branch, through the account's GitHub OIDC provider", () => {
    const [trust] = json.policyDocument(json.resource("aws_iam_role").assume_role_policy).statement;
    expect(trust.principals).toEqual([
      {
        type: "Federated",
        identifiers: ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"],
      },
    ]);
    expect(trust.condition).toEqual([
      { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
      {
        test: "StringEquals",
        variable: "token.actions.githubusercontent.com:sub",
        values: [
          "repo:org/app:ref:refs/heads/main:job_workflow_ref:org/infra/.github/workflows/image-pipeline.yml@refs/heads/main",
          "repo:org/other:ref:refs/heads/main:job_workflow_ref:org/infra/.github/workflows/image-pipeline.yml@refs/heads/main",
        ],
      },
    ]);
  });

  test("a release-tag pattern makes the subject test StringLike (conditions on one key AND together)", () => {
    const stack = constructStack();
    new ImagePushRole(stack, "push", {
      name: "push",
      accountId: "111122223333",
      repositories: ["org/app"],
      workflowRepository: "org/infra",
      workflowRefs: ["refs/tags/image-v*"],
      repositoryArn: "arn:aws:ecr:eu-west-1:111122223333:repository/svc",
    });
    const tagged = synthAlone(stack);
    const [trust] = tagged.policyDocument(tagged.resource("aws_iam_role").assume_role_policy).statement;
    expect(trust.condition[1]).toEqual({
      test: "StringLike",
      variable: "token.actions.githubusercontent.com:sub",
      values: [
        "repo:org/app:ref:refs/heads/main:job_workflow_ref:org/infra/.github/workflows/image-pipeline.yml@refs/tags/image-v*",
      ],
    });
  });

  test("may log in and push to one repository, nothing else", () => {
    const statements = json.policyDocument(json.resource("aws_iam_role_policy").policy).statement;
    expect(
      statements.map((statement: { sid: string; resources: string[] }) => `${statement.sid} ${statement.resources}`),
    ).toEqual(["LogInToRegistry *", "PushServiceImages arn:aws:ecr:eu-west-1:111122223333:repository/svc"]);
    expect(statements[0].actions).toEqual(["ecr:GetAuthorizationToken"]);
    expect(statements[1].actions).not.toContain("ecr:DeleteRepository");
  });
});

describe("ImageReplication and ReplicationDestination alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new ImageReplication(stack, "replication", {
      repositoryName: "svc",
      destinations: [
        { accountId: "222222222222", region: "eu-west-1" },
        { accountId: "111122223333", region: "eu-central-1" },
      ],
    });
    new ReplicationDestination(stack, "destination", {
      sourceAccountId: "111122223333",
      accountId: "222222222222",
      region: "eu-west-1",
      repositoryName: "svc",
    });
    json = synthAlone(stack);
  });

  test("one rule copies the repository's pushes into every destination registry", () => {
    expect(json.resource("aws_ecr_replication_configuration").replication_configuration.rule).toEqual([
      {
        destination: [
          { region: "eu-west-1", registry_id: "222222222222" },
          { region: "eu-central-1", registry_id: "111122223333" },
        ],
        repository_filter: [{ filter: "svc", filter_type: "PREFIX_MATCH" }],
      },
    ]);
  });

  test("the destination accepts the one source account into the one repository", () => {
    expect(json.policyDocument(json.resource("aws_ecr_registry_policy").policy).statement).toEqual([
      {
        sid: "AcceptReplicationFromSource",
        principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111122223333:root"] }],
        actions: ["ecr:CreateRepository", "ecr:ReplicateImage"],
        resources: ["arn:aws:ecr:eu-west-1:222222222222:repository/svc"],
      },
    ]);
  });
});
