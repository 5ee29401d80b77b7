import { z } from "zod";

/**
 * What an environment may cost and what the estimate assumes about usage (`cost`), kept out of
 * schema.ts so the section merges on its own. The budget and the anomaly monitor are deployed by
 * the network stack next to the alert topic; `usage` feeds `npm run cost` and the plan report's
 * cost section (src/cost/). Every usage figure has a default, documented here, so an environment
 * states only what differs.
 */

const percent = z.number().int().min(1).max(1000);
const amount = z.number().min(0);

const usage = z.strictObject({
  idleCapacity: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe("Instances the idle colour keeps in steady state (the release state's idleCapacity; its seed is 0)"),
  albAverageLcu: amount
    .default(1)
    .describe(
      "Average load balancer capacity units the ALB uses (1 LCU: 25 new connections/s, 3,000 active connections, 1 GB/h)",
    ),
  wafMillionRequestsPerMonth: amount.default(3).describe("Millions of requests a month the web ACL inspects"),
  natGbPerGatewayPerMonth: amount
    .default(10)
    .describe("GB each NAT gateway processes a month (image pulls, AWS APIs without an endpoint, OS updates)"),
  endpointGbPerMonth: amount.default(1).describe("GB each interface endpoint processes a month"),
  logIngestGbPerGroupPerMonth: amount
    .default(0.5)
    .describe(
      "GB each log group ingests a month; stored GB follow from its retention (at most one year's worth counted)",
    ),
  bucketStoredGb: amount.default(1).describe("GB stored in each S3 bucket (state, access logs, trail)"),
  imageStoredGb: amount.default(3).describe("GB of images each ECR repository holds"),
  imagePushedGbPerMonth: amount
    .default(1)
    .describe("GB of new image layers pushed a month (what ECR replication copies to each other region)"),
  stateReplicatedGbPerMonth: amount
    .default(0.1)
    .describe("GB of Terraform state versions written a month (what state replication copies to the DR region)"),
  databaseStoredGb: amount
    .default(5)
    .describe("GB of database data: the size of each backup replicated or copied to the DR region"),
  databaseChangedGbPerMonth: amount
    .default(5)
    .describe("GB of database changes a month (snapshots and transaction logs shipped to the DR region)"),
  lambdaMillionRequestsPerFunction: amount
    .default(0.001)
    .describe("Millions of invocations each function gets a month (rotation functions run a few times a month)"),
  agentMetricsPerInstance: z
    .number()
    .int()
    .min(0)
    .default(8)
    .describe("Custom metrics the CloudWatch agent publishes per instance (memory, disk, process metrics)"),
  cloudTrailMillionEventsPerMonth: amount
    .default(0.5)
    .describe(
      "Millions of CloudTrail management events of the account a month: what GuardDuty analyses, and what a DR trail copies during a restore (second copy, paid)",
    ),
  flowAndDnsLogGbPerMonth: amount.default(5).describe("GB of VPC flow and DNS logs GuardDuty analyses a month"),
  guardDutyRuntimeVcpus: amount.default(4).describe("EC2 vCPUs GuardDuty runtime monitoring covers (2 x t3.medium: 4)"),
  s3MillionDataEventsPerMonth: amount
    .default(0.2)
    .describe("Millions of S3 data events GuardDuty S3 protection analyses a month"),
  cloudTrailHundredThousandDataEventsPerMonth: amount
    .default(1)
    .describe("Hundreds of thousands of data events the trail records a month, when it records data events"),
  securityHubChecksPerMonth: amount.default(3000).describe("Security Hub checks run a month"),
  configItemsPerMonth: amount.default(1500).describe("AWS Config configuration items recorded a month"),
});

export const costSchema = z.strictObject({
  budget: z
    .strictObject({
      monthlyLimitUsd: z
        .number()
        .positive()
        .describe("AWS Budgets monthly cost limit of the environment's account, in US dollars"),
      actualThresholdsPercent: z
        .array(percent)
        .min(1, "must list at least one threshold")
        .default([80, 100])
        .describe("Alert when actual spend passes these percentages of the limit"),
      forecastThresholdPercent: percent
        .default(100)
        .describe("Alert when forecast spend passes this percentage of the limit"),
    })
    .describe("AWS Budgets cost budget (one per environment), alerting the environment's alert topic"),
  anomalyDetection: z
    .strictObject({
      monitor: z
        .enum(["create", "central"])
        .default("create")
        .describe(
          '"create": a Cost Anomaly Detection service monitor and subscription in this account (an account holds one AWS-services monitor); "central": the organisation\'s management account runs it, nothing is created here',
        ),
      minimumImpactUsd: z
        .number()
        .positive()
        .default(20)
        .describe("Alert on an anomaly whose total impact is at least this many US dollars"),
    })
    .prefault({})
    .describe("Cost Anomaly Detection, alerting the alert topic"),
  usage: usage.prefault({}).describe("Usage the cost estimate assumes (npm run cost); each has a default"),
});

export type CostConfig = z.infer<typeof costSchema>;
export type UsageAssumptions = z.infer<typeof usage>;

/** The usage defaults, for estimates without an environment (a plan of an unknown stack). */
export const DEFAULT_USAGE: UsageAssumptions = usage.parse({});
