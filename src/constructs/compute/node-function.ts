import { createHash } from "crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { AssetType, Fn, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { projectRoot } from "../../project-root";
import { EncryptedLogGroup } from "../monitoring/encrypted-log-group";
import { deterministicZip } from "./deterministic-zip";

export interface NodeFunctionProps {
  readonly functionName: string;
  readonly description: string;
  /** Directory of plain CommonJS files relative to the project root; zipped as they are. */
  readonly sourceDirectory: string;
  /** @default "index.handler" */
  readonly handler?: string;
  readonly environment?: Record<string, string>;
  /** What the function may do besides writing its own logs. */
  readonly permissions: DataAwsIamPolicyDocumentStatement[];
  readonly logRetentionDays: number;
  /** Key for the log group and the environment variables. */
  readonly kmsKeyArn: string;
  /** @default 30 seconds */
  readonly timeoutSeconds?: number;
}

/** A Node.js 20 Lambda function with its own least-privilege role and an encrypted log group. */
export class NodeFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  /** The role's permissions; anything that invokes the function right away must wait for it. */
  readonly permissions: IamRolePolicy;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const logs = new EncryptedLogGroup(this, "logs", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyArn: props.kmsKeyArn,
    });
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] }],
    });
    this.role = new IamRole(this, "role", { name: props.functionName, assumeRolePolicy: trust.json });
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
      statement: [
        // CreateLogStream is authorized on the log group, PutLogEvents on its streams.
        { sid: "WriteOwnLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [logs.arn, `${logs.arn}:log-stream:*`] },
        ...props.permissions,
      ],
    });
    this.permissions = new IamRolePolicy(this, "permissions-policy", { name: props.functionName, role: this.role.id, policy: permissions.json });

    const code = new TerraformAsset(this, "code", { path: packageSource(props.sourceDirectory), type: AssetType.FILE });
    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: props.handler ?? "index.handler",
      filename: code.path,
      sourceCodeHash: Fn.filebase64sha256(code.path),
      timeout: props.timeoutSeconds ?? 30,
      kmsKeyArn: props.kmsKeyArn,
      environment: props.environment ? { variables: props.environment } : undefined,
      loggingConfig: { logFormat: "JSON", logGroup: logs.name },
      dependsOn: [logs.logGroup],
    });
  }
}

/** Zips a source directory into a content-addressed file and returns its path. */
function packageSource(sourceDirectory: string): string {
  const directory = join(projectRoot(), sourceDirectory);
  const entries = readdirSync(directory)
    .filter((name) => name.endsWith(".js"))
    .map((name) => ({ name, content: readFileSync(join(directory, name)) }));
  const archive = deterministicZip(entries);
  const hash = createHash("sha256").update(archive).digest("hex").slice(0, 16);
  const outputDirectory = join(tmpdir(), "auth-infra-assets");
  mkdirSync(outputDirectory, { recursive: true });
  const path = join(outputDirectory, `${sourceDirectory.replace(/[^a-z0-9]+/gi, "-")}-${hash}.zip`);
  writeFileSync(path, archive);
  return path;
}
