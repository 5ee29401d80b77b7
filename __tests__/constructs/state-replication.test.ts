import { StateReplication } from "../../src/constructs/state/state-replication";
import { Synthesized } from "../support/synth";
import { constructStack, synthAlone } from "../support/construct-stack";

const SOURCE = { bucketName: "tf-state", bucketArn: "arn:aws:s3:::tf-state", region: "eu-west-1", kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/src" };
const DESTINATION = { bucketName: "tf-state-dr", bucketArn: "arn:aws:s3:::tf-state-dr", region: "eu-central-1", kmsKeyArn: "arn:aws:kms:eu-central-1:111122223333:key/dst" };

describe("StateReplication alone", () => {
  let json: Synthesized;
  beforeAll(() => {
    const stack = constructStack();
    new StateReplication(stack, "replication", { name: "t", accountId: "111122223333", source: SOURCE, destination: DESTINATION, prefix: "env/", dependsOn: [] });
    json = synthAlone(stack);
  });

  test("replicates KMS-encrypted state under the prefix, with delete markers, re-encrypted with the DR key, within 15 minutes", () => {
    const configuration = json.resource("aws_s3_bucket_replication_configuration");
    expect(configuration.bucket).toBe("tf-state");
    expect(configuration.rule).toEqual([
      {
        id: "state-to-dr-region",
        status: "Enabled",
        priority: 1,
        filter: { prefix: "env/" },
        delete_marker_replication: { status: "Enabled" },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
        destination: {
          bucket: DESTINATION.bucketArn,
          storage_class: "STANDARD",
          encryption_configuration: { replica_kms_key_id: DESTINATION.kmsKeyArn },
          replication_time: { status: "Enabled", time: { minutes: 15 } },
          metrics: { status: "Enabled", event_threshold: { minutes: 15 } },
        },
      },
    ]);
  });

  test("S3 assumes the role only on behalf of the account", () => {
    expect(json.policyDocument(json.resource("aws_iam_role").assume_role_policy).statement).toEqual([
      { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["s3.amazonaws.com"] }], condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["111122223333"] }] },
    ]);
  });

  test("the role decrypts the source and encrypts replicas only through S3 of each region, for each bucket", () => {
    const statements = json.policyDocument(json.resource("aws_iam_role_policy").policy).statement;
    const bySid = (sid: string) => statements.find((statement: { sid: string }) => statement.sid === sid);
    expect(bySid("DecryptSource")).toMatchObject({
      actions: ["kms:Decrypt"],
      resources: [SOURCE.kmsKeyArn],
      condition: [
        { test: "StringEquals", variable: "kms:ViaService", values: ["s3.eu-west-1.amazonaws.com"] },
        { test: "StringLike", variable: "kms:EncryptionContext:aws:s3:arn", values: ["arn:aws:s3:::tf-state", "arn:aws:s3:::tf-state/*"] },
      ],
    });
    expect(bySid("EncryptReplicas")).toMatchObject({ resources: [DESTINATION.kmsKeyArn], condition: [{ values: ["s3.eu-central-1.amazonaws.com"] }, { values: ["arn:aws:s3:::tf-state-dr", "arn:aws:s3:::tf-state-dr/*"] }] });
    expect(bySid("WriteReplicas").resources).toEqual(["arn:aws:s3:::tf-state-dr/*"]);
  });
});
