import { asArray, Block, isTrue, nested } from "../model";
import { defineRule, maps, ofType, when } from "../rule";

/** Instance metadata, key and secret rotation, WAF rule groups, TLS, runtimes. */

export const imdsV2Required = defineRule({
  id: "imdsv2-required",
  title: "Instances require IMDSv2",
  severity: "error",
  profile: "baseline",
  maps: maps(["EC2.8", "EC2.170"], ["CKV_AWS_79"], ["AVD-AWS-0028", "AVD-AWS-0130"]),
  rationale:
    "IMDSv1 answers any request that reaches it, so an SSRF in the service hands out the instance role's credentials.",
  fix: 'Set metadata_options { http_tokens = "required" } (or http_endpoint = "disabled").',
  targets: ofType("aws_launch_template", "aws_instance"),
  check: ({ body }) => {
    const options = nested(body.metadata_options);
    return when(
      options?.http_endpoint !== "disabled" && options?.http_tokens !== "required",
      'metadata_options.http_tokens is not "required"',
    );
  },
});

export const kmsKeyRotation = defineRule({
  id: "kms-key-rotation",
  title: "Customer-managed keys rotate yearly",
  severity: "error",
  profile: "baseline",
  maps: maps(["KMS.4"], ["CKV_AWS_7"], ["AVD-AWS-0065"]),
  rationale: "Rotation limits how much data one key version protects and how long a leaked version stays useful.",
  fix: "Set enable_key_rotation = true (symmetric keys).",
  targets: (stack) =>
    stack
      .resources("aws_kms_key")
      .filter(({ body }) => (body.customer_master_key_spec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT"),
  check: ({ body }) => when(!isTrue(body.enable_key_rotation), "enable_key_rotation is not true"),
});

/** Rotation periods longer than this fail (Security Hub's SecretsManager.4 default is 90 days). */
export const MAX_ROTATION_DAYS = 90;

export const secretRotation = defineRule({
  id: "secret-rotation",
  title: `Production secrets rotate automatically, at least every ${MAX_ROTATION_DAYS} days`,
  severity: "error",
  profile: "production",
  maps: maps(["SecretsManager.1", "SecretsManager.4"], ["CKV2_AWS_57", "CKV_AWS_304"], []),
  rationale: "A secret that never changes stays valid forever once it leaks (logs, laptops, former staff).",
  fix: "Add aws_secretsmanager_secret_rotation for the secret with rotation_rules.automatically_after_days (or schedule_expression).",
  targets: ofType("aws_secretsmanager_secret"),
  check: (secret, stack) => {
    const rotations = stack.referencing("aws_secretsmanager_secret_rotation", secret, "secret_id");
    if (rotations.length === 0) return ["no rotation schedule"];
    const days = rotations.map(({ body }) => Number(nested(body.rotation_rules)?.automatically_after_days ?? 0));
    return when(
      days.every((period) => period > MAX_ROTATION_DAYS),
      `rotates every ${days[0]} days`,
    );
  },
});

/** AWS managed rule groups every public web ACL of the service must evaluate (and not only count). */
export const REQUIRED_MANAGED_RULE_GROUPS = [
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesAnonymousIpList",
] as const;

export const wafManagedRuleGroups = defineRule({
  id: "waf-managed-rule-groups",
  title: "WAF web ACLs run the AWS common, known-bad-inputs, IP reputation and anonymous-IP rule groups",
  severity: "error",
  profile: "baseline",
  maps: maps(["WAF.10"], ["CKV_AWS_192", "CKV2_AWS_76"], []),
  rationale:
    "The managed groups block OWASP-style payloads, Log4Shell probes, known-bad addresses, and Tor/VPN/proxy sources used for credential stuffing.",
  fix: `Add managed_rule_group_statement rules for ${REQUIRED_MANAGED_RULE_GROUPS.join(", ")} with override_action none.`,
  targets: ofType("aws_wafv2_web_acl"),
  check: ({ body }) => {
    const enforced = asArray(body.rule)
      .filter((rule: Block) => nested(rule.override_action)?.count === undefined)
      .map((rule: Block) => nested(nested(rule.statement)?.managed_rule_group_statement))
      .filter((statement): statement is Block => statement?.vendor_name === "AWS")
      .map((statement) => statement.name);
    return REQUIRED_MANAGED_RULE_GROUPS.filter((group) => !enforced.includes(group)).map(
      (group) => `${group} is missing or only counts`,
    );
  },
});

export const albHttpsOnly = defineRule({
  id: "alb-https-only",
  title: "Load balancer listeners serve HTTPS; plain HTTP only redirects to it",
  severity: "error",
  profile: "baseline",
  maps: maps(["ELB.1"], ["CKV_AWS_2", "CKV2_AWS_20"], ["AVD-AWS-0054"]),
  rationale: "Tokens and passwords must never cross the internet in clear text.",
  fix: 'Use protocol "HTTPS"; an HTTP listener may only redirect to HTTPS.',
  targets: ofType("aws_lb_listener", "aws_alb_listener"),
  check: ({ body }) => {
    if (body.protocol !== "HTTP") return [];
    const actions = asArray(body.default_action);
    return when(
      !actions.every((action: Block) => action.type === "redirect" && nested(action.redirect)?.protocol === "HTTPS"),
      `plain HTTP listener on port ${body.port} does not redirect to HTTPS`,
    );
  },
});

/** ELB TLS 1.3 policies (TLS 1.2 minimum, forward-secret AEAD ciphers only). */
export const ALLOWED_TLS_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
] as const;

export const albTlsPolicy = defineRule({
  id: "alb-tls-policy",
  title: "HTTPS listeners use a TLS 1.3 security policy (TLS 1.2 minimum)",
  severity: "error",
  profile: "baseline",
  maps: maps(["ELB.17"], ["CKV_AWS_103"], ["AVD-AWS-0047"]),
  rationale: "Older ELB policies still offer TLS 1.0/1.1 and CBC ciphers.",
  fix: `Set ssl_policy to one of ${ALLOWED_TLS_POLICIES.join(", ")}.`,
  targets: (stack) =>
    stack
      .resources("aws_lb_listener", "aws_alb_listener")
      .filter(({ body }) => body.protocol === "HTTPS" || body.protocol === "TLS"),
  check: ({ body }) =>
    when(
      !(ALLOWED_TLS_POLICIES as readonly string[]).includes(body.ssl_policy),
      `ssl_policy is ${body.ssl_policy ?? "the default (ELBSecurityPolicy-2016-08)"}`,
    ),
});

/** Lambda runtimes past their deprecation date (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). */
export const DEPRECATED_LAMBDA_RUNTIMES = [
  "nodejs16.x",
  "nodejs18.x",
  "nodejs20.x",
  "python3.8",
  "python3.9",
  "java8",
  "go1.x",
  "provided",
] as const;

export const lambdaSupportedRuntime = defineRule({
  id: "lambda-supported-runtime",
  title: "Lambda functions run a supported runtime",
  severity: "error",
  profile: "baseline",
  maps: maps(["Lambda.2"], ["CKV_AWS_363"], []),
  rationale: "Deprecated runtimes get no security patches, and AWS eventually blocks updating the function.",
  fix: "Move to a supported runtime (nodejs22.x).",
  targets: ofType("aws_lambda_function"),
  check: ({ body }) =>
    when(
      (DEPRECATED_LAMBDA_RUNTIMES as readonly string[]).includes(body.runtime),
      `runtime ${body.runtime} is deprecated`,
    ),
});
