//! Server-side glue for server functions: the per-request context (the domain's [`Ctx`], who
//! is asking, how cookies are set). Server functions call `domain::ops` with it.

use std::sync::Arc;

use domain::ops::{Actor, Ctx};
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::*;

pub const SESSION_COOKIE: &str = "dongne_session";

/// The client's address, as the server's rate limits see it (set on every request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub std::net::IpAddr);

/// Whether the request reached the site over TLS, directly or through a trusted proxy's
/// `X-Forwarded-Proto` (set on every request by the server; the header alone means nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestTls(pub bool);
pub use domain::services::auth::SESSION_DAYS;

/// Provided to every request by the server (see `leptos_routes_with_context`).
#[derive(Clone)]
pub struct ServerContext {
    /// The domain's context: every server function calls `domain::ops` with it.
    pub services: Ctx,
    /// `Some(true)`: always mark cookies Secure; `Some(false)`: never; `None`: when the request
    /// came over TLS (see [`RequestTls`]).
    pub secure_cookies: Option<bool>,
    /// `DONGNE_PUBLIC_URL`: `scheme://host[:port]` of the site, for every absolute address
    /// (never the request's `Host`: pages are shared by everyone through the page cache).
    pub public_url: String,
    /// The map tile URL template, or `none` (`DONGNE_MAP_TILES`).
    pub map_tiles: String,
    /// Demo mode (`DONGNE_DEMO_DATA`): every page says so.
    pub demo: bool,
    /// The signed-in user of this request, kept once looked up, so the server functions a page
    /// calls do not each look it up again (see [`ServerContext::for_request`]).
    pub request_user: Arc<std::sync::Mutex<Option<Option<SessionUser>>>>,
}

pub fn ctx() -> Result<ServerContext, AppError> {
    use_context::<ServerContext>().ok_or_else(|| AppError::Internal {
        reference: "no-server-context".into(),
    })
}

/// What every server function starts with: this request's context and who is asking.
pub async fn caller() -> Result<(ServerContext, Actor), AppError> {
    let ctx = ctx()?;
    let actor = ctx.actor().await?;
    Ok((ctx, actor))
}

fn request_parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// The value of cookie `name` in these request headers.
pub fn cookie(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The value of cookie `name` in the current request.
pub fn request_cookie(name: &str) -> Option<String> {
    cookie(&request_parts()?.headers, name)
}

/// The Content-Security-Policy of a page: scripts from this site only, inline ones only with
/// this response's nonce, and wasm; styles from this site (and style attributes, which Leaflet
/// and the layout use); images from this site and the map tile host; connections, forms,
/// manifests and workers to this site only; no plugins, no framing, no foreign `<base>`.
pub fn content_security_policy(nonce: Option<&str>, tiles: &str) -> String {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    // `https://{s}.tile.example.org/{z}/{x}/{y}.png` → `https://*.tile.example.org`
    let tile_origin = tiles
        .split_once("://")
        .filter(|(scheme, _)| *scheme == "https" || *scheme == "http")
        .map(|(scheme, rest)| {
            let host = rest
                .split('/')
                .next()
                .unwrap_or_default()
                .replace("{s}", "*");
            format!(" {scheme}://{host}")
        })
        // Nothing that could end the directive or the header.
        .filter(|o| !o[1..].contains(['{', '}', ' ', ';', ',', '\'', '"']))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:{tile_origin}; \
         connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Send [`content_security_policy`] with the page being rendered.
pub fn set_content_security_policy(tiles: &str) {
    let nonce = leptos::nonce::use_nonce();
    let csp = content_security_policy(nonce.as_deref(), tiles);
    if let (Some(resp), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&csp),
    ) {
        resp.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The current request's client address (see [`ClientIp`]).
pub fn request_client() -> Option<std::net::IpAddr> {
    request_parts().and_then(|p| p.extensions.get::<ClientIp>().map(|c| c.0))
}

/// `scheme://host[:port]` of the site as configured (`DONGNE_PUBLIC_URL`), never taken from
/// the request.
pub fn public_url() -> String {
    use_context::<ServerContext>()
        .map(|c| c.public_url)
        .unwrap_or_default()
}

/// Whether the current request comes from a crawler (its page views are not counted).
pub fn request_from_robot() -> bool {
    request_parts().is_none_or(|p| is_robot(&p.headers))
}

/// Whether a request with these headers comes from a crawler or a script (or says nothing of
/// itself).
pub fn is_robot(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| {
            let ua = ua.to_ascii_lowercase();
            [
                "bot", "crawl", "spider", "slurp", "curl", "wget", "python", "headless",
            ]
            .iter()
            .any(|w| ua.contains(w))
        })
        .unwrap_or(true)
}

/// The dataset this page shows, for the page cache to count views it serves
/// (`x-dongne-viewed`, removed before the answer leaves the server).
pub fn mark_viewed(dataset_id: i32) {
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.insert_header(
            http::HeaderName::from_static("x-dongne-viewed"),
            http::HeaderValue::from(dataset_id),
        );
    }
}

/// The UI language for the current request (from the `lang` cookie).
pub fn request_lang() -> crate::i18n::Lang {
    request_cookie("lang")
        .and_then(|v| crate::i18n::Lang::parse(&v))
        .unwrap_or_default()
}

impl ServerContext {
    /// This context for one request: the same services, its own signed-in user.
    pub fn for_request(&self) -> ServerContext {
        ServerContext {
            request_user: Arc::default(),
            ..self.clone()
        }
    }

    /// The signed-in user (from the session cookie), looked up once per request. Not
    /// single-flight on purpose: a page's resources are futures that Leptos may poll late or
    /// drop, and one must never wait for another's lookup (two at the same moment both look).
    pub async fn user(&self) -> Result<Option<SessionUser>, AppError> {
        if let Some(known) = self.request_user.lock().ok().and_then(|k| k.clone()) {
            return Ok(known);
        }
        let user = match request_cookie(SESSION_COOKIE) {
            Some(token) if !token.is_empty() => {
                domain::ops::session::session_user(&self.services, &token).await?
            }
            _ => None,
        };
        if let Ok(mut known) = self.request_user.lock() {
            *known = Some(user.clone());
        }
        Ok(user)
    }

    /// Who is asking: the signed-in user, or anonymous.
    pub async fn actor(&self) -> Result<Actor, AppError> {
        Ok(Actor::from_user(self.user().await?))
    }

    fn secure(&self) -> bool {
        self.secure_cookies.unwrap_or_else(|| {
            request_parts()
                .and_then(|p| p.extensions.get::<RequestTls>().copied())
                .is_some_and(|t| t.0)
        })
    }

    /// Set (or with `None`, clear) the session cookie on the response.
    pub fn set_session_cookie(&self, token: Option<&str>) {
        let max_age = if token.is_some() {
            SESSION_DAYS * 86_400
        } else {
            0
        };
        let secure = if self.secure() { "; Secure" } else { "" };
        let cookie = format!(
            "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
            token.unwrap_or("")
        );
        if let (Some(resp), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(&cookie),
        ) {
            resp.append_header(http::header::SET_COOKIE, value);
        }
    }
}

/// Only a plain same-site path is followed after login or a language switch (no open
/// redirects): it starts with one `/` (not `//` or `/\`), and has no control characters,
/// whitespace or backslashes, nor percent escapes of slashes, backslashes or control
/// characters — browsers drop a tab or newline and read `/\t/evil.example` as
/// `//evil.example`. Anything else goes to `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_plain_local_path(n) => n.to_string(),
        _ => "/".to_string(),
    }
}

fn is_plain_local_path(n: &str) -> bool {
    let bytes = n.as_bytes();
    if bytes.first() != Some(&b'/') || matches!(bytes.get(1), Some(b'/' | b'\\')) {
        return false;
    }
    if n.chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return false;
    }
    // A percent escape of something a plain path never encodes here.
    !bytes.windows(3).any(|w| {
        w[0] == b'%'
            && std::str::from_utf8(&w[1..])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .is_some_and(|b| b < 0x20 || b == b'/' || b == b'\\' || b == 0x7f)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_plain_local_paths_are_followed() {
        for hostile in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/ /evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "/%2F%2Fevil.example",
            "/%2f/evil.example",
            "/%5Cevil.example",
            "/%09/evil.example",
            "/%0a/evil.example",
            "//evil.example",
            "///evil.example",
            "https:evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/\u{3000}/evil.example",
            "/\u{0085}/evil.example",
        ] {
            assert_eq!(super::safe_next(Some(hostile)), "/", "{hostile:?}");
        }
        for fine in [
            "/",
            "/datasets?q=%EA%B3%B5%EC%9B%90+a%20b&page=2",
            "/datasets/parks#map",
            "/crowd",
        ] {
            assert_eq!(super::safe_next(Some(fine)), fine);
        }
        assert_eq!(super::safe_next(None), "/");
    }

    #[test]
    fn csp_allows_the_tile_host_and_the_nonce_only() {
        let csp = super::content_security_policy(
            Some("abc123"),
            "https://{s}.tile.example.org/{z}/{x}/{y}.png",
        );
        assert!(
            csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"),
            "{csp}"
        );
        assert!(
            csp.contains("img-src 'self' data: blob: https://*.tile.example.org;"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        for odd in [
            "none",
            "/tiles/{z}/{x}/{y}.png",
            "https://a.example;script-src */{z}/{x}/{y}",
        ] {
            let csp = super::content_security_policy(None, odd);
            assert!(csp.contains("img-src 'self' data: blob:;"), "{odd}: {csp}");
        }
    }
}
