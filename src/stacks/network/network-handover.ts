import type { HandoverSpec } from "../shared/handover";

/** What the network stack hands to the data and app stacks. */
export const networkHandover = {
  vpc_id: { type: "string", description: "VPC of the environment", example: "vpc-0a1b2c3d4e5f60718" },
  public_subnet_ids: {
    type: "list",
    description: "Public subnets, one per availability zone (load balancer, NAT)",
    example: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712"],
  },
  private_subnet_ids: {
    type: "list",
    description: "Private subnets with NAT egress, one per availability zone (app servers)",
    example: ["subnet-0a1b2c3d4e5f60721", "subnet-0a1b2c3d4e5f60722"],
  },
  isolated_subnet_ids: {
    type: "list",
    description: "Isolated subnets without internet routes, one per availability zone (databases)",
    example: ["subnet-0a1b2c3d4e5f60731", "subnet-0a1b2c3d4e5f60732"],
  },
  alb_security_group_id: {
    type: "string",
    description: "Security group of the load balancer",
    example: "sg-0a1b2c3d4e5f60741",
  },
  app_security_group_id: {
    type: "string",
    description: "Security group of the app instances",
    example: "sg-0a1b2c3d4e5f60742",
  },
  db_security_group_id: {
    type: "string",
    description: "Security group of PostgreSQL",
    example: "sg-0a1b2c3d4e5f60743",
  },
  cache_security_group_id: { type: "string", description: "Security group of Redis", example: "sg-0a1b2c3d4e5f60744" },
  db_rotation_security_group_id: {
    type: "string",
    description: "Security group of the database credential rotation function",
    example: "sg-0a1b2c3d4e5f60745",
  },
  cache_rotation_security_group_id: {
    type: "string",
    description: "Security group of the Redis AUTH token rotation function",
    example: "sg-0a1b2c3d4e5f60746",
  },
  alert_topic_arn: {
    type: "string",
    description: "SNS topic every alarm notifies",
    example: "arn:aws:sns:eu-west-1:111111111111:auth-staging-alerts",
  },
} as const satisfies HandoverSpec;
