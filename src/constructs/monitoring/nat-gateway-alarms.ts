import { AlarmDefinition, thresholdDefinition } from "./alarm-factory";

export interface NatGatewayAlarmDefinitionsProps {
  /** Each NAT gateway with the zone it serves (the zone names the alarm; ids are known only after apply). */
  readonly gateways: readonly { readonly zone: string; readonly id: string }[];
  /** Alarm above this many port allocation errors per 5 minutes (config alarms.network). */
  readonly portAllocationErrors: number;
  /** Alarm above this many dropped packets per 5 minutes (config alarms.network). */
  readonly packetsDropped: number;
}

/**
 * Per NAT gateway: port allocation errors (the gateway ran out of source ports to one destination,
 * so the instances' outbound connections fail) and dropped packets
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway-cloudwatch.html).
 */
export function natGatewayAlarmDefinitions(props: NatGatewayAlarmDefinitionsProps): AlarmDefinition[] {
  return props.gateways.flatMap(({ zone, id }) => {
    const gateway = {
      namespace: "AWS/NATGateway",
      dimensions: { NatGatewayId: id },
      runbook: "nat-gateway",
      statistic: "Sum",
      periodSeconds: 300,
      evaluationPeriods: 1,
      breachWhen: "above",
      treatMissingData: "notBreaching",
    } as const;
    return [
      thresholdDefinition({
        ...gateway,
        name: `nat-${zone}-port-allocation-errors`,
        metricName: "ErrorPortAllocation",
        threshold: props.portAllocationErrors,
        description: `The NAT gateway in ${zone} could not allocate a source port`,
      }),
      thresholdDefinition({
        ...gateway,
        name: `nat-${zone}-packets-dropped`,
        metricName: "PacketsDropCount",
        threshold: props.packetsDropped,
        description: `The NAT gateway in ${zone} dropped packets`,
      }),
    ];
  });
}
