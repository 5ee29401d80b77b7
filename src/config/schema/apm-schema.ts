import { z } from "zod";

/** Application performance monitoring: the CloudWatch agent on the instances and the container's traces. */
export const apmSchema = z.strictObject({
  serviceName: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,62}$/, "must be 1-63 lowercase letters, digits or -")
    .describe("OTEL_SERVICE_NAME of the container: the service's name in X-Ray traces"),
  traceSamplingRatio: z
    .number()
    .min(0, "must be between 0 and 1")
    .max(1, "must be between 0 and 1")
    .describe(
      "Share of new traces the container samples (OTEL_TRACES_SAMPLER_ARG of parentbased_traceidratio); a caller's sampled flag is followed",
    ),
  metricsIntervalSeconds: z
    .union([z.literal(10), z.literal(30), z.literal(60)])
    .describe(
      "How often the CloudWatch agent collects memory, disk and process metrics (10 and 30 are high-resolution metrics, at a higher price)",
    ),
  processes: z
    .array(z.string().min(1).max(255, "must be at most 255 characters (the agent's limit)"))
    .min(1, "must list at least one process")
    .describe(
      "Command-line patterns (regular expressions) of the processes whose CPU and memory the agent reports (procstat)",
    ),
});
