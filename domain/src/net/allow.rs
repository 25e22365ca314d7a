//! `DONGNE_FETCH_ALLOW`: the addresses and hosts an administrator lets outbound requests reach
//! although they are internal (an intranet catalog, a test server on loopback). A
//! comma-separated list of CIDRs (`10.20.0.0/16`, `fd00::/8`), single addresses (`127.0.0.1`)
//! and host names (`data.intranet.example`): an allowed CIDR lets those addresses through, an
//! allowed host name skips the address check for that host (whatever it resolves to).

use std::net::IpAddr;

use super::address::{classify, embedded_v4, Forbidden};
use super::Cidr;

/// The parsed allowlist (empty: nothing internal is allowed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchAllow {
    nets: Vec<Cidr>,
    /// Lower-case, without a trailing dot.
    hosts: Vec<String>,
}

fn host_key(host: &str) -> String {
    host.trim()
        .trim_end_matches('.')
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

fn parse_ip(s: &str) -> Option<IpAddr> {
    s.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

fn is_host_name(s: &str) -> bool {
    s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

impl FetchAllow {
    /// Parse the variable's value; the error says which entry is wrong and why.
    pub fn parse(value: &str) -> Result<FetchAllow, String> {
        let mut allow = FetchAllow::default();
        for entry in value.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let bad = |why: &str| {
                format!(
                    "{entry:?} {why}; expected comma-separated CIDRs (10.0.0.0/8, fd00::/8), \
                     addresses or host names"
                )
            };
            if let Some((addr, prefix)) = entry.split_once('/') {
                let net = parse_ip(addr).ok_or_else(|| bad("is not an address with a prefix"))?;
                let max = if net.is_ipv4() { 32 } else { 128 };
                let prefix: u8 =
                    prefix.parse().ok().filter(|p| *p <= max).ok_or_else(|| {
                        bad(&format!("has a prefix length that is not 0 to {max}"))
                    })?;
                let cidr = Cidr::parse(&format!("{net}/{prefix}")).ok_or_else(|| {
                    bad("is an IPv4 address written as IPv6 with a prefix shorter than 96")
                })?;
                allow.nets.push(cidr);
            } else if let Some(ip) = parse_ip(entry) {
                allow
                    .nets
                    .push(Cidr::parse(&ip.to_string()).expect("an address is a block of one"));
            } else {
                let host = host_key(entry);
                if !is_host_name(&host) || host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    return Err(bad("is neither a CIDR, an address nor a host name"));
                }
                allow.hosts.push(host);
            }
        }
        Ok(allow)
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty() && self.hosts.is_empty()
    }

    /// Whether host name `host` is listed (then its addresses are not checked).
    pub fn allows_host(&self, host: &str) -> bool {
        let key = host_key(host);
        self.hosts.contains(&key)
    }

    /// Whether `ip` is inside an allowed network (an IPv6 form of an IPv4 address also
    /// matches the IPv4 networks).
    pub fn allows_ip(&self, ip: IpAddr) -> bool {
        let v4 = match ip {
            IpAddr::V6(v6) => embedded_v4(v6).map(IpAddr::V4),
            IpAddr::V4(_) => None,
        };
        self.nets
            .iter()
            .any(|n| n.contains(ip) || v4.is_some_and(|v4| n.contains(v4)))
    }

    /// `Err` with the reason when `ip` may not be connected to.
    pub fn check(&self, ip: IpAddr) -> Result<(), Forbidden> {
        match classify(ip) {
            Some(why) if !self.allows_ip(ip) => Err(why),
            _ => Ok(()),
        }
    }
}

impl std::fmt::Display for FetchAllow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<String> = self
            .nets
            .iter()
            .map(ToString::to_string)
            .chain(self.hosts.iter().cloned())
            .collect();
        f.write_str(&all.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn empty_allows_nothing_internal() {
        for v in ["", " ", ",", " , "] {
            let a = FetchAllow::parse(v).unwrap();
            assert!(a.is_empty(), "{v:?}");
            assert_eq!(a.check(ip("127.0.0.1")), Err(Forbidden::Loopback));
            assert_eq!(a.check(ip("8.8.8.8")), Ok(()));
        }
        assert_eq!(FetchAllow::default(), FetchAllow::parse("").unwrap());
    }

    #[test]
    fn cidrs_addresses_and_hosts() {
        let a = FetchAllow::parse(
            " 10.20.0.0/16, 127.0.0.1 ,fd00:1234::/32, [::1], Data.Intranet.Example., 192.168.1.7/32",
        )
        .unwrap();
        assert_eq!(
            a.to_string(),
            "10.20.0.0/16,127.0.0.1/32,fd00:1234::/32,::1/128,192.168.1.7/32,data.intranet.example"
        );
        for ok in [
            "10.20.0.1",
            "10.20.255.255",
            "127.0.0.1",
            "::ffff:127.0.0.1",
            "fd00:1234:5::1",
            "::1",
            "192.168.1.7",
            "8.8.8.8",
        ] {
            assert_eq!(a.check(ip(ok)), Ok(()), "{ok}");
        }
        for (no, why) in [
            ("10.21.0.1", Forbidden::Private),
            ("127.0.0.2", Forbidden::Loopback),
            ("::ffff:127.0.0.2", Forbidden::Loopback),
            ("fd00:1235::1", Forbidden::UniqueLocal),
            ("192.168.1.8", Forbidden::Private),
            ("169.254.169.254", Forbidden::Metadata),
        ] {
            assert_eq!(a.check(ip(no)), Err(why), "{no}");
        }
        assert!(a.allows_host("data.intranet.example"));
        assert!(a.allows_host("DATA.intranet.example."));
        assert!(!a.allows_host("intranet.example"));
        assert!(!a.allows_host("evil-data.intranet.example"));
    }

    #[test]
    fn prefix_edges() {
        let a = FetchAllow::parse("0.0.0.0/0").unwrap();
        assert_eq!(a.check(ip("127.0.0.1")), Ok(()));
        assert_eq!(a.check(ip("169.254.169.254")), Ok(()));
        assert_eq!(a.check(ip("fe80::1")), Err(Forbidden::LinkLocal));
        let a = FetchAllow::parse("::/0").unwrap();
        assert_eq!(a.check(ip("fe80::1")), Ok(()));
        assert_eq!(a.check(ip("10.0.0.1")), Err(Forbidden::Private));
        // Host bits past the prefix are ignored.
        let a = FetchAllow::parse("10.1.2.3/8").unwrap();
        assert_eq!(a.check(ip("10.9.9.9")), Ok(()));
        let a = FetchAllow::parse("127.0.0.0/31").unwrap();
        assert_eq!(a.check(ip("127.0.0.1")), Ok(()));
        assert_eq!(a.check(ip("127.0.0.2")), Err(Forbidden::Loopback));
    }

    #[test]
    fn bad_entries_are_named() {
        for bad in [
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/x",
            "10.0.0/8",
            "http://intranet.example",
            "intranet.example:8080",
            "*.intranet.example",
            "has space.example",
            "300.1.2.3",
            "1.2.3",
            "-x.example",
            "a..b",
        ] {
            let e = FetchAllow::parse(&format!("127.0.0.1/32,{bad}")).unwrap_err();
            assert!(e.contains(&format!("{bad:?}")), "{bad}: {e}");
        }
    }
}
