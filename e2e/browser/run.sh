#!/usr/bin/env bash
# Runs the browser tests against the real binary: a server on a fresh data directory with an admin
# account (OXIDESK_URL), and a second one on another fresh data directory with no administrator at
# all (OXIDESK_FRESH_URL), where the first-run setup is tested. Both listen on free local ports.
# With BROWSER_DATABASE_URL (a PostgreSQL server's URL, as scripts/postgres.sh prints) the first
# server keeps its data in a fresh database there, dropped afterwards, and a replica of it — another
# process on the same database — serves OXIDESK_REPLICA_URL: the live stories put their second
# person on it, so what they see travels between replicas.
# Usage: e2e/browser/run.sh path/to/oxidesk [playwright args…], e.g. `… tests/admin.spec.ts`
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 BINARY [playwright args…]" >&2
  exit 2
fi
BINARY=$(realpath "$1")
shift
cd "$(dirname "$0")"
# shellcheck source=../../scripts/server-lib.sh
source ../../scripts/server-lib.sh

DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/oxidesk-browser.XXXXXX")
FRESH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/oxidesk-browser-fresh.XXXXXX")
LDAP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/oxidesk-browser-ldap.XXXXXX")
REPLICA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/oxidesk-browser-replica.XXXXXX")
SERVER_PID=""
FRESH_PID=""
LDAP_PID=""
REPLICA_PID=""
DATABASE=""
cleanup() {
  stop_server "$SERVER_PID"
  stop_server "$REPLICA_PID"
  stop_server "$FRESH_PID"
  stop_server "$LDAP_PID"
  if [ -n "$DATABASE" ]; then
    psql "$BROWSER_DATABASE_URL" -q -c "DROP DATABASE IF EXISTS $DATABASE" >/dev/null 2>&1 || true
  fi
  rm -rf "$DATA_DIR" "$FRESH_DIR" "$LDAP_DIR" "$REPLICA_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -d node_modules/@playwright/test ] || [ ! -d node_modules/@axe-core/playwright ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

export OXIDESK_ADMIN_USER=admin
# A fresh password each run, unless the caller chose one.
export OXIDESK_ADMIN_PASSWORD="${OXIDESK_ADMIN_PASSWORD:-browser-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')}"
# Every person of every story signs in from 127.0.0.1: the per-address limit on sign-ins,
# registrations and resets (tested by the e2e suites) is raised so that the stories do not queue.
# The mail stories use the test mail servers on this machine (scripts/mail.sh), which the outgoing
# policy refuses unless the file allows the loopback network.
export OXIDESK_CONFIG="$DATA_DIR/oxidesk.toml"
printf 'login_attempts_per_minute = 600\n' >"$OXIDESK_CONFIG"
if [ -n "${BROWSER_DATABASE_URL:-}" ]; then
  DATABASE="oxidesk_browser_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  psql "$BROWSER_DATABASE_URL" -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE $DATABASE" >/dev/null
  printf 'database_url = "%s"\n' "${BROWSER_DATABASE_URL%/*}/$DATABASE" >>"$OXIDESK_CONFIG"
fi
printf '[outbound]\nallow = ["127.0.0.0/8", "::1/128"]\n' >>"$OXIDESK_CONFIG"
"$BINARY" --data-dir "$DATA_DIR" admin create --username "$OXIDESK_ADMIN_USER" --email admin@example.com

PORT=$(free_port)
export OXIDESK_URL="http://127.0.0.1:$PORT"
"$BINARY" serve --bind "127.0.0.1:$PORT" --data-dir "$DATA_DIR" >"$DATA_DIR/server.log" 2>&1 &
SERVER_PID=$!

# The second server: nothing in it yet, so the SPA shows the first-run setup.
FRESH_PORT=$(free_port)
export OXIDESK_FRESH_URL="http://127.0.0.1:$FRESH_PORT"
"$BINARY" serve --bind "127.0.0.1:$FRESH_PORT" --data-dir "$FRESH_DIR" >"$FRESH_DIR/server.log" 2>&1 &
FRESH_PID=$!

# The third, when a test directory runs (OXIDESK_LDAP_URL, from scripts/ldap.sh): people sign in
# through LDAP (ldap.spec.ts). Its own settings file, named by the flag, which wins over the variable.
if [ -n "${OXIDESK_LDAP_URL:-}" ]; then
  cat >"$LDAP_DIR/oxidesk.toml" <<TOML
login_attempts_per_minute = 600
[ldap]
url = "$OXIDESK_LDAP_URL"
bind_dn = "uid={username},ou=people,dc=oxidesk,dc=test"
TOML
  "$BINARY" --config "$LDAP_DIR/oxidesk.toml" --data-dir "$LDAP_DIR" admin create --username "$OXIDESK_ADMIN_USER" --email admin@example.com
  LDAP_PORT=$(free_port)
  export OXIDESK_DIRECTORY_URL="http://127.0.0.1:$LDAP_PORT"
  "$BINARY" --config "$LDAP_DIR/oxidesk.toml" serve --bind "127.0.0.1:$LDAP_PORT" --data-dir "$LDAP_DIR" >"$LDAP_DIR/server.log" 2>&1 &
  LDAP_PID=$!
  wait_healthy "$OXIDESK_DIRECTORY_URL" "$LDAP_PID" "$LDAP_DIR/server.log"
fi

wait_healthy "$OXIDESK_URL" "$SERVER_PID" "$DATA_DIR/server.log"
wait_healthy "$OXIDESK_FRESH_URL" "$FRESH_PID" "$FRESH_DIR/server.log"

# The replica: the same database and settings, and the same signing secret, in a directory of its own.
if [ -n "$DATABASE" ]; then
  cp "$DATA_DIR/jwt_secret" "$OXIDESK_CONFIG" "$REPLICA_DIR/"
  REPLICA_PORT=$(free_port)
  export OXIDESK_REPLICA_URL="http://127.0.0.1:$REPLICA_PORT"
  "$BINARY" --config "$REPLICA_DIR/oxidesk.toml" serve --bind "127.0.0.1:$REPLICA_PORT" --data-dir "$REPLICA_DIR" \
    >"$REPLICA_DIR/server.log" 2>&1 &
  REPLICA_PID=$!
  wait_healthy "$OXIDESK_REPLICA_URL" "$REPLICA_PID" "$REPLICA_DIR/server.log"
fi

mkdir -p screenshots
status=0
npx playwright test "$@" 2>&1 | tee "$DATA_DIR/playwright.log" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 50 lines) ---" >&2
  tail -n 50 "$DATA_DIR/server.log" >&2
  echo "--- first-run server log (last 50 lines) ---" >&2
  tail -n 50 "$FRESH_DIR/server.log" >&2
  if [ -n "$DATABASE" ]; then
    echo "--- replica log (last 50 lines) ---" >&2
    tail -n 50 "$REPLICA_DIR/server.log" >&2
  fi
  # Playwright's summary again, last, where a short look at the output finds it.
  echo "--- what failed ---" >&2
  sed -n '/^  [0-9]* failed/,$p' "$DATA_DIR/playwright.log" >&2
fi
exit "$status"
