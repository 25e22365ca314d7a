//! A watchdog for server-rendered pages. Leptos renders a page's Suspense blocks as tasks on
//! the runtime's threads, and under load a render very rarely stops for good: no CPU used, no
//! error, no answer (a lost wake-up between those tasks; leptos-rs/leptos#4851 and #4673 are
//! reports of the same symptom). The test suite saw about one page in 10,000 hang so, on
//! different pages. A render is normally done in milliseconds, so one that has given no answer
//! after [`STALL`] is dropped and the page rendered again; after [`ATTEMPTS`] the reader gets
//! a 503 with `Retry-After` instead of a request that never ends. Each restart is logged and
//! counted (`dongne_page_renders_restarted_total` in `/metrics`).
//!
//! Only page reads are watched: GET and HEAD of the app's page routes (not the JSON API, server
//! functions, event streams, files, health checks or catalog exports). Pages render with
//! `SsrMode::Async`, so the answer's head comes only once the whole page is rendered: a stall
//! is always before it.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

/// Time a page render may take before it is taken for stalled.
const STALL: Duration = Duration::from_secs(5);
/// Renders of one request, the first included.
const ATTEMPTS: u32 = 3;

/// The route templates of the app's pages (as axum writes them, `/datasets/{slug}`).
#[derive(Clone)]
pub struct Pages(Arc<HashSet<String>>);

impl Pages {
    pub fn new<'a>(paths: impl IntoIterator<Item = &'a str>) -> Pages {
        Pages(Arc::new(paths.into_iter().map(str::to_string).collect()))
    }

    /// Whether a request, routed to `template` (axum's `MatchedPath`, set before route
    /// layers run), reads a page.
    fn watched(&self, method: &Method, template: Option<&str>) -> bool {
        matches!(*method, Method::GET | Method::HEAD)
            && template.is_some_and(|t| self.0.contains(t))
    }
}

/// The same request again (a page read has no body).
fn again(req: &Request) -> Request {
    let mut copy = Request::new(Body::empty());
    *copy.method_mut() = req.method().clone();
    *copy.uri_mut() = req.uri().clone();
    *copy.version_mut() = req.version();
    *copy.headers_mut() = req.headers().clone();
    *copy.extensions_mut() = req.extensions().clone();
    copy
}

pub async fn watch(
    State((state, pages)): State<(AppState, Pages)>,
    req: Request,
    next: Next,
) -> Response {
    let template = req.extensions().get::<MatchedPath>().map(|m| m.as_str());
    if !pages.watched(req.method(), template) {
        return next.run(req).await;
    }
    watch_with(
        req,
        STALL,
        ATTEMPTS,
        |r| next.clone().run(r),
        || state.metrics.render_restarted(),
    )
    .await
}

async fn watch_with<F, Fut>(
    req: Request,
    stall: Duration,
    attempts: u32,
    render: F,
    restarted: impl Fn(),
) -> Response
where
    F: Fn(Request) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    let (method, uri) = (req.method().clone(), req.uri().clone());
    for attempt in 1..=attempts {
        match tokio::time::timeout(stall, render(again(&req))).await {
            Ok(resp) => return resp,
            Err(_) if attempt < attempts => {
                restarted();
                tracing::warn!(%method, %uri, attempt, "page render stalled; rendering it again");
            }
            Err(_) => {
                tracing::error!(%method, %uri, attempts, "page render stalled every time");
            }
        }
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "1")],
        "The page could not be rendered just now; please try again.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    fn page(uri: &str) -> Request {
        Request::builder()
            .uri(uri)
            .header("cookie", "lang=en")
            .body(Body::empty())
            .unwrap()
    }

    /// A render that hangs on its first `hangs` attempts, then answers with what it was given.
    async fn run(hangs: u32) -> (Response, u32, u32) {
        let calls = Arc::new(AtomicU32::new(0));
        let restarts = Arc::new(AtomicU32::new(0));
        let resp = {
            let calls = calls.clone();
            let restarts = restarts.clone();
            watch_with(
                page("/crowd?district=all"),
                Duration::from_millis(50),
                3,
                move |req: Request| {
                    let n = calls.fetch_add(1, Ordering::SeqCst);
                    async move {
                        if n < hangs {
                            std::future::pending::<()>().await;
                        }
                        let seen = format!("{} {:?}", req.uri(), req.headers().get("cookie"));
                        (StatusCode::OK, seen).into_response()
                    }
                },
                move || {
                    restarts.fetch_add(1, Ordering::SeqCst);
                },
            )
            .await
        };
        (
            resp,
            calls.load(Ordering::SeqCst),
            restarts.load(Ordering::SeqCst),
        )
    }

    #[tokio::test]
    async fn a_stalled_render_is_done_again_with_the_same_request() {
        let (resp, calls, restarts) = run(1).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!((calls, restarts), (2, 1));
        let body = axum::body::to_bytes(resp.into_body(), 1024).await.unwrap();
        assert_eq!(&body[..], b"/crowd?district=all Some(\"lang=en\")");
    }

    #[tokio::test]
    async fn a_render_that_answers_is_not_repeated() {
        let (resp, calls, restarts) = run(0).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!((calls, restarts), (1, 0));
    }

    #[tokio::test]
    async fn a_render_that_always_stalls_ends_in_503() {
        let (resp, calls, restarts) = run(u32::MAX).await;
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers()[header::RETRY_AFTER], "1");
        assert_eq!((calls, restarts), (3, 2));
    }

    #[test]
    fn only_page_reads_are_watched() {
        let pages = Pages::new(["/", "/datasets/{slug}"]);
        assert!(pages.watched(&Method::GET, Some("/datasets/{slug}")));
        assert!(pages.watched(&Method::HEAD, Some("/")));
        assert!(!pages.watched(&Method::POST, Some("/datasets/{slug}")));
        assert!(!pages.watched(&Method::GET, Some("/readyz")));
        assert!(
            !pages.watched(&Method::GET, None),
            "not routed (the fallback)"
        );
    }
}
