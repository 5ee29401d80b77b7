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
}

/** Route 53 alias A (and AAAA) records from each name to a load balancer, health-evaluated. */
export class AliasRecords extends Construct {
  constructor(scope: Construct, id: string, props: AliasRecordsProps) {
    super(scope, id);
    const types = props.ipv6 === false ? ["A"] : ["A", "AAAA"];
    for (const name of props.names) {
      for (const type of types) {
        new Route53Record(this, `${name}-${type}`, {
          zoneId: props.zoneId,
          name,
          type,
          alias: { name: props.target.dnsName, zoneId: props.target.zoneId, evaluateTargetHealth: true },
        });
      }
    }
  }
}
