import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { AlarmFactory } from "./alarm-factory";

export interface EndpointHealthCheckProps {
  /** Host name the checkers resolve and send as SNI and Host, e.g. auth.example.com. */
  readonly fqdn: string;
  /** Path that must answer 2xx or 3xx, e.g. /health. */
  readonly resourcePath: string;
  /** Regions the checkers run from; Route 53 requires at least 3. */
  readonly regions: readonly string[];
  /** Seconds between checks from one checker. @default 30 */
  readonly requestIntervalSeconds?: 10 | 30;
  /** Consecutive failures before a checker calls the endpoint unhealthy. @default 3 */
  readonly failureThreshold?: number;
  /** Minutes the check must stay unhealthy before the alarm fires. @default 2 */
  readonly unhealthyMinutes?: number;
  /** Factory of the alarm; its topic must be in us-east-1, like the alarm. */
  readonly alarms: AlarmFactory;
  /** The us-east-1 provider: Route 53 publishes health-check metrics only there. */
  readonly provider: TerraformProvider;
  /** Suffix of the alarm name. @default "endpoint-unhealthy" */
  readonly alarmName?: string;
}

/**
 * A Route 53 HTTPS health check on the public endpoint, from several checker regions, and its alarm
 * in us-east-1, the only region CloudWatch holds Route 53 health-check metrics in
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-check-status.html).
 * Route 53 does not validate the certificate of an HTTPS endpoint
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html),
 * so this catches reachability and DNS; the canary catches certificates.
 */
export class EndpointHealthCheck extends Construct {
  readonly healthCheck: Route53HealthCheck;

  constructor(scope: Construct, id: string, props: EndpointHealthCheckProps) {
    super(scope, id);
    this.healthCheck = new Route53HealthCheck(this, "check", {
      provider: props.provider,
      type: "HTTPS",
      fqdn: props.fqdn,
      port: 443,
      resourcePath: props.resourcePath,
      // Without SNI the load balancer presents its default certificate and may refuse the handshake.
      enableSni: true,
      regions: [...props.regions],
      requestInterval: props.requestIntervalSeconds ?? 30,
      failureThreshold: props.failureThreshold ?? 3,
      measureLatency: true,
      tags: { Name: `${props.alarms.prefix}-endpoint` },
    });
    props.alarms.threshold({
      name: props.alarmName ?? "endpoint-unhealthy",
      description: `Route 53 health checkers in ${props.regions.join(", ")} cannot get a 2xx/3xx from https://${props.fqdn}${props.resourcePath} (DNS, network or the service)`,
      runbook: "outside-in-checks",
      namespace: "AWS/Route53",
      metricName: "HealthCheckStatus",
      dimensions: { HealthCheckId: this.healthCheck.id },
      statistic: "Minimum",
      periodSeconds: 60,
      evaluationPeriods: props.unhealthyMinutes ?? 2,
      threshold: 1,
      breachWhen: "below",
      // Route 53 publishes the status every minute while the check exists; no data means the check or
      // its metrics are gone, and nobody is watching the endpoint.
      treatMissingData: "breaching",
    });
  }
}
