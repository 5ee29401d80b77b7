/**
 * Where the release state and its lease live: one item of one DynamoDB table per environment
 * (registry stack). State, lease and fencing token share the item, so the conditional write
 * of the state is itself the commit point: DynamoDB evaluates a ConditionExpression and applies
 * the update atomically, or fails with ConditionalCheckFailedException and changes nothing
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html).
 * The app stack reads the same item with the aws_dynamodb_table_item data source.
 * No cdktf imports: the release tool, the stacks and the IAM policy read this.
 */

/** Partition key of the table; the release item is its only item. */
export const RELEASE_TABLE_HASH_KEY = "id";
export const RELEASE_ITEM_ID = "release";

/** The item's attributes. */
export const RELEASE_ITEM = {
  /** S: the release state as JSON (src/release/release-state.ts). */
  state: "state",
  /** N: the fencing token, raised by one at every lease acquisition; a state write must name the current one. */
  fence: "fence",
  /** N: raised by one at every state write (the release log's sequence number). */
  revision: "revision",
  /** S: runId of the lease holder; absent while nobody holds the lease. */
  holder: "leaseRunId",
  /** S: the lease record as JSON (holder, acquiredAt, expiresAt); absent while nobody holds the lease. */
  lease: "lease",
} as const;

/** The key of the release item, as the DynamoDB API and the data source take it. */
export const RELEASE_ITEM_KEY = { [RELEASE_TABLE_HASH_KEY]: { S: RELEASE_ITEM_ID } } as const;

/**
 * Every AWS API action on the release store, by who needs it, all on the environment's release
 * table only: the one home the deploy and plan policies read (the release tool runs as the deploy
 * identity). No KMS action: the table is encrypted with the AWS owned key (release-state-table.ts).
 * Sources: the store's SDK calls (scripts/release/dynamodb-store.ts, a test holds them to this
 * list), the aws_dynamodb_table_item data source (GetItem) and the provider's aws_dynamodb_table
 * and aws_dynamodb_table_item resources (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html).
 */
export const RELEASE_STORE_ACTIONS = {
  /** The release tool: consistent read, and conditional updates of the one item (acquire, write, release, break a stale lease). */
  releaseTool: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
  /** Every plan of the app stack (PR plan, plan, deploy): the aws_dynamodb_table_item data source. */
  appStackReader: ["dynamodb:GetItem"],
  /** The registry stack's deploy: the table (aws_dynamodb_table) and the seeded item (aws_dynamodb_table_item). */
  registryDeploy: [
    "dynamodb:CreateTable",
    "dynamodb:DescribeTable",
    "dynamodb:UpdateTable",
    "dynamodb:DeleteTable",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:UpdateContinuousBackups",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:ListTagsOfResource",
    "dynamodb:TagResource",
    "dynamodb:UntagResource",
    "dynamodb:PutItem",
    "dynamodb:GetItem",
    "dynamodb:DeleteItem",
  ],
} as const satisfies Record<string, readonly `dynamodb:${string}`[]>;

/** The release table's ARN, the one resource every action above is granted on. */
export function releaseTableArn(region: string, accountId: string, tableName: string): string {
  return `arn:aws:dynamodb:${region}:${accountId}:table/${tableName}`;
}

/** The release item as the registry stack seeds it: the state, no lease, token and revision 0. */
export function seededReleaseItem(stateJson: string) {
  return {
    ...RELEASE_ITEM_KEY,
    [RELEASE_ITEM.state]: { S: stateJson },
    [RELEASE_ITEM.fence]: { N: "0" },
    [RELEASE_ITEM.revision]: { N: "0" },
  };
}
