import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { githubSubject } from "./github-oidc-subject";

const GITHUB_OIDC = "token.actions.githubusercontent.com";

export interface GithubDriftRoleProps {
  /** Role name, from naming.ts (driftRoleName). */
  readonly name: string;
  /** Account of the role and of the GitHub OIDC provider it trusts. */
  readonly accountId: string;
  /** The GitHub OIDC provider the trust names; pass the provider construct's ARN so the role waits for a provider created in the same apply. @default the account's provider ARN, built from accountId */
  readonly oidcProviderArn?: string;
  /** owner/name of the repository whose scheduled-checks workflow assumes the role. */
  readonly repository: string;
  /** GitHub environment of the scheduled jobs. */
  readonly githubEnvironment: string;
  /** The workflow file whose jobs, from `ref`, may assume the role. */
  readonly workflow: string;
  /** The ref the workflow must run from; a dispatch from any other branch gets nothing. @default "refs/heads/main" */
  readonly ref?: string;
  /** State buckets (primary and DR) the checks read state from. */
  readonly stateBucketArns: string[];
  /** Keys that encrypt the state objects: the only keys the role may decrypt with directly. */
  readonly stateKeyArns: string[];
  /** The SNS topic security-relevant drift is published to (encrypted with a customer-managed key). */
  readonly alertTopicArn: string;
  /** Region of the alert topic: its key may be used only through SNS there. */
  readonly alertTopicRegion: string;
  /** Longest session a job gets; a refresh of every stack takes minutes, not hours. @default 1 hour */
  readonly maxSessionSeconds?: number;
}

/**
 * The identity of the scheduled checks: it refreshes and plans every stack and reads account
 * metadata, and writes nothing but an alert. No lock file, no saved plan, no secret value: the
 * drift job plans with -lock=false, and the denies below hold whatever a later policy grants.
 */
export class GithubDriftRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: GithubDriftRoleProps) {
    super(scope, id);
    const providerArn = props.oidcProviderArn ?? `arn:aws:iam::${props.accountId}:oidc-provider/${GITHUB_OIDC}`;
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRoleWithWebIdentity"],
          principals: [{ type: "Federated", identifiers: [providerArn] }],
          condition: [
            { test: "StringEquals", variable: `${GITHUB_OIDC}:aud`, values: ["sts.amazonaws.com"] },
            // StringEquals: the workflow file from this ref exactly; no pattern, no other branch.
            {
              test: "StringEquals",
              variable: `${GITHUB_OIDC}:sub`,
              values: [
                githubSubject({
                  repository: props.repository,
                  environment: props.githubEnvironment,
                  workflow: props.workflow,
                  ref: props.ref ?? "refs/heads/main",
                }),
              ],
            },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: `Scheduled drift and health checks by ${props.workflow} from main in the ${props.githubEnvironment} GitHub environment: read-only`,
      assumeRolePolicy: trust.json,
      maxSessionDuration: props.maxSessionSeconds ?? 3600,
    });
    // A refresh reads every resource type the stacks manage: the AWS-managed read-only policy
    // follows new services without a change here. What it must never reach is denied below.
    new IamRolePolicyAttachment(this, "read-only", {
      role: this.role.name,
      policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
    });
    const viaSns = [
      { test: "StringEquals", variable: "kms:ViaService", values: [`sns.${props.alertTopicRegion}.amazonaws.com`] },
    ];
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
      statement: [
        { sid: "ListState", actions: ["s3:ListBucket"], resources: props.stateBucketArns },
        {
          sid: "ReadState",
          actions: ["s3:GetObject"],
          resources: props.stateBucketArns.map((arn) => `${arn}/*.tfstate`),
        },
        { sid: "DecryptState", actions: ["kms:Decrypt"], resources: props.stateKeyArns },
        { sid: "PublishSecurityDrift", actions: ["sns:Publish"], resources: [props.alertTopicArn] },
        // The topic is encrypted with its own key: a publisher needs these on it, through SNS only
        // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#sns-what-permissions-for-sse).
        {
          sid: "EncryptAlertThroughSns",
          actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
          resources: [`arn:aws:kms:${props.alertTopicRegion}:${props.accountId}:key/*`],
          condition: viaSns,
        },
        // Nothing is written to the state buckets: no lock file, no saved plan, no state.
        {
          sid: "DenyStateWrites",
          effect: "Deny",
          actions: ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
          resources: props.stateBucketArns.map((arn) => `${arn}/*`),
        },
        // Secret metadata yes (DescribeSecret, ListSecrets), values never.
        {
          sid: "DenySecretValues",
          effect: "Deny",
          actions: ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"],
          resources: ["*"],
        },
        // SecureString parameters and anything else encrypted with another key stay unreadable.
        {
          sid: "DenyDecryptButStateAndSns",
          effect: "Deny",
          actions: ["kms:Decrypt"],
          notResources: props.stateKeyArns,
          condition: [
            {
              test: "StringNotEquals",
              variable: "kms:ViaService",
              values: [`sns.${props.alertTopicRegion}.amazonaws.com`],
            },
          ],
        },
      ],
    });
    new IamRolePolicy(this, "policy", {
      name: "state-read-alert-publish",
      role: this.role.id,
      policy: permissions.json,
    });
  }
}
