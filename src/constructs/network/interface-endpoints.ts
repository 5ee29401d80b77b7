import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Construct } from "constructs";

export interface InterfaceEndpointsProps {
  /** Prefix of the Name tags, e.g. auth-staging. */
  readonly name: string;
  /** VPC the endpoints are in. */
  readonly vpcId: string;
  /** Region of the services (com.amazonaws.<region>.<service>). */
  readonly region: string;
  /** Service short names, e.g. ["secretsmanager"] for com.amazonaws.<region>.secretsmanager. */
  readonly services: string[];
  /** One subnet per AZ, so an AZ outage leaves the endpoint reachable in the others. */
  readonly subnetIds: string[];
  /** Groups that admit the endpoint's clients on 443. */
  readonly securityGroupIds: string[];
  /** Answer for the service's public DNS name inside the VPC, so SDKs and the CLI need no setting. @default true */
  readonly privateDns?: boolean;
}

/**
 * VPC interface endpoints for AWS APIs: functions in private subnets reach those services without
 * NAT, and the traffic never leaves the VPC.
 */
export class InterfaceEndpoints extends Construct {
  readonly endpoints: Record<string, VpcEndpoint>;

  constructor(scope: Construct, id: string, props: InterfaceEndpointsProps) {
    super(scope, id);
    this.endpoints = Object.fromEntries(
      props.services.map((service) => [
        service,
        new VpcEndpoint(this, service, {
          vpcId: props.vpcId,
          serviceName: `com.amazonaws.${props.region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: props.privateDns ?? true,
          subnetIds: props.subnetIds,
          securityGroupIds: props.securityGroupIds,
          tags: { Name: `${props.name}-${service}` },
        }),
      ]),
    );
  }
}
