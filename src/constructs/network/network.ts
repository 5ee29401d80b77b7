import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Fn } from "cdktf";
import { Construct } from "constructs";

export interface NetworkProps {
  /** Prefix of every Name tag, e.g. auth-staging. */
  readonly name: string;
  /** Region, for the S3 gateway endpoint's service name. */
  readonly region: string;
  /** IPv4 block of the VPC. */
  readonly cidr: string;
  /** Zones to spread every tier across, in order; subnet lists follow the same order. */
  readonly availabilityZones: string[];
  /** Internet-facing tier (load balancer, NAT gateways), one CIDR per zone. */
  readonly publicSubnetCidrs: string[];
  /** Application tier with egress through NAT, one CIDR per zone. */
  readonly privateSubnetCidrs: string[];
  /** Data tier with no route to the internet, one CIDR per zone. */
  readonly isolatedSubnetCidrs: string[];
  /** NAT gateways, placed in the first zones; private subnets use the one in their zone when there is one. @default one per zone */
  readonly natGatewayCount?: number;
  /** Give the VPC an Amazon IPv6 block and the public tier IPv6 subnets, for a dual-stack load balancer. @default false */
  readonly publicIpv6?: boolean;
}

type Tier = "public" | "private" | "isolated";

/**
 * A three-tier VPC: public subnets behind an internet gateway, private subnets egressing through
 * NAT, isolated subnets with no internet route, an S3 gateway endpoint, and a default security
 * group stripped of all rules so nothing lands in it by accident.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly isolatedSubnetIds: string[];
  readonly natGatewayIds: string[];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const zones = props.availabilityZones;
    const natGatewayCount = props.natGatewayCount ?? zones.length;
    const tagged = (suffix: string) => ({ Name: `${props.name}-${suffix}` });

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      assignGeneratedIpv6CidrBlock: props.publicIpv6 ?? false,
      tags: tagged("vpc"),
    });
    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: this.vpc.id,
      ingress: [],
      egress: [],
      tags: tagged("default-do-not-use"),
    });

    const subnets = (tier: Tier, cidrs: string[], ipv6 = false) =>
      cidrs.map(
        (cidrBlock, index) =>
          new Subnet(this, `${tier}-subnet-${zones[index]}`, {
            vpcId: this.vpc.id,
            cidrBlock,
            availabilityZone: zones[index],
            mapPublicIpOnLaunch: false,
            ...(ipv6
              ? { ipv6CidrBlock: Fn.cidrsubnet(this.vpc.ipv6CidrBlock, 8, index), assignIpv6AddressOnCreation: false }
              : {}),
            tags: { ...tagged(`${tier}-${zones[index]}`), Tier: tier },
          }),
      );
    const publicSubnets = subnets("public", props.publicSubnetCidrs, props.publicIpv6);
    const privateSubnets = subnets("private", props.privateSubnetCidrs);
    const isolatedSubnets = subnets("isolated", props.isolatedSubnetCidrs);

    const internetGateway = new InternetGateway(this, "internet-gateway", { vpcId: this.vpc.id, tags: tagged("igw") });
    const publicRoutes = new RouteTable(this, "public-routes", { vpcId: this.vpc.id, tags: tagged("public") });
    new Route(this, "public-default-route", {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: internetGateway.id,
    });
    if (props.publicIpv6) {
      new Route(this, "public-default-ipv6-route", {
        routeTableId: publicRoutes.id,
        destinationIpv6CidrBlock: "::/0",
        gatewayId: internetGateway.id,
      });
    }
    publicSubnets.forEach(
      (subnet, index) =>
        new RouteTableAssociation(this, `public-routes-${zones[index]}`, {
          subnetId: subnet.id,
          routeTableId: publicRoutes.id,
        }),
    );

    const natGateways = publicSubnets.slice(0, natGatewayCount).map((subnet, index) => {
      const address = new Eip(this, `nat-eip-${zones[index]}`, { domain: "vpc", tags: tagged(`nat-${zones[index]}`) });
      return new NatGateway(this, `nat-gateway-${zones[index]}`, {
        allocationId: address.id,
        subnetId: subnet.id,
        tags: tagged(`nat-${zones[index]}`),
        dependsOn: [internetGateway],
      });
    });
    // One private route table per NAT gateway, so an AZ with its own NAT never sends egress across zones.
    const privateRouteTables = natGateways.map((natGateway, index) => {
      const suffix = natGatewayCount === 1 ? "private" : `private-${zones[index]}`;
      const table = new RouteTable(this, `${suffix}-routes`, { vpcId: this.vpc.id, tags: tagged(suffix) });
      new Route(this, `${suffix}-default-route`, {
        routeTableId: table.id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: natGateway.id,
      });
      return table;
    });
    privateSubnets.forEach(
      (subnet, index) =>
        new RouteTableAssociation(this, `private-routes-${zones[index]}`, {
          subnetId: subnet.id,
          routeTableId: privateRouteTables[index % privateRouteTables.length].id,
        }),
    );

    const isolatedRoutes = new RouteTable(this, "isolated-routes", { vpcId: this.vpc.id, tags: tagged("isolated") });
    isolatedSubnets.forEach(
      (subnet, index) =>
        new RouteTableAssociation(this, `isolated-routes-${zones[index]}`, {
          subnetId: subnet.id,
          routeTableId: isolatedRoutes.id,
        }),
    );

    new VpcEndpoint(this, "s3-endpoint", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [...privateRouteTables.map((table) => table.id), isolatedRoutes.id],
      tags: tagged("s3"),
    });

    this.publicSubnetIds = publicSubnets.map((subnet) => subnet.id);
    this.privateSubnetIds = privateSubnets.map((subnet) => subnet.id);
    this.isolatedSubnetIds = isolatedSubnets.map((subnet) => subnet.id);
    this.natGatewayIds = natGateways.map((natGateway) => natGateway.id);
  }
}
