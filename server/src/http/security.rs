//! CSRF defence and security headers.
//!
//! Session cookies are `SameSite=Lax`, and every state-changing request (anything but GET,
//! HEAD, OPTIONS) must come from this site: an `Origin` that matches `Host`, or, without
//! `Origin`, a `Sec-Fetch-Site` of `same-origin`/`none`. Browsers set these headers and pages
//! cannot forge them, so a form or fetch from another site is refused with 403.

use app::error::AppError;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiError;

fn host_of_origin(origin: &str) -> Option<&str> {
    let rest = origin.split_once("://")?.1;
    Some(rest.split('/').next().unwrap_or(rest))
}

pub fn is_same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        return match (host_of_origin(origin), host) {
            (Some(o), Some(h)) => o.eq_ignore_ascii_case(h),
            _ => false,
        };
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => site == "same-origin" || site == "none",
        // Non-browser clients (curl, tests, harvesters) send neither header; they carry no
        // ambient browser cookies, so they cannot be used for CSRF.
        None => true,
    }
}

/// Whether the URL carries an encoded NUL (`%00`): no name, code or search text has one, and
/// databases refuse them in text, so the request is refused up front with 400.
fn has_nul(req: &Request) -> bool {
    let raw = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or_default();
    raw.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

pub async fn same_origin_writes(req: Request, next: Next) -> Response {
    if has_nul(&req) {
        return ApiError(AppError::validation(
            "url",
            "주소에 NUL 문자(%00)가 있습니다.",
            "url: contains a NUL character (%00).",
        ))
        .into_response();
    }
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !is_same_origin(req.headers()) {
        tracing::warn!(method = %req.method(), uri = %req.uri(), "cross-site write refused");
        return ApiError(AppError::CrossSite).into_response();
    }
    next.run(req).await
}

pub async fn headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        "referrer-policy",
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, HeaderValue::from_static(v));
        }
        m
    }

    #[test]
    fn origin_must_match_host() {
        assert!(is_same_origin(&h(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000")
        ])));
        assert!(!is_same_origin(&h(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://evil.example")
        ])));
        assert!(!is_same_origin(&h(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "null")
        ])));
        assert!(!is_same_origin(&h(&[
            ("host", "a"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(is_same_origin(&h(&[
            ("host", "a"),
            ("sec-fetch-site", "same-origin")
        ])));
    }
}
