#!/usr/bin/env bash
# Generated clients work out of the box: openapi-python-client (PyPI, pinned in scripts/tools.sh)
# generates a client from the committed openapi/openapi.json, with every warning fatal (a warning is
# an operation, a body, an answer or a schema it could not generate), and the seed-003 osTicket story
# (e2e/generated-client/story.py) runs through that client against the real binary: on a free
# loopback port, with a fresh data folder, an administrator and an API key made by the CLI. This
# script stops the server (by its pid) whatever happens.
#
# Usage: scripts/generated-client.sh [BINARY]   (default: $OXIDESK_BIN, else target/debug/oxidesk)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=server-lib.sh
source scripts/server-lib.sh

BINARY=$(realpath "${1:-${OXIDESK_BIN:-${CARGO_TARGET_DIR:-target}/debug/oxidesk}}")
TOOLS_DIR="${OXIDESK_TOOLS_DIR:-$HOME/.cache/oxidesk/tools}"
VENV="$TOOLS_DIR/openapi-python-client-venv"

scripts/tools.sh client
[ -x "$BINARY" ] || { echo "error: no oxidesk binary at $BINARY (cargo build -p oxidesk)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/oxidesk-client.XXXXXX")
DATA_DIR="$WORK/data"
LOG="$WORK/server.log"
SERVER_PID=""
cleanup() {
  stop_server "$SERVER_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> openapi-python-client generate (every warning fatal)" >&2
if ! "$VENV/bin/openapi-python-client" generate --path openapi/openapi.json \
  --config e2e/generated-client/config.yml --meta none --output-path "$WORK/oxidesk_client" \
  --fail-on-warning >"$WORK/generate.log" 2>&1; then
  cat "$WORK/generate.log" >&2
  echo "error: openapi-python-client could not generate all of openapi/openapi.json (above)" >&2
  exit 1
fi

oxidesk() { "$BINARY" --data-dir "$DATA_DIR" "$@"; }
export OXIDESK_ADMIN_USER=admin
export OXIDESK_ADMIN_PASSWORD="client-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
oxidesk admin create --username "$OXIDESK_ADMIN_USER" --email admin@example.com >/dev/null
OXIDESK_API_KEY=$(oxidesk apikey create --name generated-client --scopes read,write,impersonate,admin 2>/dev/null)
export OXIDESK_API_KEY

PORT=$(free_port)
export OXIDESK_URL="http://127.0.0.1:$PORT"
# The binary itself, not the function: $! must be the server's own pid.
"$BINARY" --data-dir "$DATA_DIR" serve --bind "127.0.0.1:$PORT" >"$LOG" 2>&1 &
SERVER_PID=$!
wait_healthy "$OXIDESK_URL" "$SERVER_PID" "$LOG"

echo "==> the seed-003 story through the generated client" >&2
if ! PYTHONPATH="$WORK" "$VENV/bin/python" e2e/generated-client/story.py; then
  echo "--- server log (errors and the last 30 lines) ---" >&2
  grep -E 'ERROR|WARN|panicked' "$LOG" | tail -n 30 >&2 || true
  tail -n 30 "$LOG" >&2
  exit 1
fi
