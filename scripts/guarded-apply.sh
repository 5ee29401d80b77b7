#!/usr/bin/env bash
# Plans one stack, runs the data-loss guard on the plan, and applies exactly that plan.
# Deliberate data loss: ALLOW_DATA_LOSS="address another.address".
# Usage: scripts/guarded-apply.sh STACK
set -euo pipefail
stack="$1"
dir="cdktf.out/stacks/$stack"

"$(dirname "$0")/plan-stack.sh" "$stack"
allow=()
for address in ${ALLOW_DATA_LOSS:-}; do allow+=(--allow "$address"); done
npm run --silent plan-report -- "${allow[@]}" "$stack=$dir/plan.json"
terraform -chdir="$dir" apply -input=false plan.bin
