import { ContainerRegistry } from "../../src/constructs/compute/container-registry";
import { ImagePushRole } from "../../src/constructs/registry/image-push-role";
import { ImageReplication, ReplicationDestination } from "../../src/constructs/registry/image-replication";
import { Synthesized } from "../support/synth";
import { constructStack, synthAlone } from "../support/construct-stack";

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
    expect(untagged.selection).toEqual({ tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 });
    expect(tagged.selection).toEqual({ tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 30 });
  });
});

describe("ImagePushRole alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new ImagePushRole(stack, "push", { name: "push", accountId: "111122223333", repositories: ["org/app", "org/other"], repositoryArn: "arn:aws:ecr:eu-west-1:111122223333:repository/svc" });
    json = synthAlone(stack);
  });

  test("trusts only the main branch of the named repositories through the account's GitHub OIDC provider", () => {
    const [trust] = json.policyDocument(json.resource("aws_iam_role").assume_role_policy).statement;
    expect(trust.principals).toEqual([{ type: "Federated", identifiers: ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"] }]);
    expect(trust.condition).toEqual([
      { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
      { test: "StringEquals", variable: "token.actions.githubusercontent.com:sub", values: ["repo:org/app:ref:refs/heads/main", "repo:org/other:ref:refs/heads/main"] },
    ]);
  });

  test("may log in and push to one repository, nothing else", () => {
    const statements = json.policyDocument(json.resource("aws_iam_role_policy").policy).statement;
    expect(statements.map((statement: { sid: string; resources: string[] }) => `${statement.sid} ${statement.resources}`)).toEqual([
      "LogInToRegistry *",
      "PushServiceImages arn:aws:ecr:eu-west-1:111122223333:repository/svc",
    ]);
    expect(statements[0].actions).toEqual(["ecr:GetAuthorizationToken"]);
    expect(statements[1].actions).not.toContain("ecr:DeleteRepository");
  });
});

describe("ImageReplication and ReplicationDestination alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new ImageReplication(stack, "replication", { repositoryName: "svc", destinations: [{ accountId: "222222222222", region: "eu-west-1" }, { accountId: "111122223333", region: "eu-central-1" }] });
    new ReplicationDestination(stack, "destination", { sourceAccountId: "111122223333", accountId: "222222222222", region: "eu-west-1", repositoryName: "svc" });
    json = synthAlone(stack);
  });

  test("one rule copies the repository's pushes into every destination registry", () => {
    expect(json.resource("aws_ecr_replication_configuration").replication_configuration.rule).toEqual([
      {
        destination: [{ region: "eu-west-1", registry_id: "222222222222" }, { region: "eu-central-1", registry_id: "111122223333" }],
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
