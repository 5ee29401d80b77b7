#!/usr/bin/env bash
# Runs synthesized stacks in their Terraform Cloud workspaces (CLI-driven: the stack folder is
# uploaded, the run executes on Terraform Cloud with the workspace's variables and credentials).
#   plan:  a speculative plan per stack (nothing can apply it); stacks are independent. The plan
#          role may not read secret values, and the AWS provider refreshes a secret version by
#          reading its value, so stacks that declare one plan with -refresh=false, as the plan job
#          does (SECRET_READING_TYPES in scripts/plan-job/job.ts; CLI-driven runs accept the flag:
#          https://developer.hashicorp.com/terraform/cloud-docs/run/cli).
#   apply: terraform apply per stack, in the order given (deploy order), stopping at the first failure.
# The token comes from the CLI config written by hashicorp/setup-terraform (TF_API_TOKEN secret).
# Usage: scripts/terraform-cloud-run.sh plan|apply STACK...
set -euo pipefail
mode="${1:-}"
shift || true
if [[ "$mode" != plan && "$mode" != apply ]] || [[ $# -eq 0 ]]; then
  echo "usage: scripts/terraform-cloud-run.sh plan|apply STACK..." >&2
  exit 2
fi
for stack in "$@"; do
  dir="cdktf.out/stacks/$stack"
  if ! grep -q '"cloud"' "$dir/cdk.tf.json"; then
    echo "::error::$stack has no cloud block: set state.backend = \"terraform-cloud\" in its config" >&2
    exit 1
  fi
  echo "::group::$mode $stack"
  terraform -chdir="$dir" init -input=false
  if [[ "$mode" == plan ]]; then
    refresh=()
    if grep -q '"aws_secretsmanager_secret_version"' "$dir/cdk.tf.json"; then
      echo "$stack: planned without refresh (refreshing its secret versions would read their values)"
      refresh=(-refresh=false)
    fi
    terraform -chdir="$dir" plan -input=false "${refresh[@]}"
  else
    terraform -chdir="$dir" apply -input=false -auto-approve
  fi
  echo "::endgroup::"
done
