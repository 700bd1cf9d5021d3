#!/usr/bin/env bash
# Pictures of the main screens (e2e/browser/screens/capture.mjs) of a build, for an issue note's
# before and after: a fresh data folder, 200 seeded tickets, the binary serving them on a free port.
# Usage: scripts/screens.sh path/to/oxidesk OUT_DIR
set -euo pipefail
BINARY=$(realpath "$1")
OUT_DIR=$(realpath -m "$2")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=server-lib.sh
source "$ROOT/scripts/server-lib.sh"

DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/oxidesk-screens.XXXXXX")
SERVER_PID=""
cleanup() {
  stop_server "$SERVER_PID"
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT

export OXIDESK_ADMIN_USER=admin
export OXIDESK_ADMIN_PASSWORD="screens-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
"$BINARY" --data-dir "$DATA_DIR" admin create --username admin --email admin@example.com >/dev/null
"$BINARY" --data-dir "$DATA_DIR" seed --tickets 200 >/dev/null
PORT=$(free_port)
export OXIDESK_URL="http://127.0.0.1:$PORT" OUT_DIR
"$BINARY" serve --bind "127.0.0.1:$PORT" --data-dir "$DATA_DIR" >"$DATA_DIR/server.log" 2>&1 &
SERVER_PID=$!
wait_healthy "$OXIDESK_URL" "$SERVER_PID" "$DATA_DIR/server.log"
cd "$ROOT/e2e/browser"
[ -d node_modules/@playwright/test ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
node screens/capture.mjs
