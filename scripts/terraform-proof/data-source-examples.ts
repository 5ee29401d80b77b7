/**
 * Example answers of the AWS data sources the stacks read at plan time, for the offline harness.
 * They come from the same contract the real writer uses (src/release/release-state.ts), so a
 * plan of the copy exercises the expressions the app stack applies to a real release state.
 */
import { AL2023_AMI_PARAMETER, EXAMPLE_AMI_ID, EXAMPLE_RELEASE_STATE, ReleaseState, seedReleaseState, serializeReleaseState } from "../../src/release/release-state";
import { RELEASE_ITEM } from "../../src/release/release-store";
import type { DataSourceExample, TerraformJson } from "./overrides";

const ssmParameter =
  (releaseState: ReleaseState) =>
  (block: TerraformJson): TerraformJson => {
    const value = block.name === AL2023_AMI_PARAMETER ? EXAMPLE_AMI_ID : serializeReleaseState(releaseState);
    return { value, insecure_value: value, type: "String", version: 1, arn: "arn:aws:ssm:eu-west-1:111111111111:parameter/offline-example" };
  };

/** The release item projected to its state, as the aws_dynamodb_table_item data source returns it (DynamoDB JSON). */
const releaseItem = (releaseState: ReleaseState) => (): TerraformJson => ({ item: JSON.stringify({ [RELEASE_ITEM.state]: { S: serializeReleaseState(releaseState) } }) });

function ecrImage(block: TerraformJson): TerraformJson {
  return { image_uri: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/auth-service@offline-example", image_tags: ["offline-example"], image_size_in_bytes: 1, image_pushed_at: 0, id: block.image_digest };
}

/** By data source type; names in the harness's output line. */
export const DATA_SOURCE_EXAMPLES: Readonly<Record<string, DataSourceExample>> = {
  aws_ssm_parameter: ssmParameter(EXAMPLE_RELEASE_STATE),
  aws_dynamodb_table_item: releaseItem(EXAMPLE_RELEASE_STATE),
  aws_ecr_image: ecrImage,
};

/** A fresh environment: the release state exactly as the registry stack seeds it. */
export const FIRST_DEPLOY_EXAMPLES: Readonly<Record<string, DataSourceExample>> = {
  aws_ssm_parameter: ssmParameter(seedReleaseState(EXAMPLE_AMI_ID)),
  aws_dynamodb_table_item: releaseItem(seedReleaseState(EXAMPLE_AMI_ID)),
  aws_ecr_image: ecrImage,
};
