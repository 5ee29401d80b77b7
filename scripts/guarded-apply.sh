#!/usr/bin/env bash
# Applies exactly the plans a reviewer approved, one stack after another in the order given. For
# each stack the plan job left a redacted summary (SUMMARY_DIR/STACK.summary.json, the approved
# report) naming the saved plan in the state bucket and its SHA-256. The plan is fetched, checked
# against that checksum, and applied with a lock timeout. Terraform refuses a saved plan when the
# state changed after it was made; the message then says to plan again. When a stack changes its
# outputs, later stacks were planned against the old values: they are left for the next run.
# Usage: scripts/guarded-apply.sh SUMMARY_DIR STACK...
set -euo pipefail
summaries="$1"
shift
stacks=("$@")
stacks_dir="${STACKS_DIR:-cdktf.out/stacks}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

for index in "${!stacks[@]}"; do
  stack="${stacks[$index]}"
  summary="$summaries/$stack.summary.json"
  dir="$stacks_dir/$stack"
  if [ ! -f "$summary" ]; then
    echo "::error::$stack: no approved plan ($summary is missing); nothing more is applied"
    exit 1
  fi
  if [ "$(jq '(.changes | length) + (.outputChanges | length)' "$summary")" -eq 0 ]; then
    echo "$stack: no changes"
    continue
  fi
  plan="$scratch/$stack.tfplan"
  aws s3 cp "$(jq -r .savedPlan "$summary")" "$plan" --only-show-errors
  if ! echo "$(jq -r .planSha256 "$summary")  $plan" | sha256sum --check --quiet > /dev/null 2>&1; then
    echo "::error::$stack: the saved plan is not the approved one (SHA-256 differs); nothing of it was applied"
    exit 1
  fi
  terraform -chdir="$dir" init -input=false > /dev/null
  set +e
  terraform -chdir="$dir" apply -input=false -lock-timeout=10m "$plan" 2>&1 | tee "$scratch/$stack.log"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    if grep -q "Saved plan is stale" "$scratch/$stack.log"; then
      echo "::error::$stack: the state changed after this plan was approved (another apply or a release ran in between), so Terraform refused the plan and applied nothing of it. Run the deploy workflow again: it plans afresh and asks for approval of the new plans."
    fi
    exit "$status"
  fi
  if [ "$(jq '.outputChanges | length' "$summary")" -gt 0 ] && [ $((index + 1)) -lt ${#stacks[@]} ]; then
    echo "::error::$stack changed its outputs, and ${stacks[*]:index+1} were planned against the old values; they are not applied. Run the deploy workflow again to plan and approve them."
    exit 1
  fi
done
