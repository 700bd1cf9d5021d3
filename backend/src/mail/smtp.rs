//! Sending one mail over SMTP (lettre), in two steps around the hand-over: everything up to the
//! server's "354 go ahead" can fail and be retried safely (the server has accepted nothing), but
//! once the message is on the wire an error leaves us unsure whether it arrived. The caller
//! records that moment (`before_handover`), so a crash or broken connection after it is never
//! answered by sending the mail a second time.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::message::header::ContentType;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::Message;
use rustls_pki_types::ServerName;
use shared::mail::MailSecurity;
use tokio::net::TcpStream;

use super::settings::Smtp;
use crate::config::OutboundConfig;
use crate::core::net;

/// One mail, ready to be formatted.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// With angle brackets.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    /// Space-separated, with angle brackets.
    pub references: Option<String>,
    /// The files of the message the mail shows.
    pub files: Vec<MailFile>,
}

/// A file a mail carries: shown in its place when the HTML names it (`cid:…`), attached otherwise.
#[derive(Clone)]
pub struct MailFile {
    pub filename: String,
    pub content_type: String,
    pub content_id: Option<String>,
    pub bytes: Vec<u8>,
}

/// Names and sizes, not the bytes.
impl std::fmt::Debug for MailFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}, {} bytes)", self.filename, self.content_type, self.bytes.len())
    }
}

/// Why a mail did not leave, and so what happens to it.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SendError {
    /// The server refused this mail for good (an unknown recipient, an address we cannot even
    /// write): trying again would fail the same way.
    #[error("{0}")]
    Permanent(String),
    /// Nothing was accepted (the server is busy, or refused us for now): try again later.
    #[error("{0}")]
    Transient(String),
    /// The server could not be reached, or refused the connection or sign-in: nothing was
    /// accepted, and other mail would fare no better now.
    #[error("{0}")]
    Unreachable(String),
    /// The connection broke after the message was handed over: it may have arrived.
    #[error("{0}")]
    Unsure(String),
}

/// Headers every mail of ours carries: RFC 3834's Auto-Submitted keeps vacation responders from
/// answering; Exchange honours its own X-Auto-Response-Suppress; X-Loop lets our fetcher
/// recognise its own mail coming back.
fn mark_automatic(builder: lettre::message::MessageBuilder) -> lettre::message::MessageBuilder {
    let header =
        |name: &'static str, value: &str| HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_owned());
    builder
        .raw_header(header("Auto-Submitted", "auto-generated"))
        .raw_header(header("X-Auto-Response-Suppress", "All"))
        .raw_header(header("X-Loop", "oxidesk"))
}

/// The mail as bytes on the wire, and its envelope.
pub fn format(smtp: &Smtp, mail: &Outgoing) -> Result<(Envelope, Vec<u8>), SendError> {
    let from: Mailbox = format!("{} <{}>", quote_name(&smtp.from_name), smtp.from_address)
        .parse()
        .map_err(|e| SendError::Unreachable(format!("the sender address {} is not valid: {e}", smtp.from_address)))?;
    let to: Mailbox =
        mail.to.parse().map_err(|e| SendError::Permanent(format!("the address {:?} is not valid: {e}", mail.to)))?;
    let mut builder = mark_automatic(Message::builder().from(from).to(to).subject(&mail.subject))
        .message_id(Some(mail.message_id.clone()));
    if let Some(id) = &mail.in_reply_to {
        builder = builder.in_reply_to(id.clone());
    }
    if let Some(refs) = &mail.references {
        builder = builder.references(refs.clone());
    }
    let message = match (&mail.html, mail.files.is_empty()) {
        (None, true) => builder.singlepart(SinglePart::plain(mail.text.clone())),
        _ => builder.multipart(body(mail)),
    }
    .map_err(|e| SendError::Permanent(format!("the mail cannot be written: {e}")))?;
    Ok((message.envelope().clone(), message.formatted()))
}

/// The text and HTML (`multipart/alternative`), with the pictures the HTML shows beside it
/// (`multipart/related`, each part named by its Content-ID) and the other files after it
/// (`multipart/mixed`).
fn body(mail: &Outgoing) -> MultiPart {
    // A stored type that does not parse goes as what it is to a mail client: bytes.
    let typed = mail.files.iter().filter_map(|file| {
        let kind = ContentType::parse(&file.content_type).or_else(|_| ContentType::parse("application/octet-stream"));
        kind.ok().map(|kind| (file, kind))
    });
    // A Content-ID is a header: a name that would not be a plain one (from someone's mail) makes
    // the file an attachment like the others.
    let plain = |id: &str| id.len() <= 200 && id.chars().all(|c| c.is_ascii_graphic() && !"<>\"\\()[],;:".contains(c));
    let shown = |file: &MailFile| match (&file.content_id, &mail.html) {
        (Some(id), Some(html)) => plain(id) && html.contains(&format!("cid:{id}")),
        _ => false,
    };
    let mut body = match &mail.html {
        Some(html) => MultiPart::alternative_plain_html(mail.text.clone(), html.clone()),
        None => MultiPart::mixed().singlepart(SinglePart::plain(mail.text.clone())),
    };
    let (inline, attached): (Vec<_>, Vec<_>) = typed.partition(|(f, _)| shown(f));
    if !inline.is_empty() {
        body = inline.into_iter().fold(MultiPart::related().multipart(body), |related, (file, kind)| {
            let id = file.content_id.clone().unwrap_or_default();
            related
                .singlepart(Attachment::new_inline_with_name(id, file.filename.clone()).body(file.bytes.clone(), kind))
        });
    }
    if !attached.is_empty() {
        body = attached.into_iter().fold(MultiPart::mixed().multipart(body), |mixed, (file, kind)| {
            mixed.singlepart(Attachment::new(file.filename.clone()).body(file.bytes.clone(), kind))
        });
    }
    body
}

/// A display name as a quoted string, so commas and angle brackets in a site name stay text.
fn quote_name(name: &str) -> String {
    let clean: String = name.chars().filter(|c| !c.is_control() && *c != '"' && *c != '\\').collect();
    format!("\"{}\"", clean.trim())
}

fn tls_parameters(host: &str, extra_ca: Option<&[u8]>) -> Result<TlsParameters, SendError> {
    let mut tls = TlsParameters::builder(host.to_owned());
    if let Some(pem) = extra_ca {
        let cert = Certificate::from_pem(pem)
            .map_err(|e| SendError::Unreachable(format!("the mail CA file is not a PEM certificate: {e}")))?;
        tls = tls.add_root_certificate(cert);
    }
    tls.build_rustls().map_err(|e| SendError::Unreachable(format!("TLS setup failed: {e}")))
}

/// A failure before the hand-over: permanent only when the server said so about this mail (5xx
/// to a recipient); everything else is the server's or the settings' problem and clears up once
/// fixed.
fn before(step: &str, e: TimedOut<lettre::transport::smtp::Error>, permanent_allowed: bool) -> SendError {
    let text = format!("{step} ({})", reason(&e));
    if permanent_allowed && matches!(&e, TimedOut::Error(e) if e.is_permanent()) {
        SendError::Permanent(text)
    } else {
        SendError::Transient(text)
    }
}

/// A failure to connect, secure the connection or sign in.
fn unreachable(step: &str, e: TimedOut<lettre::transport::smtp::Error>) -> SendError {
    SendError::Unreachable(format!("{step} ({})", reason(&e)))
}

/// What went wrong in one SMTP step, in the desk's own words: the reply code (a number RFC 5321
/// defines) but never the text after it, which the remote side chooses. A "mail server" that is
/// an SSH daemon or a metadata service would otherwise have its answer shown to whoever tests
/// the settings and kept in the outbox; the full answer goes to the debug log only.
fn reason(e: &TimedOut<lettre::transport::smtp::Error>) -> String {
    let e = match e {
        TimedOut::After(limit) => return format!("no answer within {limit:?}"),
        TimedOut::Error(e) => e,
    };
    tracing::debug!(error = %e, "SMTP step failed");
    if let Some(code) = e.status() {
        format!("code {code}")
    } else if e.is_response() {
        "an answer that is not SMTP".to_owned()
    } else if let Some(tls) = super::tls::failure(e) {
        tls.to_owned()
    } else if e.is_timeout() {
        "no answer in time".to_owned()
    } else if e.is_client() {
        "the server does not offer what this step needs".to_owned()
    } else {
        "the connection broke".to_owned()
    }
}

/// One connection, signed in, over which a round of the outbox sends mail after mail.
pub struct Session {
    conn: AsyncSmtpConnection,
    timeout: Duration,
    /// A step ran out of time or a reset failed: the connection is in an unknown state.
    broken: bool,
}

/// An implicit-TLS connection, handed to lettre as a plain stream (lettre's own TLS setup has no
/// way to turn Nagle off).
#[derive(Debug)]
struct Tls(tokio_rustls::client::TlsStream<TcpStream>);

impl AsyncTokioStream for Tls {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl tokio::io::AsyncRead for Tls {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Tls {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

/// lettre's commands with our time limit (its own covers only the connect of its own streams):
/// a server that stops answering is a timeout error, never a hang.
async fn within<T>(
    limit: Duration,
    step: impl Future<Output = Result<T, lettre::transport::smtp::Error>>,
) -> Result<T, TimedOut<lettre::transport::smtp::Error>> {
    match tokio::time::timeout(limit, step).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(TimedOut::Error(e)),
        Err(_) => Err(TimedOut::After(limit)),
    }
}

/// A step's error, or its time running out.
#[derive(Debug)]
enum TimedOut<E> {
    Error(E),
    After(Duration),
}

impl<E: std::fmt::Display> std::fmt::Display for TimedOut<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TimedOut::Error(e) => e.fmt(f),
            TimedOut::After(d) => write!(f, "no answer within {d:?}"),
        }
    }
}

impl Session {
    /// Connects (to an address the outgoing policy allows), says hello (with STARTTLS when
    /// asked) and signs in.
    pub async fn open(
        smtp: &Smtp,
        outbound: &OutboundConfig,
        extra_ca: Option<&[u8]>,
        timeout: Duration,
    ) -> Result<Session, SendError> {
        let server = net::host_port(&smtp.host, smtp.port);
        let tcp = net::connect(outbound, &smtp.host, smtp.port, timeout)
            .await
            .map_err(|e| SendError::Unreachable(format!("cannot connect to {server}: {e}")))?;
        // lettre writes the end of a message in a write of its own: with Nagle's algorithm it would
        // wait for the server's delayed ACK, 40 ms a mail.
        tcp.set_nodelay(true)
            .map_err(|e| SendError::Unreachable(format!("cannot set up the connection to {server}: {}", e.kind())))?;
        let stream: Box<dyn AsyncTokioStream> = match smtp.security {
            MailSecurity::Tls => {
                let tls_failed = |detail: &str| SendError::Unreachable(format!("TLS with {server} failed: {detail}"));
                let name = ServerName::try_from(smtp.host.clone())
                    .map_err(|_| tls_failed("the host cannot be checked against a certificate"))?;
                let connector = super::tls::connector(extra_ca).map_err(|e| tls_failed(&e))?;
                let tls = tokio::time::timeout(timeout, connector.connect(name, tcp))
                    .await
                    .map_err(|_| tls_failed(&format!("no answer within {timeout:?}")))?
                    .map_err(|e| tls_failed(super::tls::failure(&e).unwrap_or("the connection broke")))?;
                Box::new(Tls(tls))
            }
            _ => Box::new(tcp),
        };
        let hello = ClientId::default();
        let mut conn = match within(timeout, AsyncSmtpConnection::connect_with_transport(stream, &hello)).await {
            Ok(conn) => conn,
            // Whatever answered is not a mail server (an SSH or HTTP service, say): its words stay out.
            Err(TimedOut::Error(e)) if e.is_response() => {
                return Err(SendError::Unreachable(format!("{server} is not an SMTP server")));
            }
            Err(TimedOut::Error(e)) if e.status().is_some() => {
                return Err(unreachable(&format!("{server} refused the connection"), TimedOut::Error(e)));
            }
            Err(e) => return Err(unreachable(&format!("no greeting from {server}"), e)),
        };
        if smtp.security == MailSecurity::Starttls {
            let tls = tls_parameters(&smtp.host, extra_ca)?;
            within(timeout, conn.starttls(tls, &hello))
                .await
                .map_err(|e| unreachable(&format!("STARTTLS with {server} failed"), e))?;
        }
        if !smtp.user.is_empty() {
            let credentials = Credentials::new(smtp.user.clone(), smtp.password.clone());
            within(timeout, conn.auth(&[Mechanism::Plain, Mechanism::Login], &credentials))
                .await
                .map_err(|e| unreachable("the server refused the sign-in", e))?;
        }
        Ok(Session { conn, timeout, broken: false })
    }

    /// Whether the next mail may go over this connection.
    pub fn is_usable(&self) -> bool {
        !self.broken && !self.conn.has_broken()
    }

    /// Sends one formatted mail. `before_handover` runs once the server is ready to take the
    /// message, before a byte of it is sent; if it fails, nothing is sent. After a failure the
    /// transaction is reset, so the next mail starts clean (or the connection is marked broken).
    pub async fn send<F, Fut>(&mut self, envelope: &Envelope, bytes: &[u8], before_handover: F) -> Result<(), SendError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(), String>>,
    {
        let result = self.transaction(envelope, bytes, before_handover).await;
        if result.is_err() && !self.conn.has_broken() && within(self.timeout, self.conn.command(Rset)).await.is_err() {
            self.broken = true;
        }
        result
    }

    async fn transaction<F, Fut>(
        &mut self,
        envelope: &Envelope,
        bytes: &[u8],
        before_handover: F,
    ) -> Result<(), SendError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(), String>>,
    {
        let (conn, limit) = (&mut self.conn, self.timeout);
        let mut options = vec![];
        if !bytes.is_ascii() && conn.server_info().supports_feature(Extension::EightBitMime) {
            options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        within(limit, conn.command(Mail::new(envelope.from().cloned(), options)))
            .await
            .map_err(|e| before("the server refused the sender", e, false))?;
        for to in envelope.to() {
            within(limit, conn.command(Rcpt::new(to.clone(), vec![])))
                .await
                .map_err(|e| before(&format!("the server refused the recipient {to}"), e, true))?;
        }
        within(limit, conn.command(Data)).await.map_err(|e| before("the server refused the message", e, true))?;
        before_handover().await.map_err(SendError::Transient)?;
        let Err(e) = within(limit, conn.message(bytes)).await else { return Ok(()) };
        let why = reason(&e);
        Err(match e {
            TimedOut::Error(e) if e.is_permanent() => {
                SendError::Permanent(format!("the server refused the message ({why})"))
            }
            TimedOut::Error(e) if e.is_transient() => {
                SendError::Transient(format!("the server refused the message for now ({why})"))
            }
            _ => SendError::Unsure(format!("the connection broke while the message was handed over ({why})")),
        })
    }

    /// Says goodbye (whatever the server answers).
    pub async fn close(mut self) {
        let _ = within(self.timeout, self.conn.quit()).await;
    }
}

/// The admin's "send test mail": connect, sign in, send, with the real settings.
pub async fn send_now(
    smtp: &Smtp,
    outbound: &OutboundConfig,
    extra_ca: Option<&[u8]>,
    timeout: Duration,
    mail: &Outgoing,
) -> Result<(), SendError> {
    let (envelope, bytes) = format(smtp, mail)?;
    let mut session = Session::open(smtp, outbound, extra_ca, timeout).await?;
    let sent = session.send(&envelope, &bytes, || async { Ok(()) }).await;
    session.close().await;
    sent
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smtp() -> Smtp {
        Smtp {
            host: "127.0.0.1".into(),
            port: 25,
            security: MailSecurity::None,
            user: String::new(),
            password: String::new(),
            from_address: "desk@example.com".into(),
            from_name: "ACME, \"IT\" <desk>".into(),
        }
    }

    #[test]
    fn mail_carries_threading_and_loop_headers() {
        let mail = Outgoing {
            to: "Jane <jane@example.com>".into(),
            subject: "[TCK-1] Drucker fällt aus".into(),
            text: "Hallo".into(),
            html: Some("<p>Hallo</p>".into()),
            message_id: "<TCK-1.abc@example.com>".into(),
            in_reply_to: Some("<x@client>".into()),
            references: Some("<TCK-1@example.com> <x@client>".into()),
            files: Vec::new(),
        };
        let (envelope, bytes) = format(&smtp(), &mail).unwrap();
        let parsed = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        let from = parsed.from().and_then(|a| a.first()).unwrap();
        assert_eq!((from.name(), from.address()), (Some("ACME, IT <desk>"), Some("desk@example.com")));
        assert_eq!(parsed.subject(), Some("[TCK-1] Drucker fällt aus"));
        let text = String::from_utf8(bytes).unwrap();
        for header in [
            "Message-ID: <TCK-1.abc@example.com>",
            "In-Reply-To: <x@client>",
            "References: <TCK-1@example.com> <x@client>",
            "Auto-Submitted: auto-generated",
            "X-Loop: oxidesk",
            "multipart/alternative",
        ] {
            assert!(text.contains(header), "{header} missing in\n{text}");
        }
        assert_eq!(envelope.to().len(), 1);
    }

    #[test]
    fn a_bad_recipient_is_permanent() {
        let mail = Outgoing {
            to: "not an address".into(),
            subject: "x".into(),
            text: "x".into(),
            html: None,
            message_id: "<a@b>".into(),
            in_reply_to: None,
            references: None,
            files: Vec::new(),
        };
        assert!(matches!(format(&smtp(), &mail), Err(SendError::Permanent(_))));
    }

    #[test]
    fn pictures_go_in_their_place_and_other_files_after() {
        use mail_parser::MimeHeaders;
        let file = |name: &str, kind: &str, id: Option<&str>| MailFile {
            filename: name.into(),
            content_type: kind.into(),
            content_id: id.map(Into::into),
            bytes: name.as_bytes().to_vec(),
        };
        let mail = Outgoing {
            to: "jane@example.com".into(),
            subject: "Screens".into(),
            text: "See".into(),
            html: Some("<p>See <img src=\"cid:pasted-1.png\"><img src=\"cid:a>\r\nBcc: x@evil.test\"></p>".into()),
            message_id: "<a@b>".into(),
            in_reply_to: None,
            references: None,
            files: vec![
                file("pasted-1.png", "image/png", Some("pasted-1.png")),
                file("log.txt", "text/plain", None),
                // Named, but not shown by this HTML: attached; so is one whose name is no header.
                file("logo.gif", "image/gif", Some("logo@x")),
                file("evil.png", "image/png", Some("a>\r\nBcc: x@evil.test")),
            ],
        };
        let (_, bytes) = format(&smtp(), &mail).unwrap();
        let parsed = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        let parts: Vec<(Option<&str>, Option<&str>, bool)> = parsed
            .attachments()
            .map(|a| (a.attachment_name(), a.content_id(), a.content_disposition().is_some_and(|d| d.is_inline())))
            .collect();
        assert_eq!(
            parts,
            vec![
                (Some("pasted-1.png"), Some("pasted-1.png"), true),
                (Some("log.txt"), None, false),
                (Some("logo.gif"), None, false),
                (Some("evil.png"), None, false)
            ]
        );
        let text = String::from_utf8_lossy(&bytes);
        assert!(parsed.bcc().is_none(), "{text}");
        for kind in ["multipart/mixed", "multipart/related", "multipart/alternative"] {
            assert!(text.contains(kind), "{kind} missing in\n{text}");
        }
        // Text only, one file: mixed.
        let plain = Outgoing { html: None, files: vec![file("log.txt", "text/plain", None)], ..mail };
        let (_, bytes) = format(&smtp(), &plain).unwrap();
        let parsed = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        assert_eq!(parsed.body_text(0).as_deref(), Some("See"));
        assert_eq!(parsed.attachments().filter_map(|a| a.attachment_name()).collect::<Vec<_>>(), vec!["log.txt"]);
    }
}
