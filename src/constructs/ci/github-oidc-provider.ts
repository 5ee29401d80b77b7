import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { Construct } from "constructs";

/** The issuer of GitHub Actions' OIDC tokens. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The audience the deploy roles' trust policies require (`sts.amazonaws.com`, as aws-actions/configure-aws-credentials asks for). */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/**
 * The address the provider had while GithubDeployRoles created it (construct path ci/github): kept,
 * so that an environment deployed before this construct existed keeps its provider instead of
 * replacing it (a test recomputes it from that path).
 */
export const LEGACY_PROVIDER_ID = "ci_github_F2ACE1E3";

export interface GithubOidcProviderProps {
  /** Account the provider is in. */
  readonly accountId: string;
  /** Create it (a stand-alone account), or only read it where it exists already or the organisation creates it. @default "create" */
  readonly mode?: "create" | "existing" | "organization";
}

/**
 * The account's IAM OIDC provider for GitHub Actions. IAM allows one provider per URL per account
 * (a second create fails with EntityAlreadyExists), so where another project or the organisation
 * made it, it is read instead: the plan then fails early, naming the provider, when it is missing
 * or does not accept the audience the deploy roles trust.
 */
export class GithubOidcProvider extends Construct {
  /**
   * ARN the roles' trust policies name. Created here: a reference to the provider, so the roles
   * wait for it (IAM refuses a trust policy whose federated principal does not exist yet). Read:
   * a known string, so the roles never wait on a read.
   */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: GithubOidcProviderProps) {
    super(scope, id);
    this.arn = `arn:aws:iam::${props.accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
    if ((props.mode ?? "create") === "create") {
      const provider = new IamOpenidConnectProvider(this, "github", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
      });
      provider.overrideLogicalId(LEGACY_PROVIDER_ID);
      this.arn = provider.arn;
      return;
    }
    new DataAwsIamOpenidConnectProvider(this, "github", {
      arn: this.arn,
      lifecycle: {
        postcondition: [
          {
            condition: `\${contains(self.client_id_list, "${GITHUB_OIDC_AUDIENCE}")}`,
            errorMessage: `The account's GitHub OIDC provider ${this.arn} must list the client id ${GITHUB_OIDC_AUDIENCE}, which the deploy roles' trust policies require`,
          },
        ],
      },
    });
  }
}
