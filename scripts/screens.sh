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

export OUT_DIR
serve_seeded "$BINARY" 200 >/dev/null
cd "$ROOT/e2e/browser"
[ -d node_modules/@playwright/test ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
node screens/capture.mjs
