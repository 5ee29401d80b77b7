#!/usr/bin/env bash
# Plans one synthesized stack and writes the plan as JSON to cdktf.out/stacks/STACK/plan.json.
# The app stack reads its release state from SSM through a data source: no variables to pass,
# and nothing a plan could reset.
# Usage: scripts/plan-stack.sh STACK
set -euo pipefail
stack="$1"
dir="cdktf.out/stacks/$stack"

terraform -chdir="$dir" init -input=false
terraform -chdir="$dir" plan -input=false -lock-timeout=5m -out=plan.bin
terraform -chdir="$dir" show -json plan.bin > "$dir/plan.json"
