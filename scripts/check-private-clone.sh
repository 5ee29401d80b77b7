#!/usr/bin/env bash
# npm run check:private-clone [-- --link-node-modules] [-- --full]
#
# "Runs anywhere": clones the committed HEAD into a fresh private (mode 700) directory, as `mktemp -d`
# and /root are, and runs the PostgreSQL suites there: as root (the server then runs as the
# "postgres" user, which cannot reach anything inside the clone), and as a non-root user (nobody,
# through runuser or setpriv) from a mode-700 directory of its own, where the server runs as that user.
#   --link-node-modules  hard-link this checkout's node_modules instead of `npm ci` (fast, local)
#   --full               run the whole `npm test` in each clone instead of the PostgreSQL suites
# Exit 0 every run passed, 1 one failed, 2 usage.
set -euo pipefail
cd "$(dirname "$0")/.."
source_repo=$(pwd)
link=0
full=0
for argument in "$@"; do
  case "$argument" in
    --link-node-modules) link=1 ;;
    --full) full=1 ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "check-private-clone: unknown argument $argument (see --help)" >&2; exit 2 ;;
  esac
done

suites=(__tests__/integration/database-rotation.test.ts __tests__/integration/local-postgres.test.ts)
scratch=()
cleanup() { for dir in "${scratch[@]}"; do rm -rf "$dir"; done; }
trap cleanup EXIT

# A clone of HEAD in a new private directory, with its dependencies; prints the clone's path.
private_clone() {
  local base
  base=$(mktemp -d)
  scratch+=("$base")
  chmod 700 "$base"
  git clone --quiet --no-local "$source_repo" "$base/clone" >&2
  if [ "$link" = 1 ]; then
    cp -al "$source_repo/node_modules" "$base/clone/node_modules"
  else
    (cd "$base/clone" && npm ci --no-audit --no-fund >&2)
  fi
  echo "$base/clone"
}

# The tests a clone runs: the PostgreSQL suites, or everything.
test_command() {
  if [ "$full" = 1 ]; then echo "npm test"; else echo "node node_modules/jest/bin/jest.js -c jest.terraform.config.js ${suites[*]}"; fi
}

failed=0
if [ "$(id -u)" = 0 ]; then
  clone=$(private_clone)
  echo "check-private-clone: as root in $clone (parent mode $(stat -c %a "$(dirname "$clone")"))"
  (cd "$clone" && CI=true CHECKPOINT_DISABLE=1 $(test_command)) || failed=1

  user=nobody
  if ! id "$user" >/dev/null 2>&1; then
    echo "check-private-clone: no user $user: the non-root run is skipped" >&2
  else
    clone=$(private_clone)
    home=$(dirname "$clone")/home
    mkdir "$home"
    # The user owns its clone, its home and the private directory around them; hard-linked
    # node_modules stay root's (readable by all) so this checkout's files keep their owner.
    find "$(dirname "$clone")" -path "$clone/node_modules" -prune -o -exec chown "$user" {} +
    [ "$link" = 1 ] || chown -R "$user" "$clone/node_modules"
    as_user=(runuser -u "$user" --)
    command -v runuser >/dev/null || as_user=(setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups)
    echo "check-private-clone: as $user in $clone (parent mode $(stat -c %a "$(dirname "$clone")"))"
    (cd "$clone" && "${as_user[@]}" env HOME="$home" PATH="$PATH" CI=true CHECKPOINT_DISABLE=1 $(test_command)) || failed=1
  fi
else
  clone=$(private_clone)
  echo "check-private-clone: as $(id -un) in $clone (parent mode $(stat -c %a "$(dirname "$clone")"))"
  (cd "$clone" && CI=true CHECKPOINT_DISABLE=1 $(test_command)) || failed=1
fi

if [ "$failed" = 0 ]; then echo "check-private-clone: passed"; else echo "check-private-clone: FAILED"; fi
exit "$failed"
