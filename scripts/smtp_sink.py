#!/usr/bin/python3
"""A test SMTP server: every accepted message is stored in a Maildir (new/) that tests read.

  smtp_sink.py --port 10025 --maildir DIR [--auth USER:PASS] [--starttls CERT KEY] [--tls CERT KEY]

Fault injection for retry tests:
  * a recipient whose local part starts with "reject" gets 550 (permanent),
  * a recipient whose local part starts with "tempfail" gets 451 (transient),
  * while the file DIR/../smtp-tempfail exists, every DATA gets 451.
"""
import argparse, mailbox, os, signal, ssl, threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, maildir):
        self.box = mailbox.Maildir(maildir, create=True)
        self.flag = os.path.join(os.path.dirname(os.path.abspath(maildir)), "smtp-tempfail")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 No such user"
        if local.startswith("tempfail"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if os.path.exists(self.flag):
            return "451 4.3.0 Temporarily unavailable"
        # Prepend the envelope so tests can check the real recipients (Bcc included).
        head = "X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n" % (
            envelope.mail_from, ", ".join(envelope.rcpt_tos))
        self.box.add(head.encode() + envelope.original_content)
        return "250 OK stored"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--maildir", required=True)
    p.add_argument("--auth")
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    a = p.parse_args()

    kw = {}
    if a.auth:
        user, pw = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and \
                auth_data.login.decode() == user and auth_data.password.decode() == pw
            return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd sends 535 itself

        kw.update(authenticator=authenticator, auth_require_tls=bool(a.starttls), auth_required=True)
    else:
        kw.update(auth_require_tls=False)
    if a.starttls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(*a.starttls)
        kw.update(tls_context=ctx, require_starttls=True)
    ssl_ctx = None
    if a.tls:
        ssl_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ssl_ctx.load_cert_chain(*a.tls)

    # decode_data=False keeps envelope.original_content as the exact bytes received.
    c = Controller(Sink(a.maildir), hostname=a.host, port=a.port, ssl_context=ssl_ctx,
                   server_hostname="localhost", ready_timeout=10, **kw)
    c.start()
    print("listening on %s:%d" % (a.host, a.port), flush=True)
    stop = threading.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda *_: stop.set())
    stop.wait()
    c.stop()


if __name__ == "__main__":
    main()
