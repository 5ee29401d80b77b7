import type { HandoverSpec } from "../shared/handover";

/** What the bootstrap stack publishes: where state lives and the identities CI works with. */
export const bootstrapHandover = {
  state_bucket: { type: "string", description: "Terraform state bucket", example: "auth-staging-tfstate-111111111111" },
  ci_plan_pr_role_arn: {
    type: "string",
    description: "Role the pull request workflow plans with (writes nothing)",
    example: "arn:aws:iam::111111111111:role/auth-staging-ci-plan-pr",
  },
  ci_plan_role_arn: {
    type: "string",
    description: "Role the deploy workflow's plan job on main plans with (locks, saved plans)",
    example: "arn:aws:iam::111111111111:role/auth-staging-ci-plan",
  },
  ci_deploy_role_arn: {
    type: "string",
    description: "Role the main-branch workflow applies the workload layers and releases with",
    example: "arn:aws:iam::111111111111:role/auth-staging-ci-deploy",
  },
  ci_platform_role_arn: {
    type: "string",
    description: "Role the main-branch workflow applies bootstrap and security with, from the platform environment",
    example: "arn:aws:iam::111111111111:role/auth-staging-ci-platform",
  },
  ci_drift_role_arn: {
    type: "string",
    description: "Read-only role the scheduled checks (drift, DR preflight, certificates) assume",
    example: "arn:aws:iam::111111111111:role/auth-staging-ci-drift",
  },
  state_key_arn: {
    type: "string",
    description: "KMS key encrypting the state",
    example: "arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
  },
  dr_state_bucket: {
    type: "string",
    description: "State bucket in aws.drRegion: the DR stacks' state and the replica of the primary state",
    example: "auth-production-tfstate-dr-222222222222",
    optional: true,
  },
  tfc_plan_role_arn: {
    type: "string",
    description: "TFC_AWS_PLAN_PHASE_ROLE_ARN of every workspace",
    example: "arn:aws:iam::111111111111:role/auth-staging-tfc-plan",
    optional: true,
  },
  tfc_apply_role_arn: {
    type: "string",
    description: "TFC_AWS_APPLY_PHASE_ROLE_ARN of the workload layers' workspaces",
    example: "arn:aws:iam::111111111111:role/auth-staging-tfc-apply",
    optional: true,
  },
  tfc_platform_role_arn: {
    type: "string",
    description: "TFC_AWS_APPLY_PHASE_ROLE_ARN of the bootstrap and security workspaces",
    example: "arn:aws:iam::111111111111:role/auth-staging-tfc-platform",
    optional: true,
  },
} as const satisfies HandoverSpec;
