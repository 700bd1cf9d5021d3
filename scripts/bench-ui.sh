#!/usr/bin/env bash
# The SPA's budgets: the portal's and the desk's release WASM gzip sizes (budgets 300 KB and 900 KB,
# checked by e2e/browser/tests/budget.spec.ts), and how long the ticket list takes to
# show its first page in headless Chromium with TICKETS tickets (default 10,000) in the database.
# Usage: scripts/bench-ui.sh path/to/release/oxidesk
set -euo pipefail
BINARY=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=server-lib.sh
source "$ROOT/scripts/server-lib.sh"
TICKETS=${TICKETS:-10000}

# The portal's WASM (every customer and visitor) and the desk's (agents), as served.
for wasm in "$ROOT"/frontend/dist/*.wasm "$ROOT"/frontend/dist/desk/*.wasm; do
  echo "release WASM $(basename "$wasm"): $(stat -c %s "$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) bytes gzip -9, $(brotli -q 11 -c "$wasm" | wc -c) bytes brotli"
done

serve_seeded "$BINARY" "$TICKETS"
cd "$ROOT/e2e/browser"
[ -d node_modules/@playwright/test ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
node bench/list-page.mjs
