import type { EnvironmentConfigInput } from "./schema";

/** Production: one NAT gateway per AZ, Multi-AZ data stores, long retention. */
export const production: EnvironmentConfigInput = {
  environment: "production",
  production: true,
  aws: { accountId: "222222222222", region: "eu-west-1", drRegion: "eu-central-1" },
  state: { bucket: "auth-production-tfstate-222222222222", region: "eu-west-1", noncurrentVersionRetentionDays: 90 },
  network: {
    vpcCidr: "10.30.0.0/16",
    availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    subnets: {
      public: ["10.30.0.0/24", "10.30.1.0/24", "10.30.2.0/24"],
      private: ["10.30.16.0/20", "10.30.32.0/20", "10.30.48.0/20"],
      isolated: ["10.30.64.0/24", "10.30.65.0/24", "10.30.66.0/24"],
    },
    natGatewayCount: 3,
    flowLogRetentionDays: 365,
  },
  dns: { domainName: "auth.example.com", hostedZoneId: "Z0PRODUCTIONEXAMPLE", createHostedZone: false },
  app: {
    instanceType: "t3.medium",
    capacity: { min: 2, desired: 2, max: 6 },
    testListenerPort: 8443,
    testListenerAllowedCidrs: ["203.0.113.0/24"],
  },
  alarms: { emails: ["auth-oncall@example.com"] },
  tags: { service: "auth", environment: "production", owner: "devops", costCentre: "cc-1234" },
};
