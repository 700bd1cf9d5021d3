#!/usr/bin/env bash
# Makes sure the test mail servers answer on 127.0.0.1 and prints their state directory (the tests'
# OXIDESK_MAIL_TEST_DIR). Starts only what does not answer; never stops a server it did not start.
# Usage: scripts/mail.sh        → prints the directory, e.g. /root/.cache/oxidesk/mail
#        scripts/mail.sh stop   → stops the servers this script started (by their pid files)
#
#   SMTP (aiosmtpd, scripts/smtp_sink.py; every accepted mail lands in DIR/smtp-NAME/new, with
#   X-Envelope-From and X-Envelope-To headers prepended):
#     10025 plain, no auth (smtp-plain) · 10587 STARTTLS + AUTH (smtp-starttls) · 10465 TLS + AUTH (smtp-tls)
#     AUTH user "desk", password "secret". Recipients reject…@ get 550, tempfail…@ get 451.
#   IMAP (Debian's dovecot, a private instance): 10143 plain + STARTTLS, 10993 TLS. Any user name
#     with password "secret"; the mailbox of USER is DIR/dovecot/home/USER/Maildir (a link to a
#     folder under /tmp; tests create it world-writable, and deliver by writing into tmp/ and
#     renaming into new/).
#   DIR/cert.pem is the self-signed certificate of both (CN localhost, IP 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRIPTS="$PWD/scripts"
DIR="${OXIDESK_MAIL_TEST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/oxidesk/mail}"
# Debian's python3-aiosmtpd lives beside the system Python, whatever python3 is first on PATH.
PYTHON=/usr/bin/python3
SMTP_PORTS=(plain:10025 starttls:10587 tls:10465)

say() { printf '==> %s\n' "$*" >&2; }
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 100); do answers "$1" && return 0; sleep 0.1; done
  echo "error: nothing answers on 127.0.0.1:$1 (see $DIR/*.log)" >&2; exit 1
}
# TERM, then wait until the process is gone: dovecot refuses to start while its old master lives.
stop_pid() {
  alive "$1" || { rm -f "$1"; return 0; }
  local pid; pid=$(cat "$1"); kill "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$1"
}

if [ "${1:-}" = "stop" ]; then
  for f in "$DIR"/smtp-*.pid "$DIR/dovecot.pid"; do [ -e "$f" ] && stop_pid "$f"; done
  exit 0
fi

"$PYTHON" -c 'import aiosmtpd' 2>/dev/null || { echo "error: run scripts/tools.sh test (Debian package python3-aiosmtpd)" >&2; exit 1; }
command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || { echo "error: run scripts/tools.sh test (Debian package dovecot-imapd)" >&2; exit 1; }
DOVECOT=$(command -v dovecot || echo /usr/sbin/dovecot)

mkdir -p "$DIR"
exec 9>"$DIR/lock"
flock 9

if [ ! -s "$DIR/cert.pem" ]; then
  # CA:FALSE: rustls refuses a CA certificate as a server's own.
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
    -keyout "$DIR/key.pem" -out "$DIR/cert.pem" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -addext "basicConstraints=critical,CA:FALSE" -addext "extendedKeyUsage=serverAuth" 2>/dev/null
fi

for entry in "${SMTP_PORTS[@]}"; do
  name=${entry%%:*} port=${entry##*:}
  answers "$port" && continue
  alive "$DIR/smtp-$name.pid" && { echo "error: smtp-$name runs but does not answer on $port" >&2; exit 1; }
  case $name in
    plain) extra=() ;;
    starttls) extra=(--auth desk:secret --starttls "$DIR/cert.pem" "$DIR/key.pem") ;;
    tls) extra=(--auth desk:secret --tls "$DIR/cert.pem" "$DIR/key.pem") ;;
  esac
  say "starting the SMTP sink $name on 127.0.0.1:$port"
  nohup "$PYTHON" "$SCRIPTS/smtp_sink.py" --port "$port" --maildir "$DIR/smtp-$name" "${extra[@]}" \
    >"$DIR/smtp-$name.log" 2>&1 9>&- &
  echo $! >"$DIR/smtp-$name.pid"
  wait_port "$port"
done

if ! answers 10143 || ! answers 10993; then
  alive "$DIR/dovecot.pid" && { echo "error: dovecot runs but does not answer on 10143/10993" >&2; exit 1; }
  D="$DIR/dovecot"
  mkdir -p "$D/run" "$D/state"
  # As root, dovecot's mail processes run as nobody (it refuses uid 0), who cannot enter a home
  # folder like /root: the mailboxes live under /tmp, reached from $D/home. Tests create them.
  if [ "$(id -u)" -eq 0 ]; then MAIL_UID=65534 MAIL_GID=65534; else MAIL_UID=$(id -u) MAIL_GID=$(id -g); fi
  MAILBOXES="${TMPDIR:-/tmp}/oxidesk-mailboxes-$(id -u)"
  mkdir -p "$MAILBOXES"
  chmod 1777 "$MAILBOXES"
  ln -sfn "$MAILBOXES" "$D/home"
  cat >"$D/dovecot.conf" <<CONF
instance_name = oxidesk-test
base_dir = $D/run
state_dir = $D/state
log_path = $DIR/dovecot.log
info_log_path = $DIR/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <$DIR/cert.pem
ssl_key = <$DIR/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=$MAIL_UID gid=$MAIL_GID home=$MAILBOXES/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = 10143
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = 10993
    ssl = yes
  }
}
CONF
  say "starting dovecot on 127.0.0.1:10143 and 10993"
  nohup "$DOVECOT" -c "$D/dovecot.conf" -F >"$DIR/dovecot-foreground.log" 2>&1 9>&- &
  echo $! >"$DIR/dovecot.pid"
  wait_port 10143
  wait_port 10993
fi
echo "$DIR"
