//! Sending one mail over SMTP (lettre), in two steps around the hand-over: everything up to the
//! server's "354 go ahead" can fail and be retried safely (the server has accepted nothing), but
//! once the message is on the wire an error leaves us unsure whether it arrived. The caller
//! records that moment (`before_handover`), so a crash or broken connection after it is never
//! answered by sending the mail a second time.

use std::future::Future;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::Message;
use shared::mail::MailSecurity;

use super::settings::Smtp;

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
    /// The ticket number, for the X-Oxidesk-Ticket header (filters in mail clients use it).
    pub ticket: Option<String>,
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
    let header = |name: &'static str, value: &str| HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_owned());
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
    let to: Mailbox = mail.to.parse().map_err(|e| SendError::Permanent(format!("the address {:?} is not valid: {e}", mail.to)))?;
    let mut builder = mark_automatic(Message::builder().from(from).to(to).subject(&mail.subject))
        .message_id(Some(mail.message_id.clone()));
    if let Some(id) = &mail.in_reply_to {
        builder = builder.in_reply_to(id.clone());
    }
    if let Some(refs) = &mail.references {
        builder = builder.references(refs.clone());
    }
    if let Some(number) = &mail.ticket {
        builder = builder.raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("X-Oxidesk-Ticket"), number.clone()));
    }
    let message = match &mail.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(mail.text.clone(), html.clone())),
        None => builder.singlepart(SinglePart::plain(mail.text.clone())),
    }
    .map_err(|e| SendError::Permanent(format!("the mail cannot be written: {e}")))?;
    Ok((message.envelope().clone(), message.formatted()))
}

/// A display name as a quoted string, so commas and angle brackets in a site name stay text.
fn quote_name(name: &str) -> String {
    let clean: String = name.chars().filter(|c| !c.is_control() && *c != '"' && *c != '\\').collect();
    format!("\"{}\"", clean.trim())
}

fn tls_parameters(host: &str, extra_ca: Option<&[u8]>) -> Result<TlsParameters, SendError> {
    let mut tls = TlsParameters::builder(host.to_owned());
    if let Some(pem) = extra_ca {
        let cert = Certificate::from_pem(pem).map_err(|e| SendError::Unreachable(format!("the mail CA file is not a PEM certificate: {e}")))?;
        tls = tls.add_root_certificate(cert);
    }
    tls.build_rustls().map_err(|e| SendError::Unreachable(format!("TLS setup failed: {e}")))
}

/// A failure before the hand-over: permanent only when the server said so about this mail (5xx
/// to a recipient); everything else is the server's or the settings' problem and clears up once
/// fixed.
fn before(step: &str, e: lettre::transport::smtp::Error, permanent_allowed: bool) -> SendError {
    let text = format!("{step}: {e}");
    if permanent_allowed && e.is_permanent() {
        SendError::Permanent(text)
    } else {
        SendError::Transient(text)
    }
}

/// A failure to connect, secure the connection or sign in.
fn unreachable(step: &str, e: lettre::transport::smtp::Error) -> SendError {
    SendError::Unreachable(format!("{step}: {e}"))
}

/// Connects, says hello (with STARTTLS when asked) and signs in.
async fn open(smtp: &Smtp, extra_ca: Option<&[u8]>, timeout: Duration) -> Result<AsyncSmtpConnection, SendError> {
    let hello = ClientId::default();
    let wrapper = match smtp.security {
        MailSecurity::Tls => Some(tls_parameters(&smtp.host, extra_ca)?),
        _ => None,
    };
    let address = (smtp.host.as_str(), smtp.port);
    let mut conn = AsyncSmtpConnection::connect_tokio1(address, Some(timeout), &hello, wrapper, None)
        .await
        .map_err(|e| unreachable(&format!("cannot connect to {}:{}", smtp.host, smtp.port), e))?;
    if smtp.security == MailSecurity::Starttls {
        let tls = tls_parameters(&smtp.host, extra_ca)?;
        conn.starttls(tls, &hello).await.map_err(|e| unreachable("STARTTLS failed", e))?;
    }
    if !smtp.user.is_empty() {
        let credentials = Credentials::new(smtp.user.clone(), smtp.password.clone());
        conn.auth(&[Mechanism::Plain, Mechanism::Login], &credentials)
            .await
            .map_err(|e| unreachable("the server refused the user name or password", e))?;
    }
    Ok(conn)
}

/// Sends one formatted mail. `before_handover` runs once the server is ready to take the
/// message, before a byte of it is sent; if it fails, nothing is sent.
pub async fn send<F, Fut>(
    smtp: &Smtp,
    extra_ca: Option<&[u8]>,
    timeout: Duration,
    envelope: &Envelope,
    bytes: &[u8],
    before_handover: F,
) -> Result<(), SendError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let mut conn = open(smtp, extra_ca, timeout).await?;
    let mut options = vec![];
    if !bytes.is_ascii() && conn.server_info().supports_feature(Extension::EightBitMime) {
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    conn.command(Mail::new(envelope.from().cloned(), options)).await.map_err(|e| before("the server refused the sender", e, false))?;
    for to in envelope.to() {
        conn.command(Rcpt::new(to.clone(), vec![])).await.map_err(|e| before(&format!("the server refused {to}"), e, true))?;
    }
    conn.command(Data).await.map_err(|e| before("the server refused the message", e, true))?;
    before_handover().await.map_err(SendError::Transient)?;
    match conn.message(bytes).await {
        Ok(_) => {
            let _ = conn.quit().await;
            Ok(())
        }
        Err(e) if e.is_permanent() => Err(SendError::Permanent(format!("the server refused the message: {e}"))),
        Err(e) if e.is_transient() => Err(SendError::Transient(format!("the server refused the message for now: {e}"))),
        Err(e) => Err(SendError::Unsure(format!("the connection broke while the message was handed over: {e}"))),
    }
}

/// The admin's "send test mail": connect, sign in, send, with the real settings.
pub async fn send_now(smtp: &Smtp, extra_ca: Option<&[u8]>, timeout: Duration, mail: &Outgoing) -> Result<(), SendError> {
    let (envelope, bytes) = format(smtp, mail)?;
    send(smtp, extra_ca, timeout, &envelope, &bytes, || async { Ok(()) }).await
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
            ticket: Some("TCK-1".into()),
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
            "X-Oxidesk-Ticket: TCK-1",
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
            ticket: None,
        };
        assert!(matches!(format(&smtp(), &mail), Err(SendError::Permanent(_))));
    }
}
