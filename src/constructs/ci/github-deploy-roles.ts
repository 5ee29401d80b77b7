import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { suppressFinding } from "../../compliance/suppress";

const GITHUB_OIDC = "token.actions.githubusercontent.com";

export interface GithubDeployRolesProps {
  /** Prefix of the role names, e.g. auth-staging. */
  readonly name: string;
  readonly accountId: string;
  /** owner/name of the repository whose workflows may assume the roles. */
  readonly repository: string;
  /** GitHub environment whose jobs may deploy (protect it: reviewers, main branch only). */
  readonly deployEnvironment: string;
  /** GitHub environment whose jobs may plan; plans read secrets, so protect production's with reviewers. */
  readonly planEnvironment: string;
  readonly region: string;
  /** The state bucket and its key: the plan role reads state and writes lock files. */
  readonly stateBucketArn: string;
  readonly stateKeyArn: string;
  /** Secrets whose values a plan must read to refresh them, as an ARN pattern. */
  readonly readableSecretsArnPattern: string;
  /** Create the account's GitHub OIDC provider; false when another stack already made it. @default true */
  readonly createOidcProvider?: boolean;
  /** Longest session a job gets; a deploy plus a release with bakes takes well over an hour. @default 3 hours */
  readonly maxSessionSeconds?: number;
}

/**
 * GitHub Actions identities without long-lived keys: a plan role for pull requests and the main
 * branch (read-only, plus state read and locking), and a deploy role only jobs of the protected
 * GitHub environment can assume.
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
    const trust = (sid: string, subjects: string[]) =>
      new DataAwsIamPolicyDocument(this, `${sid}-trust`, {
        statement: [
          {
            actions: ["sts:AssumeRoleWithWebIdentity"],
            principals: [{ type: "Federated", identifiers: [providerArn] }],
            condition: [
              { test: "StringEquals", variable: `${GITHUB_OIDC}:aud`, values: ["sts.amazonaws.com"] },
              { test: "StringEquals", variable: `${GITHUB_OIDC}:sub`, values: subjects },
            ],
          },
        ],
      }).json;

    this.planRole = new IamRole(this, "plan-role", {
      name: `${props.name}-ci-plan`,
      description: `terraform plan from the ${props.planEnvironment} GitHub environment`,
      assumeRolePolicy: trust("plan", [`repo:${props.repository}:environment:${props.planEnvironment}`]),
      maxSessionDuration: props.maxSessionSeconds ?? 10800,
    });
    new IamRolePolicyAttachment(this, "plan-read-only", { role: this.planRole.name, policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
    const planExtras = new DataAwsIamPolicyDocument(this, "plan-permissions", {
      statement: [
        { sid: "ListState", actions: ["s3:ListBucket"], resources: [props.stateBucketArn] },
        { sid: "ReadState", actions: ["s3:GetObject"], resources: [`${props.stateBucketArn}/*`] },
        { sid: "LockState", actions: ["s3:PutObject", "s3:DeleteObject"], resources: [`${props.stateBucketArn}/*.tflock`] },
        { sid: "UseStateKey", actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], resources: [props.stateKeyArn] },
        // Refreshing a secret version reads its value; ReadOnlyAccess does not include that.
        { sid: "RefreshServiceSecrets", actions: ["secretsmanager:GetSecretValue"], resources: [props.readableSecretsArnPattern] },
        {
          // The secrets are encrypted with the data stack's key, which only delegates to IAM.
          sid: "DecryptServiceSecrets",
          actions: ["kms:Decrypt"],
          resources: [`arn:aws:kms:${props.region}:${props.accountId}:key/*`],
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${props.region}.amazonaws.com`] }],
        },
      ],
    });
    new IamRolePolicy(this, "plan-policy", { name: "state-and-secrets", role: this.planRole.id, policy: planExtras.json });

    this.deployRole = new IamRole(this, "deploy-role", {
      name: `${props.name}-ci-deploy`,
      description: `cdktf deploy from the ${props.deployEnvironment} GitHub environment`,
      assumeRolePolicy: trust("deploy", [`repo:${props.repository}:environment:${props.deployEnvironment}`]),
      maxSessionDuration: props.maxSessionSeconds ?? 10800,
    });
    // Deploying creates IAM roles, KMS keys and everything else in these stacks; the trust
    // policy (one protected GitHub environment) is what limits who can use it.
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
