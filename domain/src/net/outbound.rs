//! The one HTTP client for requests the server makes to other machines (harvest sources, the
//! city's crowd API): every address it connects to is checked against
//! [`classify`](super::address::classify) and the allowlist. Names are checked at connect
//! time on the addresses they resolve to (the connection uses only those checked addresses,
//! so a name that resolves differently the second time cannot slip through); IP literals
//! before each request and after every redirect (at most 5, http and https only). No proxy
//! from the environment is used (it would connect on the client's behalf, unchecked).

use std::error::Error as StdError;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;

use super::address::Forbidden;
use super::allow::FetchAllow;

/// Redirects followed per request.
pub const MAX_REDIRECTS: usize = 5;

/// A request refused (or a name not found), in words for the people who see it: what
/// failed, never the addresses a name resolved to or the network stack's own messages.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// An IP literal in a refused range (`target` is address and port), or a name whose every
    /// address is (`target` is the name).
    #[error(
        "could not connect to {target}: {} not allowed ({why}); an administrator can allow it with DONGNE_FETCH_ALLOW",
        if *.named { "the address it resolves to is" } else { "the address is" }
    )]
    Address {
        target: String,
        why: Forbidden,
        named: bool,
    },
    /// The name has no address.
    #[error("could not find the host {host}")]
    UnknownHost { host: String },
    #[error("only http and https addresses can be fetched, not {url}")]
    Scheme { url: String },
    #[error("not a valid address: {url}")]
    BadUrl { url: String },
    #[error("refused the redirect to {url}: {why}")]
    Redirect { url: String, why: Box<Refusal> },
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
}

impl Refusal {
    /// Whether asking again may help (a name not found may be a passing DNS failure).
    pub fn retry(&self) -> bool {
        matches!(self, Refusal::UnknownHost { .. })
    }
}

/// `host:port` of a URL, as users know it (brackets around IPv6 addresses).
fn target_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// Check a URL about to be requested: http or https, and an IP literal host must be allowed.
/// Names are left to the resolver (which sees every address they resolve to).
pub fn check_url(url: &Url, allow: &FetchAllow) -> Result<(), Refusal> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Refusal::Scheme {
            url: url.to_string(),
        });
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(Refusal::BadUrl {
            url: url.to_string(),
        });
    };
    // The URL parser writes every IPv4 form (decimal, hex, short) as a dotted quad, so a
    // host that does not parse as an address is a name.
    let Ok(ip) = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    else {
        return Ok(());
    };
    allow.check(ip).map_err(|why| Refusal::Address {
        target: target_of(url),
        why,
        named: false,
    })
}

/// Resolves names with the system resolver and keeps only the addresses that may be
/// connected to; an error when none remain.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    allow: Arc<FetchAllow>,
}

impl GuardedResolver {
    pub fn new(allow: Arc<FetchAllow>) -> GuardedResolver {
        GuardedResolver { allow }
    }

    /// The addresses of `host` that may be connected to.
    pub async fn lookup(&self, host: &str) -> Result<Vec<SocketAddr>, Refusal> {
        let found: Vec<SocketAddr> = match tokio::net::lookup_host((host, 0)).await {
            Ok(addrs) => addrs.collect(),
            Err(e) => {
                tracing::debug!(host, error = %e, "outbound: name not resolved");
                Vec::new()
            }
        };
        if found.is_empty() {
            return Err(Refusal::UnknownHost {
                host: host.to_string(),
            });
        }
        if self.allow.allows_host(host) {
            return Ok(found);
        }
        let mut refused = None;
        let kept: Vec<SocketAddr> = found
            .into_iter()
            .filter(|a| match self.allow.check(a.ip()) {
                Ok(()) => true,
                Err(why) => {
                    tracing::info!(host, addr = %a.ip(), reason = %why, "outbound: address refused");
                    refused.get_or_insert(why);
                    false
                }
            })
            .collect();
        match refused {
            Some(why) if kept.is_empty() => Err(Refusal::Address {
                target: host.to_string(),
                why,
                named: true,
            }),
            _ => Ok(kept),
        }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let this = self.clone();
        Box::pin(async move {
            let addrs = this.lookup(name.as_str()).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// The guarded client (cheap to clone: clones share connections).
#[derive(Clone)]
pub struct Outbound {
    client: reqwest::Client,
    allow: Arc<FetchAllow>,
}

impl std::fmt::Debug for Outbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Outbound(allow: {})", self.allow)
    }
}

impl Default for Outbound {
    /// Nothing internal allowed.
    fn default() -> Self {
        Outbound::new(FetchAllow::default())
    }
}

impl Outbound {
    /// User agent "Dongne-harvester/0.1", connect timeout 10 s, at most 5 redirects (each
    /// checked), rustls, no proxy.
    pub fn new(allow: FetchAllow) -> Outbound {
        let allow = Arc::new(allow);
        let for_redirects = allow.clone();
        let client = reqwest::Client::builder()
            .user_agent("Dongne-harvester/0.1")
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                // The first of `previous` is the URL first asked for.
                if attempt.previous().len() > MAX_REDIRECTS {
                    return attempt.error(Refusal::TooManyRedirects);
                }
                match check_url(attempt.url(), &for_redirects) {
                    Ok(()) => attempt.follow(),
                    Err(why) => {
                        let url = attempt.url().to_string();
                        attempt.error(Refusal::Redirect {
                            url,
                            why: Box::new(why),
                        })
                    }
                }
            }))
            .dns_resolver(Arc::new(GuardedResolver::new(allow.clone())))
            .no_proxy()
            .use_rustls_tls()
            .build()
            .expect("building the outbound HTTP client (rustls) cannot fail");
        Outbound { client, allow }
    }

    pub fn allow(&self) -> &FetchAllow {
        &self.allow
    }

    /// A GET of `url`, once the URL is checked.
    pub fn get(&self, url: &str) -> Result<reqwest::RequestBuilder, Refusal> {
        let parsed = Url::parse(url).map_err(|_| Refusal::BadUrl {
            url: url.to_string(),
        })?;
        check_url(&parsed, &self.allow)?;
        Ok(self.client.get(parsed))
    }
}

/// The refusal inside a request's error, if that is why it failed.
pub fn refusal_in<'a>(e: &'a (dyn StdError + 'static)) -> Option<&'a Refusal> {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(r) = err.downcast_ref::<Refusal>() {
            return Some(r);
        }
        current = err.source();
    }
    None
}

/// What failed, in plain words (the network stack's message goes to the log only), and
/// whether another attempt may help.
pub fn explain(e: &reqwest::Error) -> (String, bool) {
    if let Some(r) = refusal_in(e) {
        return (r.to_string(), r.retry());
    }
    let target = e
        .url()
        .map(target_of)
        .unwrap_or_else(|| "the server".into());
    tracing::debug!(%target, error = %detail(e), "outbound request failed");
    if e.is_timeout() {
        (format!("{target} did not answer in time"), true)
    } else if e.is_connect() {
        (format!("could not connect to {target}"), true)
    } else if e.is_redirect() {
        (
            format!("{target} redirected in a way that cannot be followed"),
            false,
        )
    } else if e.is_body() || e.is_decode() {
        (format!("the answer from {target} broke off"), true)
    } else if e.is_builder() {
        (format!("could not make a request to {target}"), false)
    } else {
        (format!("the exchange with {target} failed"), true)
    }
}

/// The error with its causes, for logs.
pub fn detail(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let part = s.to_string();
        if !msg.contains(&part) {
            msg.push_str(": ");
            msg.push_str(&part);
        }
        src = s.source();
    }
    msg
}

/// Whether `next` is on the same site as `source` (scheme, host and port; an http source's
/// pages may also be on https at the same host, as sites that upgrade do).
pub fn same_origin(source: &str, next: &str) -> bool {
    let (Ok(a), Ok(b)) = (Url::parse(source), Url::parse(next)) else {
        return false;
    };
    let host = |u: &Url| u.host_str().map(|h| h.to_ascii_lowercase());
    if host(&a).is_none() || host(&a) != host(&b) {
        return false;
    }
    let side = |u: &Url| (u.scheme().to_string(), u.port_or_known_default());
    side(&a) == side(&b)
        || (a.scheme() == "http"
            && a.port_or_known_default() == Some(80)
            && b.scheme() == "https"
            && b.port_or_known_default() == Some(443))
}
