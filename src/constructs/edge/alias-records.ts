import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Construct } from "constructs";

export interface AliasRecordsProps {
  /** Hosted zone the records go into. */
  readonly zoneId: string;
  /** Names that point at the target. */
  readonly names: string[];
  /** DNS name and hosted zone of the load balancer. */
  readonly target: { readonly dnsName: string; readonly zoneId: string };
  /** Add AAAA next to A (the target must be dual-stack). @default true */
  readonly ipv6?: boolean;
  /** Take over records another stack created (an UPSERT instead of failing on the existing record). @default false */
  readonly allowOverwrite?: boolean;
}

/** Route 53 alias A (and AAAA) records from each name to a load balancer, health-evaluated. */
export class AliasRecords extends Construct {
  /** The records, with the name and type each is for. */
  readonly records: { readonly name: string; readonly type: string; readonly record: Route53Record }[] = [];

  constructor(scope: Construct, id: string, props: AliasRecordsProps) {
    super(scope, id);
    for (const name of props.names) {
      for (const type of aliasRecordTypes(props.ipv6)) {
        const record = new Route53Record(this, `${name}-${type}`, {
          zoneId: props.zoneId,
          name,
          type,
          alias: { name: props.target.dnsName, zoneId: props.target.zoneId, evaluateTargetHealth: true },
          allowOverwrite: props.allowOverwrite,
        });
        this.records.push({ name, type, record });
      }
    }
  }
}

/** The record types of an alias to a load balancer: A, and AAAA when it is dual-stack. */
export function aliasRecordTypes(ipv6?: boolean): string[] {
  return ipv6 === false ? ["A"] : ["A", "AAAA"];
}
