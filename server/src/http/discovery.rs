//! Public discovery: `GET /sitemap.xml` (the public pages and every public, published dataset
//! with its last change), `GET /robots.txt` (staff pages kept out of search engines, the
//! sitemap named), and CORS for the public read API (`Access-Control-Allow-Origin: *`, never
//! with credentials, so another site's script only ever reads what anonymous readers see).

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::ops::open_data::Listed;
use domain::ops::{self, Actor};

use crate::http::{ApiError, AppState};

/// `scheme://host[:port]` of the site: `DONGNE_PUBLIC_URL`, never the request's `Host` (one
/// request must not choose the addresses others are given).
pub fn site(state: &AppState) -> &str {
    &state.config.public_url
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

pub async fn sitemap(State(state): State<AppState>) -> Result<Response, ApiError> {
    let base = site(&state).to_string();
    let rows = ops::open_data::listed(&state.services, &Actor::Anonymous).await?;
    let mut xml = String::with_capacity(200 + rows.len() * 120);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (path, freq) in [
        ("/", "daily"),
        ("/datasets", "daily"),
        ("/crowd", "always"),
        ("/crowd/lite", "always"),
    ] {
        xml.push_str(&format!(
            "<url><loc>{}{path}</loc><changefreq>{freq}</changefreq></url>\n",
            xml_escape(&base)
        ));
    }
    for Listed {
        slug, updated_at, ..
    } in rows
    {
        xml.push_str(&format!(
            "<url><loc>{}/datasets/{}</loc><lastmod>{}</lastmod></url>\n",
            xml_escape(&base),
            xml_escape(&app::search::encode(&slug)),
            updated_at.format("%Y-%m-%d")
        ));
    }
    xml.push_str("</urlset>\n");
    Ok((
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        xml,
    )
        .into_response())
}

pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /admin\nDisallow: /import\nDisallow: /review\nDisallow: /notifications\nDisallow: /login\nDisallow: /jobs/\nDisallow: /datasets/*/edit\nDisallow: /datasets/*/history\n\nSitemap: {}/sitemap.xml\n",
        site(&state)
    );
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// Public read endpoints other sites may call from a browser.
fn public_read(path: &str) -> bool {
    path.starts_with("/api/v1/")
        || path.starts_with("/api/3/action/")
        || matches!(path, "/sitemap.xml" | "/catalog.jsonld" | "/catalog.ttl")
}

/// CORS for the public read API: GET and HEAD answers carry `Access-Control-Allow-Origin: *`,
/// and a preflight asking for GET or HEAD is answered here. Writes get no CORS headers, so a
/// browser refuses to send them from another site (and the same-origin check refuses them
/// anyway).
pub async fn cors(req: Request, next: Next) -> Response {
    let path_ok = public_read(req.uri().path());
    if !path_ok || !req.headers().contains_key(header::ORIGIN) {
        return next.run(req).await;
    }
    if req.method() == Method::OPTIONS {
        let wanted = req
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_METHOD)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if wanted == "GET" || wanted == "HEAD" {
            return (
                StatusCode::NO_CONTENT,
                [
                    (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
                    (header::ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD"),
                    (
                        header::ACCESS_CONTROL_ALLOW_HEADERS,
                        "Accept, Accept-Language, Content-Type, Last-Event-ID",
                    ),
                    (header::ACCESS_CONTROL_MAX_AGE, "86400"),
                ],
            )
                .into_response();
        }
        return next.run(req).await;
    }
    let read = req.method() == Method::GET || req.method() == Method::HEAD;
    let mut resp = next.run(req).await;
    if read {
        let h = resp.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("ETag, Retry-After"),
        );
        h.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_is_escaped() {
        assert_eq!(xml_escape("a&b<c>"), "a&amp;b&lt;c&gt;");
    }
}
