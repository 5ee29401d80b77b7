import { GROUP_METRICS } from "../src/constructs/compute/colour-fleet";
import { NO_IMAGE_STATUS } from "../src/constructs/release/release-state-reader";
import { TARGET_GROUP_ALARMS, targetGroupAlarmName } from "../src/constructs/monitoring/alarm-names";
import { releaseStateParameterName } from "../src/release/release-state";
import { RELEASE_ITEM, RELEASE_ITEM_KEY } from "../src/release/release-store";
import { releaseTableName } from "../src/config/naming";
import { COUNTED_MANAGED_RULES, MANAGED_RULE_GROUPS } from "../src/constructs/edge/web-application-firewall";
import { ENVIRONMENTS, Synthesized, referenceTo, synthEnvironment, validConfig } from "./support/synth";

const synthesized = Object.fromEntries(ENVIRONMENTS.map((env) => [env, synthEnvironment(env).app])) as Record<
  (typeof ENVIRONMENTS)[number],
  Synthesized
>;
const COLOURS = ["blue", "green"] as const;

describe.each(ENVIRONMENTS)("app stack auth-%s-app", (env) => {
  const config = validConfig(env);
  const { app, dns } = config;
  const json = synthesized[env];
  const alb = json.resource("aws_lb");
  const listeners = json.resources("aws_lb_listener");
  const listenerOn = (port: number) => Object.values(listeners).find((listener) => listener.port === port)!;
  const targetGroup = (colour: string) => json.named("aws_lb_target_group", `${colour}_target-group`);
  const groupOf = (colour: string) => json.named("aws_autoscaling_group", `${colour}_group`);
  const templateOf = (colour: string) => json.named("aws_launch_template", `${colour}_launch-template`);

  describe("TLS certificate and DNS", () => {
    const certificate = json.resource("aws_acm_certificate");

    test("an ACM certificate for the domain (and alternative names), validated by DNS", () => {
      expect(certificate).toMatchObject({
        domain_name: dns.domainName,
        validation_method: "DNS",
        lifecycle: { create_before_destroy: true },
      });
      expect(certificate.subject_alternative_names ?? []).toEqual(app.alternativeNames);
    });

    test("validation records come from domain_validation_options through for_each", () => {
      const record = json.named("aws_route53_record", "validation-record");
      expect(record.for_each).toMatch(/aws_acm_certificate\..*\.domain_validation_options/);
      expect(record).toMatchObject({
        name: "${each.value.resource_record_name}",
        type: "${each.value.resource_record_type}",
        records: ["${each.value.resource_record_value}"],
        zone_id: dns.hostedZoneId,
      });
    });

    test("the HTTPS listeners wait for validation by using the validated certificate ARN", () => {
      const validation = json.resource("aws_acm_certificate_validation");
      expect(validation.validation_record_fqdns).toMatch(/\[for record in aws_route53_record\..* : record\.fqdn\]/);
      const validatedArn = referenceTo(json, "aws_acm_certificate_validation", validation, "certificate_arn");
      expect(listenerOn(443).certificate_arn).toBe(validatedArn);
      expect(listenerOn(app.testListenerPort).certificate_arn).toBe(validatedArn);
    });

    test("alias records A and AAAA point the domain at the load balancer", () => {
      const aliases = json.resourceList("aws_route53_record").filter((record) => record.alias);
      expect(aliases.map((record) => [record.name, record.type]).sort()).toEqual(
        [dns.domainName, ...app.alternativeNames]
          .flatMap((name) => [
            [name, "A"],
            [name, "AAAA"],
          ])
          .sort(),
      );
      for (const record of aliases) {
        expect(record.alias).toEqual({
          name: referenceTo(json, "aws_lb", alb, "dns_name"),
          zone_id: referenceTo(json, "aws_lb", alb, "zone_id"),
          evaluate_target_health: true,
        });
      }
    });
  });

  describe("load balancer", () => {
    test("is internet-facing and dual-stack in the public subnets with the alb security group", () => {
      expect(alb).toMatchObject({ internal: false, load_balancer_type: "application", ip_address_type: "dualstack" });
      expect(alb.subnets).toMatch(/outputs\.public_subnet_ids/);
      expect(alb.security_groups).toEqual([expect.stringMatching(/outputs\.alb_security_group_id/)]);
    });

    test("is created after the access log bucket policy (enabling logs writes a test object)", () => {
      expect(alb.depends_on).toEqual([expect.stringMatching(/aws_s3_bucket_policy\.access-logs/)]);
    });

    test(`drops invalid header fields; deletion protection is ${app.albDeletionProtection}`, () => {
      expect(alb.drop_invalid_header_fields).toBe(true);
      expect(alb.enable_deletion_protection).toBe(app.albDeletionProtection);
    });

    test("HTTPS on 443 with a TLS 1.3 policy, forwarding to both colours by release weight", () => {
      const https = listenerOn(443);
      expect(https).toMatchObject({ protocol: "HTTPS", ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
      expect(https.default_action[0].forward.target_group).toEqual([
        {
          arn: referenceTo(json, "aws_lb_target_group", targetGroup("blue"), "arn"),
          weight: "${(100 - local.release_state.greenTrafficPercent)}",
        },
        {
          arn: referenceTo(json, "aws_lb_target_group", targetGroup("green"), "arn"),
          weight: "${local.release_state.greenTrafficPercent}",
        },
      ]);
    });

    test("HTTP on 80 answers with a 301 to HTTPS", () => {
      expect(listenerOn(80).default_action).toEqual([
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } },
      ]);
    });

    test("the test listener forwards to the idle colour (the one with less traffic)", () => {
      const test = listenerOn(app.testListenerPort);
      expect(test).toMatchObject({ protocol: "HTTPS", ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
      expect(test.default_action[0].target_group_arn).toBe(
        `\${(local.release_state.greenTrafficPercent <= 50) ? ${referenceTo(json, "aws_lb_target_group", targetGroup("green"), "arn").slice(2, -1)} : ${referenceTo(json, "aws_lb_target_group", targetGroup("blue"), "arn").slice(2, -1)}}`,
      );
    });

    test("access logs go to an SSE-S3, private, TLS-only bucket that ELB log delivery may write to", () => {
      const bucket = json.named("aws_s3_bucket", "access-logs");
      expect(alb.access_logs).toMatchObject({
        enabled: true,
        bucket: referenceTo(json, "aws_s3_bucket", bucket, "bucket"),
        prefix: `auth-${env}`,
      });
      expect(json.resource("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
      ]);
      expect(json.resource("aws_s3_bucket_public_access_block")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      const policy = json.policyDocument(json.resource("aws_s3_bucket_policy").policy);
      const bySid = Object.fromEntries(policy.statement.map((statement: any) => [statement.sid, statement]));
      expect(bySid.ElbLogDelivery).toMatchObject({
        actions: ["s3:PutObject"],
        principals: [{ type: "AWS", identifiers: [expect.stringMatching(/data\.aws_elb_service_account\..*\.arn/)] }],
      });
      expect(bySid.ElbLogDelivery.resources).toEqual([
        expect.stringMatching(new RegExp(`/auth-${env}/AWSLogs/${config.aws.accountId}/\\*$`)),
      ]);
      expect(bySid.DenyInsecureTransport).toMatchObject({
        effect: "Deny",
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      });
      const [rule] = json.resource("aws_s3_bucket_lifecycle_configuration").rule;
      expect(rule.expiration).toEqual([{ days: app.accessLogExpiryDays }]);
    });
  });

  describe("web application firewall", () => {
    const acl = json.resource("aws_wafv2_web_acl");
    const rules: any[] = acl.rule;

    test("a REGIONAL web ACL associated with the load balancer", () => {
      expect(acl.scope).toBe("REGIONAL");
      expect(json.resource("aws_wafv2_web_acl_association")).toMatchObject({
        resource_arn: referenceTo(json, "aws_lb", alb, "arn"),
        web_acl_arn: referenceTo(json, "aws_wafv2_web_acl", acl, "arn"),
      });
    });

    test("uses the common, known bad inputs, SQL injection, IP reputation and anonymous-IP rule groups", () => {
      const groups = rules
        .filter((rule) => rule.statement.managed_rule_group_statement)
        .map((rule) => rule.statement.managed_rule_group_statement);
      expect(groups.map(({ vendor_name, name }) => ({ vendor_name, name }))).toEqual(
        MANAGED_RULE_GROUPS.map((name) => ({ vendor_name: "AWS", name })),
      );
      expect([...MANAGED_RULE_GROUPS].sort()).toEqual(
        [
          "AWSManagedRulesAmazonIpReputationList",
          "AWSManagedRulesAnonymousIpList",
          "AWSManagedRulesCommonRuleSet",
          "AWSManagedRulesKnownBadInputsRuleSet",
          "AWSManagedRulesSQLiRuleSet",
        ].sort(),
      );
    });

    test("the anonymous-IP group blocks Tor, proxies and VPNs but only counts cloud hosting providers (server-to-server clients)", () => {
      const anonymous = rules.find((rule) => rule.name === "AWSManagedRulesAnonymousIpList");
      expect(anonymous.override_action).toEqual({ none: {} });
      expect(anonymous.statement.managed_rule_group_statement.rule_action_override).toEqual([
        { name: "HostingProviderIPList", action_to_use: { count: {} } },
      ]);
      expect(COUNTED_MANAGED_RULES.AWSManagedRulesAnonymousIpList).toEqual(["HostingProviderIPList"]);
    });

    test("rate-limits each client IP, tighter on the login and token paths", () => {
      const [login, site] = ["login-rate-limit-per-ip", "rate-limit-per-ip"].map((name) =>
        rules.find((rule) => rule.name === name),
      );
      expect(site.statement.rate_based_statement).toEqual({ limit: app.waf.rateLimitPerIp, aggregate_key_type: "IP" });
      expect(login.statement.rate_based_statement).toMatchObject({
        limit: app.waf.loginRateLimitPerIp,
        aggregate_key_type: "IP",
      });
      const scoped = JSON.stringify(login.statement.rate_based_statement.scope_down_statement);
      for (const path of app.waf.loginPaths) expect(scoped).toContain(`"search_string":"${path}"`);
      expect(login.action).toEqual({ block: {} });
      expect(login.priority).toBeLessThan(site.priority);
    });

    test("every rule publishes CloudWatch metrics", () => {
      for (const rule of rules)
        expect(rule.visibility_config).toMatchObject({
          cloudwatch_metrics_enabled: true,
          sampled_requests_enabled: true,
        });
      expect(acl.visibility_config.cloudwatch_metrics_enabled).toBe(true);
    });

    test("logs to an aws-waf-logs- group with authorization and cookie headers redacted", () => {
      const logging = json.resource("aws_wafv2_web_acl_logging_configuration");
      const group = json
        .resourceList("aws_cloudwatch_log_group")
        .find((candidate) => candidate.name.startsWith("aws-waf-logs-"))!;
      expect(group.name).toBe(`aws-waf-logs-auth-${env}`);
      expect(logging.log_destination_configs).toEqual([
        expect.stringMatching(/aws_cloudwatch_log_group\..*waf.*\.arn/),
      ]);
      expect(logging.redacted_fields).toEqual([
        { single_header: { name: "authorization" } },
        { single_header: { name: "cookie" } },
      ]);
    });
  });

  describe.each(COLOURS)("%s servers", (colour) => {
    const template = templateOf(colour);
    const group = groupOf(colour);
    const tg = targetGroup(colour);
    const weight =
      colour === "green"
        ? "local.release_state.greenTrafficPercent"
        : "(100 - local.release_state.greenTrafficPercent)";

    test("target group: HTTP on the service port (app.port), health check on the health path, deregistration delay and slow start from config", () => {
      expect(tg).toMatchObject({
        port: app.port,
        protocol: "HTTP",
        deregistration_delay: String(app.deregistrationDelaySeconds),
        slow_start: app.slowStartSeconds,
        health_check: { path: app.healthCheckPath, matcher: "200", enabled: true },
      });
    });

    test("launch template: the AMI id pinned in the release state, never resolve:ssm: (auto rollback needs an id)", () => {
      expect(template.image_id).toBe(`\${local.release_state.${colour}.amiId}`);
      expect(JSON.stringify(json.json)).not.toContain("resolve:ssm:");
      expect(json.json.data?.aws_ami).toBeUndefined();
      expect(template.instance_type).toBe(app.instanceType);
    });

    test(`launch template: IMDSv2 required with hop limit ${app.containerNeedsInstanceMetadata ? 2 : 1}`, () => {
      expect(template.metadata_options).toMatchObject({
        http_tokens: "required",
        http_endpoint: "enabled",
        http_put_response_hop_limit: app.containerNeedsInstanceMetadata ? 2 : 1,
      });
    });

    test("launch template: encrypted gp3 root volume, no SSH key, no public IP, the instance profile", () => {
      expect(template.block_device_mappings).toEqual([
        {
          device_name: "/dev/xvda",
          ebs: { volume_size: app.rootVolumeGb, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" },
        },
      ]);
      expect(template.key_name).toBeUndefined();
      expect(template.network_interfaces).toBeUndefined();
      expect(template.iam_instance_profile).toEqual({
        arn: expect.stringMatching(/aws_iam_instance_profile\..*\.arn/),
      });
    });

    test(`launch template: user data filled in from the template with the ${colour} image digest`, () => {
      expect(template.user_data).toMatch(/^\$\{base64encode\(templatefile\("assets\/user-data[^"]*\.sh\.tftpl", \{/);
      expect(template.user_data).toContain(`"colour" = "${colour}"`);
      expect(template.user_data).toContain(`"image_digest" = local.release_state.${colour}.digest`);
      expect(template.user_data).toMatch(
        /"repository_url" = data\.terraform_remote_state\.registry.*\.outputs\.repository_url/,
      );
      expect(template.user_data).toMatch(
        /"db_secret_arn" = data\.terraform_remote_state\.data.*\.outputs\.db_service_secret_arn/,
      );
    });

    test("auto-scaling group: private subnets, ELB health checks with a grace period, group metrics, tags to instances", () => {
      expect(group.vpc_zone_identifier).toMatch(/outputs\.private_subnet_ids/);
      expect(group).toMatchObject({
        health_check_type: "ELB",
        health_check_grace_period: app.healthCheckGracePeriodSeconds,
        enabled_metrics: GROUP_METRICS,
      });
      expect(group.target_group_arns).toEqual([referenceTo(json, "aws_lb_target_group", tg, "arn")]);
      for (const tag of group.tag) expect(tag.propagate_at_launch).toBe(true);
      expect(group.tag).toEqual(
        expect.arrayContaining([
          { key: "Colour", value: colour, propagate_at_launch: true },
          { key: "Environment", value: env, propagate_at_launch: true },
        ]),
      );
    });

    test("auto-scaling group: a change outside a release refreshes at 100% min healthy, 200% max, with auto rollback", () => {
      expect(group.launch_template).toEqual({
        id: referenceTo(json, "aws_launch_template", template, "id"),
        version: expect.stringMatching(/latest_version/),
      });
      expect(group.instance_refresh).toEqual({
        strategy: "Rolling",
        preferences: { min_healthy_percentage: 100, max_healthy_percentage: 200, auto_rollback: true },
      });
    });

    test("auto-scaling group: refuses to deploy a digest the registry does not hold (data source + precondition)", () => {
      const image = Object.entries(json.dataSources("aws_ecr_image")).find(([name]) =>
        name.includes(`${colour}-image`),
      )![1];
      expect(image).toMatchObject({
        count: `\${local.release_state.${colour}.digest == "" ? 0 : 1}`,
        image_digest: `\${local.release_state.${colour}.digest}`,
        repository_name: config.registry.repositoryName,
      });
      const [precondition] = group.lifecycle.precondition;
      expect(precondition.condition).toMatch(
        new RegExp(
          `contains\\(data\\.aws_ecr_image\\.release_${colour}-image_\\w+\\[\\*\\]\\.image_digest, local\\.release_state\\.${colour}\\.digest\\)`,
        ),
      );
      expect(precondition.error_message).toMatch(
        /is not in repository auth-service: push it with the image pipeline first/,
      );
    });

    test(`auto-scaling group: none without an image, ${app.capacity.min}-${app.capacity.max} while taking traffic, idleCapacity otherwise`, () => {
      const capacity = (whenTakingTraffic: number) =>
        `\${local.release_state.${colour}.digest == "" ? 0 : (${weight} > 0 ? ${whenTakingTraffic} : local.release_state.idleCapacity)}`;
      expect(group.min_size).toBe(capacity(app.capacity.min));
      expect(group.max_size).toBe(capacity(app.capacity.max));
      expect(group.desired_capacity).toBe(capacity(app.capacity.desired));
      expect(group.lifecycle.ignore_changes).toEqual(["desired_capacity"]);
    });

    test("target tracking on CPU and on requests per target", () => {
      const policies = json
        .resourceList("aws_autoscaling_policy")
        .filter(
          (policy) => policy.autoscaling_group_name === referenceTo(json, "aws_autoscaling_group", group, "name"),
        );
      const byMetric = Object.fromEntries(
        policies.map((policy) => [
          policy.target_tracking_configuration.predefined_metric_specification.predefined_metric_type,
          policy,
        ]),
      );
      expect(byMetric.ASGAverageCPUUtilization.target_tracking_configuration.target_value).toBe(app.targetCpuPercent);
      expect(byMetric.ALBRequestCountPerTarget.target_tracking_configuration).toMatchObject({
        target_value: app.targetRequestsPerTarget,
        predefined_metric_specification: {
          resource_label: `${referenceTo(json, "aws_lb", alb, "arn_suffix")}/${referenceTo(json, "aws_lb_target_group", tg, "arn_suffix")}`,
        },
      });
      expect(byMetric.ALBRequestCountPerTarget.depends_on).toEqual([
        expect.stringMatching(/aws_lb_listener\.edge_https/),
      ]);
    });
  });

  describe("instance role", () => {
    const role = json.named("aws_iam_role", "instance-role");
    const policy = json.policyDocument(json.named("aws_iam_role_policy", "instance-role").policy);
    const bySid = Object.fromEntries(policy.statement.map((statement: any) => [statement.sid, statement]));

    test("can only be assumed by EC2", () => {
      expect(json.policyDocument(role.assume_role_policy).statement).toEqual([
        expect.objectContaining({
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }],
        }),
      ]);
    });

    test("reads exactly the three secrets handed over by the data stack", () => {
      expect(bySid.ReadServiceSecrets.actions).toEqual(["secretsmanager:GetSecretValue"]);
      expect(bySid.ReadServiceSecrets.resources.map((arn: string) => /outputs\.(\w+)/.exec(arn)?.[1]).sort()).toEqual([
        "app_secret_arn",
        "db_service_secret_arn",
        "redis_auth_secret_arn",
      ]);
    });

    test("decrypts with the data key (and the registry key for images)", () => {
      expect(bySid.DecryptServiceSecrets).toMatchObject({
        actions: ["kms:Decrypt"],
        condition: [
          {
            test: "StringEquals",
            variable: "kms:ViaService",
            values: [`secretsmanager.${config.aws.region}.amazonaws.com`, `ecr.${config.aws.region}.amazonaws.com`],
          },
        ],
      });
      expect(bySid.DecryptServiceSecrets.resources).toEqual([
        expect.stringMatching(/outputs\.data_kms_key_arn/),
        expect.stringMatching(/outputs\.registry_key_arn/),
      ]);
    });

    test("pulls from this repository only and writes its own log group only", () => {
      expect(bySid.PullServiceImages.resources).toEqual([
        expect.stringMatching(/data\.terraform_remote_state\.registry.*\.outputs\.repository_arn/),
      ]);
      expect(bySid.WriteServiceLogs.resources).toEqual([
        expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.service-logs.*\.arn\}$/),
        expect.stringMatching(/aws_cloudwatch_log_group\.service-logs.*\.arn\}:log-stream:\*$/),
      ]);
    });

    test("no wildcard actions; a wildcard resource only for the registry login token", () => {
      for (const statement of policy.statement) {
        for (const action of statement.actions) expect(action).not.toContain("*");
        if (statement.resources.includes("*")) expect(statement.actions).toEqual(["ecr:GetAuthorizationToken"]);
      }
    });

    test("Session Manager instead of SSH", () => {
      const attachments = json
        .resourceList("aws_iam_role_policy_attachment")
        .map((attachment) => attachment.policy_arn);
      expect(attachments).toEqual(["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
    });
  });

  describe("release state", () => {
    const reader = Object.values(json.dataSources("aws_dynamodb_table_item"));

    test("is read through one data source of the release item, projected to the state, never declared as variables with defaults", () => {
      // The stack owns other parameters (the CloudWatch agent's configuration), never the release state.
      expect(json.resourceList("aws_ssm_parameter").map((parameter) => parameter.name)).not.toContain(
        releaseStateParameterName(env),
      );
      expect(Object.values(json.dataSources("aws_ssm_parameter")).map((source) => source.name)).not.toContain(
        releaseStateParameterName(env),
      );
      expect(json.resources("aws_dynamodb_table_item")).toEqual({});
      expect(reader).toHaveLength(1);
      expect(reader[0]).toMatchObject({
        table_name: releaseTableName(env),
        key: JSON.stringify(RELEASE_ITEM_KEY),
        projection_expression: "#state",
        expression_attribute_names: { "#state": RELEASE_ITEM.state },
      });
      expect(json.json.locals.release_state).toMatch(
        /^\$\{jsondecode\(jsondecode\(data\.aws_dynamodb_table_item\.release_item_\w+\.item\)\.state\.S\)\}$/,
      );
      expect(json.json.variable).toBeUndefined();
    });

    test("a value the release tool would never write fails the plan with the field and rule", () => {
      const messages = reader[0].lifecycle.postcondition.map((condition: any) => condition.error_message);
      expect(messages).toEqual([
        expect.stringContaining("greenTrafficPercent must be a whole number from 0 to 100"),
        expect.stringContaining(`idleCapacity must be a whole number from 0 to ${app.capacity.max}`),
        expect.stringContaining("blue.digest must be"),
        expect.stringContaining("green.digest must be"),
      ]);
    });

    test("outputs say what runs, and why a fresh environment runs no instance", () => {
      const outputs = json.outputs();
      expect(outputs.current_release.value).toMatchObject({
        blue_digest: "${local.release_state.blue.digest}",
        green_ami_id: "${local.release_state.green.amiId}",
      });
      expect(outputs.fleet_status.value).toBe(
        `\${local.release_state.blue.digest == "" && local.release_state.green.digest == "" ? "${NO_IMAGE_STATUS}" : "serving"}`,
      );
    });
  });

  describe("registry", () => {
    test("no ECR repository in the app stack: it lives in auth-<env>-registry, deployed first", () => {
      expect(json.resources("aws_ecr_repository")).toEqual({});
      expect(json.resources("aws_ecr_lifecycle_policy")).toEqual({});
    });
  });

  describe("service logs", () => {
    test("a per-environment log group with retention and the app key", () => {
      const group = json
        .resourceList("aws_cloudwatch_log_group")
        .find((candidate) => candidate.name === `/auth/${env}/service`);
      expect(group).toMatchObject({
        retention_in_days: app.logRetentionDays,
        kms_key_id: expect.stringMatching(/aws_kms_key\.app-key/),
      });
    });
  });

  describe("alarms", () => {
    const alarms = json.resourceList("aws_cloudwatch_metric_alarm");
    const named = (suffix: string) => alarms.find((alarm) => alarm.alarm_name === `auth-${env}-${suffix}`)!;
    const albSuffix = referenceTo(json, "aws_lb", alb, "arn_suffix");

    test("all notify the alert topic", () => {
      for (const alarm of alarms)
        expect(alarm.alarm_actions).toEqual([expect.stringMatching(/outputs\.alert_topic_arn/)]);
    });

    test("5xx rate counts the load balancer's own 5xx (no healthy target) and the targets' 5xx", () => {
      const alarm = named("alb-5xx-rate");
      const queries = Object.fromEntries(alarm.metric_query.map((query: any) => [query.id, query]));
      expect(queries.target.metric).toMatchObject({
        metric_name: "HTTPCode_Target_5XX_Count",
        namespace: "AWS/ApplicationELB",
        dimensions: { LoadBalancer: albSuffix },
        stat: "Sum",
      });
      expect(queries.elb.metric).toMatchObject({
        metric_name: "HTTPCode_ELB_5XX_Count",
        namespace: "AWS/ApplicationELB",
        dimensions: { LoadBalancer: albSuffix },
        stat: "Sum",
      });
      expect(queries.requests.metric).toMatchObject({
        metric_name: "RequestCount",
        dimensions: { LoadBalancer: albSuffix },
      });
      // A total outage: every request answered 503 by the load balancer, none reaching a target.
      expect(queries.rate).toMatchObject({
        expression:
          "IF((FILL(requests, 0) + FILL(elb, 0)) > 0, 100 * (FILL(target, 0) + FILL(elb, 0)) / (FILL(requests, 0) + FILL(elb, 0)), 0)",
        return_data: true,
      });
      expect(alarm.threshold).toBe(config.alarms.service.http5xxRatePercent);
    });

    test("service down: a composite alarm on the load balancer's own 5xx or no healthy target in the live colour", () => {
      const composite = json.resource("aws_cloudwatch_composite_alarm");
      expect(composite.alarm_rule).toBe(
        `ALARM("auth-${env}-alb-elb-5xx") OR ALARM("auth-${env}-live-no-healthy-targets")`,
      );
      // CloudWatch refuses a rule naming an alarm that does not exist yet: the members come first.
      expect(composite.depends_on).toEqual([
        expect.stringMatching(/^aws_cloudwatch_metric_alarm\.alarm-alb-elb-5xx$/),
        expect.stringMatching(/^aws_cloudwatch_metric_alarm\.alarm-live-no-healthy-targets$/),
      ]);
      expect(composite).toMatchObject({
        alarm_name: `auth-${env}-service-down`,
        alarm_actions: [expect.stringMatching(/outputs\.alert_topic_arn/)],
        ok_actions: [expect.stringMatching(/outputs\.alert_topic_arn/)],
      });
      expect(named("alb-elb-5xx")).toMatchObject({
        metric_name: "HTTPCode_ELB_5XX_Count",
        dimensions: { LoadBalancer: albSuffix },
        threshold: config.alarms.service.loadBalancer5xxPerMinute,
        treat_missing_data: "notBreaching",
      });
      const liveTargets = named("live-no-healthy-targets");
      expect(liveTargets).toMatchObject({
        metric_name: "HealthyHostCount",
        statistic: "Minimum",
        comparison_operator: "LessThanThreshold",
        threshold: 1,
        treat_missing_data: "breaching",
      });
      // Follows the release state: the target group of whichever colour takes traffic.
      expect(liveTargets.dimensions.TargetGroup).toMatch(
        /^\$\{\(local\.release_state\.greenTrafficPercent <= 50\) \? aws_lb_target_group\.blue.*\.arn_suffix : aws_lb_target_group\.green.*\.arn_suffix\}$/,
      );
    });

    describe("capacity planning", () => {
      const capacity = config.alarms.capacity;

      test("the issue's thresholds: 15 minutes at max, CPU above 70 % for an hour", () => {
        expect(capacity).toMatchObject({ groupAtMaxMinutes: 15, cpuPercent: 70, cpuMinutes: 60 });
      });

      test.each(COLOURS)(
        "the %s group at its maximum for the configured minutes (group metrics are enabled)",
        (colour) => {
          const group = groupOf(colour);
          expect(group.enabled_metrics).toEqual(expect.arrayContaining(["GroupInServiceInstances", "GroupMaxSize"]));
          const alarm = named(`${colour}-at-max-capacity`);
          const queries = Object.fromEntries(alarm.metric_query.map((query: any) => [query.id, query]));
          const dimensions = { AutoScalingGroupName: referenceTo(json, "aws_autoscaling_group", group, "name") };
          expect(queries.inService.metric).toMatchObject({
            namespace: "AWS/AutoScaling",
            metric_name: "GroupInServiceInstances",
            dimensions,
            period: 60,
          });
          expect(queries.maxSize.metric).toMatchObject({
            namespace: "AWS/AutoScaling",
            metric_name: "GroupMaxSize",
            dimensions,
            period: 60,
          });
          expect(queries.atMax.expression).toBe("IF(maxSize > 0 AND inService >= maxSize, 1, 0)");
          expect(alarm).toMatchObject({
            evaluation_periods: capacity.groupAtMaxMinutes,
            datapoints_to_alarm: capacity.groupAtMaxMinutes,
            threshold: 1,
            comparison_operator: "GreaterThanOrEqualToThreshold",
          });
        },
      );

      test.each(COLOURS)("average CPU of the %s group above the threshold for the configured hour", (colour) => {
        const group = groupOf(colour);
        const alarm = named(`${colour}-cpu-sustained`);
        expect(alarm).toMatchObject({
          namespace: "AWS/EC2",
          metric_name: "CPUUtilization",
          statistic: "Average",
          threshold: capacity.cpuPercent,
          comparison_operator: "GreaterThanThreshold",
        });
        expect(alarm.dimensions).toEqual({
          AutoScalingGroupName: referenceTo(json, "aws_autoscaling_group", group, "name"),
        });
        expect(alarm.period * alarm.evaluation_periods).toBe(capacity.cpuMinutes * 60);
      });
    });

    test("p99 target response time", () => {
      expect(named("alb-p99-latency")).toMatchObject({
        metric_name: "TargetResponseTime",
        extended_statistic: "p99",
        threshold: config.alarms.service.p99LatencySeconds,
        dimensions: { LoadBalancer: albSuffix },
      });
    });

    test.each(COLOURS)(
      "the %s target group has its own 5xx rate, p99 latency and unhealthy hosts alarms, named as the release tool reads them",
      (colour) => {
        const byName = (alarm: (typeof TARGET_GROUP_ALARMS)[number]) =>
          alarms.find((candidate) => candidate.alarm_name === targetGroupAlarmName(env, colour, alarm))!;
        const dimensions = {
          TargetGroup: referenceTo(json, "aws_lb_target_group", targetGroup(colour), "arn_suffix"),
          LoadBalancer: albSuffix,
        };
        expect(byName("unhealthy-hosts")).toMatchObject({ metric_name: "UnHealthyHostCount", dimensions });
        expect(byName("p99-latency")).toMatchObject({
          metric_name: "TargetResponseTime",
          extended_statistic: "p99",
          threshold: config.alarms.service.p99LatencySeconds,
          dimensions,
        });
        const queries = Object.fromEntries(byName("5xx-rate").metric_query.map((query: any) => [query.id, query]));
        expect(queries.errors.metric).toMatchObject({ metric_name: "HTTPCode_Target_5XX_Count", dimensions });
        expect(queries.requests.metric).toMatchObject({ metric_name: "RequestCount", dimensions });
        expect(byName("5xx-rate").threshold).toBe(config.alarms.service.http5xxRatePercent);
      },
    );

    test("rejected connections", () => {
      expect(named("alb-rejected-connections")).toMatchObject({
        metric_name: "RejectedConnectionCount",
        threshold: config.alarms.service.rejectedConnections,
      });
    });

    test("in-service instances of the live colour below its minimum", () => {
      const alarm = named("live-in-service-instances");
      expect(alarm).toMatchObject({
        namespace: "AWS/AutoScaling",
        metric_name: "GroupInServiceInstances",
        comparison_operator: "LessThanThreshold",
        threshold: app.capacity.min,
      });
      expect(alarm.dimensions.AutoScalingGroupName).toMatch(
        /^\$\{\(local\.release_state\.greenTrafficPercent <= 50\) \? aws_autoscaling_group\.blue.*\.name : aws_autoscaling_group\.green.*\.name\}$/,
      );
    });

    test("a spike in WAF blocked requests", () => {
      expect(named("waf-blocked-requests")).toMatchObject({
        namespace: "AWS/WAFV2",
        metric_name: "BlockedRequests",
        threshold: config.alarms.service.wafBlockedRequests,
        dimensions: {
          WebACL: referenceTo(json, "aws_wafv2_web_acl", json.resource("aws_wafv2_web_acl"), "name"),
          Region: config.aws.region,
          Rule: "ALL",
        },
      });
    });

    test("no dimension uses a full ARN", () => {
      for (const alarm of alarms) {
        const dimensions = [
          alarm.dimensions ?? {},
          ...(alarm.metric_query ?? []).map((query: any) => query.metric?.dimensions ?? {}),
        ];
        for (const value of dimensions.flatMap((entry) => Object.values(entry) as string[]))
          expect(value).not.toMatch(/\.arn\}$/);
      }
    });
  });

  test("no output or variable default carries a secret", () => {
    const outputs = JSON.stringify(json.outputs());
    expect(outputs).not.toMatch(/secret|password|auth_token/i);
  });
});
