#!/usr/bin/env bash
# The dependency checks of `make test` (cargo-deny, configured by deny.toml): licences, banned or
# duplicated crates, and sources (crates.io only) always; known vulnerabilities (RustSec) when a
# local copy of the advisory database is there. That database is a git repository that cargo-deny
# can only fetch from a code host this machine does not reach, so the check reads a copy made
# elsewhere (`cargo deny fetch db` fills $CARGO_HOME/advisory-dbs) and never fetches one itself.
#   OXIDESK_ADVISORY_DB  the folder holding that copy (default: $CARGO_HOME/advisory-dbs)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

cargo deny --log-level error check bans licenses sources
# The duplicate versions, as a count: they are warnings, listed in full by `cargo deny check bans`.
dups=$(cargo deny --color never check --hide-inclusion-graph bans 2>&1 | grep -c '^warning\[duplicate\]' || true)
echo "cargo deny: $dups crates in two or more versions (warnings; \`cargo deny check bans\` lists them)"

db="${OXIDESK_ADVISORY_DB:-${CARGO_HOME:-$HOME/.cargo}/advisory-dbs}"
if ! compgen -G "$db/*/.git" >/dev/null; then
  echo "cargo deny: advisories SKIPPED: no local RustSec advisory database in $db" \
       "(it is fetched from a code host this machine cannot reach; set OXIDESK_ADVISORY_DB to a copy)"
  exit 0
fi
# deny.toml names no database folder, so that it works anywhere; this run's copy names this one.
config=$(mktemp "${TMPDIR:-/tmp}/oxidesk-deny.XXXXXX.toml")
trap 'rm -f "$config"' EXIT
awk -v db="$db" '{ print } /^\[advisories\]$/ { printf "db-path = \"%s\"\n", db }' deny.toml >"$config"
cargo deny --offline --config "$config" check --hide-inclusion-graph advisories
