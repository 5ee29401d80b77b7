import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";

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
  /** The workload layers' workspaces: their plans get the plan role, their applies the apply role. */
  readonly workspaces: readonly string[];
  /** The bootstrap and security workspaces: their plans get the plan role, their applies the platform role. @default none */
  readonly platformWorkspaces?: readonly string[];
  /** Managed policies of the apply role (the deploy identity's generated policies). */
  readonly applyPolicyArns: readonly string[];
  /** Managed policies of the platform role (the platform identity's generated policies). */
  readonly platformPolicyArns: readonly string[];
  /** Create the account's OIDC provider for the host; false when it already exists. @default true */
  readonly createOidcProvider?: boolean;
  /** Longest session a run phase gets. @default 2 hours */
  readonly maxSessionSeconds?: number;
}

/**
 * Terraform Cloud's dynamic AWS credentials: an IAM OIDC provider for the Terraform Cloud host and
 * roles trusted only for this project's workspaces, per run phase, split like the GitHub identities:
 * every plan (also a speculative one from a pull request) gets the read-only plan role; the apply
 * phase of the workload layers' workspaces gets the apply role (the deploy identity's policies),
 * that of the bootstrap and security workspaces the platform role. Set TFC_AWS_PROVIDER_AUTH=true,
 * TFC_AWS_PLAN_PHASE_ROLE_ARN and TFC_AWS_APPLY_PHASE_ROLE_ARN on each workspace.
 */
export class TerraformCloudDynamicCredentials extends Construct {
  readonly planRole: IamRole;
  readonly applyRole: IamRole;
  readonly platformRole: IamRole;

  constructor(scope: Construct, id: string, props: TerraformCloudDynamicCredentialsProps) {
    super(scope, id);
    if (props.workspaces.length === 0) throw new Error(`${id}: workspaces must name at least one workspace`);
    const hostname = props.hostname ?? "app.terraform.io";
    const providerArn = `arn:aws:iam::${props.accountId}:oidc-provider/${hostname}`;
    if (props.createOidcProvider ?? true) {
      new IamOpenidConnectProvider(this, "provider", {
        url: `https://${hostname}`,
        clientIdList: [TERRAFORM_CLOUD_AUDIENCE],
      });
    }
    const platformWorkspaces = props.platformWorkspaces ?? [];
    const subjects = (workspaces: readonly string[], phase: "plan" | "apply") =>
      workspaces.map(
        (workspace) =>
          `organization:${props.organization}:project:${props.project}:workspace:${workspace}:run_phase:${phase}`,
      );
    const trust = (id: string, values: string[]) =>
      new DataAwsIamPolicyDocument(this, `${id}-trust`, {
        statement: [
          {
            actions: ["sts:AssumeRoleWithWebIdentity"],
            principals: [{ type: "Federated", identifiers: [providerArn] }],
            condition: [
              { test: "StringEquals", variable: `${hostname}:aud`, values: [TERRAFORM_CLOUD_AUDIENCE] },
              // Exact subjects, no wildcards: only these workspaces, only this phase.
              { test: "StringEquals", variable: `${hostname}:sub`, values },
            ],
          },
        ],
      }).json;
    const maxSessionDuration = props.maxSessionSeconds ?? 7200;

    this.planRole = new IamRole(this, "plan-role", {
      name: `${props.name}-tfc-plan`,
      description: `Terraform Cloud plan phase of ${props.organization}/${props.project}`,
      assumeRolePolicy: trust("plan", subjects([...props.workspaces, ...platformWorkspaces], "plan")),
      maxSessionDuration,
    });
    new IamRolePolicyAttachment(this, "plan-read-only", {
      role: this.planRole.name,
      policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
    });
    // Like the GitHub plan role: a speculative plan runs a pull request's configuration, so it
    // must not be able to read secret values (ReadOnlyAccess includes GetSecretValue) or decrypt
    // anything. Stacks with secret versions are therefore planned without refresh
    // (scripts/terraform-cloud-run.sh), as the plan job does.
    const planExtras = new DataAwsIamPolicyDocument(this, "plan-permissions", {
      statement: [
        {
          sid: "DenySecretValues",
          effect: "Deny",
          actions: ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"],
          resources: ["*"],
        },
        { sid: "DenyDecrypt", effect: "Deny", actions: ["kms:Decrypt"], resources: ["*"] },
      ],
    });
    new IamRolePolicy(this, "plan-policy", { name: "no-secrets", role: this.planRole.id, policy: planExtras.json });

    this.applyRole = new IamRole(this, "apply-role", {
      name: `${props.name}-tfc-apply`,
      description: `Terraform Cloud apply phase of the workload workspaces of ${props.organization}/${props.project}`,
      assumeRolePolicy: trust("apply", subjects(props.workspaces, "apply")),
      maxSessionDuration,
    });
    props.applyPolicyArns.forEach(
      (policyArn, index) =>
        new IamRolePolicyAttachment(this, `apply-policy-${index}`, { role: this.applyRole.name, policyArn }),
    );
    this.platformRole = new IamRole(this, "platform-role", {
      name: `${props.name}-tfc-platform`,
      description: `Terraform Cloud apply phase of the bootstrap and security workspaces of ${props.organization}/${props.project}`,
      // A role's trust policy needs a subject; without platform workspaces none matches.
      assumeRolePolicy: trust(
        "platform",
        platformWorkspaces.length > 0
          ? subjects(platformWorkspaces, "apply")
          : [`organization:${props.organization}:project:${props.project}:workspace:none:run_phase:apply`],
      ),
      maxSessionDuration,
    });
    props.platformPolicyArns.forEach(
      (policyArn, index) =>
        new IamRolePolicyAttachment(this, `platform-policy-${index}`, { role: this.platformRole.name, policyArn }),
    );
  }
}
