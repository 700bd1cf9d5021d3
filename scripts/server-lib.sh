# Sourced by the scripts that run a throwaway `oxidesk serve` (e2e/browser/run.sh,
# scripts/bench-ui.sh, scripts/schemathesis.sh): a port for it, waiting for it, stopping it.

# free_port: a port the kernel has free on 127.0.0.1 now.
free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else
    node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
  fi
}

# stop_server PID: stops a server this script started, by its pid (never by name).
stop_server() {
  if [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; then
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}

# wait_healthy URL PID LOG: waits up to 30 s for URL/api/health to answer 200; otherwise shows the
# server's log and exits.
wait_healthy() {
  for _ in $(seq 1 60); do
    if ! kill -0 "$2" 2>/dev/null; then
      echo "error: the server for $1 exited before answering; its log:" >&2
      cat "$3" >&2
      exit 1
    fi
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/api/health")" = "200" ]; then
      return 0
    fi
    sleep 0.5
  done
  echo "error: $1/api/health did not answer 200 within 30 s; server log:" >&2
  tail -n 50 "$3" >&2
  exit 1
}

# serve_seeded BINARY TICKETS: a fresh data folder (DATA_DIR) with an administrator
# (OXIDESK_ADMIN_USER and OXIDESK_ADMIN_PASSWORD, exported) and TICKETS seeded tickets, served on a
# free port (OXIDESK_URL, exported; the server's pid in SERVER_PID). Both go when the script exits.
serve_seeded() {
  DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/oxidesk-seeded.XXXXXX")
  SERVER_PID=""
  trap 'stop_server "$SERVER_PID"; rm -rf "$DATA_DIR"' EXIT
  export OXIDESK_ADMIN_USER=admin
  export OXIDESK_ADMIN_PASSWORD="seeded-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
  "$1" --data-dir "$DATA_DIR" admin create --username admin --email admin@example.com
  "$1" --data-dir "$DATA_DIR" seed --tickets "$2"
  local port
  port=$(free_port)
  export OXIDESK_URL="http://127.0.0.1:$port"
  "$1" serve --bind "127.0.0.1:$port" --data-dir "$DATA_DIR" >"$DATA_DIR/server.log" 2>&1 &
  SERVER_PID=$!
  wait_healthy "$OXIDESK_URL" "$SERVER_PID" "$DATA_DIR/server.log"
}
