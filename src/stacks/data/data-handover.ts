import type { HandoverSpec } from "../shared/handover";

/** What the data stack hands to the app stack. */
export const dataHandover = {
  db_endpoint: {
    type: "string",
    description: "PostgreSQL endpoint address",
    example: "auth-staging-postgres.c0a1b2c3d4e5.eu-west-1.rds.amazonaws.com",
  },
  db_port: { type: "number", description: "PostgreSQL port", example: 5432 },
  db_name: { type: "string", description: "Database name", example: "auth" },
  db_master_secret_arn: {
    type: "string",
    description: "RDS-managed secret with the master username and password",
    example: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-0a1b2c3d-4e5f-6789-abcd-ef0123456789-AbCdEf",
  },
  db_service_secret_arn: {
    type: "string",
    description: "Secret with the service's own PostgreSQL login (rotated, alternating users); what the app reads",
    example: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:auth-staging/db-service-AbCdEf",
  },
  redis_endpoint: {
    type: "string",
    description: "Redis configuration endpoint (cluster mode) or primary endpoint",
    example: "master.auth-staging-redis.a1b2c3.euw1.cache.amazonaws.com",
  },
  redis_port: { type: "number", description: "Redis port", example: 6379 },
  redis_auth_secret_arn: {
    type: "string",
    description: "Secret with the Redis AUTH token",
    example: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:auth-staging-redis/auth-token-AbCdEf",
  },
  app_secret_arn: {
    type: "string",
    description: "Secret with the service's signing key and session secret",
    example: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:auth-staging/app-AbCdEf",
  },
  data_kms_key_arn: {
    type: "string",
    description: "KMS key encrypting the data stores and their secrets",
    example: "arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
  },
  db_backups_replica_arn: {
    type: "string",
    description:
      "Automated backups replicated to aws.drRegion, what a DR restore starts from; empty without replication",
    example: "arn:aws:rds:eu-central-1:111111111111:auto-backup:ab-0a1b2c3d4e5f6a7b8c9d0e1f2a3b",
  },
  dr_kms_key_arn: {
    type: "string",
    description: "Key in aws.drRegion encrypting the replicated backups and secret replicas; empty without a DR copy",
    example: "arn:aws:kms:eu-central-1:111111111111:key/0a1b2c3d-4e5f-6789-abcd-ef0123456780",
  },
} as const satisfies HandoverSpec;
