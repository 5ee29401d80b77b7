import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

export interface EncryptionKeyProps {
  /** What the key protects; shown in the KMS console. */
  readonly description: string;
  /** Alias name without the `alias/` prefix. */
  readonly alias: string;
  /** Account whose IAM policies may grant use of the key (its root principal administers it). */
  readonly accountId: string;
  /** Extra key-policy statements, one per AWS service that must use the key. @default none: IAM principals of the account only */
  readonly serviceStatements?: DataAwsIamPolicyDocumentStatement[];
  /** Waiting period before a scheduled deletion takes effect. @default 30 days, the longest KMS allows */
  readonly deletionWindowInDays?: number;
  /** Provider (region) the key lives in. @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

/** A customer-managed KMS key with yearly rotation, an alias and an explicit key policy. */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      provider: props.provider,
      statement: [
        {
          sid: "AccountAdministersKey",
          principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${props.accountId}:root`] }],
          actions: ["kms:*"],
          resources: ["*"],
        },
        ...(props.serviceStatements ?? []),
      ],
    });
    this.key = new KmsKey(this, "key", {
      provider: props.provider,
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays ?? 30,
      policy: policy.json,
    });
    new KmsAlias(this, "alias", {
      provider: props.provider,
      name: `alias/${props.alias}`,
      targetKeyId: this.key.keyId,
    });
    this.arn = this.key.arn;
  }
}

/** Key-policy statement letting one AWS service principal encrypt and decrypt under conditions. */
export function serviceCanUseKey(
  sid: string,
  servicePrincipal: string,
  condition?: DataAwsIamPolicyDocumentStatement["condition"],
  actions: string[] = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
): DataAwsIamPolicyDocumentStatement {
  return {
    sid,
    principals: [{ type: "Service", identifiers: [servicePrincipal] }],
    actions,
    resources: ["*"],
    condition,
  };
}
