import { z } from "zod";

/**
 * Outside-in checks (`outsideIn`): what users see, checked from places the primary region's failure
 * cannot silence. Route 53 health checks alarm in us-east-1, the only region with their metrics; the
 * canary and the primary-region heartbeat alarm in aws.drRegion. All of it lives in the pilot-light
 * stack (auth-<env>-dr-network), so it needs dr.pilotLight. Kept out of schema.ts so it merges alone.
 */

/**
 * Regions Route 53 health checkers run from; a health check needs at least 3
 * (https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html, Regions).
 */
export const HEALTH_CHECKER_REGIONS = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-west-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "sa-east-1",
] as const;

/** Synthetics canary names: 1-21 lowercase letters, digits, - or _ (https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference/API_CreateCanary.html). */
export const CANARY_NAME = /^[0-9a-z_-]{1,21}$/;

/**
 * Synthetics Puppeteer runtimes on Lambda Node.js 22 that are supported (not in the deprecation table), per
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Library_nodejs_puppeteer.html.
 * 11.0 and earlier run Node 20; 7.0, 6.2 and 5.2 were deprecated on 2026-01-22. Puppeteer only: the
 * canary's root-level packaging (canary.handler) is what those pages document since 11.0. Drop a version
 * here when AWS deprecates it.
 */
export const NODE22_SYNTHETICS_RUNTIMES = [
  "syn-nodejs-puppeteer-12.0",
  "syn-nodejs-puppeteer-13.0",
  "syn-nodejs-puppeteer-13.1",
  "syn-nodejs-puppeteer-14.0",
  "syn-nodejs-puppeteer-15.0",
] as const;

export const outsideInSchema = z.strictObject({
  healthCheck: z
    .strictObject({
      checkerRegions: z
        .array(z.enum(HEALTH_CHECKER_REGIONS))
        .min(3, "must list at least 3 checker regions (Route 53's minimum)")
        .describe("Regions the Route 53 health checkers probe https://<dns.domainName><app.healthCheckPath> from"),
      requestIntervalSeconds: z
        .union([z.literal(10), z.literal(30)])
        .describe("Seconds between two checks from one checker (10 is a fast health check, at a higher price)"),
      failureThreshold: z
        .number()
        .int()
        .min(1)
        .max(10)
        .describe("Consecutive failures before one checker calls the endpoint unhealthy"),
      unhealthyMinutes: z
        .number()
        .int()
        .min(1)
        .max(60)
        .describe("Minutes the health check must stay unhealthy before its alarm in us-east-1 fires"),
    })
    .describe("Route 53 health checks on the public endpoint, alarmed in us-east-1"),
  canary: z
    .strictObject({
      runtimeVersion: z
        .enum(NODE22_SYNTHETICS_RUNTIMES, {
          message: `must be a supported Synthetics runtime on Node.js 22: ${NODE22_SYNTHETICS_RUNTIMES.join(", ")}`,
        })
        .describe(
          "Synthetics runtime of the canary, on Lambda Node.js 22 (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Runtime_Support_Policy.html)",
        ),
      testPath: z
        .string()
        .regex(/^\/[\w\-./]*$/, "must be an absolute URL path such as /canary/login")
        .describe(
          'Path of the service\'s synthetic login (a POST that must answer 200 with {"authenticated": true}, using no real account)',
        ),
      scheduleMinutes: z.number().int().min(1).max(60).describe("Minutes between two canary runs"),
      failedRunsToAlarm: z.number().int().min(1).describe("Failed runs, within evaluationRuns, that page"),
      evaluationRuns: z.number().int().min(1).max(10).describe("Most recent runs the SuccessPercent alarm looks at"),
      artifactRetentionDays: z
        .number()
        .int()
        .min(1)
        .max(455)
        .describe("Days the canary's run artifacts (logs, HAR) and run history are kept"),
    })
    .describe(
      "The Synthetics canary that runs in aws.drRegion against the primary endpoint: a real TLS handshake, /health and the synthetic login",
    ),
  silentPrimaryMinutes: z
    .number()
    .int()
    .min(3)
    .max(60)
    .describe(
      "Minutes without the primary region's heartbeat (an EventBridge schedule there, forwarded to aws.drRegion) before the primary-silent alarm pages",
    ),
});

export type OutsideInConfig = z.infer<typeof outsideInSchema>;
