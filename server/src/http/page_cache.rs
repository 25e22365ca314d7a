//! A short-lived cache of the pages anonymous readers get (a "microcache"), for surges: in a
//! crowd emergency thousands of phones ask for the same few pages each second, and rendering
//! each one again would take the server's whole CPU. A page rendered for the public is kept for
//! `DONGNE_PAGE_CACHE_MS` (1 s by default; 0 turns it off) and shared by everyone who asks for
//! the same address in the same language meanwhile; only one of them renders it (the others
//! wait for that rendering). Each answer still gets its own Content-Security-Policy nonce.
//!
//! A kept page is the same for everyone, so nothing in it may come from the request but the
//! address (path and query, the key) and the `lang` cookie (also the key): absolute addresses
//! come from `DONGNE_PUBLIC_URL`, never from `Host` or `X-Forwarded-*` (`tests/proxy.rs`).
//!
//! Never cached: anything with a session cookie or an `Authorization` header, other methods than
//! GET, answers that set cookies or are private, and anything that is not a 200 HTML page.
//! Dataset page views served from the cache are still counted (not for crawlers).
//!
//! Bounded: at most [`MAX_ENTRIES`] addresses and [`MAX_BYTES`] of pages at once (beyond that a
//! page is rendered for its request alone), and expired pages are dropped once per lifetime.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::OnceCell;

use super::AppState;

/// The dataset a page showed (set by the page, removed here): counted again on cache hits.
pub const VIEWED_HEADER: &str = "x-dongne-viewed";
/// Larger pages are not kept.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;
/// Addresses kept at once.
const MAX_ENTRIES: usize = 2_000;
/// Bytes of pages kept at once (a public page is 20–100 KB; addresses made up to fill the
/// cache stop being kept here, not at some gigabytes).
const MAX_BYTES: usize = 64 * 1024 * 1024;

/// One rendered page.
struct Page {
    headers: HeaderMap,
    body: Bytes,
    /// The CSP nonce it was rendered with (replaced by a fresh one in each answer).
    nonce: Option<String>,
    viewed: Option<i32>,
}

type Slot = Arc<OnceCell<Option<Arc<Page>>>>;

pub struct PageCache {
    ttl: Duration,
    max_entries: usize,
    max_bytes: usize,
    slots: Mutex<Slots>,
}

struct Slots {
    by_key: HashMap<String, (Instant, Slot)>,
    /// Bytes of the pages in `by_key` (counted when a page is stored, recounted at each sweep).
    bytes: usize,
    /// When expired slots were last dropped.
    swept: Instant,
}

impl PageCache {
    /// `None` when `ttl` is zero (no cache).
    pub fn new(ttl: Duration) -> Option<Arc<PageCache>> {
        Self::with_limits(ttl, MAX_ENTRIES, MAX_BYTES)
    }

    fn with_limits(ttl: Duration, max_entries: usize, max_bytes: usize) -> Option<Arc<PageCache>> {
        (!ttl.is_zero()).then(|| {
            Arc::new(PageCache {
                ttl,
                max_entries,
                max_bytes,
                slots: Mutex::new(Slots {
                    by_key: HashMap::new(),
                    bytes: 0,
                    swept: Instant::now(),
                }),
            })
        })
    }

    /// The slot for `key`: the current one, or a new one when it expired. `None` when the
    /// cache is full (the page is then rendered for this request alone).
    fn slot(&self, key: String) -> Option<Slot> {
        let now = Instant::now();
        let mut slots = self.slots.lock().ok()?;
        if let Some((at, slot)) = slots.by_key.get(&key) {
            if now.duration_since(*at) < self.ttl {
                return Some(slot.clone());
            }
        }
        // Expired pages are dropped once per lifetime, so they are not held past it.
        if now.duration_since(slots.swept) >= self.ttl
            || slots.by_key.len() >= self.max_entries
            || slots.bytes >= self.max_bytes
        {
            slots
                .by_key
                .retain(|_, (at, _)| now.duration_since(*at) < self.ttl);
            slots.bytes = slots.by_key.values().map(|(_, s)| size(s)).sum();
            slots.swept = now;
            if slots.by_key.len() >= self.max_entries || slots.bytes >= self.max_bytes {
                return None;
            }
        }
        let slot = Slot::default();
        slots.by_key.insert(key, (now, slot.clone()));
        Some(slot)
    }

    /// A page was stored in a slot.
    fn stored(&self, page: &Page) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.bytes += page.body.len();
        }
    }
}

fn size(slot: &Slot) -> usize {
    slot.get()
        .and_then(|p| p.as_ref())
        .map_or(0, |p| p.body.len())
}

/// The cache key of an anonymous page request, or `None` when it must not be cached.
fn key(req: &Request) -> Option<String> {
    if req.method() != Method::GET
        || req.headers().contains_key(header::AUTHORIZATION)
        || app::ssr::cookie(req.headers(), app::ssr::SESSION_COOKIE).is_some()
    {
        return None;
    }
    let path = req.uri().path();
    if path.starts_with("/api/") || path.starts_with("/pkg/") || path.starts_with("/lang/") {
        return None;
    }
    let lang = app::ssr::cookie(req.headers(), "lang").unwrap_or_default();
    let uri = req.uri().path_and_query().map_or(path, |p| p.as_str());
    Some(format!("{lang}\u{0}{uri}"))
}

/// Keep `resp` if it is a public 200 HTML page: the page, with the response to send now.
async fn keep(resp: Response) -> (Option<Arc<Page>>, Option<Response>) {
    let h = resp.headers();
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let private = h
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.contains("private") || c.contains("no-store"));
    if resp.status() != StatusCode::OK || !html || private || h.contains_key(header::SET_COOKIE) {
        return (None, Some(resp));
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(body) = to_bytes(body, MAX_PAGE_BYTES).await else {
        // Far larger than any page (or broken off): nothing to keep or send.
        return (None, None);
    };
    let viewed = parts
        .headers
        .remove(VIEWED_HEADER)
        .and_then(|v| v.to_str().ok()?.parse().ok());
    let nonce = parts
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(|csp| csp.split("'nonce-").nth(1)?.split('\'').next())
        .filter(|n| n.len() >= 16)
        .map(str::to_string);
    parts.headers.remove(header::CONTENT_LENGTH);
    let page = Arc::new(Page {
        headers: parts.headers,
        body,
        nonce,
        viewed,
    });
    (Some(page), None)
}

/// An answer from a kept page, with a nonce of its own.
fn answer(page: &Page) -> Response {
    let mut headers = page.headers.clone();
    let body = match &page.nonce {
        Some(old) => {
            let new = leptos::nonce::Nonce::new().to_string();
            if let Some(csp) = headers
                .get(header::CONTENT_SECURITY_POLICY)
                .and_then(|v| v.to_str().ok())
                .and_then(|csp| HeaderValue::from_str(&csp.replace(old.as_str(), &new)).ok())
            {
                headers.insert(header::CONTENT_SECURITY_POLICY, csp);
            }
            match std::str::from_utf8(&page.body) {
                Ok(text) => Body::from(text.replace(old.as_str(), &new)),
                Err(_) => Body::from(page.body.clone()),
            }
        }
        None => Body::from(page.body.clone()),
    };
    let mut resp = (StatusCode::OK, body).into_response();
    *resp.headers_mut() = headers;
    resp
}

pub async fn serve(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (Some(cache), Some(key)) = (state.page_cache.as_deref(), key(&req)) else {
        return strip(next.run(req).await);
    };
    let Some(slot) = cache.slot(key) else {
        return strip(next.run(req).await);
    };
    let robot = app::ssr::is_robot(req.headers());
    let client = req.extensions().get::<app::ssr::ClientIp>().map(|c| c.0);
    // Whoever finds the slot empty renders the page; the others wait for it.
    let mut pending = Some((req, next));
    let mut own = None;
    let page = slot
        .get_or_init(|| {
            let pending = pending.take();
            let own = &mut own;
            async move {
                let (req, next) = pending?;
                let (page, resp) = keep(next.run(req).await).await;
                *own = resp;
                if let Some(page) = &page {
                    cache.stored(page);
                }
                page
            }
        })
        .await
        .clone();
    match (page, pending) {
        // Kept from another reader's request: count this reader's view.
        (Some(page), Some(_)) => {
            if let (Some(id), false) = (page.viewed, robot) {
                state.services.views.record(client, id);
            }
            answer(&page)
        }
        // Rendered for this request (the view was counted then).
        (Some(page), None) => answer(&page),
        // Not a page to keep: this request's own answer, or a rendering of its own.
        (None, None) => own
            .map(strip)
            .unwrap_or_else(|| StatusCode::SERVICE_UNAVAILABLE.into_response()),
        (None, Some((req, next))) => strip(next.run(req).await),
    }
}

/// Answers that are not kept never carry the internal header out.
fn strip(mut resp: Response) -> Response {
    resp.headers_mut().remove(VIEWED_HEADER);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_is_shared_until_it_expires() {
        let cache = PageCache::new(Duration::from_millis(50)).unwrap();
        let a = cache.slot("ko\u{0}/".into()).unwrap();
        let b = cache.slot("ko\u{0}/".into()).unwrap();
        assert!(Arc::ptr_eq(&a, &b), "shared while fresh");
        let en = cache.slot("en\u{0}/".into()).unwrap();
        assert!(!Arc::ptr_eq(&a, &en), "one per language");
        std::thread::sleep(Duration::from_millis(60));
        let c = cache.slot("ko\u{0}/".into()).unwrap();
        assert!(!Arc::ptr_eq(&a, &c), "a new one once expired");
        assert!(PageCache::new(Duration::ZERO).is_none());
    }

    fn page(bytes: usize) -> Option<Arc<Page>> {
        Some(Arc::new(Page {
            headers: HeaderMap::new(),
            body: Bytes::from(vec![b'x'; bytes]),
            nonce: None,
            viewed: None,
        }))
    }

    /// Fill `key`'s slot with a page of `bytes`, as `serve` does.
    fn fill(cache: &PageCache, key: &str, bytes: usize) -> bool {
        let Some(slot) = cache.slot(key.into()) else {
            return false;
        };
        let stored = slot.set(page(bytes)).is_ok();
        if let Some(Some(p)) = slot.get() {
            cache.stored(p);
        }
        stored
    }

    #[test]
    fn pages_are_kept_within_a_byte_budget_and_not_past_their_lifetime() {
        let cache = PageCache::with_limits(Duration::from_millis(50), 100, 1_000).unwrap();
        assert!(fill(&cache, "/a", 600));
        assert!(fill(&cache, "/b", 600), "under the budget when asked");
        // Over the budget: new addresses are rendered without being kept…
        assert!(!fill(&cache, "/c", 10));
        // …while the kept ones are still served.
        assert!(cache.slot("/a".into()).is_some_and(|s| s.get().is_some()));
        std::thread::sleep(Duration::from_millis(60));
        // Once they expire the budget is free again, and the expired pages are dropped even
        // when the cache is far from full.
        assert!(fill(&cache, "/c", 10));
        let slots = cache.slots.lock().unwrap();
        assert_eq!(slots.by_key.len(), 1);
        assert_eq!(slots.bytes, 10);
    }

    #[test]
    fn addresses_are_capped_too() {
        let cache = PageCache::with_limits(Duration::from_secs(60), 3, 1_000_000).unwrap();
        for k in ["/1", "/2", "/3"] {
            assert!(fill(&cache, k, 1));
        }
        assert!(cache.slot("/4".into()).is_none());
        assert!(
            cache.slot("/1".into()).is_some(),
            "a kept address is still served"
        );
    }
}
