import { z } from "zod";

/**
 * Every alarm threshold of an environment, under the one top-level key `alarms`: one object per
 * alarm family, each in the stack that owns the metric.
 */

const positive = z.number().positive();
const percent = z.number().positive().max(100, "must be a percentage (at most 100)");

const service = z.strictObject({
  http5xxRatePercent: positive.describe(
    "Alarm: 5xx responses (the load balancer's own and the targets') as a percent of requests, whole ALB and per colour",
  ),
  p99LatencySeconds: positive.describe("Alarm: p99 target response time in seconds, whole ALB and per colour"),
  rejectedConnections: z.number().min(0).describe("Alarm: ALB rejected connections per minute"),
  loadBalancer5xxPerMinute: z
    .number()
    .min(0)
    .describe(
      "Service down: 5xx the load balancer answers itself (502/503/504: no healthy target, a target closed or timed out) per minute, in 2 of 3 minutes",
    ),
  wafBlockedRequests: positive.describe("Alarm: WAF blocked requests per 5 minutes"),
});

const data = z.strictObject({
  dbCpuPercent: percent.describe("Alarm: database CPU percent"),
  dbFreeStoragePercent: percent.describe(
    "Alarm: database free storage below this percent of data.postgres.allocatedStorageGb",
  ),
  dbFreeableMemoryBytes: positive.describe("Alarm: database freeable memory below this many bytes"),
  dbConnectionsPercent: percent.describe(
    "Alarm: database connections above this percent of max_connections, which the parameter group pins from the instance class (memoryGib of DB_INSTANCE_CLASSES, src/config/schema/catalogue.ts)",
  ),
  dbReadLatencySeconds: positive.describe("Alarm: database read latency in seconds"),
  dbWriteLatencySeconds: positive.describe("Alarm: database write latency in seconds"),
  redisEngineCpuPercent: percent.describe("Alarm: Redis engine CPU percent"),
  redisMemoryPercent: percent.describe("Alarm: Redis memory used percent"),
  redisEvictions: z.number().min(0).describe("Alarm: Redis evictions per period"),
  redisConnections: positive.describe("Alarm: Redis current connections"),
  redisReplicationLagSeconds: positive.describe("Alarm: Redis replication lag in seconds"),
});

const capacity = z.strictObject({
  groupAtMaxMinutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .describe("Alarm: a colour's group has had as many in-service instances as its maximum for this many minutes"),
  cpuPercent: percent.describe("Alarm: average CPU of a colour's instances above this percent..."),
  cpuMinutes: z
    .number()
    .int()
    .min(5)
    .max(1440)
    .refine((minutes) => minutes % 5 === 0, { message: "must be a multiple of 5 (5-minute periods)" })
    .describe("...for this many minutes"),
  memoryPercent: percent.describe("Alarm: memory used on a colour's instances above this percent (CloudWatch agent)"),
  diskPercent: percent.describe("Alarm: root disk used on a colour's instances above this percent (CloudWatch agent)"),
});

const network = z.strictObject({
  natPortAllocationErrors: z
    .number()
    .min(0)
    .describe("Alarm: NAT gateway port allocation errors per 5 minutes above this"),
  natPacketsDropped: z.number().min(0).describe("Alarm: packets dropped by a NAT gateway per 5 minutes above this"),
});

export const alarmsSchema = z.strictObject({
  emails: z
    .array(z.email("must be an e-mail address"))
    .describe("Subscribed to the alert topic; at least one in production"),
  service: service.describe("Thresholds of the app stack's service alarms (load balancer, colours, WAF)"),
  data: data.describe("Thresholds of the data stack's database and cache alarms"),
  capacity: capacity.describe("Capacity planning thresholds of the app stack's fleets"),
  network: network.describe("Thresholds of the network stack's NAT gateway alarms"),
});
