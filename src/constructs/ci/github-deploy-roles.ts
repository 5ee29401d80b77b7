import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { githubSubject } from "./github-oidc-subject";

const GITHUB_OIDC = "token.actions.githubusercontent.com";

export interface GithubDeployRolesProps {
  /** Prefix of the role names, e.g. auth-staging. */
  readonly name: string;
  /** Account of the roles; the GitHub OIDC provider they trust is in it too. */
  readonly accountId: string;
  /** owner/name of the repository whose workflows may assume the roles. */
  readonly repository: string;
  /** GitHub environment whose jobs may deploy (protect it: required reviewers, deployment branch main). */
  readonly deployEnvironment: string;
  /** GitHub environment whose jobs may plan. */
  readonly planEnvironment: string;
  /** GitHub environment (its own required reviewers) whose deploy-workflow jobs apply bootstrap and security. */
  readonly platformEnvironment: string;
  /** Managed policies of the deploy role (generated from the action map: src/iam/ci-policies.ts). */
  readonly deployPolicyArns: readonly string[];
  /** Managed policies of the platform role (generated likewise for bootstrap and security). */
  readonly platformPolicyArns: readonly string[];
  /** The state bucket and its key: every role reads state; plan writes locks and saved plans, deploy and platform write state. */
  readonly stateBucketArn: string;
  /** KMS key that encrypts the state bucket's objects. */
  readonly stateKeyArn: string;
  /** The DR state bucket and its key (the DR stacks' state): the plan role reads and locks state there too. @default none */
  readonly drState?: { readonly bucketArn: string; readonly keyArn: string };
  /** Workflow file that deploys; only its jobs, from deployRef, get the deploy role. @default ".github/workflows/deploy.yml" */
  readonly deployWorkflow?: string;
  /**
   * Reusable workflow file that releases (GitHub puts the called file, not the caller, in a
   * reusable workflow's job_workflow_ref); its jobs from deployRef also get the deploy role.
   * @default ".github/workflows/release-environment.yml"
   */
  readonly releaseWorkflow?: string;
  /** The ref deploys and releases run from. @default "refs/heads/main" */
  readonly deployRef?: string;
  /** Workflow file whose pull request jobs plan. @default ".github/workflows/pull-request.yml" */
  readonly pullRequestWorkflow?: string;
  /** Key prefix of saved plans in the state bucket (the plan job writes them, the apply job reads them). @default "plans/" */
  readonly savedPlansPrefix?: string;
  /** The GitHub OIDC provider the trust names; pass the provider construct's ARN so the role waits for a provider created in the same apply. @default the account's provider ARN, built from accountId */
  readonly oidcProviderArn?: string;
  /** Create the account's GitHub OIDC provider; false when another stack already made it. @default true */
  readonly createOidcProvider?: boolean;
  /** Longest session a job gets; a deploy plus a release with bakes takes well over an hour. @default 3 hours */
  readonly maxSessionSeconds?: number;
}

/**
 * GitHub Actions identities without long-lived keys, for a repository whose OIDC subject template
 * is `repo, context, job_workflow_ref` (see github-oidc-subject.ts; `npm run check-github` verifies it).
 * Four roles (names: ciRoleName in naming.ts), none an administrator:
 * - plan-pr trusts the pull request workflow in the plan environment: it reads resources and
 *   state, never secret values, and writes nothing (no lock, no saved plan);
 * - plan trusts the deploy workflow from main in the plan environment: the same reads, plus the
 *   state lock and the saved plans the apply job applies;
 * - deploy trusts the deploy and release workflows from main in the deploy environment: it
 *   applies the workload layers with the generated, scoped policies;
 * - platform trusts the deploy workflow from main in the platform environment (its own
 *   reviewers): it applies bootstrap and security, including these roles.
 * A workflow on another branch, or in another environment, gets none of them.
 */
export class GithubDeployRoles extends Construct {
  readonly planPrRole: IamRole;
  readonly planRole: IamRole;
  readonly deployRole: IamRole;
  readonly platformRole: IamRole;

  constructor(scope: Construct, id: string, props: GithubDeployRolesProps) {
    super(scope, id);
    const providerArn = props.oidcProviderArn ?? `arn:aws:iam::${props.accountId}:oidc-provider/${GITHUB_OIDC}`;
    if (props.createOidcProvider ?? true) {
      new IamOpenidConnectProvider(this, "github", {
        url: `https://${GITHUB_OIDC}`,
        clientIdList: ["sts.amazonaws.com"],
      });
    }
    const deployWorkflow = props.deployWorkflow ?? ".github/workflows/deploy.yml";
    const deployRef = props.deployRef ?? "refs/heads/main";
    const trust = (sid: string, test: "StringEquals" | "StringLike", subjects: string[]) =>
      new DataAwsIamPolicyDocument(this, `${sid}-trust`, {
        statement: [
          {
            actions: ["sts:AssumeRoleWithWebIdentity"],
            principals: [{ type: "Federated", identifiers: [providerArn] }],
            condition: [
              { test: "StringEquals", variable: `${GITHUB_OIDC}:aud`, values: ["sts.amazonaws.com"] },
              { test, variable: `${GITHUB_OIDC}:sub`, values: subjects },
            ],
          },
        ],
      }).json;

    const pullRequestWorkflow = props.pullRequestWorkflow ?? ".github/workflows/pull-request.yml";
    const maxSessionDuration = props.maxSessionSeconds ?? 10800;
    const savedPlans = `${props.stateBucketArn}/${(props.savedPlansPrefix ?? "plans/").replace(/\/?$/, "/")}*`;
    const stateBuckets = [props.stateBucketArn, ...(props.drState ? [props.drState.bucketArn] : [])];
    const stateKeys = [props.stateKeyArn, ...(props.drState ? [props.drState.keyArn] : [])];
    const stateObjects = stateBuckets.map((arn) => `${arn}/*`);
    const locks = stateBuckets.map((arn) => `${arn}/*.tflock`);
    const role = (id: string, name: string, description: string, assumeRolePolicy: string) =>
      new IamRole(this, id, { name: `${props.name}-ci-${name}`, description, assumeRolePolicy, maxSessionDuration });
    const inline = (id: string, target: IamRole, name: string, statement: DataAwsIamPolicyDocumentStatement[]) =>
      new IamRolePolicy(this, id, {
        name,
        role: target.id,
        policy: new DataAwsIamPolicyDocument(this, `${id}-document`, { statement }).json,
      });
    // ReadOnlyAccess includes secretsmanager:GetSecretValue and ssm:GetParameter*; secret values
    // stay out of plan jobs whatever later policies grant. SecureString parameters, SSE-KMS objects
    // and anything else encrypted with another key stay unreadable: only the state key decrypts.
    const planReads: DataAwsIamPolicyDocumentStatement[] = [
      { sid: "ListState", actions: ["s3:ListBucket"], resources: stateBuckets },
      { sid: "ReadState", actions: ["s3:GetObject"], resources: stateObjects },
      // Saved binary plans hold prior state and secret values: only the deploy role's apply job reads them.
      {
        sid: "DenyReadingSavedPlans",
        effect: "Deny",
        actions: ["s3:GetObject", "s3:GetObjectVersion"],
        resources: [savedPlans],
      },
      {
        sid: "DenySecretValues",
        effect: "Deny",
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"],
        resources: ["*"],
      },
      { sid: "DenyDecryptButState", effect: "Deny", actions: ["kms:Decrypt"], notResources: stateKeys },
    ];

    this.planPrRole = role(
      "plan-pr-role",
      "plan-pr",
      `terraform plan -lock=false of pull requests (${pullRequestWorkflow}) in the ${props.planEnvironment} GitHub environment`,
      trust("plan-pr", "StringLike", [
        githubSubject({
          repository: props.repository,
          environment: props.planEnvironment,
          workflow: pullRequestWorkflow,
          ref: "refs/pull/*",
        }),
      ]),
    );
    new IamRolePolicyAttachment(this, "plan-pr-read-only", {
      role: this.planPrRole.name,
      policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
    });
    // A pull request runs its own code: it may not take or delete a deploy's lock, nor write a
    // saved plan (the apply job would refuse it: a denial of service), nor write anything else.
    inline("plan-pr-policy", this.planPrRole, "state-read-only", [
      ...planReads,
      { sid: "UseStateKeyToRead", actions: ["kms:Decrypt"], resources: stateKeys },
      {
        sid: "DenyStateWrites",
        effect: "Deny",
        actions: ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
        resources: stateObjects,
      },
    ]);

    this.planRole = role(
      "plan-role",
      "plan",
      `terraform plan of ${deployWorkflow}@${deployRef} in the ${props.planEnvironment} GitHub environment`,
      trust("plan", "StringEquals", [
        githubSubject({
          repository: props.repository,
          environment: props.planEnvironment,
          workflow: deployWorkflow,
          ref: deployRef,
        }),
      ]),
    );
    new IamRolePolicyAttachment(this, "plan-read-only", {
      role: this.planRole.name,
      policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
    });
    inline("plan-policy", this.planRole, "state-no-secrets", [
      ...planReads,
      { sid: "LockState", actions: ["s3:PutObject", "s3:DeleteObject"], resources: locks },
      // The apply job checks each saved plan against the checksum in its own run's summary, so a
      // plan written here by another job is refused rather than applied.
      { sid: "SavePlans", actions: ["s3:PutObject"], resources: [savedPlans] },
      { sid: "UseStateKey", actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], resources: stateKeys },
    ]);

    // Both applying identities read and write state (their layers' and the others' through
    // terraform_remote_state), take the lock and read the saved plans they apply.
    const applyState: DataAwsIamPolicyDocumentStatement[] = [
      { sid: "ListState", actions: ["s3:ListBucket"], resources: stateBuckets },
      { sid: "ReadWriteState", actions: ["s3:GetObject", "s3:PutObject"], resources: stateObjects },
      { sid: "ReleaseLock", actions: ["s3:DeleteObject"], resources: locks },
      { sid: "UseStateKey", actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], resources: stateKeys },
    ];
    const releaseWorkflow = props.releaseWorkflow ?? ".github/workflows/release-environment.yml";
    this.deployRole = role(
      "deploy-role",
      "deploy",
      `cdktf deploy of the workload layers by ${deployWorkflow}@${deployRef} in the ${props.deployEnvironment} GitHub environment`,
      trust("deploy", "StringEquals", [
        githubSubject({
          repository: props.repository,
          environment: props.deployEnvironment,
          workflow: deployWorkflow,
          ref: deployRef,
        }),
        githubSubject({
          repository: props.repository,
          environment: props.deployEnvironment,
          workflow: releaseWorkflow,
          ref: deployRef,
        }),
      ]),
    );
    inline("deploy-state", this.deployRole, "state", applyState);
    props.deployPolicyArns.forEach(
      (policyArn, index) =>
        new IamRolePolicyAttachment(this, `deploy-policy-${index}`, { role: this.deployRole.name, policyArn }),
    );

    this.platformRole = role(
      "platform-role",
      "platform",
      `cdktf deploy of bootstrap and security by ${deployWorkflow}@${deployRef} in the ${props.platformEnvironment} GitHub environment`,
      trust("platform", "StringEquals", [
        githubSubject({
          repository: props.repository,
          environment: props.platformEnvironment,
          workflow: deployWorkflow,
          ref: deployRef,
        }),
      ]),
    );
    inline("platform-state", this.platformRole, "state", applyState);
    props.platformPolicyArns.forEach(
      (policyArn, index) =>
        new IamRolePolicyAttachment(this, `platform-policy-${index}`, { role: this.platformRole.name, policyArn }),
    );
  }
}
