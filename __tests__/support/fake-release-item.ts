/**
 * The release item of a DynamoDB table, as far as the release store relies on DynamoDB:
 * - UpdateItem evaluates the ConditionExpression against the item as it is and applies the
 *   UpdateExpression in the same step; a false condition fails with
 *   ConditionalCheckFailedException and changes nothing
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html,
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html).
 * - A comparison with an attribute the item lacks is false; attribute_exists/attribute_not_exists
 *   test presence; conditions here join with AND only
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html).
 * - SET replaces values; ADD on a number adds (a missing number counts as 0); REMOVE deletes
 *   attributes (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html).
 * - UpdateItem of a missing item creates it with the key when the condition allows.
 * - Expression attribute names and values must all be used, and every placeholder defined
 *   (ValidationException otherwise).
 * Any other expression form throws, so the store cannot drift into syntax the fake does not model.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { ConditionalUpdate, Item, ReleaseItemApi } from "../../scripts/release/dynamodb-store";
import { RELEASE_ITEM_KEY } from "../../src/release/release-store";

const awsError = (name: string, message: string) => Object.assign(new Error(message), { name });

export class FakeReleaseItem implements ReleaseItemApi {
  item: Item | undefined;
  /** Every UpdateItem that changed the item, in order. */
  readonly updates: ConditionalUpdate[] = [];
  /** Called before each request reaches the table (a test may pause a caller here). */
  beforeRequest: (kind: "get" | "update") => Promise<void> = async () => undefined;

  constructor(item?: Item) {
    this.item = item;
  }

  async get(): Promise<Item | undefined> {
    await this.beforeRequest("get");
    return this.item && structuredClone(this.item);
  }

  async update(update: ConditionalUpdate): Promise<Item> {
    await this.beforeRequest("update");
    const used = new Set<string>();
    const name = (token: string) => {
      if (!token.startsWith("#")) return token;
      const resolved = update.ExpressionAttributeNames?.[token];
      if (resolved === undefined)
        throw awsError(
          "ValidationException",
          `An expression attribute name used in the document path is not defined; attribute name: ${token}`,
        );
      used.add(token);
      return resolved;
    };
    const value = (token: string): AttributeValue => {
      const resolved = update.ExpressionAttributeValues?.[token];
      if (resolved === undefined)
        throw awsError(
          "ValidationException",
          `An expression attribute value used in expression is not defined; attribute value: ${token}`,
        );
      used.add(token);
      return resolved;
    };
    const current: Item = this.item ?? {};
    // Every clause is evaluated (no short cut), so each placeholder counts as used.
    const clauses = update.ConditionExpression.split(/\s+AND\s+/).map((clause) => {
      const presence = /^attribute_(not_)?exists\((#?\w+)\)$/.exec(clause.trim());
      if (presence) return (current[name(presence[2])] !== undefined) !== Boolean(presence[1]);
      const equals = /^(#?\w+)\s*=\s*(:\w+)$/.exec(clause.trim());
      if (!equals) throw new Error(`fake DynamoDB: condition ${clause} not modelled`);
      const actual = current[name(equals[1])];
      const expected = value(equals[2]);
      return actual !== undefined && JSON.stringify(actual) === JSON.stringify(expected);
    });
    const holds = clauses.every(Boolean);
    const next: Item = structuredClone({ ...current, ...RELEASE_ITEM_KEY });
    for (const [, action, body] of update.UpdateExpression.matchAll(
      /(SET|ADD|REMOVE)\s+(.*?)(?=\s+(?:SET|ADD|REMOVE)\s|$)/g,
    )) {
      for (const part of body.split(",").map((text) => text.trim())) {
        if (action === "REMOVE") delete next[name(part)];
        else if (action === "SET") {
          const [target, source] = part.split(/\s*=\s*/);
          next[name(target)] = value(source);
        } else {
          const [target, amount] = part.split(/\s+/);
          next[name(target)] = { N: String(Number(next[name(target)]?.N ?? "0") + Number(value(amount).N)) };
        }
      }
    }
    const unused = [
      ...Object.keys(update.ExpressionAttributeNames ?? {}),
      ...Object.keys(update.ExpressionAttributeValues ?? {}),
    ].filter((token) => !used.has(token));
    if (unused.length > 0)
      throw awsError(
        "ValidationException",
        `Value provided in ExpressionAttributeNames/Values unused in expressions: keys: {${unused.join(", ")}}`,
      );
    if (!holds) throw awsError("ConditionalCheckFailedException", "The conditional request failed");
    this.item = next;
    this.updates.push(update);
    return structuredClone(next);
  }
}
