import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { ContainerRegistry } from "../../src/constructs/compute/container-registry";
import { GeneratedSecret, secretRotationStatement } from "../../src/constructs/data/generated-secret";
import { EncryptedLogGroup } from "../../src/constructs/monitoring/encrypted-log-group";
import { constructStack, synthAlone } from "../support/construct-stack";

const KEY = "arn:aws:kms:eu-west-1:111111111111:key/1";

/** The three resources alone, and one policy document made only of the statements they offer. */
const stack = constructStack();
const logs = new EncryptedLogGroup(stack, "logs", { name: "/svc/logs", retentionInDays: 30, kmsKeyArn: KEY });
const registry = new ContainerRegistry(stack, "registry", { name: "svc", kmsKeyArn: KEY });
const secret = new GeneratedSecret(stack, "secret", {
  name: "svc/app",
  description: "App secret",
  kmsKeyArn: KEY,
  fields: ["key"],
});
new DataAwsIamPolicyDocument(stack, "reader", {
  statement: [
    logs.writeStatement("Write"),
    registry.pullStatement("Pull"),
    secret.readStatement("Read"),
    secretRotationStatement([secret.arn], "Rotate"),
  ],
});
const json = synthAlone(stack);
const arnOf = (type: string) => `\${${type}.${Object.keys(json.resources(type))[0]}.arn}`;
const statement = (sid: string) =>
  json
    .dataSources("aws_iam_policy_document")
    .reader.statement.find((candidate: { sid: string }) => candidate.sid === sid);

describe("resources offer the statements others need, scoped to themselves", () => {
  test("log group: create streams in it and put events into them, nothing else", () => {
    const arn = arnOf("aws_cloudwatch_log_group");
    expect(statement("Write")).toEqual({
      sid: "Write",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [arn, `${arn}:log-stream:*`],
    });
  });

  test("registry: pull this repository's images (the account-wide login token is granted apart)", () => {
    expect(statement("Pull")).toEqual({
      sid: "Pull",
      actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      resources: [arnOf("aws_ecr_repository")],
    });
  });

  test("secret: read this secret's value; a rotation function also writes versions and moves stages", () => {
    const arn = arnOf("aws_secretsmanager_secret");
    expect(statement("Read")).toEqual({ sid: "Read", actions: ["secretsmanager:GetSecretValue"], resources: [arn] });
    expect(statement("Rotate").actions).toEqual([
      "secretsmanager:DescribeSecret",
      "secretsmanager:GetSecretValue",
      "secretsmanager:PutSecretValue",
      "secretsmanager:UpdateSecretVersionStage",
    ]);
  });
});

describe("their literal defaults", () => {
  test("registry: immutable tags, scan on push, KMS, 30 tagged images kept, untagged ones expire after a day", () => {
    expect(json.resource("aws_ecr_repository")).toMatchObject({
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: "KMS", kms_key: KEY }],
    });
    const rules = JSON.parse(json.resource("aws_ecr_lifecycle_policy").policy).rules;
    expect(rules.map((rule: { selection: object }) => rule.selection)).toEqual([
      { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
      { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 30 },
    ]);
  });

  test("secret: a 30-day recovery window, its first value written once through the write-only attribute", () => {
    expect(json.resource("aws_secretsmanager_secret")).toMatchObject({ recovery_window_in_days: 30, kms_key_id: KEY });
    expect(json.resource("aws_secretsmanager_secret_version")).toMatchObject({
      secret_string_wo_version: 1,
      lifecycle: { ignore_changes: ["version_stages"] },
    });
    expect(json.resource("aws_secretsmanager_secret_version").secret_string).toBeUndefined();
  });

  test("log group: the given retention and key, always", () => {
    expect(json.resource("aws_cloudwatch_log_group")).toMatchObject({
      name: "/svc/logs",
      retention_in_days: 30,
      kms_key_id: KEY,
    });
  });
});
