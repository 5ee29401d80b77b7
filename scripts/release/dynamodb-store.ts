/**
 * The release state and its lease in one DynamoDB item (src/release/release-store.ts).
 *
 * Every change is one UpdateItem with a ConditionExpression, so there is no read-then-write:
 * - acquire: sets the lease and raises the fencing token, only if nobody holds the lease;
 * - write: sets the state, only if this run's lease and token are still the item's;
 * - release / breakStale: remove the lease, only if it is still the one named.
 * A holder that was paused while its lease expired and was taken over fails at its next write
 * with ConditionalCheckFailedException, and DynamoDB changed nothing
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html).
 * Reads are strongly consistent (ConsistentRead), so a run reads what the last write left
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html).
 */
import { AttributeValue, DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { parseReleaseState, ReleaseState, serializeReleaseState } from "../../src/release/release-state";
import { RELEASE_ITEM, RELEASE_ITEM_KEY } from "../../src/release/release-store";
import { releaseTableName, stackName } from "../../src/config/naming";
import { HeldLease, LeaseAttempt, LeaseLostError, LeaseRecord, ReleaseStore } from "./ports";

export type Item = Record<string, AttributeValue>;

/** One conditional update of the release item, in the DynamoDB API's own terms. */
export interface ConditionalUpdate {
  readonly UpdateExpression: string;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Item;
}

/** The subset of the DynamoDB API the store uses, so the tests can give it a fake with the same rules. */
export interface ReleaseItemApi {
  /** GetItem with ConsistentRead of the release item; undefined when it does not exist. */
  get(): Promise<Item | undefined>;
  /**
   * UpdateItem of the release item with ReturnValues ALL_NEW. When the condition is false it
   * fails with an error named ConditionalCheckFailedException and changes nothing.
   */
  update(update: ConditionalUpdate): Promise<Item>;
}

export function dynamoDbItemApi(environment: string, region: string): ReleaseItemApi {
  const dynamodb = new DynamoDBClient({ region });
  const TableName = releaseTableName(environment);
  return {
    async get() {
      return (
        await dynamodb.send(new GetItemCommand({ TableName, Key: { ...RELEASE_ITEM_KEY }, ConsistentRead: true }))
      ).Item;
    },
    async update(update) {
      return (
        (
          await dynamodb.send(
            new UpdateItemCommand({ TableName, Key: { ...RELEASE_ITEM_KEY }, ReturnValues: "ALL_NEW", ...update }),
          )
        ).Attributes ?? {}
      );
    },
  };
}

const isConditionFailure = (error: unknown) => (error as Error).name === "ConditionalCheckFailedException";

/** The lease recorded in an item, if any. */
function leaseOf(item: Item | undefined): LeaseRecord | undefined {
  const text = item?.[RELEASE_ITEM.lease]?.S;
  return text === undefined ? undefined : (JSON.parse(text) as LeaseRecord);
}

export function dynamoDbStore(api: ReleaseItemApi, environment: string): ReleaseStore {
  const missing = () =>
    new Error(
      `${releaseTableName(environment)} holds no release item: deploy ${stackName(environment, "registry")} first (it seeds the release state)`,
    );
  // Attribute names go through placeholders: "state" is a DynamoDB reserved word.
  const names = {
    "#state": RELEASE_ITEM.state,
    "#fence": RELEASE_ITEM.fence,
    "#revision": RELEASE_ITEM.revision,
    "#holder": RELEASE_ITEM.holder,
    "#lease": RELEASE_ITEM.lease,
  };
  const removeLease = (runId: string, extraCondition = "", extraValues: Item = {}) =>
    api.update({
      UpdateExpression: "REMOVE #holder, #lease",
      ConditionExpression: `#holder = :runId${extraCondition}`,
      ExpressionAttributeNames: {
        "#holder": names["#holder"],
        "#lease": names["#lease"],
        ...(extraCondition ? { "#fence": names["#fence"] } : {}),
      },
      ExpressionAttributeValues: { ":runId": { S: runId }, ...extraValues },
    });
  return {
    async read(): Promise<ReleaseState> {
      const text = (await api.get())?.[RELEASE_ITEM.state]?.S;
      if (text === undefined) throw missing();
      return parseReleaseState(text);
    },
    async write(state, lease) {
      try {
        await api.update({
          UpdateExpression: "SET #state = :state ADD #revision :one",
          ConditionExpression: "#holder = :runId AND #fence = :fence",
          ExpressionAttributeNames: {
            "#state": names["#state"],
            "#revision": names["#revision"],
            "#holder": names["#holder"],
            "#fence": names["#fence"],
          },
          ExpressionAttributeValues: {
            ":state": { S: serializeReleaseState(state) },
            ":one": { N: "1" },
            ":runId": { S: lease.runId },
            ":fence": { N: String(lease.fence) },
          },
        });
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const holder = leaseOf(await api.get());
        throw new LeaseLostError(
          `lost the lease of ${environment} to ${holder?.holder ?? "nobody"} (fencing token ${lease.fence} is stale); not writing the release state`,
        );
      }
    },
    async acquire(lease): Promise<LeaseAttempt> {
      try {
        const item = await api.update({
          UpdateExpression: "SET #holder = :runId, #lease = :lease ADD #fence :one",
          // attribute_exists(#state): never create a bare lease item in a table the registry stack has not seeded.
          ConditionExpression: "attribute_exists(#state) AND attribute_not_exists(#holder)",
          ExpressionAttributeNames: {
            "#state": names["#state"],
            "#holder": names["#holder"],
            "#lease": names["#lease"],
            "#fence": names["#fence"],
          },
          ExpressionAttributeValues: {
            ":runId": { S: lease.runId },
            ":lease": { S: JSON.stringify(lease) },
            ":one": { N: "1" },
          },
        });
        return { acquired: true, held: { ...lease, fence: Number(item[RELEASE_ITEM.fence].N) } };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const item = await api.get();
        if (item?.[RELEASE_ITEM.state] === undefined) throw missing();
        const heldBy = leaseOf(item);
        // Released between our update and our read: try once more.
        if (!heldBy) return this.acquire(lease);
        return { acquired: false, heldBy };
      }
    },
    async release(lease: HeldLease) {
      try {
        await removeLease(lease.runId, " AND #fence = :fence", { ":fence": { N: String(lease.fence) } });
      } catch (error) {
        // No longer ours: someone took it over, and it is theirs to release.
        if (!isConditionFailure(error)) throw error;
      }
    },
    async breakStale(stale) {
      try {
        await removeLease(stale.runId);
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}
