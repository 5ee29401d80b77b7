import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { suppressFinding } from "../../compliance/suppress";

/**
 * The audience Terraform Cloud puts in its workload identity tokens for AWS, and the subject it
 * signs: organization:<org>:project:<project>:workspace:<workspace>:run_phase:<plan|apply>.
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration
 */
export const TERRAFORM_CLOUD_AUDIENCE = "aws.workload.identity";

export interface TerraformCloudDynamicCredentialsProps {
  /** Prefix of the role names, e.g. auth-staging. */
  readonly name: string;
  /** Account of the roles and of the Terraform Cloud OIDC provider they trust. */
  readonly accountId: string;
  /** Terraform Cloud or Enterprise host that issues the tokens. @default app.terraform.io */
  readonly hostname?: string;
  /** Terraform Cloud organization whose runs may assume the roles. */
  readonly organization: string;
  /** Terraform Cloud project the workspaces belong to (part of the token's subject). */
  readonly project: string;
  /** The only workspaces whose runs may assume the roles. */
  readonly workspaces: readonly string[];
  /** Create the account's OIDC provider for the host; false when it already exists. @default true */
  readonly createOidcProvider?: boolean;
  /** Longest session a run phase gets. @default 2 hours */
  readonly maxSessionSeconds?: number;
}

/**
 * Terraform Cloud's dynamic AWS credentials: an IAM OIDC provider for the Terraform Cloud host and
 * two roles trusted only for this project's workspaces, one per run phase, so a plan (also a
 * speculative one from a pull request) never holds the apply role's rights. Set
 * TFC_AWS_PROVIDER_AUTH=true, TFC_AWS_PLAN_PHASE_ROLE_ARN and TFC_AWS_APPLY_PHASE_ROLE_ARN on each
 * workspace.
 */
export class TerraformCloudDynamicCredentials extends Construct {
  readonly planRole: IamRole;
  readonly applyRole: IamRole;

  constructor(scope: Construct, id: string, props: TerraformCloudDynamicCredentialsProps) {
    super(scope, id);
    if (props.workspaces.length === 0) throw new Error(`${id}: workspaces must name at least one workspace`);
    const hostname = props.hostname ?? "app.terraform.io";
    const providerArn = `arn:aws:iam::${props.accountId}:oidc-provider/${hostname}`;
    if (props.createOidcProvider ?? true) {
      new IamOpenidConnectProvider(this, "provider", { url: `https://${hostname}`, clientIdList: [TERRAFORM_CLOUD_AUDIENCE] });
    }
    const subjects = (phase: "plan" | "apply") =>
      props.workspaces.map((workspace) => `organization:${props.organization}:project:${props.project}:workspace:${workspace}:run_phase:${phase}`);
    const trust = (phase: "plan" | "apply") =>
      new DataAwsIamPolicyDocument(this, `${phase}-trust`, {
        statement: [
          {
            actions: ["sts:AssumeRoleWithWebIdentity"],
            principals: [{ type: "Federated", identifiers: [providerArn] }],
            condition: [
              { test: "StringEquals", variable: `${hostname}:aud`, values: [TERRAFORM_CLOUD_AUDIENCE] },
              // Exact subjects, no wildcards: only these workspaces, only this phase.
              { test: "StringEquals", variable: `${hostname}:sub`, values: subjects(phase) },
            ],
          },
        ],
      }).json;
    const maxSessionDuration = props.maxSessionSeconds ?? 7200;

    this.planRole = new IamRole(this, "plan-role", {
      name: `${props.name}-tfc-plan`,
      description: `Terraform Cloud plan phase of ${props.organization}/${props.project}`,
      assumeRolePolicy: trust("plan"),
      maxSessionDuration,
    });
    new IamRolePolicyAttachment(this, "plan-read-only", { role: this.planRole.name, policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
    // Like the GitHub plan role: a speculative plan runs a pull request's configuration, so it
    // must not be able to read secret values (ReadOnlyAccess includes GetSecretValue) or decrypt
    // anything. Stacks with secret versions are therefore planned without refresh
    // (scripts/terraform-cloud-run.sh), as the plan job does.
    const planExtras = new DataAwsIamPolicyDocument(this, "plan-permissions", {
      statement: [
        { sid: "DenySecretValues", effect: "Deny", actions: ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"], resources: ["*"] },
        { sid: "DenyDecrypt", effect: "Deny", actions: ["kms:Decrypt"], resources: ["*"] },
      ],
    });
    new IamRolePolicy(this, "plan-policy", { name: "no-secrets", role: this.planRole.id, policy: planExtras.json });

    this.applyRole = new IamRole(this, "apply-role", {
      name: `${props.name}-tfc-apply`,
      description: `Terraform Cloud apply phase of ${props.organization}/${props.project}`,
      assumeRolePolicy: trust("apply"),
      maxSessionDuration,
    });
    // Applying creates IAM roles, KMS keys and everything else in these stacks; the trust policy
    // (these workspaces' apply phase) is what limits who can use it.
    const administrator = new IamRolePolicyAttachment(this, "apply-administrator", { role: this.applyRole.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
    suppressFinding(
      administrator,
      "iam-no-admin-access",
      "the apply phase applies every stack (IAM roles, KMS key policies, networks); only apply runs of this project's workspaces can assume it",
    );
  }
}
