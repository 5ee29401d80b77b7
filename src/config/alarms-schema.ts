import { z } from "zod";

/**
 * Every alarm threshold of an environment, under the one top-level key `alarms`: one object per
 * alarm family, each in the stack that owns the metric.
 */

const positive = z.number().positive();
const percent = z.number().positive().max(100, "must be a percentage (at most 100)");

const service = z.strictObject({
  http5xxRatePercent: positive.describe("Alarm: 5xx responses (the load balancer's own and the targets') as a percent of requests, whole ALB and per colour"),
  p99LatencySeconds: positive.describe("Alarm: p99 target response time in seconds, whole ALB and per colour"),
  rejectedConnections: z.number().min(0).describe("Alarm: ALB rejected connections per minute"),
  wafBlockedRequests: positive.describe("Alarm: WAF blocked requests per 5 minutes"),
});

const data = z.strictObject({
  dbCpuPercent: percent.describe("Alarm: database CPU percent"),
  dbFreeStorageBytes: positive.describe("Alarm: database free storage below this many bytes"),
  dbFreeableMemoryBytes: positive.describe("Alarm: database freeable memory below this many bytes"),
  dbConnections: positive.describe("Alarm: database connections above this"),
  dbReadLatencySeconds: positive.describe("Alarm: database read latency in seconds"),
  dbWriteLatencySeconds: positive.describe("Alarm: database write latency in seconds"),
  redisEngineCpuPercent: percent.describe("Alarm: Redis engine CPU percent"),
  redisMemoryPercent: percent.describe("Alarm: Redis memory used percent"),
  redisEvictions: z.number().min(0).describe("Alarm: Redis evictions per period"),
  redisConnections: positive.describe("Alarm: Redis current connections"),
  redisReplicationLagSeconds: positive.describe("Alarm: Redis replication lag in seconds"),
});

export const alarmsSchema = z.strictObject({
  emails: z.array(z.email("must be an e-mail address")).describe("Subscribed to the alert topic; at least one in production"),
  service: service.describe("Thresholds of the app stack's service alarms (load balancer, colours, WAF)"),
  data: data.describe("Thresholds of the data stack's database and cache alarms"),
});
