#!/usr/bin/env bash
# Installs what building and testing Oxidesk needs, skipping whatever is already there at the right
# version. Every tool comes from a package registry (crates.io, PyPI, npm, Debian); nothing is downloaded
# from anywhere else. Usage: scripts/tools.sh build|test|fuzz|client|bench|schema
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS_DIR="${OXIDESK_TOOLS_DIR:-$HOME/.cache/oxidesk/tools}"
TRUNK_VERSION="0.21"
BINARYEN_VERSION="132"
CARGO_DENY_VERSION="0.20.2"
SCHEMATHESIS_VERSION="4.32.5"
SCHEMATHESIS_VENV="$TOOLS_DIR/schemathesis-venv"
OPENAPI_PYTHON_CLIENT_VERSION="0.29.1"
OPENAPI_PYTHON_CLIENT_VENV="$TOOLS_DIR/openapi-python-client-venv"
DIESEL_CLI_VERSION="2.3.14"   # the diesel version of Cargo.lock (diesel_cli 2.3.x needs rustc 1.86+)
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"

say() { printf '==> %s\n' "$*" >&2; }

# apt-get as root, through sudo when there is one; otherwise stop and name the package.
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "error: please install these Debian packages as root: ${missing[*]}" >&2; exit 1
    fi
  fi
  say "apt-get install ${missing[*]}"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

need_cmd() {
  command -v "$1" >/dev/null || { echo "error: '$1' is needed: $2" >&2; exit 1; }
}

wasm_bindgen_version() {
  # The CLI must match the wasm-bindgen crate in Cargo.lock exactly.
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

build_tools() {
  need_cmd cargo "install the Rust toolchain (rustup)"
  if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
    say "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  if ! trunk --version 2>/dev/null | grep -q "trunk ${TRUNK_VERSION}\."; then
    say "cargo install trunk ${TRUNK_VERSION} (about 10 minutes, once)"
    cargo install trunk --version "~${TRUNK_VERSION}" --locked
  fi
  local wbg; wbg=$(wasm_bindgen_version)
  if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wbg}$"; then
    say "cargo install wasm-bindgen-cli ${wbg} (about 4 minutes, once)"
    # --locked fails for this crate (a pinned dependency left the index), see TOOLCHAIN.md.
    cargo install wasm-bindgen-cli --version "=${wbg}" --force
  fi
  # brotli: scripts/spa.sh writes a .br beside each asset (gzip is in every Debian).
  command -v brotli >/dev/null || apt_install brotli
  if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION}"; then
    command -v npm >/dev/null || apt_install nodejs npm
    say "npm install binaryen@${BINARYEN_VERSION}"
    mkdir -p "$TOOLS_DIR"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@${BINARYEN_VERSION}" >/dev/null
  fi
}

# cargo-deny (crates.io): licences, bans and sources of the dependency tree (scripts/deny.sh).
deny_tool() {
  if ! cargo deny --version 2>/dev/null | grep -q "^cargo-deny ${CARGO_DENY_VERSION}$"; then
    say "cargo install cargo-deny ${CARGO_DENY_VERSION} (about 10 minutes, once)"
    cargo install cargo-deny --version "=${CARGO_DENY_VERSION}" --locked
  fi
}

# diesel_cli (crates.io) for `make schema` and scripts/check-schema.sh (print-schema of both engines).
# Bundled SQLite and libpq, as the backend itself: no client library of the system is needed.
diesel_tool() {
  local v; v=$(diesel --version 2>/dev/null || true)
  if grep -Eq "^ *Version: ${DIESEL_CLI_VERSION}$" <<<"$v" && grep -q "Backends: postgres sqlite" <<<"$v"; then
    return 0
  fi
  need_cmd cargo "install the Rust toolchain (rustup)"
  say "cargo install diesel_cli ${DIESEL_CLI_VERSION} (a few minutes, once)"
  cargo install diesel_cli --version "=${DIESEL_CLI_VERSION}" --locked --force \
    --no-default-features --features sqlite-bundled,postgres-bundled
}

# Schemathesis (PyPI) in its own virtualenv, for the API fuzzing of scripts/schemathesis.sh.
schemathesis_tool() {
  local st="$SCHEMATHESIS_VENV/bin/schemathesis"
  if "$st" --version 2>/dev/null | grep -q "version ${SCHEMATHESIS_VERSION}$"; then return 0; fi
  need_cmd python3 "install Python 3.9 or later"
  if [ ! -x "$SCHEMATHESIS_VENV/bin/pip" ]; then
    rm -rf "$SCHEMATHESIS_VENV"
    python3 -m venv "$SCHEMATHESIS_VENV" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$SCHEMATHESIS_VENV"; }
  fi
  say "pip install schemathesis==${SCHEMATHESIS_VERSION}"
  "$SCHEMATHESIS_VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==${SCHEMATHESIS_VERSION}"
}

# openapi-python-client (PyPI) in its own virtualenv, for scripts/generated-client.sh. The client it
# generates needs httpx and attrs, which the generator itself depends on: its venv runs the story.
client_tool() {
  local gen="$OPENAPI_PYTHON_CLIENT_VENV/bin/openapi-python-client"
  if "$gen" --version 2>/dev/null | grep -q "version: ${OPENAPI_PYTHON_CLIENT_VERSION}$"; then return 0; fi
  need_cmd python3 "install Python 3.11 or later"
  if [ ! -x "$OPENAPI_PYTHON_CLIENT_VENV/bin/pip" ]; then
    rm -rf "$OPENAPI_PYTHON_CLIENT_VENV"
    python3 -m venv "$OPENAPI_PYTHON_CLIENT_VENV" 2>/dev/null ||
      { apt_install python3-venv; python3 -m venv "$OPENAPI_PYTHON_CLIENT_VENV"; }
  fi
  say "pip install openapi-python-client==${OPENAPI_PYTHON_CLIENT_VERSION}"
  "$OPENAPI_PYTHON_CLIENT_VENV/bin/pip" install --quiet --disable-pip-version-check \
    "openapi-python-client==${OPENAPI_PYTHON_CLIENT_VERSION}"
}

# The test mail servers (scripts/mail.sh): an SMTP sink and an IMAP server, and openssl for their
# certificate. On a systemd host the package also starts a system dovecot on 143/993; the tests'
# own instance uses other ports.
mail_servers() {
  apt_install python3-aiosmtpd dovecot-imapd openssl
}

test_tools() {
  build_tools
  deny_tool
  schemathesis_tool
  client_tool
  diesel_tool
  apt_install chromium postgresql curl slapd ldap-utils
  mail_servers
  command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -d e2e/browser/node_modules/@playwright/test ]; then
    say "npm ci in e2e/browser (Playwright without its browser download)"
    (cd e2e/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund >/dev/null)
  fi
}

case "${1:-build}" in
  build) build_tools ;;
  test) test_tools ;;
  fuzz) schemathesis_tool ;;
  client) client_tool ;;
  schema) diesel_tool ;;
  bench) build_tools; apt_install wrk; mail_servers ;;
  *) echo "usage: $0 build|test|fuzz|client|bench|schema" >&2; exit 2 ;;
esac
