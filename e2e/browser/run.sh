#!/usr/bin/env bash
# Runs the browser test against the real binary: a fresh data directory, an admin account, and the
# server on a free local port. Usage: e2e/browser/run.sh path/to/oxidesk
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 BINARY" >&2
  exit 2
fi
BINARY=$(realpath "$1")
cd "$(dirname "$0")"

DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/oxidesk-browser.XXXXXX")
SERVER_PID=""
cleanup() {
  # Only the server this script started, by its pid.
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -d node_modules/@playwright/test ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

export OXIDESK_ADMIN_USER=admin
# A fresh password each run, unless the caller chose one.
export OXIDESK_ADMIN_PASSWORD="${OXIDESK_ADMIN_PASSWORD:-browser-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')}"
"$BINARY" --data-dir "$DATA_DIR" admin create --username "$OXIDESK_ADMIN_USER" --email admin@example.com

# Ask the kernel for a free port (node is here anyway, for Playwright).
PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
export OXIDESK_URL="http://127.0.0.1:$PORT"

"$BINARY" serve --bind "127.0.0.1:$PORT" --data-dir "$DATA_DIR" >"$DATA_DIR/server.log" 2>&1 &
SERVER_PID=$!

healthy=""
for _ in $(seq 1 60); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "error: the server exited before answering; its log:" >&2
    cat "$DATA_DIR/server.log" >&2
    exit 1
  fi
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$OXIDESK_URL/api/health")" = "200" ]; then
    healthy=yes
    break
  fi
  sleep 0.5
done
if [ -z "$healthy" ]; then
  echo "error: $OXIDESK_URL/api/health did not answer 200 within 30 s; server log:" >&2
  tail -n 50 "$DATA_DIR/server.log" >&2
  exit 1
fi

status=0
npx playwright test || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 50 lines) ---" >&2
  tail -n 50 "$DATA_DIR/server.log" >&2
fi
exit "$status"
