import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { DynamodbTableItem } from "@cdktf/provider-aws/lib/dynamodb-table-item";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { RELEASE_TABLE_HASH_KEY, seededReleaseItem } from "../../release/release-store";

export interface ReleaseStateTableProps {
  /** Table name (releaseTableName in naming.ts). */
  readonly tableName: string;
  /** The SSM parameter that held the release state before the table; the item's first value is copied from it. */
  readonly legacyStateParameter: SsmParameter;
  /** The SSM lease parameter the previous release tool takes; a lease that never expires is put there so that tool refuses. */
  readonly legacyLeaseParameterName: string;
  /** Days of point-in-time recovery of the table. @default 35, the most DynamoDB keeps */
  readonly recoveryPeriodInDays?: number;
}

/** The lease the previous (SSM) release tool finds: held for ever, saying where the release state went. */
export function movedLease(tableName: string) {
  return {
    runId: "release-state-moved-to-dynamodb",
    holder: `nobody: the release state moved to DynamoDB table ${tableName}; release from a checkout that uses it (docs/how-to/release-state-migration.md)`,
    acquiredAt: "1970-01-01T00:00:00.000Z",
    expiresAt: "9999-12-31T23:59:59.000Z",
  };
}

/**
 * The release state and its lease in one DynamoDB item (src/release/release-store.ts), so a
 * state write is conditional on the lease and its fencing token in the same request.
 *
 * The item is created once, from the release state parameter, and Terraform then ignores its
 * value: only the release tool writes it. Creating it from the parameter is also the migration
 * of a deployed environment. Its order closes the window in which the previous tool could still
 * write the parameter: first the parameter lease that never expires (creating it fails while a
 * release holds the lease, so the deploy stops instead), then the parameter is read at apply time
 * (a data source that depends on a resource being created is read during apply, not from a plan
 * made earlier: https://developer.hashicorp.com/terraform/language/data-sources#data-resource-dependencies),
 * then the item (aws_dynamodb_table_item creates with attribute_not_exists on the key, so it
 * never overwrites an item the release tool has written).
 */
export class ReleaseStateTable extends Construct {
  readonly table: DynamodbTable;
  readonly item: DynamodbTableItem;

  constructor(scope: Construct, id: string, props: ReleaseStateTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, "table", {
      name: props.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: RELEASE_TABLE_HASH_KEY,
      attribute: [{ name: RELEASE_TABLE_HASH_KEY, type: "S" }],
      // Encrypted at rest with the AWS owned key, which DynamoDB always applies
      // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html).
      // Not a customer managed key: DynamoDB would then need kms:Decrypt from every identity that
      // plans the app stack, and the plan role denies decryption with any key but the state key.
      // The state holds digests, AMI ids and traffic shares, no secret.
      serverSideEncryption: { enabled: false },
      // The release log: any earlier state of the item can be restored to a new table.
      pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: props.recoveryPeriodInDays ?? 35 },
      deletionProtectionEnabled: true,
    });
    const fence = new SsmParameter(this, "legacy-lease", {
      name: props.legacyLeaseParameterName,
      description: `Keeps release tools that still use SSM out: the release state and lease are in DynamoDB table ${props.tableName}`,
      type: "String",
      tier: "Standard",
      insecureValue: JSON.stringify(movedLease(props.tableName)),
    });
    const legacyState = new DataAwsSsmParameter(this, "legacy-state", {
      name: props.legacyStateParameter.name,
      dependsOn: [fence],
    });
    this.item = new DynamodbTableItem(this, "item", {
      tableName: this.table.name,
      hashKey: this.table.hashKey,
      item: Fn.jsonencode(seededReleaseItem(legacyState.insecureValue)),
      lifecycle: { ignoreChanges: ["item"] },
    });
  }
}
