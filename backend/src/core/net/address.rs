//! Which addresses the desk may connect to. Everything the public internet reaches is allowed;
//! the special ranges of the IANA registries (this machine, private and link-local networks,
//! cloud metadata services, multicast and the rest) are refused unless the administrator opened
//! a network in `oxidesk.toml` (`[outbound] allow`). IPv6 forms that carry an IPv4 address
//! (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`) are judged by
//! that IPv4 address, since that is where the packets go.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// Why an address is not a public one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// 127.0.0.0/8, ::1: this machine's own services.
    Loopback,
    /// RFC 1918 (10/8, 172.16/12, 192.168/16), unique local fc00::/7, site-local fec0::/10.
    Private,
    /// 169.254/16, fe80::/10.
    LinkLocal,
    /// The instance metadata services of cloud providers, which hand out credentials.
    CloudMetadata,
    /// 0.0.0.0/8 and ::, which Linux connects to as this machine.
    Unspecified,
    /// 224.0.0.0/4, ff00::/8.
    Multicast,
    /// 255.255.255.255.
    Broadcast,
    /// 100.64.0.0/10 (RFC 6598): the provider's side of a carrier-grade NAT.
    SharedAddress,
    /// Documentation, benchmarking, protocol assignments and future use: never a real server.
    Reserved,
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Class::Loopback => "a loopback address of this machine",
            Class::Private => "a private network address",
            Class::LinkLocal => "a link-local address",
            Class::CloudMetadata => "a cloud metadata service",
            Class::Unspecified => "an unspecified address, which reaches this machine",
            Class::Multicast => "a multicast address",
            Class::Broadcast => "the broadcast address",
            Class::SharedAddress => "a shared (carrier-grade NAT) address",
            Class::Reserved => "a reserved address (documentation, benchmarking or future use)",
        })
    }
}

/// An address the policy refuses, and why; its text is what an administrator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the address {address} is not allowed: it is {class}; an administrator may allow its network in oxidesk.toml ([outbound] allow)")]
pub struct Refused {
    pub address: IpAddr,
    pub class: Class,
}

/// The metadata services of AWS, GCP, Azure, Oracle, DigitalOcean, OpenStack (169.254.169.254),
/// AWS ECS tasks (169.254.170.2) and Alibaba (100.100.100.200).
const METADATA_V4: [Ipv4Addr; 3] =
    [Ipv4Addr::new(169, 254, 169, 254), Ipv4Addr::new(169, 254, 170, 2), Ipv4Addr::new(100, 100, 100, 200)];
/// AWS's metadata service over IPv6.
const METADATA_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254);

/// What is special about an address; `None` for a public one.
pub fn classify(address: IpAddr) -> Option<Class> {
    match address {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => classify_v4(v4),
            None => classify_v6(v6),
        },
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<Class> {
    let [a, b, c, _] = ip.octets();
    let class = if METADATA_V4.contains(&ip) {
        Class::CloudMetadata
    } else if a == 0 {
        Class::Unspecified
    } else if a == 127 {
        Class::Loopback
    } else if a == 10 || (a == 172 && (16..32).contains(&b)) || (a == 192 && b == 168) {
        Class::Private
    } else if a == 169 && b == 254 {
        Class::LinkLocal
    } else if a == 100 && (64..128).contains(&b) {
        Class::SharedAddress
    } else if ip.is_broadcast() {
        Class::Broadcast
    } else if (224..240).contains(&a) {
        Class::Multicast
    } else if a >= 240
        || (a == 192 && b == 0 && (c == 0 || c == 2))
        || (a == 198 && (b == 18 || b == 19))
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
    {
        Class::Reserved
    } else {
        return None;
    };
    Some(class)
}

fn classify_v6(ip: Ipv6Addr) -> Option<Class> {
    let s = ip.segments();
    let class = if ip == METADATA_V6 {
        Class::CloudMetadata
    } else if ip.is_unspecified() {
        Class::Unspecified
    } else if ip.is_loopback() {
        Class::Loopback
    } else if s[0] & 0xfe00 == 0xfc00 || s[0] & 0xffc0 == 0xfec0 {
        Class::Private
    } else if s[0] & 0xffc0 == 0xfe80 {
        Class::LinkLocal
    } else if s[0] & 0xff00 == 0xff00 {
        Class::Multicast
    } else if (s[0] == 0x2001 && s[1] == 0x0db8)
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0])
        || (s[0] == 0x0064 && s[1] == 0xff9b && s[2] == 0x0001)
    {
        // Documentation, discard-only, and local-use NAT64 (whose IPv4 is the operator's choice).
        Class::Reserved
    } else {
        return None;
    };
    Some(class)
}

/// The IPv4 address an IPv6 address stands for: mapped (`::ffff:0:0/96`), compatible (`::/96`,
/// but not `::` and `::1`) and the well-known NAT64 prefix (`64:ff9b::/96`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let [.., a, b, c, d] = ip.octets();
    let v4 = Ipv4Addr::new(a, b, c, d);
    let mapped = s[..5] == [0; 5] && s[5] == 0xffff;
    let compatible = s[..6] == [0; 6] && !ip.is_unspecified() && !ip.is_loopback();
    let nat64 = s[0] == 0x0064 && s[1] == 0xff9b && s[2..6] == [0; 4];
    (mapped || compatible || nat64).then_some(v4)
}

/// Whether the desk may connect to `address`: a public address always; a special one when it
/// lies in a network of `allow` (the IPv4 of an IPv6 form counts too). A cloud metadata service
/// hands out the machine's credentials, so a wide network (`169.254.0.0/16`, `0.0.0.0/0`) does not
/// open it: only the allow list naming that very address does.
pub fn check(address: IpAddr, allow: &[IpNet]) -> Result<(), Refused> {
    let Some(class) = classify(address) else { return Ok(()) };
    let forms = [Some(address), embed_of(address).map(IpAddr::V4)];
    let allowed = forms.iter().flatten().any(|form| {
        allow.iter().any(|net| {
            net.contains(form) && (class != Class::CloudMetadata || net.prefix_len() == net.max_prefix_len())
        })
    });
    if allowed {
        Ok(())
    } else {
        Err(Refused { address, class })
    }
}

fn embed_of(address: IpAddr) -> Option<Ipv4Addr> {
    match address {
        IpAddr::V6(v6) => embedded_v4(v6),
        IpAddr::V4(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(text: &str) -> Option<Class> {
        classify(text.parse().unwrap())
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn every_special_ipv4_range_is_classified() {
        for (address, expected) in [
            ("127.0.0.1", Class::Loopback),
            ("127.255.255.254", Class::Loopback),
            ("10.0.0.1", Class::Private),
            ("10.255.255.255", Class::Private),
            ("172.16.0.1", Class::Private),
            ("172.31.255.255", Class::Private),
            ("192.168.1.1", Class::Private),
            ("169.254.0.1", Class::LinkLocal),
            ("169.254.169.254", Class::CloudMetadata),
            ("169.254.170.2", Class::CloudMetadata),
            ("100.100.100.200", Class::CloudMetadata),
            ("0.0.0.0", Class::Unspecified),
            ("0.1.2.3", Class::Unspecified),
            ("224.0.0.1", Class::Multicast),
            ("239.255.255.250", Class::Multicast),
            ("255.255.255.255", Class::Broadcast),
            ("240.0.0.1", Class::Reserved),
            ("100.64.0.1", Class::SharedAddress),
            ("100.127.255.255", Class::SharedAddress),
            ("192.0.2.10", Class::Reserved),
            ("198.18.0.1", Class::Reserved),
            ("198.51.100.7", Class::Reserved),
            ("203.0.113.9", Class::Reserved),
            ("192.0.0.8", Class::Reserved),
        ] {
            assert_eq!(class(address), Some(expected), "{address}");
        }
    }

    #[test]
    fn public_ipv4_neighbours_of_the_ranges_are_allowed() {
        for address in [
            "1.1.1.1",
            "8.8.8.8",
            "9.255.255.255",
            "11.0.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.255.255",
            "192.169.0.0",
            "169.253.255.255",
            "169.255.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "223.255.255.255",
            "198.20.0.0",
            "192.0.1.1",
        ] {
            assert_eq!(class(address), None, "{address}");
            assert_eq!(check(address.parse().unwrap(), &[]), Ok(()), "{address}");
        }
    }

    #[test]
    fn every_special_ipv6_range_is_classified() {
        for (address, expected) in [
            ("::1", Class::Loopback),
            ("::", Class::Unspecified),
            ("fc00::1", Class::Private),
            ("fd12:3456::1", Class::Private),
            ("fec0::1", Class::Private),
            ("fe80::1", Class::LinkLocal),
            ("febf::1", Class::LinkLocal),
            ("fd00:ec2::254", Class::CloudMetadata),
            ("ff02::1", Class::Multicast),
            ("2001:db8::1", Class::Reserved),
            ("100::1", Class::Reserved),
            ("64:ff9b:1::a", Class::Reserved),
        ] {
            assert_eq!(class(address), Some(expected), "{address}");
        }
        for address in ["2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "fe00::1", "2001:db9::1"] {
            assert_eq!(class(address), None, "{address}");
        }
    }

    #[test]
    fn ipv6_forms_of_ipv4_addresses_are_judged_by_their_ipv4() {
        for (address, expected) in [
            ("::ffff:127.0.0.1", Some(Class::Loopback)),
            ("::ffff:169.254.169.254", Some(Class::CloudMetadata)),
            ("::ffff:10.1.2.3", Some(Class::Private)),
            ("::ffff:0.0.0.0", Some(Class::Unspecified)),
            ("::127.0.0.1", Some(Class::Loopback)),
            ("::169.254.169.254", Some(Class::CloudMetadata)),
            ("::192.168.0.1", Some(Class::Private)),
            ("64:ff9b::169.254.169.254", Some(Class::CloudMetadata)),
            ("64:ff9b::7f00:1", Some(Class::Loopback)),
            ("::ffff:100.64.0.1", Some(Class::SharedAddress)),
            ("::ffff:8.8.8.8", None),
            ("64:ff9b::8.8.8.8", None),
        ] {
            assert_eq!(class(address), expected, "{address}");
        }
    }

    #[test]
    fn an_allowed_network_opens_its_addresses_and_their_ipv6_forms() {
        let allow = nets(&["127.0.0.0/8", "10.1.0.0/16", "fd12::/64"]);
        for address in ["127.0.0.1", "::ffff:127.0.0.1", "10.1.200.3", "::ffff:10.1.0.1", "fd12::5"] {
            assert_eq!(check(address.parse().unwrap(), &allow), Ok(()), "{address}");
        }
        for (address, expected) in [
            ("10.2.0.1", Class::Private),
            ("::1", Class::Loopback),
            ("192.168.0.1", Class::Private),
            ("fd13::1", Class::Private),
            ("169.254.169.254", Class::CloudMetadata),
        ] {
            let ip: IpAddr = address.parse().unwrap();
            assert_eq!(check(ip, &allow), Err(Refused { address: ip, class: expected }), "{address}");
        }
    }

    #[test]
    fn only_naming_a_metadata_service_itself_opens_it() {
        let metadata: IpAddr = "169.254.169.254".parse().unwrap();
        for wide in [&["169.254.0.0/16"][..], &["0.0.0.0/0"], &["::/0", "0.0.0.0/0"]] {
            assert!(check(metadata, &nets(wide)).is_err(), "{wide:?}");
            assert!(check("::ffff:169.254.169.254".parse().unwrap(), &nets(wide)).is_err(), "{wide:?}");
        }
        assert_eq!(check(metadata, &nets(&["169.254.169.254/32"])), Ok(()));
        assert_eq!(check("169.254.10.1".parse().unwrap(), &nets(&["169.254.0.0/16"])), Ok(()));
    }

    #[test]
    fn a_refusal_names_the_address_and_its_class_but_no_more() {
        let refused = check("169.254.169.254".parse().unwrap(), &[]).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "the address 169.254.169.254 is not allowed: it is a cloud metadata service; an administrator may allow its network in oxidesk.toml ([outbound] allow)"
        );
    }
}
