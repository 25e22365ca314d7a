//! Who the client is behind reverse proxies (`DONGNE_TRUSTED_PROXIES`).
//!
//! Without trusted proxies, forwarding headers are ignored entirely: the client is the
//! connection's address. With them, `X-Forwarded-For` is walked from the right, starting at the
//! connection's address: while the current hop is a trusted proxy, the entry it reported (the
//! next one to the left) becomes the current hop. The first hop that is not a trusted proxy is
//! the client. Entries may be `ip`, `ip:port`, `[v6]`, `[v6]:port`, each optionally in double
//! quotes; several `X-Forwarded-For` headers are one list, in order.
//!
//! An entry that does not parse (`unknown`, an obfuscated name, garbage) ends the walk, and the
//! client is the trusted proxy that reported it: nothing further left was written by anyone
//! trusted, so a spoofed entry can never win. Such clients share that proxy's rate limits,
//! which only happens when a trusted proxy itself forwards garbage.

use std::net::{IpAddr, Ipv6Addr};

pub use domain::net::Cidr;

/// `::ffff:1.2.3.4` is `1.2.3.4`.
pub fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// `DONGNE_TRUSTED_PROXIES`: blocks separated by commas or spaces.
pub fn parse_list(s: &str) -> Result<Vec<Cidr>, String> {
    s.split([',', ' ', '\t'])
        .filter(|p| !p.is_empty())
        .map(|p| Cidr::parse(p).ok_or_else(|| format!("{p:?} is not an address or CIDR block")))
        .collect()
}

/// One `X-Forwarded-For` entry: `ip`, `ip:port`, `[v6]`, `[v6]:port`, maybe quoted.
pub fn parse_entry(entry: &str) -> Option<IpAddr> {
    let mut e = entry.trim();
    if let Some(inner) = e.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        e = inner.trim();
    }
    let port_ok = |p: &str| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = e.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(port_ok)) {
            return None;
        }
        return v6.parse::<Ipv6Addr>().ok().map(|ip| canonical(ip.into()));
    }
    if let Ok(ip) = e.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    // `1.2.3.4:5678` (a bare IPv6 address without brackets parsed above, or is garbage).
    let (v4, port) = e.rsplit_once(':')?;
    if !port_ok(port) {
        return None;
    }
    v4.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// Whether `ip` is one of the trusted proxies.
pub fn trusted(proxies: &[Cidr], ip: IpAddr) -> bool {
    proxies.iter().any(|c| c.contains(ip))
}

/// The client's address: see the module's documentation. `forwarded_for` are the values of
/// the `X-Forwarded-For` headers, in order.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl Iterator<Item = &'a str>,
    proxies: &[Cidr],
) -> IpAddr {
    let mut current = canonical(peer);
    if !trusted(proxies, current) {
        return current;
    }
    let entries: Vec<&str> = forwarded_for.flat_map(|v| v.split(',')).collect();
    for entry in entries.into_iter().rev() {
        match parse_entry(entry) {
            Some(ip) => {
                current = ip;
                if !trusted(proxies, ip) {
                    return ip;
                }
            }
            None => return current,
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn client(peer: &str, xff: &[&str], proxies: &str) -> String {
        let proxies = parse_list(proxies).unwrap();
        client_address(ip(peer), xff.iter().copied(), &proxies).to_string()
    }

    #[test]
    fn lists_parse() {
        assert_eq!(parse_list("127.0.0.1/32, 10.0.0.0/8 ::1").unwrap().len(), 3);
        assert!(parse_list("127.0.0.1, localhost").is_err());
    }

    #[test]
    fn entries_parse_in_every_written_form() {
        for (entry, want) in [
            ("203.0.113.5", Some("203.0.113.5")),
            (" 203.0.113.5:5555 ", Some("203.0.113.5")),
            ("2001:db8::1", Some("2001:db8::1")),
            ("[2001:db8::1]", Some("2001:db8::1")),
            ("[2001:db8::1]:443", Some("2001:db8::1")),
            ("\"[2001:db8::1]:443\"", Some("2001:db8::1")),
            ("::ffff:203.0.113.5", Some("203.0.113.5")),
            ("unknown", None),
            ("", None),
            ("203.0.113.5:", None),
            ("203.0.113.5:http", None),
            ("[2001:db8::1]x", None),
            ("[2001:db8::1", None),
            ("1.2.3.4.5", None),
            ("_hidden", None),
            ("\"203.0.113.5", None),
        ] {
            assert_eq!(
                parse_entry(entry).map(|i| i.to_string()).as_deref(),
                want,
                "{entry:?}"
            );
        }
    }

    #[test]
    fn without_trusted_proxies_the_headers_are_ignored() {
        assert_eq!(client("127.0.0.1", &["203.0.113.9"], ""), "127.0.0.1");
        // A peer that is not a trusted proxy is the client, whatever it forwards.
        assert_eq!(
            client("198.51.100.1", &["203.0.113.9"], "127.0.0.1"),
            "198.51.100.1"
        );
    }

    #[test]
    fn spoofed_entries_on_the_left_never_win() {
        let p = "127.0.0.1, 10.0.0.0/8";
        // nginx appends the address it saw to what the client sent.
        assert_eq!(
            client("127.0.0.1", &["1.1.1.1, 203.0.113.5"], p),
            "203.0.113.5"
        );
        // A proxy that writes `ip:port`.
        assert_eq!(
            client("127.0.0.1", &["1.1.1.1, 203.0.113.5:4321"], p),
            "203.0.113.5"
        );
        // Claims of being a trusted proxy on the left are behind the real client.
        assert_eq!(
            client("127.0.0.1", &["127.0.0.1, 203.0.113.5"], p),
            "203.0.113.5"
        );
        // Chains of trusted proxies are stepped over, across several headers.
        assert_eq!(
            client(
                "127.0.0.1",
                &["1.1.1.1, 203.0.113.5", "10.0.0.2, 10.0.0.3"],
                p
            ),
            "203.0.113.5"
        );
        assert_eq!(
            client("127.0.0.1", &["[2001:db8::7]:80, 10.0.0.2"], p),
            "2001:db8::7"
        );
        // Garbage written by a trusted proxy: that proxy is the client, not anything left of it.
        assert_eq!(
            client("127.0.0.1", &["203.0.113.5, unknown"], p),
            "127.0.0.1"
        );
        assert_eq!(
            client("127.0.0.1", &["1.1.1.1, garbage, 10.0.0.4"], p),
            "10.0.0.4"
        );
        assert_eq!(client("127.0.0.1", &["203.0.113.5,,"], p), "127.0.0.1");
        // Every hop trusted: the leftmost is where the request began.
        assert_eq!(client("127.0.0.1", &["10.0.0.9, 10.0.0.2"], p), "10.0.0.9");
        // A trusted proxy that forwards nothing: the proxy.
        assert_eq!(client("10.0.0.2", &[], p), "10.0.0.2");
        assert_eq!(
            client("::ffff:127.0.0.1", &["203.0.113.5"], p),
            "203.0.113.5"
        );
    }
}
