import { createHash } from "crypto";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SyntheticsCanary } from "@cdktf/provider-aws/lib/synthetics-canary";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { suppressFinding } from "../../compliance/suppress";
import { projectRoot } from "../../project-root";
import { deterministicZip } from "../compute/deterministic-zip";
import { EncryptionKey } from "../security/encryption-key";
import { PrivateBucket } from "../storage/private-bucket";
import { AlarmFactory } from "./alarm-factory";
import { logWriteStatement } from "./encrypted-log-group";

/** The canary's code, zipped as it is (plain CommonJS, no dependencies). */
export const CANARY_SOURCE = "lambda/login-canary";
const CANARY_FILES = ["canary.js", "probe.js"];

/**
 * Where a Node.js canary's scripts sit in its zip: "For Node.js canaries, the folder structure must be
 * nodejs/node_modules/myCanaryFilename.js" (https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference/API_CanaryCodeInput.html;
 * Packaging your Node.js canary files, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_WritingCanary_Nodejs_Pup.html).
 * The runtime unpacks the zip as a Lambda layer under /opt and loads the handler's file from
 * /opt/nodejs/node_modules; a script elsewhere fails every run with "Cannot find module
 * '/opt/nodejs/node_modules/<file>'" (https://repost.aws/knowledge-center/cloudwatch-fix-failing-canary).
 */
export const CANARY_PACKAGE_FOLDER = "nodejs/node_modules";
/** `<file>.<exported function>`, the file resolved in CANARY_PACKAGE_FOLDER (canary.js exports handler). */
export const CANARY_HANDLER = "canary.handler";

/** Synthetics' own metric namespace, the only one the canary may publish to (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_metrics.html). */
export const SYNTHETICS_NAMESPACE = "CloudWatchSynthetics";

export interface LoginCanaryProps {
  /** Canary name (1-21 characters). */
  readonly name: string;
  /** Name of the canary's execution role and its policy (IAM names are global). */
  readonly roleName: string;
  /** Bucket of the run artifacts, in the canary's region. */
  readonly artifactBucketName: string;
  /** Account of the canary (key administration, log group ARNs). */
  readonly accountId: string;
  /** Region the canary runs in. */
  readonly region: string;
  /** https://<name> users reach the service on. */
  readonly endpoint: string;
  /** Path of the health endpoint. */
  readonly healthPath: string;
  /** Path of the synthetic login. */
  readonly testPath: string;
  /** Synthetics runtime, e.g. syn-nodejs-puppeteer-15.0. */
  readonly runtimeVersion: string;
  /** Minutes between runs. @default 5 */
  readonly scheduleMinutes?: number;
  /** Failed runs within evaluationRuns that page. @default 2 */
  readonly failedRunsToAlarm?: number;
  /** Most recent runs the alarm looks at. @default 2 */
  readonly evaluationRuns?: number;
  /** Days artifacts and run history are kept. @default 31 */
  readonly artifactRetentionDays?: number;
  /** Factory of the SuccessPercent alarm (the canary's region and topic). */
  readonly alarms: AlarmFactory;
}

/** The canary package: the same bytes for the same sources, so plans show a change only when the code changed. */
function canaryPackage(): string {
  const archive = deterministicZip(
    CANARY_FILES.map((name) => ({
      name: `${CANARY_PACKAGE_FOLDER}/${name}`,
      content: readFileSync(join(projectRoot(), CANARY_SOURCE, name)),
    })),
  );
  const hash = createHash("sha256").update(archive).digest("hex").slice(0, 16);
  const directory = join(tmpdir(), "auth-infra-assets");
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `login-canary-${hash}.zip`);
  writeFileSync(path, archive);
  return path;
}

/**
 * A CloudWatch Synthetics canary that checks the service the way users reach it: a validated TLS
 * handshake on the public name, /health, then the synthetic login. Its artifacts go to a private,
 * KMS-encrypted bucket; its role may write only there, to its own log groups and to the
 * CloudWatchSynthetics namespace; its SuccessPercent is alarmed.
 */
export class LoginCanary extends Construct {
  readonly canary: SyntheticsCanary;
  readonly bucket: PrivateBucket;

  constructor(scope: Construct, id: string, props: LoginCanaryProps) {
    super(scope, id);
    const retention = props.artifactRetentionDays ?? 31;
    const key = new EncryptionKey(this, "artifacts-key", {
      description: `Encrypts the run artifacts of the ${props.name} canary`,
      alias: `${props.name}-canary-artifacts`,
      accountId: props.accountId,
    });
    this.bucket = new PrivateBucket(this, "artifacts", {
      bucketName: props.artifactBucketName,
      encryption: { kmsKeyArn: key.arn },
      versioned: true,
      lifecycleRules: [
        {
          id: "expire-canary-artifacts",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: retention }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    suppressFinding(
      this.bucket.bucket,
      "s3-access-logging",
      "only the canary role writes here, and the artifacts hold no service data (no response body is logged)",
    );

    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] },
      ],
    });
    const role = new IamRole(this, "role", { name: props.roleName, assumeRolePolicy: trust.json });
    // The permissions a canary needs (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_CanaryPermissions.html),
    // each narrowed to this canary's bucket, key, log groups (the canary's Lambda is cwsyn-<name>-<id>) and namespace.
    // Synthetics creates the function cwsyn-<name>-<id> and its log group itself.
    const logGroups = `arn:aws:logs:${props.region}:${props.accountId}:log-group:/aws/lambda/cwsyn-${props.name}-*`;
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
      statement: [
        { sid: "WriteArtifacts", actions: ["s3:PutObject"], resources: [`${this.bucket.bucket.arn}/*`] },
        { sid: "LocateArtifactBucket", actions: ["s3:GetBucketLocation"], resources: [this.bucket.bucket.arn] },
        { sid: "ListBuckets", actions: ["s3:ListAllMyBuckets"], resources: ["*"] },
        { sid: "EncryptArtifacts", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [key.arn] },
        { sid: "CreateOwnLogGroup", actions: ["logs:CreateLogGroup"], resources: [logGroups] },
        logWriteStatement(logGroups, "WriteOwnLogs"),
        {
          sid: "PublishSyntheticsMetrics",
          actions: ["cloudwatch:PutMetricData"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: [SYNTHETICS_NAMESPACE] }],
        },
      ],
    });
    const policy = new IamRolePolicy(this, "permissions-policy", {
      name: props.roleName,
      role: role.id,
      policy: permissions.json,
    });

    const schedule = props.scheduleMinutes ?? 5;
    this.canary = new SyntheticsCanary(this, "canary", {
      name: props.name,
      runtimeVersion: props.runtimeVersion,
      executionRoleArn: role.arn,
      // Resolved in nodejs/node_modules of the package, where canaryPackage() puts the scripts.
      handler: CANARY_HANDLER,
      // The package's path carries its content hash, so a code change is a change of zip_file in the plan.
      zipFile: new TerraformAsset(this, "code", { path: canaryPackage(), type: AssetType.FILE }).path,
      artifactS3Location: `s3://${this.bucket.bucket.bucket}/`,
      artifactConfig: { s3Encryption: { encryptionMode: "SSE_KMS", kmsKeyArn: key.arn } },
      schedule: { expression: schedule === 1 ? "rate(1 minute)" : `rate(${schedule} minutes)` },
      runConfig: {
        timeoutInSeconds: 60,
        environmentVariables: {
          CANARY_ENDPOINT: props.endpoint,
          CANARY_HEALTH_PATH: props.healthPath,
          CANARY_TEST_PATH: props.testPath,
        },
      },
      successRetentionPeriod: retention,
      failureRetentionPeriod: retention,
      startCanary: true,
      deleteLambda: true,
      dependsOn: [policy, this.bucket.policy],
    });

    const runs = props.evaluationRuns ?? 2;
    props.alarms.threshold({
      name: "canary-login-failed",
      description: `The ${props.name} canary in ${props.region} failed ${props.failedRunsToAlarm ?? 2} of its last ${runs} runs against ${props.endpoint} (TLS certificate, DNS, WAF, the service or its login)`,
      runbook: "outside-in-checks",
      namespace: SYNTHETICS_NAMESPACE,
      metricName: "SuccessPercent",
      dimensions: { CanaryName: props.name },
      statistic: "Average",
      periodSeconds: schedule * 60,
      evaluationPeriods: runs,
      datapointsToAlarm: props.failedRunsToAlarm ?? 2,
      threshold: 100,
      breachWhen: "below",
      // A canary that stopped running watches nothing: that pages too.
      treatMissingData: "breaching",
    });
  }
}
