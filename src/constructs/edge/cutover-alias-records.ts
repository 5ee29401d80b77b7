import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AliasRecords, AliasRecordsProps, aliasRecordTypes } from "./alias-records";

export interface CutoverAliasRecordsProps extends Omit<AliasRecordsProps, "allowOverwrite"> {
  /** Take the records over now; otherwise leave them to their owner, and forget them if this stack held them. @default false */
  readonly cutover?: boolean;
}

/** Terraform address of the record of a name and type: fixed, so a later synth without the cutover can name it. */
function logicalId(name: string, type: string): string {
  return `cutover_${name.replace(/[^a-zA-Z0-9]/g, "_")}_${type}`;
}

/**
 * The service's alias records held by a second stack, for a DNS cutover. The primary app stack
 * owns them; with `cutover` this stack UPSERTs them (allow_overwrite) to its own load balancer.
 * Without it, it emits `removed` blocks with `destroy = false` (Terraform >= 1.7,
 * https://developer.hashicorp.com/terraform/language/resources/syntax#removing-resources): a
 * deploy after a cutover drops the records from this stack's state WITHOUT deleting them. A
 * delete would remove the live record the primary has pointed back at its own load balancer
 * (the provider deletes the record set it reads, whatever it points at).
 */
export class CutoverAliasRecords extends Construct {
  constructor(scope: Construct, id: string, props: CutoverAliasRecordsProps) {
    super(scope, id);
    const { cutover, ...aliases } = props;
    if (cutover) {
      const records = new AliasRecords(this, "records", { ...aliases, allowOverwrite: true });
      for (const { name, type, record } of records.records) record.overrideLogicalId(logicalId(name, type));
      return;
    }
    const types = aliasRecordTypes(props.ipv6);
    TerraformStack.of(this).addOverride(
      "removed",
      props.names.flatMap((name) =>
        types.map((type) => ({ from: `aws_route53_record.${logicalId(name, type)}`, lifecycle: { destroy: false } })),
      ),
    );
  }
}
