import type { EnvironmentConfigInput } from "./schema";

/** Staging: one NAT gateway, single-AZ data stores, short retention. */
export const staging: EnvironmentConfigInput = {
  environment: "staging",
  production: false,
  aws: { accountId: "111111111111", region: "eu-west-1", drRegion: "eu-central-1" },
  state: { bucket: "auth-staging-tfstate-111111111111", region: "eu-west-1", noncurrentVersionRetentionDays: 30 },
  network: {
    vpcCidr: "10.20.0.0/16",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    subnets: {
      public: ["10.20.0.0/24", "10.20.1.0/24"],
      private: ["10.20.16.0/20", "10.20.32.0/20"],
      isolated: ["10.20.64.0/24", "10.20.65.0/24"],
    },
    natGatewayCount: 1,
    flowLogRetentionDays: 30,
  },
  dns: { domainName: "auth.staging.example.com", hostedZoneId: "Z0STAGINGEXAMPLE01", createHostedZone: false },
  app: {
    instanceType: "t3.medium",
    capacity: { min: 2, desired: 2, max: 4 },
    testListenerPort: 8443,
    testListenerAllowedCidrs: ["203.0.113.0/24"],
  },
  alarms: { emails: ["auth-staging-alerts@example.com"] },
  tags: { service: "auth", environment: "staging", owner: "devops", costCentre: "cc-1234" },
};
