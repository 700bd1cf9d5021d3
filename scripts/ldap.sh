#!/usr/bin/env bash
# Makes sure a private OpenLDAP server (Debian's slapd) answers on 127.0.0.1:3389 with the test
# directory (suffix dc=oxidesk,dc=test, people under ou=people), and prints its URL. Starts one
# only when nothing answers there; never stops a server it did not start. Its configuration, data
# and pid file live in ~/.cache/oxidesk/ldap (OXIDESK_LDAP_DIR), so a later run reuses it.
# Usage: scripts/ldap.sh        → prints ldap://127.0.0.1:3389
#        scripts/ldap.sh stop   → stops the server this script started (by its pid file), if running
#
# The test people (uid / password, all under ou=people,dc=oxidesk,dc=test):
#   alice / alice-secret-1   Alice Liddell, alice@oxidesk.test
#   bob   / bob-secret-1     Bob Builder, bob@oxidesk.test
#   carol / carol-secret-1   Carol Danvers, no mail attribute
#   dave  / dave-secret-1    Dave Lister, dave@oxidesk.test
#   admin / directory-admin-1  a directory entry named like the local administrator of the tests
set -euo pipefail

PORT="${OXIDESK_LDAP_PORT:-3389}"
URL="ldap://127.0.0.1:$PORT"
DIR="${OXIDESK_LDAP_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/oxidesk/ldap}"
SUFFIX="dc=oxidesk,dc=test"
ROOT_DN="cn=admin,$SUFFIX"
ROOT_PW="oxidesk-ldap-root"
# Answers only when this is our directory with its people loaded.
PROBE_DN="uid=alice,ou=people,$SUFFIX"
PROBE_PW="alice-secret-1"

say() { printf '==> %s\n' "$*" >&2; }

need() {
  command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ] || {
    echo "error: '$1' is missing: run scripts/tools.sh test (Debian packages slapd and ldap-utils)" >&2
    exit 1
  }
}

ours_answers() { ldapwhoami -x -H "$URL" -D "$PROBE_DN" -w "$PROBE_PW" >/dev/null 2>&1; }
# Any LDAP answer, even a refusal, means a server listens there; 255 is "can't contact".
something_answers() { local rc=0; ldapwhoami -x -H "$URL" >/dev/null 2>&1 || rc=$?; [ "$rc" -ne 255 ]; }
our_pid() { [ -s "$DIR/slapd.pid" ] && kill -0 "$(cat "$DIR/slapd.pid")" 2>/dev/null && cat "$DIR/slapd.pid"; }

if [ "${1:-}" = "stop" ]; then
  if pid=$(our_pid); then
    say "stopping slapd (pid $pid)"
    kill "$pid"
  fi
  exit 0
fi

need ldapwhoami
need slapd
need slappasswd
SLAPD=$(command -v slapd || echo /usr/sbin/slapd)
SLAPPASSWD=$(command -v slappasswd || echo /usr/sbin/slappasswd)

mkdir -p "$DIR"
# One starter at a time (make runs this once per suite; two suites may run at once).
exec 9>"$DIR/lock"
flock 9

if ours_answers; then
  echo "$URL"
  exit 0
fi
if something_answers; then
  echo "error: another LDAP server answers on $URL without the test directory; stop it or set OXIDESK_LDAP_PORT" >&2
  exit 1
fi
if pid=$(our_pid); then
  echo "error: slapd (pid $pid, started by this script) runs but does not answer on $URL; stop it: scripts/ldap.sh stop" >&2
  exit 1
fi

say "starting slapd on $URL (data in $DIR)"
# Nothing answers and no server of ours runs: start from a fresh directory.
rm -rf "$DIR/data"
mkdir -p "$DIR/data"
cat >"$DIR/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile $DIR/slapd.pid
argsfile $DIR/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
# No anonymous reads; people may read the directory once bound (what the server does after a
# user's bind, to read their mail and name), and only bind with their own password.
disallow bind_anon
require authc
access to attrs=userPassword by anonymous auth by * none
access to * by users read by * none

database mdb
maxsize 16777216
suffix "$SUFFIX"
rootdn "$ROOT_DN"
rootpw $("$SLAPPASSWD" -s "$ROOT_PW")
directory $DIR/data
EOF

person() { # uid, cn, sn, mail ("" for none), password
  printf 'dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\n' "$1" "$SUFFIX" "$1" "$2" "$3"
  [ -n "$4" ] && printf 'mail: %s\n' "$4"
  printf 'userPassword: %s\n\n' "$("$SLAPPASSWD" -s "$5")"
}
{
  printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: oxidesk\no: Oxidesk tests\n\n' "$SUFFIX"
  printf 'dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n\n' "$SUFFIX"
  person alice "Alice Liddell" Liddell alice@oxidesk.test alice-secret-1
  person bob "Bob Builder" Builder bob@oxidesk.test bob-secret-1
  person carol "Carol Danvers" Danvers "" carol-secret-1
  person dave "Dave Lister" Lister dave@oxidesk.test dave-secret-1
  person admin "Directory Admin" Admin admin@oxidesk.test directory-admin-1
} >"$DIR/people.ldif"

# slapd forks into the background once it listens; loopback only; without the lock.
"$SLAPD" -h "ldap://127.0.0.1:$PORT/" -f "$DIR/slapd.conf" >&2 9>&-
for _ in $(seq 1 50); do
  ldapwhoami -x -H "$URL" -D "$ROOT_DN" -w "$ROOT_PW" >/dev/null 2>&1 && break
  sleep 0.2
done
ldapadd -x -H "$URL" -D "$ROOT_DN" -w "$ROOT_PW" -f "$DIR/people.ldif" >/dev/null
ours_answers || { echo "error: slapd started but the test directory does not answer on $URL" >&2; exit 1; }
echo "$URL"
