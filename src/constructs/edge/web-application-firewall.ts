import { Wafv2WebAcl, Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { Construct } from "constructs";
import { EncryptedLogGroup } from "../monitoring/encrypted-log-group";

/** AWS managed rule groups every public endpoint of the service gets, in evaluation order. */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesSQLiRuleSet",
  // Tor exit nodes, anonymizing proxies and VPNs: the sources of most credential stuffing.
  "AWSManagedRulesAnonymousIpList",
] as const;

/**
 * Rules of the managed groups that only count: HostingProviderIPList would block every client
 * running in a cloud (servers calling /oauth/token), which an auth API must serve.
 */
export const COUNTED_MANAGED_RULES: Partial<Record<(typeof MANAGED_RULE_GROUPS)[number], string[]>> = {
  AWSManagedRulesAnonymousIpList: ["HostingProviderIPList"],
};

/** Headers that carry credentials; WAF logs keep the request but not these values. */
export const REDACTED_HEADERS = ["authorization", "cookie"] as const;

export interface WebApplicationFirewallProps {
  /** Web ACL name; metric names derive from it. */
  readonly name: string;
  /** ALB to protect. */
  readonly resourceArn: string;
  /** Requests per client IP per 5 minutes across the site. */
  readonly rateLimitPerIp: number;
  /** Tighter limit per client IP per 5 minutes on the login and token paths. */
  readonly loginRateLimitPerIp: number;
  /** Paths the tighter login rate limit applies to. */
  readonly loginPaths: string[];
  /** Retention of the WAF log group. */
  readonly logRetentionDays: number;
  /** Customer-managed key of the WAF log group. */
  readonly kmsKeyArn: string;
}

/** A rule of the web ACL as its CloudWatch metrics name it (the Rule dimension is the rule's metric name). */
export interface WebAclRuleMetric {
  readonly rule: string;
  readonly metricName: string;
  /** A per-IP rate limit rather than a managed rule group. */
  readonly rateBased: boolean;
}

/** A regional WAFv2 web ACL on the ALB: managed rule groups, per-IP rate limits, redacted logs. */
export class WebApplicationFirewall extends Construct {
  readonly webAcl: Wafv2WebAcl;
  readonly logGroup: EncryptedLogGroup;
  /** Every rule with the metric name its BlockedRequests are published under. */
  readonly ruleMetrics: WebAclRuleMetric[];

  constructor(scope: Construct, id: string, props: WebApplicationFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      cloudwatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const pathMatch = (path: string) => ({
      byte_match_statement: {
        search_string: path,
        positional_constraint: "STARTS_WITH",
        field_to_match: { uri_path: {} },
        text_transformation: [{ priority: 0, type: "LOWERCASE" }],
      },
    });
    const loginScope =
      props.loginPaths.length === 1
        ? pathMatch(props.loginPaths[0])
        : { or_statement: { statement: props.loginPaths.map(pathMatch) } };

    const rules: Wafv2WebAclRule[] = [
      {
        name: "login-rate-limit-per-ip",
        priority: 0,
        action: { block: {} },
        statement: {
          rate_based_statement: {
            limit: props.loginRateLimitPerIp,
            aggregate_key_type: "IP",
            scope_down_statement: loginScope,
          },
        },
        visibilityConfig: visibility(`${props.name}-login-rate-limit`),
      },
      {
        name: "rate-limit-per-ip",
        priority: 1,
        action: { block: {} },
        statement: { rate_based_statement: { limit: props.rateLimitPerIp, aggregate_key_type: "IP" } },
        visibilityConfig: visibility(`${props.name}-rate-limit`),
      },
      ...MANAGED_RULE_GROUPS.map((group, index) => ({
        name: group,
        priority: 10 + index,
        overrideAction: { none: {} },
        statement: {
          managed_rule_group_statement: {
            vendor_name: "AWS",
            name: group,
            ...(COUNTED_MANAGED_RULES[group] && {
              rule_action_override: COUNTED_MANAGED_RULES[group].map((name) => ({
                name,
                action_to_use: { count: {} },
              })),
            }),
          },
        },
        visibilityConfig: visibility(`${props.name}-${group}`),
      })),
    ];
    this.ruleMetrics = rules.map((rule) => ({
      rule: rule.name,
      metricName: (rule.visibilityConfig as { metricName: string }).metricName,
      rateBased: "rate_based_statement" in (rule.statement as object),
    }));
    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      name: props.name,
      description: `Protects the ${props.name} load balancer`,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility(props.name),
    });
    new Wafv2WebAclAssociation(this, "association", { resourceArn: props.resourceArn, webAclArn: this.webAcl.arn });

    this.logGroup = new EncryptedLogGroup(this, "logs", {
      // WAF refuses log groups whose names do not start with aws-waf-logs-.
      name: `aws-waf-logs-${props.name}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyArn: props.kmsKeyArn,
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { name } })),
    });
  }
}
