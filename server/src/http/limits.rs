//! Who the client is (behind trusted proxies only, see [`crate::proxy`]), for rate limits,
//! whether the request came over TLS, and the anonymous limit on the catalog APIs.
//!
//! Limited: `/api/v1/…` (except crowd data), the CKAN API `/api/3/…`, the DCAT catalog and the
//! server functions that read the catalog (`/api/search`, `/api/suggest`, `/api/dataset`, …).
//! Not limited: pages, the other server functions, and the crowd endpoints, which are served from shared,
//! pre-encoded state and must stay reachable when thousands of phones share one carrier
//! address in an emergency. A valid staff session or API key is never limited; an API key that
//! does not work is refused with 401 rather than treated as anonymous.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use app::error::AppError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{ApiError, AppState};
use domain::services::{api_keys, auth};

pub use app::ssr::{ClientIp, RequestTls};

/// The address of the connection itself (the proxy's, behind one).
pub fn peer_ip(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// The server functions that read the catalog: the same data as `/api/v1`, so the same limit.
const CATALOG_SERVER_FNS: [&str; 5] = [
    "/api/home",
    "/api/search",
    "/api/suggest",
    "/api/dataset",
    "/api/freshness",
];

/// The client's address: the connection's, or behind trusted proxies the rightmost
/// `X-Forwarded-For` entry that is not one of them (see [`crate::proxy::client_address`]).
pub fn client_ip(req: &Request, trusted_proxies: &[domain::net::Cidr]) -> IpAddr {
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok());
    crate::proxy::client_address(peer_ip(req), forwarded, trusted_proxies)
}

/// Whether the request came over TLS: directly, or as a trusted proxy says with
/// `X-Forwarded-Proto` (its last value); from anyone else the header means nothing.
pub fn came_over_tls(req: &Request, trusted_proxies: &[domain::net::Cidr]) -> bool {
    req.uri().scheme_str() == Some("https")
        || (crate::proxy::trusted(trusted_proxies, peer_ip(req))
            && req
                .headers()
                .get_all("x-forwarded-proto")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next_back()
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("https")))
}

pub(crate) fn limited(path: &str) -> bool {
    (path.starts_with("/api/v1/") && !path.starts_with("/api/v1/crowd"))
        || path.starts_with("/api/3/")
        || path.starts_with("/catalog.")
        || CATALOG_SERVER_FNS.contains(&path)
}

/// The key in `Authorization: Bearer …`, when the header is there.
pub fn bearer(headers: &HeaderMap) -> Option<Result<&str, AppError>> {
    let raw = headers.get(header::AUTHORIZATION)?;
    Some(
        raw.to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(AppError::Unauthenticated),
    )
}

/// Record the client address, then apply the anonymous limit where it applies. Credentials
/// are only looked at once the address is over its allowance (the handler authenticates the
/// request anyway): staff requests spend the address's allowance but are never refused.
pub async fn anonymous_limit(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let proxies = &state.config.trusted_proxies;
    let ip = client_ip(&req, proxies);
    let tls = came_over_tls(&req, proxies);
    req.extensions_mut().insert(ClientIp(ip));
    req.extensions_mut().insert(RequestTls(tls));
    let Some(limiter) = state.api_limit.as_deref() else {
        return next.run(req).await;
    };
    if !limited(req.uri().path()) {
        return next.run(req).await;
    }
    match limiter.check(ip) {
        Ok(remaining) => {
            let mut resp = next.run(req).await;
            let h = resp.headers_mut();
            h.insert("x-ratelimit-limit", HeaderValue::from(limiter.capacity()));
            h.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
            resp
        }
        Err(retry_after) => match is_staff(&state, req.headers()).await {
            Ok(true) => next.run(req).await,
            Ok(false) => {
                tracing::info!(%ip, path = req.uri().path(), "anonymous API rate limit reached");
                ApiError(AppError::RateLimited { retry_after }).into_response()
            }
            Err(e) => ApiError(e).into_response(),
        },
    }
}

/// A working API key or staff session; a key that does not work is an error, not anonymous.
async fn is_staff(state: &AppState, headers: &HeaderMap) -> Result<bool, AppError> {
    if let Some(key) = bearer(headers) {
        api_keys::authenticate(&state.services.db, key?).await?;
        return Ok(true);
    }
    Ok(match app::ssr::cookie(headers, app::ssr::SESSION_COOKIE) {
        Some(token) => matches!(
            auth::session_user(&state.services.db, &token).await,
            Ok(Some(_))
        ),
        None => false,
    })
}
