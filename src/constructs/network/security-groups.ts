import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { suppressFinding } from "../../compliance/suppress";
import { testListenerCidrProblem } from "../../config/rules/combination-rules";
import { validateProps } from "../validate-props";

export interface ServiceSecurityGroupsProps {
  /** Prefix of the group names, e.g. auth-staging. */
  readonly name: string;
  /** VPC of the groups. */
  readonly vpcId: string;
  /** Port the application container listens on (the target groups' port): the only port from the load balancer to the app tier. */
  readonly appPort: number;
  /** PostgreSQL port. @default 5432 */
  readonly databasePort?: number;
  /** Redis port. @default 6379 */
  readonly cachePort?: number;
  /** Load-balancer port that reaches the idle colour for smoke tests. */
  readonly testListenerPort: number;
  /** Sources allowed to reach the test listener. */
  readonly testListenerAllowedCidrs: string[];
  /** Also accept clients over IPv6 (dual-stack load balancer). @default false */
  readonly allowIpv6Clients?: boolean;
}

/** Where a rule points: another group of this service, or a CIDR block. */
type Peer = { group: SecurityGroup } | { cidr: string } | { ipv6Cidr: string };

/**
 * One security group per tier, chained so each tier only reaches the next one:
 * internet -> alb -> app -> db/cache. Groups are created empty (Terraform strips AWS's
 * allow-all egress) and every rule is a separate, described resource.
 */
export class ServiceSecurityGroups extends Construct {
  readonly alb: SecurityGroup;
  readonly app: SecurityGroup;
  readonly database: SecurityGroup;
  readonly cache: SecurityGroup;
  /** The database credential rotation function: PostgreSQL and the AWS API endpoints, nothing else. */
  readonly databaseRotation: SecurityGroup;
  /** The Redis AUTH token rotation function: Redis, the AWS API endpoints, and HTTPS to the ElastiCache API through NAT. */
  readonly cacheRotation: SecurityGroup;
  /** Interface endpoints of AWS APIs (Secrets Manager): HTTPS from the app tier and the rotation functions. */
  readonly apiEndpoints: SecurityGroup;

  constructor(scope: Construct, id: string, props: ServiceSecurityGroupsProps) {
    super(scope, id);
    validateProps(
      this,
      props.testListenerAllowedCidrs.map((cidr, index) => ({
        prop: `testListenerAllowedCidrs[${index}]`,
        values: [cidr],
        problem: () => testListenerCidrProblem(cidr),
      })),
    );
    const { appPort } = props;
    const databasePort = props.databasePort ?? 5432;
    const cachePort = props.cachePort ?? 6379;
    const group = (tier: string, description: string) =>
      new SecurityGroup(this, tier, {
        name: `${props.name}-${tier}`,
        description,
        vpcId: props.vpcId,
        tags: { Name: `${props.name}-${tier}` },
      });
    this.alb = group("alb", "Application load balancer: HTTP(S) from the internet, forwards to app");
    this.app = group("app", "Auth service instances: traffic from the load balancer only");
    this.database = group("db", "PostgreSQL: connections from the app tier only");
    this.cache = group("cache", "Redis: connections from the app tier only");
    this.databaseRotation = group(
      "db-rotation",
      "Database credential rotation function: PostgreSQL and AWS API endpoints only",
    );
    this.cacheRotation = group(
      "cache-rotation",
      "Redis AUTH token rotation function: Redis, AWS API endpoints and the ElastiCache API",
    );
    this.apiEndpoints = group(
      "api-endpoints",
      "Interface endpoints of AWS APIs: HTTPS from the app tier and the rotation functions",
    );

    const allow = (
      direction: "ingress" | "egress",
      target: SecurityGroup,
      ruleId: string,
      port: number,
      peer: Peer,
      description: string,
    ) => {
      const rule = {
        securityGroupId: target.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description,
        ...("group" in peer
          ? { referencedSecurityGroupId: peer.group.id }
          : "cidr" in peer
            ? { cidrIpv4: peer.cidr }
            : { cidrIpv6: peer.ipv6Cidr }),
      };
      return direction === "ingress"
        ? new VpcSecurityGroupIngressRule(this, ruleId, rule)
        : new VpcSecurityGroupEgressRule(this, ruleId, rule);
    };
    // Port 80 only answers with a 301 to HTTPS (the load balancer's HTTP listener has no other action).
    const redirectOnly = (rule: VpcSecurityGroupIngressRule | VpcSecurityGroupEgressRule) =>
      suppressFinding(
        rule,
        "sg-no-world-ingress",
        "port 80 reaches only the load balancer's HTTP listener, which redirects every request to HTTPS (alb-https-only checks that)",
      );

    const internet = { cidr: "0.0.0.0/0" };
    allow("ingress", this.alb, "alb-https-from-internet", 443, internet, "HTTPS from clients");
    redirectOnly(
      allow("ingress", this.alb, "alb-http-from-internet", 80, internet, "HTTP from clients, redirected to HTTPS"),
    );
    if (props.allowIpv6Clients) {
      const internetIpv6 = { ipv6Cidr: "::/0" };
      allow("ingress", this.alb, "alb-https-from-internet-ipv6", 443, internetIpv6, "HTTPS from IPv6 clients");
      redirectOnly(
        allow(
          "ingress",
          this.alb,
          "alb-http-from-internet-ipv6",
          80,
          internetIpv6,
          "HTTP from IPv6 clients, redirected to HTTPS",
        ),
      );
    }
    props.testListenerAllowedCidrs.forEach((cidr, index) =>
      allow(
        "ingress",
        this.alb,
        `alb-test-listener-${index}`,
        props.testListenerPort,
        { cidr },
        `Smoke tests of the idle colour from ${cidr}`,
      ),
    );
    allow(
      "egress",
      this.alb,
      "alb-to-app",
      appPort,
      { group: this.app },
      "Forward requests and health checks to the app",
    );

    allow(
      "ingress",
      this.app,
      "app-from-alb",
      appPort,
      { group: this.alb },
      "Requests and health checks from the load balancer",
    );
    allow("egress", this.app, "app-to-db", databasePort, { group: this.database }, "PostgreSQL");
    allow("egress", this.app, "app-to-cache", cachePort, { group: this.cache }, "Redis");
    allow(
      "egress",
      this.app,
      "app-to-aws-apis",
      443,
      internet,
      "HTTPS to AWS APIs (ECR, Secrets Manager, SSM, CloudWatch) and package repositories via NAT",
    );

    allow("ingress", this.database, "db-from-app", databasePort, { group: this.app }, "PostgreSQL from the app tier");
    allow("ingress", this.cache, "cache-from-app", cachePort, { group: this.app }, "Redis from the app tier");

    allow(
      "egress",
      this.databaseRotation,
      "db-rotation-to-db",
      databasePort,
      { group: this.database },
      "PostgreSQL, to set the service's passwords",
    );
    allow(
      "egress",
      this.databaseRotation,
      "db-rotation-to-api-endpoints",
      443,
      { group: this.apiEndpoints },
      "Secrets Manager through its VPC endpoint",
    );
    allow(
      "ingress",
      this.database,
      "db-from-db-rotation",
      databasePort,
      { group: this.databaseRotation },
      "PostgreSQL from the credential rotation function",
    );
    // With private DNS the endpoint answers for the service's public name, so everything in the VPC
    // that calls Secrets Manager goes through it: the app tier too.
    allow("ingress", this.apiEndpoints, "api-endpoints-from-app", 443, { group: this.app }, "HTTPS from the app tier");
    allow(
      "ingress",
      this.apiEndpoints,
      "api-endpoints-from-db-rotation",
      443,
      { group: this.databaseRotation },
      "HTTPS from the rotation function",
    );

    allow(
      "egress",
      this.cacheRotation,
      "cache-rotation-to-cache",
      cachePort,
      { group: this.cache },
      "Redis, to check which AUTH tokens it accepts",
    );
    allow(
      "egress",
      this.cacheRotation,
      "cache-rotation-to-api-endpoints",
      443,
      { group: this.apiEndpoints },
      "Secrets Manager through its VPC endpoint",
    );
    // ElastiCache's API has no interface endpoint here: ModifyReplicationGroup goes out through NAT.
    allow(
      "egress",
      this.cacheRotation,
      "cache-rotation-to-aws-apis",
      443,
      internet,
      "HTTPS to the ElastiCache API via NAT",
    );
    allow(
      "ingress",
      this.cache,
      "cache-from-cache-rotation",
      cachePort,
      { group: this.cacheRotation },
      "Redis from the AUTH token rotation function",
    );
    allow(
      "ingress",
      this.apiEndpoints,
      "api-endpoints-from-cache-rotation",
      443,
      { group: this.cacheRotation },
      "HTTPS from the Redis AUTH token rotation function",
    );
  }
}
