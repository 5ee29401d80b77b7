import type { EnvironmentConfigInput } from "../schema/schema";

/**
 * Values both environments use today. An environment file spreads them in and writes a field
 * itself where it differs, so the environment files show exactly what is specific to them.
 */

/** How the service's servers are run and tuned. */
export const serviceTuning = {
  instanceType: "t3.medium",
  port: 3000,
  testListenerPort: 8443,
  alternativeNames: [],
  healthCheckPath: "/health",
  containerNeedsInstanceMetadata: false,
  rootVolumeGb: 30,
  healthCheckGracePeriodSeconds: 300,
  instanceRefreshMinHealthyPercent: 100,
  deregistrationDelaySeconds: 30,
  slowStartSeconds: 30,
  targetCpuPercent: 60,
  targetRequestsPerTarget: 1000,
  waf: { rateLimitPerIp: 2000, loginRateLimitPerIp: 100, loginPaths: ["/login", "/token", "/oauth/token"] },
} satisfies Partial<EnvironmentConfigInput["app"]>;

/** Alarm thresholds of the service (load balancer, colours, WAF). */
export const serviceAlarmThresholds = {
  http5xxRatePercent: 5,
  p99LatencySeconds: 2,
  rejectedConnections: 0,
  loadBalancer5xxPerMinute: 10,
  wafBlockedRequests: 500,
} satisfies EnvironmentConfigInput["alarms"]["service"];

/** Alarm thresholds of the data layer (db.t3.micro and cache.t3.micro sizes). */
export const dataAlarmThresholds = {
  dbCpuPercent: 80,
  dbFreeStoragePercent: 20,
  dbFreeableMemoryBytes: 128 * 1024 ** 2,
  dbConnectionsPercent: 80,
  dbReadLatencySeconds: 0.02,
  dbWriteLatencySeconds: 0.05,
  redisEngineCpuPercent: 80,
  redisMemoryPercent: 75,
  redisEvictions: 100,
  redisConnections: 1000,
  redisReplicationLagSeconds: 5,
} satisfies EnvironmentConfigInput["alarms"]["data"];

/** Capacity planning: a fleet without headroom, sustained CPU, memory and disk. */
export const capacityAlarmThresholds = {
  groupAtMaxMinutes: 15,
  cpuPercent: 70,
  cpuMinutes: 60,
  memoryPercent: 90,
  diskPercent: 85,
} satisfies EnvironmentConfigInput["alarms"]["capacity"];

/** NAT gateways: any port allocation error, dropped packets beyond noise. */
export const networkAlarmThresholds = {
  natPortAllocationErrors: 0,
  natPacketsDropped: 100,
} satisfies EnvironmentConfigInput["alarms"]["network"];

/** APM: the agent's metrics every minute, the Docker daemon and the service's Node.js process. */
export const apmSettings = {
  serviceName: "auth-service",
  metricsIntervalSeconds: 60,
  processes: ["dockerd", "node server\\.js"],
} satisfies Partial<EnvironmentConfigInput["apm"]>;

/** Which service log lines are security events: the service logs JSON with an `event` field. */
export const serviceLogEvents = {
  authenticationFailure: { field: "$.event", values: ["auth.login_failed", "auth.token_rejected"] },
  accountLockout: { field: "$.event", values: ["auth.account_locked"] },
} satisfies EnvironmentConfigInput["security"]["serviceLogEvents"];

/** Thresholds of the security-event alarms, per 5 minutes. */
export const securityAlarmThresholds = {
  periodSeconds: 300,
  authenticationFailures: 50,
  accountLockouts: 5,
  databaseFailedLogins: 5,
  wafBlockedPerRule: 200,
  wafRateLimitedPerRule: 100,
  unauthorizedApiCalls: 5,
} satisfies EnvironmentConfigInput["alarms"]["security"];

/**
 * GuardDuty detector features, each on or off with the reason (accounts.guardDuty): what of this
 * workload each protection plan has something to watch in.
 */
export const guardDutyFeatures = {
  S3_DATA_EVENTS: {
    enabled: true,
    reason: "The trail, log and state buckets hold audit and Terraform state data worth watching for exfiltration",
  },
  EKS_AUDIT_LOGS: { enabled: false, reason: "No EKS cluster: the service runs on EC2 Auto Scaling groups" },
  EBS_MALWARE_PROTECTION: {
    enabled: true,
    reason: "EC2 fleets: a GuardDuty finding on an instance triggers a scan of its EBS volumes",
  },
  RDS_LOGIN_EVENTS: {
    enabled: true,
    reason: "RDS PostgreSQL holds the user accounts: anomalous logins are the first sign of a stolen credential",
  },
  LAMBDA_NETWORK_LOGS: {
    enabled: true,
    reason: "The rotation functions run in the VPC and reach the database and Redis",
  },
  RUNTIME_MONITORING: {
    enabled: true,
    reason:
      "EC2 instances run the service container: runtime threats on the hosts (EKS threats are included, so EKS_RUNTIME_MONITORING is never set)",
  },
} satisfies EnvironmentConfigInput["accounts"]["guardDuty"]["features"];

/** Who installs the Runtime Monitoring agent: GuardDuty on EC2, nothing for compute types the workload has none of. */
export const runtimeAgents = {
  EC2_AGENT_MANAGEMENT: {
    enabled: true,
    reason: "GuardDuty installs and updates the agent on the service instances through SSM",
  },
  ECS_FARGATE_AGENT_MANAGEMENT: { enabled: false, reason: "No ECS on Fargate in this workload" },
  EKS_ADDON_MANAGEMENT: { enabled: false, reason: "No EKS cluster in this workload" },
} satisfies EnvironmentConfigInput["accounts"]["guardDuty"]["runtimeAgents"];

/** A stand-alone account: every singleton created and owned by the environment's stacks. */
export const dedicatedAccount = {
  layout: "dedicated-account",
  guardDuty: { mode: "create", features: guardDutyFeatures, runtimeAgents },
  configRecorder: { mode: "create", includeGlobalResourceTypes: true },
  securityHub: { mode: "create" },
  cloudTrail: { mode: "create" },
  accessAnalyzer: { mode: "create" },
  githubOidcProvider: { mode: "create" },
} satisfies EnvironmentConfigInput["accounts"];
