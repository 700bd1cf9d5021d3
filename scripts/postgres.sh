#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 with the test role and database, and
# prints the URL to use. Starts Debian's cluster only when nothing answers; never stops a server
# it did not start. Usage: scripts/postgres.sh  → prints postgres://…
set -euo pipefail

PGPORT=5432
ROLE=oxidesk
DB=oxidesk_test

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -n -u postgres sh -c "$1"; fi
}

if ! pg_isready -q -h 127.0.0.1 -p "$PGPORT" 2>/dev/null; then
  version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)
  if [ -z "$version" ]; then
    echo "error: PostgreSQL is not installed: run scripts/tools.sh test (Debian package postgresql)" >&2
    exit 1
  fi
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
    as_postgres "pg_createcluster $version main" >/dev/null
  fi
  # There is no init system here: start the cluster directly, listening on loopback only.
  as_postgres "pg_ctlcluster $version main start -o \"-c listen_addresses=127.0.0.1\"" >&2
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$PGPORT" && break
    sleep 0.5
  done
fi

as_postgres "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$ROLE'\"" | grep -q 1 ||
  as_postgres "psql -qc \"CREATE ROLE $ROLE LOGIN PASSWORD '$ROLE' CREATEDB\""
as_postgres "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='$DB'\"" | grep -q 1 ||
  as_postgres "createdb -O $ROLE $DB"
echo "postgres://$ROLE:$ROLE@127.0.0.1:$PGPORT/$DB"
