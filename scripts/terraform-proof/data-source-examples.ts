/**
 * Example answers of the AWS data sources the stacks read at plan time, for the offline harness.
 * They come from the same contract the real writer uses (src/release/release-state.ts), so a
 * plan of the copy exercises the expressions the app stack applies to a real release state.
 */
import {
  AL2023_AMI_PARAMETER,
  EXAMPLE_AMI_ID,
  EXAMPLE_RELEASE_STATE,
  ReleaseState,
  seedReleaseState,
  serializeReleaseState,
} from "../../src/release/release-state";
import { RELEASE_ITEM } from "../../src/release/release-store";
import type { DataSourceExample, TerraformJson } from "./overrides";

const ssmParameter =
  (releaseState: ReleaseState) =>
  (block: TerraformJson): TerraformJson => {
    const value = block.name === AL2023_AMI_PARAMETER ? EXAMPLE_AMI_ID : serializeReleaseState(releaseState);
    return {
      value,
      insecure_value: value,
      type: "String",
      version: 1,
      arn: "arn:aws:ssm:eu-west-1:111111111111:parameter/offline-example",
    };
  };

/** The release item projected to its state, as the aws_dynamodb_table_item data source returns it (DynamoDB JSON). */
const releaseItem = (releaseState: ReleaseState) => (): TerraformJson => ({
  item: JSON.stringify({ [RELEASE_ITEM.state]: { S: serializeReleaseState(releaseState) } }),
});

function ecrImage(block: TerraformJson): TerraformJson {
  return {
    image_uri: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/auth-service@offline-example",
    image_tags: ["offline-example"],
    image_size_in_bytes: 1,
    image_pushed_at: 0,
    id: block.image_digest,
  };
}

/** The region's detector as GuardDuty reports it when the account or its organisation runs it (accounts.guardDuty.mode existing/organization). */
function guardDutyDetector(): TerraformJson {
  return {
    id: "12abc34d567e8fa901bc2d34e56789f0",
    status: "ENABLED",
    finding_publishing_frequency: "FIFTEEN_MINUTES",
    service_role_arn:
      "arn:aws:iam::111111111111:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
    features: [],
  };
}

/** The account's GitHub OIDC provider as IAM reports it, with the audience the deploy roles trust (accounts.githubOidcProvider.mode existing/organization). */
function openIdConnectProvider(block: TerraformJson): TerraformJson {
  return {
    arn: block.arn,
    url: "token.actions.githubusercontent.com",
    client_id_list: ["sts.amazonaws.com"],
    thumbprint_list: [],
    tags: {},
  };
}

/** Account singletons read when the stacks do not create them. */
const SINGLETON_EXAMPLES: Readonly<Record<string, DataSourceExample>> = {
  aws_guardduty_detector: guardDutyDetector,
  aws_iam_openid_connect_provider: openIdConnectProvider,
};

/** By data source type; names in the harness's output line. */
export const DATA_SOURCE_EXAMPLES: Readonly<Record<string, DataSourceExample>> = {
  aws_ssm_parameter: ssmParameter(EXAMPLE_RELEASE_STATE),
  aws_dynamodb_table_item: releaseItem(EXAMPLE_RELEASE_STATE),
  aws_ecr_image: ecrImage,
  ...SINGLETON_EXAMPLES,
};

/** A fresh environment: the release state exactly as the registry stack seeds it. */
export const FIRST_DEPLOY_EXAMPLES: Readonly<Record<string, DataSourceExample>> = {
  aws_ssm_parameter: ssmParameter(seedReleaseState(EXAMPLE_AMI_ID)),
  aws_dynamodb_table_item: releaseItem(seedReleaseState(EXAMPLE_AMI_ID)),
  aws_ecr_image: ecrImage,
  ...SINGLETON_EXAMPLES,
};
