#!/usr/bin/env bash
# Checks that the committed diesel schema (schema.rs) is what diesel's print-schema makes of BOTH
# migration sets: migrations/sqlite applied to a fresh SQLite file, migrations/postgres applied to a
# fresh temporary database on the test PostgreSQL server (dropped afterwards). Each output is
# normalised by scripts/schema-normalise.py (backend-neutral type names; the tables and columns that
# exist on one engine only, on purpose, are listed there with their reason) and compared with
# schema.rs; any difference is printed as a unified diff and the script exits 1.
#
# Usage: scripts/check-schema.sh           check (make test-schema)
#        scripts/check-schema.sh --write   first rewrite schema.rs from the SQLite migrations, the
#                                          canonical source, keeping its `//!` header (make schema)
# PostgreSQL: $TEST_DATABASE_URL, else the URL scripts/postgres.sh prints. Needs diesel_cli
# (scripts/tools.sh schema) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

WRITE=0
case "${1:-}" in
  --write) WRITE=1 ;;
  "") ;;
  *) echo "usage: $0 [--write]" >&2; exit 2 ;;
esac

SCHEMA_RS="${OXIDESK_SCHEMA_RS:-backend/src/core/db/schema.rs}"
[ -f "$SCHEMA_RS" ] || { echo "error: $SCHEMA_RS not found" >&2; exit 1; }
command -v diesel >/dev/null || { echo "error: diesel_cli is missing: run scripts/tools.sh schema" >&2; exit 1; }

started=$(date +%s%N)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/oxidesk-schema.XXXXXX")
pg_url=""
cleanup() {
  if [ -n "$pg_url" ]; then
    diesel database drop --database-url "$pg_url" >/dev/null 2>&1 ||
      echo "warning: could not drop the temporary database of $pg_url" >&2
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# Applies one engine's migrations to a fresh database and prints its normalised print-schema.
# --no-default-migration: diesel would otherwise add its own initial migration to migrations/postgres.
generate() {
  local engine=$1 url=$2
  diesel database setup --no-default-migration --database-url "$url" \
    --migration-dir "migrations/$engine" --config-file diesel.toml >"$tmp/$engine.setup.log" 2>&1 || {
    echo "error: the $engine migrations do not apply to a fresh database:" >&2
    cat "$tmp/$engine.setup.log" >&2
    return 1
  }
  diesel print-schema --database-url "$url" --config-file diesel.toml \
    >"$tmp/$engine.raw.rs" 2>"$tmp/$engine.print.log" || {
    echo "error: diesel print-schema failed on $engine:" >&2
    cat "$tmp/$engine.print.log" >&2
    return 1
  }
  scripts/schema-normalise.py "$engine" "$SCHEMA_RS" <"$tmp/$engine.raw.rs"
}

generate sqlite "$tmp/schema.sqlite3" >"$tmp/sqlite.rs"
if [ "$WRITE" = 1 ] && ! cmp -s "$tmp/sqlite.rs" "$SCHEMA_RS"; then
  cp "$tmp/sqlite.rs" "$SCHEMA_RS"
  echo "wrote $SCHEMA_RS from the SQLite migrations" >&2
fi

base_url="${TEST_DATABASE_URL:-$(scripts/postgres.sh)}"
case "$base_url" in
  postgres://*/* | postgresql://*/*) ;;
  *) echo "error: not a PostgreSQL URL: $base_url" >&2; exit 1 ;;
esac
# Same server and role, a database of our own (the role has CREATEDB; see scripts/postgres.sh).
pg_url="${base_url%%\?*}"
pg_url="${pg_url%/*}/oxidesk_schema_check_$$_$(date +%s)"
generate postgres "$pg_url" >"$tmp/postgres.rs"

status=0
for engine in sqlite postgres; do
  # -F: each hunk's header names the table! the change is in.
  if ! diff -u -F '^    [a-z_0-9]* (' --label "$SCHEMA_RS" \
      --label "print-schema of migrations/$engine (normalised)" \
      "$SCHEMA_RS" "$tmp/$engine.rs" >"$tmp/$engine.diff"; then
    status=1
    echo "MISMATCH: $SCHEMA_RS differs from what migrations/$engine create:" >&2
    cat "$tmp/$engine.diff" >&2
    echo >&2
  fi
done

ms=$((($(date +%s%N) - started) / 1000000))
elapsed="$((ms / 1000)).$((ms % 1000 / 100))"
if [ "$status" = 0 ]; then
  echo "schema check: $SCHEMA_RS matches migrations/sqlite and migrations/postgres (${elapsed}s)" >&2
else
  cat >&2 <<EOF
schema check FAILED (${elapsed}s). Lines with '-' are in $SCHEMA_RS, lines with '+' come from the
migrations. If only one engine differs, its migrations disagree with the other's: add a migration pair
that brings them together (never edit an applied migration). If both differ the same way, schema.rs is
stale: run 'make schema' and commit it. Engine-only tables and columns: scripts/schema-normalise.py.
EOF
fi
exit "$status"
