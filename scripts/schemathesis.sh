#!/usr/bin/env bash
# Schema fuzzing: Schemathesis (PyPI) sends generated requests, valid and invalid, to every operation
# of /api/openapi.json of the real binary and checks each answer: never a 5xx; status code, content
# type, headers and body as the document says; a 405 with Allow for an undeclared method;
# authentication enforced; a deleted resource gone. Four passes: as a program (an API key with every
# scope) and as a signed-in administrator (a Bearer token; some operations are only for people),
# each with the stateful phase's sequences of calls, then briefly as a read-only and a write-only
# key, whose missing-scope 403s must be documented too. The server runs on a free loopback port
# with a fresh data folder and demo data; this script stops it (by its pid) whatever happens.
#
# Usage: scripts/schemathesis.sh [BINARY]   (default: $OXIDESK_BIN, else target/debug/oxidesk)
#   FUZZ_EXAMPLES  generated cases per operation in the two main passes (default 50)
#   FUZZ_SEED      Schemathesis' random seed (default 1; the same seed replays the same cases)
#   FUZZ_ARGS      more `schemathesis run` options, e.g. "--include-path-regex tickets"
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=server-lib.sh
source scripts/server-lib.sh

BINARY=$(realpath "${1:-${OXIDESK_BIN:-${CARGO_TARGET_DIR:-target}/debug/oxidesk}}")
EXAMPLES="${FUZZ_EXAMPLES:-50}"
SEED="${FUZZ_SEED:-1}"
TOOLS_DIR="${OXIDESK_TOOLS_DIR:-$HOME/.cache/oxidesk/tools}"
SCHEMATHESIS="$TOOLS_DIR/schemathesis-venv/bin/schemathesis"

scripts/tools.sh fuzz
[ -x "$BINARY" ] || { echo "error: no oxidesk binary at $BINARY (cargo build -p oxidesk)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/oxidesk-fuzz.XXXXXX")
DATA_DIR="$WORK/data"
LOG="$WORK/server.log"
SERVER_PID=""
cleanup() {
  stop_server "$SERVER_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Access tokens outlive the run, so the second pass is not cut short by an expiry.
cat >"$WORK/oxidesk.toml" <<'EOF'
access_token_ttl_secs = 3600
EOF
oxidesk() { "$BINARY" --data-dir "$DATA_DIR" --config "$WORK/oxidesk.toml" "$@"; }

# Demo data first (18 people, 40 tickets), then the administrator and the key: their ids come
# after the ones the fuzzer is steered towards below, so that it rarely disables its own account.
oxidesk seed --tickets 40 >/dev/null 2>&1
ADMIN_PASSWORD="fuzz-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
OXIDESK_ADMIN_PASSWORD="$ADMIN_PASSWORD" oxidesk admin create --username admin --email admin@example.com >/dev/null
API_KEY=$(oxidesk apikey create --name schemathesis --scopes read,write,impersonate,admin 2>/dev/null)
READ_KEY=$(oxidesk apikey create --name schemathesis-read --scopes read 2>/dev/null)
WRITE_KEY=$(oxidesk apikey create --name schemathesis-write --scopes write 2>/dev/null)

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
# The binary itself, not the function: $! must be the server's own pid.
"$BINARY" --data-dir "$DATA_DIR" --config "$WORK/oxidesk.toml" serve --bind "127.0.0.1:$PORT" >"$LOG" 2>&1 &
SERVER_PID=$!
wait_healthy "$URL" "$SERVER_PID" "$LOG"

TOKEN=$(curl -sf -X POST "$URL/api/auth/login.json" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

# Half of the generated ticket numbers, ids, e-mail addresses and user names are real ones, so that
# the cases also reach what lies behind "404 not found" and "422 unknown user".
curl -sf "$URL/api/tickets.json?per_page=100&threads=false" -H "X-API-Key: $API_KEY" >"$WORK/tickets.json"
curl -sf "$URL/api/users.json?per_page=100" -H "X-API-Key: $API_KEY" >"$WORK/users.json"
python3 - "$WORK" <<'PY'
import json, pathlib, sys
work = pathlib.Path(sys.argv[1])
tickets = json.loads((work / "tickets.json").read_text())
users = [u for u in json.loads((work / "users.json").read_text()) if u.get("username") != "admin"]
def values(items):
    return json.dumps(sorted(set(items)) or [0])
lines = [
    f"[dictionaries.numbers]\nvalues = {values(t['ticket_number'] for t in tickets)}",
    f"[dictionaries.ids]\nvalues = {values(u['id'] for u in users)}",
    f"[dictionaries.emails]\nvalues = {values(u['email'] for u in users)}",
    f"[dictionaries.usernames]\nvalues = {values(u['username'] for u in users if u.get('username'))}",
    "[parameters]",
]
for key, name in [("path.number", "numbers"), ("query.ticketNumber", "numbers"), ("body.ticketNumber", "numbers"),
                  ("path.id", "ids"), ("body.user_id", "ids"), ("query.email", "emails"), ("body.email", "emails"),
                  ("query.clientUserMail", "emails"), ("query.staffUserName", "usernames"),
                  ("body.staffUserName", "usernames")]:
    lines.append(f'"{key}" = {{ dictionary = "{name}", probability = 0.5 }}')
(work / "schemathesis.toml").write_text("\n".join(lines) + "\n")
PY

CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
CHECKS+=,response_headers_conformance,unsupported_method,ignored_auth,use_after_free,ensure_resource_availability

# run_pass NAME HEADER [OPTIONS…]: one Schemathesis run over every operation; returns its status.
run_pass() {
  local name=$1 header=$2
  shift 2
  echo "==> schemathesis ($name), seed $SEED" >&2
  (
    cd "$WORK"
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
    # The event stream never ends by itself, so no request timeout can judge it: e2e/tests/live.rs
    # checks it (its statuses, its bad inputs, what each reader may see) instead.
    "$SCHEMATHESIS" --config-file "$WORK/schemathesis.toml" run "$URL/api/openapi.json" \
      --header "$header" --checks "$CHECKS" --seed "$SEED" \
      --generation-database none --workers 2 --request-timeout 30 \
      --exclude-path /api/events \
      --no-color --output-truncate false "$@" ${FUZZ_ARGS:-}
  )
}

status=0
FULL=(--phases examples,coverage,fuzzing,stateful --max-examples "$EXAMPLES")
run_pass "API key with every scope, $EXAMPLES cases per operation" "X-API-Key: $API_KEY" "${FULL[@]}" || status=1
# Signing out ends the session the token names: this pass leaves it out so that its token lives on
# (the key pass, which no sign-out ends, covers it).
run_pass "signed-in administrator, $EXAMPLES cases per operation" "Authorization: Bearer $TOKEN" "${FULL[@]}" \
  --exclude-path /api/auth/logout.json || status=1
# Keys missing a scope meet a 403 nearly everywhere: a few cases show whether each is documented.
LIMITED=(--phases examples,coverage --max-examples 5)
run_pass "read-only API key" "X-API-Key: $READ_KEY" "${LIMITED[@]}" || status=1
run_pass "write-only API key" "X-API-Key: $WRITE_KEY" "${LIMITED[@]}" || status=1
if [ "$status" -ne 0 ]; then
  echo "--- server log (errors and the last 30 lines) ---" >&2
  grep -E 'ERROR|WARN|panicked' "$LOG" | tail -n 30 >&2 || true
  tail -n 30 "$LOG" >&2
  echo "error: schema fuzzing found problems (replay with FUZZ_SEED=$SEED)" >&2
fi
exit "$status"
