import { NodeFunction, NodeFunctionProps } from "../../src/constructs/compute/node-function";
import { LAMBDA_NODE_RUNTIME } from "../../src/constructs/compute/lambda-runtime";
import { constructStack, synthAlone } from "../support/construct-stack";

const MINIMAL: NodeFunctionProps = {
  functionName: "svc-fn",
  description: "A function",
  sourceDirectory: "lambda/login-canary",
  permissions: [],
  logRetentionDays: 30,
  kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/1",
};

function fn(props: Partial<NodeFunctionProps> = {}) {
  const stack = constructStack();
  new NodeFunction(stack, "fn", { ...MINIMAL, ...props });
  return synthAlone(stack);
}

describe("NodeFunction alone, with only the required props", () => {
  const json = fn();
  const lambda = json.resource("aws_lambda_function");

  test(`${LAMBDA_NODE_RUNTIME} on arm64, index.handler, 30 s, environment encrypted with the key, JSON logs into its own encrypted group`, () => {
    expect(lambda).toMatchObject({
      runtime: LAMBDA_NODE_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      timeout: 30,
      kms_key_arn: MINIMAL.kmsKeyArn,
    });
    expect(lambda.logging_config.log_format).toBe("JSON");
    expect(json.resource("aws_cloudwatch_log_group")).toMatchObject({
      name: "/aws/lambda/svc-fn",
      retention_in_days: 30,
      kms_key_id: MINIMAL.kmsKeyArn,
    });
    expect(lambda.vpc_config).toBeUndefined();
    expect(lambda.environment).toBeUndefined();
  });

  test("its role may only write its own logs, through the log group's own statement", () => {
    const policy = json.policyDocument(json.resource("aws_iam_role_policy").policy);
    expect(policy.statement.map((statement: { sid: string }) => statement.sid)).toEqual(["WriteOwnLogs"]);
  });

  test("exactly one source: a directory or a bundle entry point", () => {
    expect(() => fn({ bundleEntryPoint: "lambda/postgres-rotation/index.ts" })).toThrow(
      "svc-fn: set exactly one of sourceDirectory or bundleEntryPoint",
    );
  });
});
