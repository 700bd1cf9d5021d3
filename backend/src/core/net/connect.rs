//! Opening a TCP connection under the policy: the host name is resolved once, every address it
//! gave is checked, and the connection goes to exactly a checked address. Handing the name to
//! `TcpStream::connect` instead would resolve it a second time, and a DNS server that answers
//! first with a public address and then with 169.254.169.254 (DNS rebinding) would win.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::time::Instant;

use super::address::{check, Refused};
use crate::config::OutboundConfig;

/// Why no connection was made. The texts are the desk's own: nothing a remote side said.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Every address of the host is one the policy refuses.
    #[error(transparent)]
    Refused(#[from] Refused),
    /// The name has no address (or the resolver failed).
    #[error("the host name {0:?} could not be resolved")]
    Unresolved(String),
    /// Resolving and connecting together took longer than allowed.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The connection itself failed: "connection refused", "host unreachable"…
    #[error("{0}")]
    Io(std::io::ErrorKind),
}

/// `host:port` for messages, an IPv6 address in brackets.
pub fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// The addresses `host` stands for: an IP address (IPv6 in brackets or not) is itself, a name is
/// asked of the system's resolver once.
pub async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, ConnectError> {
    let literal = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    if let Ok(ip) = literal.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let found: Vec<SocketAddr> =
        tokio::net::lookup_host((host, port)).await.map_err(|_| ConnectError::Unresolved(host.to_owned()))?.collect();
    if found.is_empty() {
        return Err(ConnectError::Unresolved(host.to_owned()));
    }
    Ok(found)
}

/// The addresses of `found` the policy allows, in the resolver's order; when there is none, the
/// refusal of the first.
pub fn allowed(found: &[SocketAddr], outbound: &OutboundConfig) -> Result<Vec<SocketAddr>, Refused> {
    let mut first_refusal = None;
    let mut open = Vec::new();
    for addr in found {
        match check(addr.ip(), &outbound.allow) {
            Ok(()) => open.push(*addr),
            Err(refused) => {
                first_refusal.get_or_insert(refused);
            }
        }
    }
    match (open.is_empty(), first_refusal) {
        (true, Some(refused)) => Err(refused),
        _ => Ok(open),
    }
}

/// A TCP connection to `host:port` at an address the policy allows, within `timeout` for
/// resolving and connecting together. Addresses are tried in the resolver's order (an IPv6 one
/// that does not answer falls back to IPv4); refused ones are never tried.
pub async fn connect(
    outbound: &OutboundConfig,
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<TcpStream, ConnectError> {
    let deadline = Instant::now() + timeout;
    let found =
        tokio::time::timeout_at(deadline, resolve(host, port)).await.map_err(|_| ConnectError::Timeout(timeout))??;
    let mut last = ConnectError::Unresolved(host.to_owned());
    for addr in allowed(&found, outbound)? {
        match tokio::time::timeout_at(deadline, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => return Ok(stream),
            Ok(Err(e)) => last = ConnectError::Io(e.kind()),
            Err(_) => return Err(ConnectError::Timeout(timeout)),
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow(list: &[&str]) -> OutboundConfig {
        OutboundConfig { allow: list.iter().map(|n| n.parse().unwrap()).collect() }
    }

    #[tokio::test]
    async fn a_refused_address_is_never_connected_to() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let none = allow(&[]);
        match connect(&none, "127.0.0.1", port, Duration::from_secs(5)).await {
            Err(ConnectError::Refused(r)) => assert_eq!(r.address.to_string(), "127.0.0.1"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        // The first connection the listener sees is the allowed one: the refused one never knocked.
        let stream = connect(&allow(&["127.0.0.0/8"]), "[127.0.0.1]", port, Duration::from_secs(5)).await.unwrap();
        let (_, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, stream.local_addr().unwrap());
    }

    #[tokio::test]
    async fn names_are_resolved_once_and_checked() {
        let found = resolve("localhost", 25).await.unwrap();
        assert!(found.iter().all(|a| a.ip().is_loopback()), "{found:?}");
        assert!(matches!(allowed(&found, &allow(&[])), Err(Refused { .. })));
        let ip = |t: &str| SocketAddr::new(t.parse().unwrap(), 25);
        // A name with a public and a private address: only the public one is used.
        assert_eq!(allowed(&[ip("10.0.0.1"), ip("192.0.1.1")], &allow(&[])), Ok(vec![ip("192.0.1.1")]));
        assert!(matches!(resolve("no-such-host.invalid", 25).await, Err(ConnectError::Unresolved(_))));
        assert_eq!(resolve("[::1]", 993).await.unwrap(), [ip("::1")].map(|a| SocketAddr::new(a.ip(), 993)));
    }
}
