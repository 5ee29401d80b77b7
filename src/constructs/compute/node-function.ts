import { createHash, randomBytes } from "crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { AssetType, Fn, TerraformAsset, Token } from "cdktf";
import { Construct } from "constructs";
import { projectRoot } from "../../project-root";
import { EncryptedLogGroup } from "../monitoring/encrypted-log-group";
import { deterministicZip, ZipEntry } from "./deterministic-zip";
import { bundleFunction } from "./lambda-bundle";
import { LAMBDA_NODE_RUNTIME } from "./lambda-runtime";

/** Where a function in a VPC runs. */
export interface FunctionNetwork {
  /** Private subnets, one per AZ. */
  readonly subnetIds: string[];
  /** Groups that allow exactly the connections the function makes. */
  readonly securityGroupIds: string[];
}

export interface NodeFunctionProps {
  /** Name of the function, its role and its log group (/aws/lambda/<name>). */
  readonly functionName: string;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /** Directory of plain CommonJS files relative to the project root, zipped as they are. @default none: set this or bundleEntryPoint */
  readonly sourceDirectory?: string;
  /** TypeScript entry point relative to the project root, bundled with its npm dependencies into index.js. @default none: set this or sourceDirectory */
  readonly bundleEntryPoint?: string;
  /** Entry point, file.export. @default "index.handler" */
  readonly handler?: string;
  /** Environment variables (never secret values). @default none */
  readonly environment?: Record<string, string>;
  /** What the function may do besides writing its own logs. */
  readonly permissions: DataAwsIamPolicyDocumentStatement[];
  /** Retention of the function's log group. */
  readonly logRetentionDays: number;
  /** Key for the log group and the environment variables. */
  readonly kmsKeyArn: string;
  /** Longest a single invocation may run. @default 30 seconds */
  readonly timeoutSeconds?: number;
  /** Run inside the VPC, e.g. to reach a database. @default outside any VPC */
  readonly network?: FunctionNetwork;
}

/**
 * What Lambda needs to place a function's network interfaces, scoped to the function's own subnets
 * and security groups: Lambda uses the execution role to create and remove them, and only the
 * Describe actions must be allowed on "*"
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html, AWSLambdaVPCAccessExecutionRole).
 */
function networkInterfaceStatements(network: FunctionNetwork): DataAwsIamPolicyDocumentStatement[] {
  const interfaces = "arn:aws:ec2:*:*:network-interface/*";
  return [
    {
      sid: "CreateNetworkInterfacesInOwnSubnets",
      actions: ["ec2:CreateNetworkInterface"],
      // The subnet ids may be one token list (from remote state): build the ARNs in Terraform.
      resources: Token.asList(
        Fn.concat([
          [interfaces],
          Fn.formatlist("arn:aws:ec2:*:*:subnet/%s", [network.subnetIds]),
          Fn.formatlist("arn:aws:ec2:*:*:security-group/%s", [network.securityGroupIds]),
        ]),
      ),
    },
    {
      sid: "ManageOwnNetworkInterfaces",
      actions: ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
      resources: [interfaces],
      // Only interfaces in the function's own subnets: the Service Authorization Reference lists
      // ec2:Subnet (the subnet's ARN) for these actions on network-interface.
      condition: [
        {
          test: "ArnLike",
          variable: "ec2:Subnet",
          values: Token.asList(Fn.formatlist("arn:aws:ec2:*:*:subnet/%s", [network.subnetIds])),
        },
      ],
    },
    {
      sid: "DescribeNetworkInterfaces",
      actions: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
      resources: ["*"],
    },
  ];
}

/** A Node.js Lambda function (LAMBDA_NODE_RUNTIME) with its own least-privilege role and an encrypted log group. */
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
      statement: [
        { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] },
      ],
    });
    this.role = new IamRole(this, "role", { name: props.functionName, assumeRolePolicy: trust.json });
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
      statement: [
        logs.writeStatement("WriteOwnLogs"),
        ...props.permissions,
        ...(props.network ? networkInterfaceStatements(props.network) : []),
      ],
    });
    this.permissions = new IamRolePolicy(this, "permissions-policy", {
      name: props.functionName,
      role: this.role.id,
      policy: permissions.json,
    });

    const code = new TerraformAsset(this, "code", { path: packageSource(props), type: AssetType.FILE });
    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: LAMBDA_NODE_RUNTIME,
      architectures: ["arm64"],
      handler: props.handler ?? "index.handler",
      filename: code.path,
      sourceCodeHash: Fn.filebase64sha256(code.path),
      timeout: props.timeoutSeconds ?? 30,
      kmsKeyArn: props.kmsKeyArn,
      environment: props.environment ? { variables: props.environment } : undefined,
      loggingConfig: { logFormat: "JSON", logGroup: logs.name },
      vpcConfig: props.network
        ? { subnetIds: props.network.subnetIds, securityGroupIds: props.network.securityGroupIds }
        : undefined,
      // Lambda checks at creation that the role may create the network interfaces.
      dependsOn: [logs.logGroup, ...(props.network ? [this.permissions] : [])],
    });
  }
}

/** Zips a source directory, or the bundle of an entry point, into a content-addressed file and returns its path. */
function packageSource(props: NodeFunctionProps): string {
  if ((props.sourceDirectory === undefined) === (props.bundleEntryPoint === undefined)) {
    throw new Error(`${props.functionName}: set exactly one of sourceDirectory or bundleEntryPoint`);
  }
  const source = (props.sourceDirectory ?? props.bundleEntryPoint) as string;
  const entries: ZipEntry[] = props.bundleEntryPoint
    ? [{ name: "index.js", content: bundleFunction(props.bundleEntryPoint) }]
    : readdirSync(join(projectRoot(), source))
        .filter((name) => name.endsWith(".js"))
        .map((name) => ({ name, content: readFileSync(join(projectRoot(), source, name)) }));
  const archive = deterministicZip(entries);
  const hash = createHash("sha256").update(archive).digest("hex").slice(0, 16);
  const outputDirectory = join(tmpdir(), "auth-infra-assets");
  mkdirSync(outputDirectory, { recursive: true });
  const path = join(outputDirectory, `${source.replace(/[^a-z0-9]+/gi, "-")}-${hash}.zip`);
  // Written beside it and renamed into place: synths running at once (jest's setup, other checkouts)
  // share this folder, and a plain write truncates the file while another synth copies it (an empty zip).
  const partial = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(partial, archive);
  renameSync(partial, path);
  return path;
}
