import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { suppressFinding } from "../../compliance/suppress";
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
  /** The state bucket and its key: the plan role reads state, writes lock files and saved plans. */
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
  /** Create the account's GitHub OIDC provider; false when another stack already made it. @default true */
  readonly createOidcProvider?: boolean;
  /** Longest session a job gets; a deploy plus a release with bakes takes well over an hour. @default 3 hours */
  readonly maxSessionSeconds?: number;
}

/**
 * GitHub Actions identities without long-lived keys, for a repository whose OIDC subject template
 * is `repo, context, job_workflow_ref` (see github-oidc-subject.ts; `npm run check-github` verifies it):
 * - the deploy role trusts only the deploy workflow, taken from main, in the deploy environment:
 *   a workflow on another branch that names the environment gets nothing;
 * - the plan role trusts the pull request workflow and that same deploy workflow in the plan
 *   environment; it reads resources and state, never secret values.
 */
export class GithubDeployRoles extends Construct {
  readonly planRole: IamRole;
  readonly deployRole: IamRole;

  constructor(scope: Construct, id: string, props: GithubDeployRolesProps) {
    super(scope, id);
    const providerArn = `arn:aws:iam::${props.accountId}:oidc-provider/${GITHUB_OIDC}`;
    if (props.createOidcProvider ?? true) {
      new IamOpenidConnectProvider(this, "github", { url: `https://${GITHUB_OIDC}`, clientIdList: ["sts.amazonaws.com"] });
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

    const planSubjects = [
      githubSubject({ repository: props.repository, environment: props.planEnvironment, workflow: props.pullRequestWorkflow ?? ".github/workflows/pull-request.yml", ref: "refs/pull/*" }),
      githubSubject({ repository: props.repository, environment: props.planEnvironment, workflow: deployWorkflow, ref: deployRef }),
    ];
    this.planRole = new IamRole(this, "plan-role", {
      name: `${props.name}-ci-plan`,
      description: `terraform plan from the ${props.planEnvironment} GitHub environment`,
      assumeRolePolicy: trust("plan", "StringLike", planSubjects),
      maxSessionDuration: props.maxSessionSeconds ?? 10800,
    });
    new IamRolePolicyAttachment(this, "plan-read-only", { role: this.planRole.name, policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
    const savedPlans = `${props.stateBucketArn}/${(props.savedPlansPrefix ?? "plans/").replace(/\/?$/, "/")}*`;
    const stateBuckets = [props.stateBucketArn, ...(props.drState ? [props.drState.bucketArn] : [])];
    const stateKeys = [props.stateKeyArn, ...(props.drState ? [props.drState.keyArn] : [])];
    const planExtras = new DataAwsIamPolicyDocument(this, "plan-permissions", {
      statement: [
        { sid: "ListState", actions: ["s3:ListBucket"], resources: stateBuckets },
        { sid: "ReadState", actions: ["s3:GetObject"], resources: stateBuckets.map((arn) => `${arn}/*`) },
        { sid: "LockState", actions: ["s3:PutObject", "s3:DeleteObject"], resources: stateBuckets.map((arn) => `${arn}/*.tflock`) },
        // The apply job checks each saved plan against the checksum in its own run's summary, so a
        // plan written here by another job is refused rather than applied.
        { sid: "SavePlans", actions: ["s3:PutObject"], resources: [savedPlans] },
        // Saved binary plans hold prior state and secret values: only the deploy role's apply job reads them.
        { sid: "DenyReadingSavedPlans", effect: "Deny", actions: ["s3:GetObject", "s3:GetObjectVersion"], resources: [savedPlans] },
        { sid: "UseStateKey", actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], resources: stateKeys },
        // ReadOnlyAccess includes secretsmanager:GetSecretValue and ssm:GetParameter*; secret values
        // stay out of plan jobs whatever later policies grant.
        {
          sid: "DenySecretValues",
          effect: "Deny",
          actions: ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"],
          resources: ["*"],
        },
        // SecureString parameters, SSE-KMS objects and anything else encrypted with another key
        // (customer-managed or aws/ssm) stay unreadable: only the state key decrypts.
        { sid: "DenyDecryptButState", effect: "Deny", actions: ["kms:Decrypt"], notResources: stateKeys },
      ],
    });
    new IamRolePolicy(this, "plan-policy", { name: "state-no-secrets", role: this.planRole.id, policy: planExtras.json });

    this.deployRole = new IamRole(this, "deploy-role", {
      name: `${props.name}-ci-deploy`,
      description: `cdktf deploy by ${deployWorkflow}@${deployRef} in the ${props.deployEnvironment} GitHub environment`,
      assumeRolePolicy: trust("deploy", "StringEquals", [
        githubSubject({ repository: props.repository, environment: props.deployEnvironment, workflow: deployWorkflow, ref: deployRef }),
        githubSubject({ repository: props.repository, environment: props.deployEnvironment, workflow: props.releaseWorkflow ?? ".github/workflows/release-environment.yml", ref: deployRef }),
      ]),
      maxSessionDuration: props.maxSessionSeconds ?? 10800,
    });
    // Deploying creates IAM roles, KMS keys and everything else in these stacks; the trust policy
    // (one workflow file, from main, in one protected GitHub environment) limits who can use it.
    const administrator = new IamRolePolicyAttachment(this, "deploy-administrator", {
      role: this.deployRole.name,
      policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
    });
    suppressFinding(
      administrator,
      "iam-no-admin-access",
      "the deploy role applies every stack (IAM roles, KMS key policies, networks); only jobs of the protected GitHub deploy environment can assume it",
    );
  }
}
