//! Where a request comes from. Behind a reverse proxy every request arrives from the proxy's
//! address, so limits per address would hold every client back together; but a header anyone can
//! send cannot be believed either, or each request could claim a new address. So the client is
//! the TCP peer, unless the peer is one of the proxies the configuration file trusts
//! (`trusted_proxies`): then it is the nearest address in `X-Forwarded-For` that is not itself a
//! trusted proxy (proxies append, so addresses further left were written by the client).

use std::net::IpAddr;

use actix_web::{web, HttpRequest};
use ipnet::IpNet;

use crate::core::state::AppState;

/// The client's address, as far as the trusted proxies say (see the module's comment).
pub fn client_ip(req: &HttpRequest) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let forwarded = req.headers().get_all("X-Forwarded-For").filter_map(|v| v.to_str().ok());
    Some(resolve(peer, forwarded, trusted_proxies(req)))
}

fn resolve<'a>(peer: IpAddr, forwarded: impl Iterator<Item = &'a str>, trusted: &[IpNet]) -> IpAddr {
    let peer = canonical(peer);
    if !is_trusted(trusted, peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded.flat_map(|v| v.split(',')).collect();
    let mut nearest = peer;
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(ip) if is_trusted(trusted, ip) => nearest = ip,
            Some(ip) => return ip,
            // Not an address: what lies further left is the client's own writing.
            None => break,
        }
    }
    nearest
}

/// Whether the client reached us over HTTPS: a trusted proxy says so in `X-Forwarded-Proto`
/// (this server itself speaks plain HTTP).
pub fn is_https(req: &HttpRequest) -> bool {
    let from_trusted_proxy = req.peer_addr().is_some_and(|a| is_trusted(trusted_proxies(req), a.ip()));
    from_trusted_proxy
        && req
            .headers()
            .get("X-Forwarded-Proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

fn trusted_proxies(req: &HttpRequest) -> &[IpNet] {
    req.app_data::<web::Data<AppState>>().map(|s| s.config.trusted_proxies.as_slice()).unwrap_or(&[])
}

fn is_trusted(trusted: &[IpNet], ip: IpAddr) -> bool {
    let ip = canonical(ip);
    trusted.iter().any(|net| net.contains(&ip))
}

/// An IPv4 client on a dual-stack socket arrives as `::ffff:a.b.c.d`: the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// One `X-Forwarded-For` entry: `203.0.113.7`, `2001:db8::1`, `[2001:db8::1]:443` or `1.2.3.4:80`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    hop.parse::<std::net::SocketAddr>().ok().map(|a| canonical(a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(peer: &str, forwarded: &[&str], proxies: &[&str]) -> IpAddr {
        let trusted: Vec<IpNet> = proxies.iter().map(|p| crate::config::network(p).unwrap()).collect();
        resolve(peer.parse().unwrap(), forwarded.iter().copied(), &trusted)
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_peer_is_the_client_unless_it_is_a_trusted_proxy() {
        assert_eq!(client("192.0.2.1", &["10.9.9.9"], &[]), ip("192.0.2.1"));
        assert_eq!(client("192.0.2.1", &["10.9.9.9"], &["10.0.0.0/8"]), ip("192.0.2.1"));
        assert_eq!(client("10.0.0.2", &["203.0.113.7"], &["10.0.0.0/8"]), ip("203.0.113.7"));
    }

    #[test]
    fn the_nearest_untrusted_hop_counts_never_what_the_client_wrote_before_it() {
        assert_eq!(client("10.0.0.2", &["1.1.1.1, 203.0.113.7, 10.0.0.3"], &["10.0.0.0/8"]), ip("203.0.113.7"));
        assert_eq!(client("10.0.0.2", &["1.1.1.1", "203.0.113.7:443"], &["10.0.0.0/8"]), ip("203.0.113.7"));
        assert_eq!(client("10.0.0.2", &["evil, 10.0.0.3"], &["10.0.0.0/8"]), ip("10.0.0.3"));
        assert_eq!(client("10.0.0.2", &[], &["10.0.0.0/8"]), ip("10.0.0.2"));
        assert_eq!(client("::ffff:10.0.0.2", &["[2001:db8::1]:443"], &["10.0.0.2"]), ip("2001:db8::1"));
    }
}
