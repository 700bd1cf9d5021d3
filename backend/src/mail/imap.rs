//! Reading a support mailbox over IMAP (async-imap on tokio, TLS by tokio-rustls/ring).
//!
//! One short session per call: [`check`] answers the admin's "test IMAP connection", [`fetch`]
//! hands waiting mail to a handler and only then marks it handled on the server. Nothing is kept
//! between calls, so a worker can simply call [`fetch`] on every poll tick.
//!
//! Delivery is *at least once*: a crash (or a lost connection) between a successful `handle` and
//! the \Seen/MOVE on the server makes the same message come again next time, so the handler must
//! be idempotent (deduplicate by Message-ID).
//!
//! async-imap has no timeouts of its own; every network step here is wrapped in
//! `tokio::time::timeout(account.timeout)`.
//!
//! The connection goes only where the outgoing policy allows (`core::net`), and errors say what
//! failed in our words: nothing the server wrote (a greeting, a NO's text) is ever part of one.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use async_imap::error::Error as ImapLibError;
use async_imap::imap_proto::{Response, Status};
use futures_util::TryStreamExt;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::config::OutboundConfig;
use crate::core::net;

/// How the connection is secured; the admin picks it together with the port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// No encryption (port 143): only for test servers or a trusted local network.
    Plain,
    /// Plain connect, then `STARTTLS` (port 143). Fails when the server does not offer it,
    /// never falls back to plain text.
    StartTls,
    /// TLS from the first byte (port 993).
    Tls,
}

/// Everything needed to reach one mailbox; built from the settings for each call.
#[derive(Clone)]
pub struct Account {
    /// Host name or IP address; also the name the TLS certificate must be valid for.
    pub host: String,
    /// TCP port (usually 993 for [`Security::Tls`], 143 otherwise).
    pub port: u16,
    /// Connection security.
    pub security: Security,
    /// Login name.
    pub user: String,
    /// Login password (never shown by `Debug`).
    pub password: String,
    /// Folder to read, usually `INBOX`. Non-ASCII names are fine (encoded as modified UTF-7 here).
    pub folder: String,
    /// `Some(name)`: move handled mail into this folder (created when missing), which is robust
    /// against people reading the mailbox with another client. `None` (or an empty name): only
    /// set \Seen, and only unseen mail counts as waiting.
    pub processed_folder: Option<String>,
    /// A PEM certificate (or several) to trust besides the system roots, e.g. a self-signed server.
    pub extra_ca_pem: Option<Vec<u8>>,
    /// Limit for connecting and for every single IMAP command (must be > 0).
    pub timeout: Duration,
    /// The networks besides the public internet the connection may go to.
    pub outbound: OutboundConfig,
}

/// Hand-written so that logging an `Account` never leaks the password.
impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("folder", &self.folder)
            .field("processed_folder", &self.processed_folder)
            .field("extra_ca_pem", &self.extra_ca_pem.as_ref().map(|p| format!("{} bytes", p.len())))
            .field("timeout", &self.timeout)
            .field("outbound", &self.outbound)
            .finish()
    }
}

impl Account {
    /// `host:port` (IPv6 in brackets) for messages.
    fn server(&self) -> String {
        net::host_port(&self.host, self.port)
    }

    /// The processed folder, treating a blank setting like "none".
    fn processed(&self) -> Option<&str> {
        self.processed_folder.as_deref().map(str::trim).filter(|f| !f.is_empty())
    }
}

/// Why talking to the mailbox failed. The `Display` text is meant for an administrator: it names
/// the server and the kind of failure, never the server's own words (which a foreign service on
/// that port chooses). In every variant `server` is `host:port` and `detail` says what went wrong.
#[derive(thiserror::Error, Debug)]
pub enum ImapError {
    /// No TCP connection or no usable greeting: server down, wrong host/port, firewall, an
    /// address the outgoing policy refuses, a service that is not IMAP.
    #[error("cannot connect to {server}: {detail}")]
    Connect {
        /// `host:port`.
        server: String,
        /// E.g. "connection refused", "the address 127.0.0.1 is not allowed: …".
        detail: String,
    },
    /// TLS could not be set up: untrusted or wrong certificate, no STARTTLS offered,
    /// TLS chosen for a plain port, unusable extra CA certificate.
    #[error("TLS with {server} failed: {detail}")]
    Tls {
        /// `host:port`.
        server: String,
        /// What was wrong, with a hint what to change.
        detail: String,
    },
    /// The server refused the user name or password.
    #[error("{server} refused the sign-in of {user:?}{detail}")]
    Login {
        /// `host:port`.
        server: String,
        /// The login name that was refused (never the password).
        user: String,
        /// Empty, or why it could not even be tried (", which contains a line break").
        detail: &'static str,
    },
    /// The folder (or the processed folder) does not exist, cannot be created or used.
    #[error("folder {folder:?} on {server}: {detail}")]
    Folder {
        /// `host:port`.
        server: String,
        /// The folder name as configured.
        folder: String,
        /// E.g. "the server refused it (SELECT)".
        detail: String,
    },
    /// The connection broke after it was established.
    #[error("connection to {server} failed during {step}: {detail}")]
    Network {
        /// `host:port`.
        server: String,
        /// The IMAP command or phase, e.g. "UID FETCH".
        step: &'static str,
        /// E.g. "connection reset".
        detail: String,
    },
    /// The server refused a command or sent something that is not IMAP.
    #[error("IMAP error from {server} during {step}: {detail}")]
    Protocol {
        /// `host:port`.
        server: String,
        /// The IMAP command or phase, e.g. "UID STORE".
        step: &'static str,
        /// "the server refused it", "an answer that is not IMAP"….
        detail: String,
    },
    /// The server did not answer within `Account::timeout`.
    #[error("{server} did not answer within {after:?} ({step})")]
    Timeout {
        /// `host:port`.
        server: String,
        /// What we were waiting for, e.g. "login".
        step: &'static str,
        /// The configured timeout.
        after: Duration,
    },
}

/// Answer of [`check`]: what the admin's "test IMAP connection" shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FolderInfo {
    /// Messages in the folder.
    pub messages: u32,
    /// Messages without \Seen.
    pub unseen: u32,
}

/// Result of one [`fetch`] call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    /// Messages the handler accepted and that were then marked (and moved) on the server.
    pub handled: usize,
    /// More mail is waiting (more than `max`, or the handler stopped the batch): poll again soon.
    pub remaining: bool,
    /// Messages the server returned no body for (usually expunged by another client meanwhile);
    /// left untouched.
    pub skipped: usize,
    /// The handler's error when it stopped the batch; that message is fetched again next time.
    pub handler_error: Option<String>,
}

/// Connects, logs in and looks at `account.folder` read-only (EXAMINE), so the admin can test
/// the settings without changing anything.
pub async fn check(account: &Account) -> Result<FolderInfo, ImapError> {
    let mut session = open(account).await?;
    let info = folder_info(&mut session, account).await;
    close(&mut session, account, still_usable(&info)).await;
    info
}

/// Fetches up to `max` messages waiting in `account.folder`, oldest (lowest UID) first, hands each
/// raw message to `handle`, and only after `handle` returned `Ok` marks it \Seen (and moves it to
/// the processed folder when one is set).
///
/// Waiting mail is:
/// * with a processed folder: every message still in the folder that is not flagged \Deleted,
///   *including* \Seen ones — handled mail is moved out, so whatever is left is still to do, even
///   when somebody read it with another mail client (so enabling this on a mailbox full of old
///   read mail imports all of it);
/// * without: messages neither \Seen nor \Deleted (the only signal there is).
///
/// `handle` returning `Err` stops the batch (e.g. the database is down): that message stays
/// unseen and unmoved, is fetched again next time, and the error is in [`Batch::handler_error`].
/// Mail is fetched with `BODY.PEEK[]`, which never sets \Seen by itself.
pub async fn fetch<F, Fut, E>(account: &Account, max: usize, handle: F) -> Result<Batch, ImapError>
where
    F: FnMut(Vec<u8>) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: fmt::Display,
{
    check_processed_folder(account)?;
    let mut session = open(account).await?;
    let batch = fetch_batch(&mut session, account, max, handle).await;
    close(&mut session, account, still_usable(&batch)).await;
    batch
}

// ------------------------------------------------------------------------------------------------
// connection

/// Any of the three stream kinds, so one `Session` type serves all security modes.
trait Io: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug> Io for T {}

type Conn = Box<dyn Io>;
type Client = async_imap::Client<Conn>;
type Session = async_imap::Session<Conn>;

/// Connect, secure, log in.
async fn open(acc: &Account) -> Result<Session, ImapError> {
    let tcp = tcp_connect(acc).await?;
    let client = match acc.security {
        Security::Plain => {
            let mut client = Client::new(Box::new(tcp));
            greeting(acc, &mut client).await?;
            client
        }
        Security::Tls => implicit_tls(acc, tcp).await?,
        Security::StartTls => starttls(acc, tcp).await?,
    };
    login(acc, client).await
}

async fn tcp_connect(acc: &Account) -> Result<TcpStream, ImapError> {
    let tcp = net::connect(&acc.outbound, &acc.host, acc.port, acc.timeout).await.map_err(|e| match e {
        net::ConnectError::Timeout(after) => ImapError::Timeout { server: acc.server(), step: "connecting", after },
        other => ImapError::Connect { server: acc.server(), detail: other.to_string() },
    })?;
    // Commands go out in small writes: without this, Nagle's algorithm holds some until the
    // server's delayed ACK (tens of milliseconds per message fetched).
    tcp.set_nodelay(true).map_err(|e| ImapError::Connect { server: acc.server(), detail: io_text(&e) })?;
    Ok(tcp)
}

/// Implicit TLS: handshake first, then the greeting arrives encrypted.
async fn implicit_tls(acc: &Account, tcp: TcpStream) -> Result<Client, ImapError> {
    let stream = tls_handshake(acc, tcp).await?;
    let mut client = Client::new(Box::new(stream));
    greeting(acc, &mut client).await?;
    Ok(client)
}

/// STARTTLS: plain greeting, `STARTTLS`, handshake; the server sends no second greeting.
/// A server without STARTTLS answers NO/BAD, which is an error: never continue in plain text.
async fn starttls(acc: &Account, tcp: TcpStream) -> Result<Client, ImapError> {
    let mut plain = async_imap::Client::new(tcp);
    greeting(acc, &mut plain).await?;
    match timed(acc, "STARTTLS", plain.run_command_and_check_ok("STARTTLS", None)).await? {
        Ok(()) => {}
        Err(ImapLibError::No(_) | ImapLibError::Bad(_)) => {
            return Err(ImapError::Tls { server: acc.server(), detail: "the server does not offer STARTTLS".into() })
        }
        Err(e) => return Err(command_error(acc, "STARTTLS", e)),
    }
    let stream = tls_handshake(acc, plain.into_inner()).await?;
    Ok(Client::new(Box::new(stream)))
}

/// Reads the server's first line; only `* OK` lets us go on.
async fn greeting<T>(acc: &Account, client: &mut async_imap::Client<T>) -> Result<(), ImapError>
where
    T: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug,
{
    let connect_err = |detail: String| ImapError::Connect { server: acc.server(), detail };
    let response = timed(acc, "waiting for the server greeting", client.read_response())
        .await?
        .map_err(|e| connect_err(format!("no IMAP greeting: {} (do port and security setting match?)", io_text(&e))))?
        .ok_or_else(|| connect_err("no IMAP greeting: the server closed the connection".into()))?;
    match response.parsed() {
        Response::Data { status: Status::Ok, .. } => Ok(()),
        Response::Data { status: Status::Bye, .. } => {
            Err(connect_err("the server refused the connection (BYE)".into()))
        }
        // PREAUTH skips LOGIN (and, before STARTTLS, would skip TLS): not supported on purpose.
        Response::Data { status: Status::PreAuth, .. } => Err(ImapError::Protocol {
            server: acc.server(),
            step: "greeting",
            detail: "the server pre-authenticated the connection (PREAUTH), which is not supported".into(),
        }),
        _ => Err(connect_err("no IMAP greeting: the first answer is something else (it is not an IMAP server)".into())),
    }
}

async fn login(acc: &Account, client: Client) -> Result<Session, ImapError> {
    match timed(acc, "login", client.login(&acc.user, &acc.password)).await? {
        Ok(session) => Ok(session),
        Err((e, _client)) => {
            let login_err = |detail| ImapError::Login { server: acc.server(), user: acc.user.clone(), detail };
            Err(match e {
                ImapLibError::No(_) | ImapLibError::Bad(_) => login_err(""),
                ImapLibError::Validate(_) => login_err(": the user name or password contains a line break"),
                other => command_error(acc, "login", other),
            })
        }
    }
}

/// Ends a session: drops queued unsolicited responses, and says LOGOUT when the connection is
/// still usable (after an error it may be mid-command; dropping it closes the socket anyway).
async fn close(session: &mut Session, acc: &Account, healthy: bool) {
    drain_unsolicited(session);
    if healthy {
        let _ = timed(acc, "LOGOUT", session.logout()).await;
    }
}

/// After success or a refused folder the session is in a clean state; after a timeout or a
/// broken stream it may be mid-command, and LOGOUT would only wait for another timeout.
fn still_usable<T>(result: &Result<T, ImapError>) -> bool {
    matches!(result, Ok(_) | Err(ImapError::Folder { .. }))
}

/// async-imap queues untagged EXISTS/EXPUNGE/FETCH/... in a bounded channel we don't need.
fn drain_unsolicited(session: &mut Session) {
    while session.unsolicited_responses.try_recv().is_ok() {}
}

// ------------------------------------------------------------------------------------------------
// TLS

/// rustls with the ring provider; trusted roots = system roots + the account's extra PEM.
fn tls_connector(acc: &Account) -> Result<tokio_rustls::TlsConnector, ImapError> {
    super::tls::connector(acc.extra_ca_pem.as_deref()).map_err(|detail| ImapError::Tls { server: acc.server(), detail })
}

async fn tls_handshake<S>(acc: &Account, stream: S) -> Result<tokio_rustls::client::TlsStream<S>, ImapError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let connector = tls_connector(acc)?;
    let name = ServerName::try_from(acc.host.clone()).map_err(|e| ImapError::Tls {
        server: acc.server(),
        detail: format!("{:?} cannot be checked against a certificate: {e}", acc.host),
    })?;
    timed(acc, "TLS handshake", connector.connect(name, stream)).await?.map_err(|e| ImapError::Tls {
        server: acc.server(),
        detail: super::tls::failure(&e).map_or_else(|| io_text(&e), str::to_owned),
    })
}

// ------------------------------------------------------------------------------------------------
// commands

/// Runs one network step under the account's timeout.
async fn timed<F: Future>(acc: &Account, step: &'static str, fut: F) -> Result<F::Output, ImapError> {
    timed_within(acc, acc.timeout, step, fut).await
}

async fn timed_within<F: Future>(
    acc: &Account,
    limit: Duration,
    step: &'static str,
    fut: F,
) -> Result<F::Output, ImapError> {
    tokio::time::timeout(limit, fut).await.map_err(|_| ImapError::Timeout { server: acc.server(), step, after: limit })
}

/// [`timed`] for an async-imap call whose errors need no special meaning.
async fn run<T>(
    acc: &Account,
    step: &'static str,
    fut: impl Future<Output = async_imap::error::Result<T>>,
) -> Result<T, ImapError> {
    timed(acc, step, fut).await?.map_err(|e| command_error(acc, step, e))
}

fn command_error(acc: &Account, step: &'static str, e: ImapLibError) -> ImapError {
    let server = acc.server();
    match e {
        ImapLibError::Io(io) => ImapError::Network { server, step, detail: io_text(&io) },
        ImapLibError::ConnectionLost => {
            ImapError::Network { server, step, detail: "the server closed the connection".into() }
        }
        ImapLibError::No(_) | ImapLibError::Bad(_) => {
            ImapError::Protocol { server, step, detail: "the server refused it".into() }
        }
        other => {
            tracing::debug!(server, step, error = %other, "IMAP step failed");
            ImapError::Protocol { server, step, detail: "an answer that is not IMAP".into() }
        }
    }
}

/// Errors of commands naming a folder: a NO/BAD there means "this folder does not work".
fn folder_error(acc: &Account, folder: &str, step: &'static str, e: ImapLibError) -> ImapError {
    let folder_err = |detail: String| ImapError::Folder { server: acc.server(), folder: folder.to_owned(), detail };
    match e {
        ImapLibError::No(_) | ImapLibError::Bad(_) => folder_err(format!("the server refused it ({step})")),
        ImapLibError::Validate(_) => folder_err("the name contains a line break".into()),
        other => command_error(acc, step, other),
    }
}

async fn folder_info(s: &mut Session, acc: &Account) -> Result<FolderInfo, ImapError> {
    // EXAMINE rather than STATUS: read-only like STATUS, but also proves the folder can be
    // selected, and async-imap's STATUS silently reports 0 when the server spells the name
    // differently (e.g. "inbox" vs "INBOX").
    let mailbox = timed(acc, "EXAMINE", s.examine(mutf7(&acc.folder)))
        .await?
        .map_err(|e| folder_error(acc, &acc.folder, "EXAMINE", e))?;
    let unseen = run(acc, "UID SEARCH", s.uid_search("UNSEEN")).await?.len();
    Ok(FolderInfo { messages: mailbox.exists, unseen: u32::try_from(unseen).unwrap_or(u32::MAX) })
}

/// Moving mail into the folder it comes from would hand it out again forever.
fn check_processed_folder(acc: &Account) -> Result<(), ImapError> {
    let Some(processed) = acc.processed() else {
        return Ok(());
    };
    let same = processed == acc.folder
        || (processed.eq_ignore_ascii_case("INBOX") && acc.folder.eq_ignore_ascii_case("INBOX"));
    if same {
        return Err(ImapError::Folder {
            server: acc.server(),
            folder: processed.to_owned(),
            detail: "the folder for processed mail must differ from the folder that is read".into(),
        });
    }
    Ok(())
}

/// What the server can do that matters for moving mail.
#[derive(Clone, Copy, Debug, Default)]
struct Caps {
    /// RFC 6851 `MOVE`.
    moves: bool,
    /// RFC 4315 `UID EXPUNGE`.
    uidplus: bool,
}

async fn caps(s: &mut Session, acc: &Account) -> Result<Caps, ImapError> {
    let caps = run(acc, "CAPABILITY", s.capabilities()).await?;
    Ok(Caps { moves: caps.has_str("MOVE"), uidplus: caps.has_str("UIDPLUS") })
}

async fn fetch_batch<F, Fut, E>(s: &mut Session, acc: &Account, max: usize, mut handle: F) -> Result<Batch, ImapError>
where
    F: FnMut(Vec<u8>) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: fmt::Display,
{
    let processed = acc.processed();
    let caps = match processed {
        Some(folder) => {
            ensure_folder(s, acc, folder).await?;
            caps(s, acc).await?
        }
        None => Caps::default(),
    };
    timed(acc, "SELECT", s.select(mutf7(&acc.folder)))
        .await?
        .map_err(|e| folder_error(acc, &acc.folder, "SELECT", e))?;
    let uids = waiting_uids(s, acc, processed.is_some()).await?;
    let mut batch = Batch { remaining: uids.len() > max, ..Batch::default() };
    for &uid in uids.iter().take(max) {
        let Some(raw) = fetch_body(s, acc, uid).await? else {
            tracing::warn!(server = %acc.server(), folder = %acc.folder, uid, "IMAP server returned no body; message skipped");
            batch.skipped += 1;
            continue;
        };
        if let Err(e) = handle(raw).await {
            tracing::warn!(server = %acc.server(), folder = %acc.folder, uid, error = %e,
                "handling an incoming message failed; it stays on the server and is retried");
            batch.handler_error = Some(e.to_string());
            batch.remaining = true;
            break;
        }
        mark_handled(s, acc, uid, processed, caps).await?;
        batch.handled += 1;
        drain_unsolicited(s);
    }
    Ok(batch)
}

/// UIDs of waiting mail in ascending order (UIDs grow with arrival, so: oldest first).
async fn waiting_uids(s: &mut Session, acc: &Account, moving: bool) -> Result<Vec<u32>, ImapError> {
    // UNDELETED: a \Deleted message was thrown away by a person, or already copied by our
    // COPY/EXPUNGE fallback whose EXPUNGE did not happen — either way not to be handled again.
    let criteria = if moving { "UNDELETED" } else { "UNSEEN UNDELETED" };
    let mut uids: Vec<u32> = run(acc, "UID SEARCH", s.uid_search(criteria)).await?.into_iter().collect();
    uids.sort_unstable();
    Ok(uids)
}

/// The raw message; `None` when the server sent no body for that UID.
async fn fetch_body(s: &mut Session, acc: &Account, uid: u32) -> Result<Option<Vec<u8>>, ImapError> {
    let size = message_size(s, acc, uid).await?;
    // The stream borrows the session: collect it completely before the next command. Other
    // messages' FETCH responses (flag changes) may be mixed in, hence the UID filter.
    let download = async { s.uid_fetch(uid.to_string(), "(UID BODY.PEEK[])").await?.try_collect::<Vec<_>>().await };
    let fetches = timed_within(acc, download_limit(acc.timeout, size), "UID FETCH", download)
        .await?
        .map_err(|e| command_error(acc, "UID FETCH", e))?;
    Ok(fetches.iter().filter(|f| f.uid == Some(uid)).find_map(|f| f.body()).map(<[u8]>::to_vec))
}

/// RFC822.SIZE of one message (0 when the server does not say).
async fn message_size(s: &mut Session, acc: &Account, uid: u32) -> Result<u32, ImapError> {
    let fetches: Vec<async_imap::types::Fetch> =
        run(acc, "UID FETCH", async { s.uid_fetch(uid.to_string(), "(UID RFC822.SIZE)").await?.try_collect().await })
            .await?;
    Ok(fetches.iter().filter(|f| f.uid == Some(uid)).find_map(|f| f.size).unwrap_or(0))
}

/// The timeout plus one second per 128 KiB: a big attachment on a slow link must not time out
/// on every poll and so block all mail behind it.
fn download_limit(timeout: Duration, size: u32) -> Duration {
    timeout + Duration::from_secs(u64::from(size / (128 * 1024)))
}

/// \Seen, then (with a processed folder) MOVE, or COPY + \Deleted + (UID) EXPUNGE without MOVE.
async fn mark_handled(
    s: &mut Session,
    acc: &Account,
    uid: u32,
    target: Option<&str>,
    caps: Caps,
) -> Result<(), ImapError> {
    let set = uid.to_string();
    add_flag(s, acc, &set, "\\Seen").await?;
    let Some(target) = target else { return Ok(()) };
    let target_name = mutf7(target);
    if caps.moves {
        return timed(acc, "UID MOVE", s.uid_mv(&set, &target_name))
            .await?
            .map_err(|e| folder_error(acc, target, "UID MOVE", e));
    }
    timed(acc, "UID COPY", s.uid_copy(&set, &target_name))
        .await?
        .map_err(|e| folder_error(acc, target, "UID COPY", e))?;
    add_flag(s, acc, &set, "\\Deleted").await?;
    if caps.uidplus {
        run(acc, "UID EXPUNGE", async { s.uid_expunge(&set).await?.try_collect::<Vec<_>>().await }).await?;
    } else {
        // Without UIDPLUS, EXPUNGE also removes mail another client flagged \Deleted (which it
        // wanted gone anyway); there is no narrower command.
        run(acc, "EXPUNGE", async { s.expunge().await?.try_collect::<Vec<_>>().await }).await?;
    }
    Ok(())
}

async fn add_flag(s: &mut Session, acc: &Account, set: &str, flag: &str) -> Result<(), ImapError> {
    let query = format!("+FLAGS.SILENT ({flag})");
    run(acc, "UID STORE", async { s.uid_store(set, &query).await?.try_collect::<Vec<_>>().await }).await?;
    Ok(())
}

/// Makes sure the processed folder exists (LIST, then CREATE + SUBSCRIBE when missing).
async fn ensure_folder(s: &mut Session, acc: &Account, folder: &str) -> Result<(), ImapError> {
    let name = mutf7(folder);
    if folder_exists(s, acc, &name).await? {
        return Ok(());
    }
    if let Err(e) = timed(acc, "CREATE", s.create(&name)).await? {
        // Another worker may have created it in the meantime.
        if folder_exists(s, acc, &name).await? {
            return Ok(());
        }
        return Err(folder_error(acc, folder, "CREATE", e));
    }
    tracing::info!(server = %acc.server(), folder, "created the IMAP folder for processed mail");
    // Many mail clients show only subscribed folders. A refused SUBSCRIBE harms nothing (a
    // timeout still ends the session: the connection's state is unknown then).
    if let Err(e) = timed(acc, "SUBSCRIBE", s.subscribe(&name)).await? {
        tracing::debug!(server = %acc.server(), folder, error = %e, "SUBSCRIBE failed");
    }
    Ok(())
}

/// `name` is already modified UTF-7, as the server lists it.
async fn folder_exists(s: &mut Session, acc: &Account, name: &str) -> Result<bool, ImapError> {
    // async-imap puts the LIST pattern into the command unquoted: quote it here.
    let pattern = quote(name);
    let names: Vec<async_imap::types::Name> =
        run(acc, "LIST", async { s.list(Some(""), Some(&pattern)).await?.try_collect().await }).await?;
    Ok(names.iter().any(|n| n.name() == name))
}

// ------------------------------------------------------------------------------------------------
// text helpers

/// IMAP quoted string.
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Folder name → IMAP "modified UTF-7" (RFC 3501 5.1.3), which servers expect for non-ASCII
/// names. Also keeps control characters (CR/LF) out of commands.
fn mutf7(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending: Vec<u16> = Vec::new();
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush_utf16(&mut out, &mut pending);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            pending.extend_from_slice(c.encode_utf16(&mut [0; 2]));
        }
    }
    flush_utf16(&mut out, &mut pending);
    out
}

fn flush_utf16(out: &mut String, pending: &mut Vec<u16>) {
    if pending.is_empty() {
        return;
    }
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
    let bytes: Vec<u8> = pending.drain(..).flat_map(u16::to_be_bytes).collect();
    out.push('&');
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        // base64 without padding: 1 byte → 2 chars, 2 → 3, 3 → 4
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out.push('-');
}

/// "connection refused" rather than "Connection refused (os error 111)". Errors that are not
/// the system's carry async-imap's parse error, which quotes what the server sent: never shown.
fn io_text(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        _ if e.raw_os_error().is_some() => e.kind().to_string(),
        K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
            "the server closed the connection".into()
        }
        _ => {
            tracing::debug!(error = %e, "IMAP answer not understood");
            "an answer that is not IMAP".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modified_utf7() {
        assert_eq!(mutf7("INBOX"), "INBOX");
        assert_eq!(mutf7("Entwürfe"), "Entw&APw-rfe");
        assert_eq!(mutf7("Erledigt ✓"), "Erledigt &JxM-");
        assert_eq!(mutf7("Sales & Support"), "Sales &- Support");
        assert_eq!(mutf7("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-"); // RFC 3501's example
        assert_eq!(mutf7("a\r\nb"), "a&AA0ACg-b");
    }

    #[test]
    fn big_messages_get_more_time() {
        let t = Duration::from_secs(30);
        assert_eq!(download_limit(t, 0), t);
        assert_eq!(download_limit(t, 25 * 1024 * 1024), Duration::from_secs(30 + 200));
    }

    #[test]
    fn debug_hides_the_password() {
        let acc = Account {
            host: "h".into(),
            port: 1,
            security: Security::Tls,
            user: "u".into(),
            password: "hunter2".into(),
            folder: "INBOX".into(),
            processed_folder: None,
            extra_ca_pem: None,
            timeout: Duration::from_secs(1),
            outbound: OutboundConfig::default(),
        };
        assert!(!format!("{acc:?}").contains("hunter2"));
    }
}
