#!/usr/bin/env bash
# Plans one synthesized stack and writes the plan as JSON to cdktf.out/stacks/STACK/plan.json.
# The app stack is planned with the release settings it runs with now (its release_settings
# output), so a plan never proposes to undo a release; before the first deploy the defaults apply.
# Usage: scripts/plan-stack.sh STACK
set -euo pipefail
stack="$1"
dir="cdktf.out/stacks/$stack"

terraform -chdir="$dir" init -input=false
vars=()
if [[ "$stack" == *-app ]] && terraform -chdir="$dir" output -json release_settings > "$dir/release-settings.json" 2>/dev/null; then
  for name in blue_image_tag green_image_tag green_traffic_percent idle_capacity; do
    vars+=(-var "$name=$(jq -r ".$name" "$dir/release-settings.json")")
  done
fi
terraform -chdir="$dir" plan -input=false -lock-timeout=5m -out=plan.bin "${vars[@]}"
terraform -chdir="$dir" show -json plan.bin > "$dir/plan.json"
