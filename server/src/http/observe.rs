//! Observability: a request id on every request and response (`x-request-id`, taken from the
//! client or proxy when it is a plain token, else made here), recorded in the request's log
//! span; latency metrics per route; and `GET /metrics` in Prometheus' text format, for
//! scrapers connecting directly from this machine, scrapers with `DONGNE_METRICS_TOKEN`, and
//! administrators.

use std::time::Instant;

use app::error::AppError;
use app::model::{Role, Viewer};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::{ApiError, AppState};
use crate::metrics::gauge;
use app::jobs::JobStatus;
use domain::ops;

pub const REQUEST_ID: &str = "x-request-id";

fn usable_id(v: &HeaderValue) -> bool {
    let b = v.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// Give the request an id (kept from the caller when usable) and answer with it.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let id = match req.headers().get(REQUEST_ID) {
        Some(v) if usable_id(v) => v.clone(),
        _ => HeaderValue::from_str(&hex::encode(rand::random::<[u8; 8]>()))
            .unwrap_or(HeaderValue::from_static("0")),
    };
    req.headers_mut().insert(REQUEST_ID, id.clone());
    let mut resp = next.run(req).await;
    resp.headers_mut().insert(REQUEST_ID, id);
    resp
}

/// The log span of a request: method, path and request id.
pub fn span(req: &Request) -> tracing::Span {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
}

/// Time each request to its response head, by route template.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let method = req.method().clone();
    let started = Instant::now();
    let resp = next.run(req).await;
    // Unmatched paths (files, pages under the Leptos fallback) share one series.
    let route = route.unwrap_or_else(|| "other".to_string());
    state.metrics.observe(
        &route,
        method.as_str(),
        resp.status().as_u16(),
        started.elapsed(),
    );
    resp
}

/// Headers a reverse proxy adds: a request carrying any of them was forwarded, so its
/// loopback connection says nothing about where it came from.
const FORWARDING: [&str; 5] = [
    "x-forwarded-for",
    "forwarded",
    "x-real-ip",
    "x-forwarded-host",
    "x-forwarded-proto",
];

/// A direct connection from this machine (not forwarded by a proxy on it).
fn local(req: &Request) -> bool {
    super::limits::peer_ip(req).to_canonical().is_loopback()
        && !FORWARDING.iter().any(|h| req.headers().contains_key(*h))
}

/// Whether `given` is `expected`, in time that does not depend on where they differ.
fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (Sha256::digest(given), Sha256::digest(expected));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// Who may read `/metrics`: a direct connection from this machine, the scrape token
/// (`DONGNE_METRICS_TOKEN`), or a signed-in administrator (session or API key). Anyone else:
/// 401, or 403 for signed-in staff who are not administrators.
async fn may_read_metrics(
    state: &AppState,
    local: bool,
    headers: &HeaderMap,
) -> Result<(), AppError> {
    if local {
        return Ok(());
    }
    if let (Some(token), Some(Ok(given))) =
        (&state.config.metrics_token, super::limits::bearer(headers))
    {
        if same_secret(given, token) {
            return Ok(());
        }
    }
    match super::api_v1::viewer(state, headers).await? {
        Viewer::Staff(u) if u.role == Role::Admin => Ok(()),
        Viewer::Staff(_) => Err(AppError::Forbidden),
        Viewer::Public => Err(AppError::Unauthenticated),
    }
}

/// `GET /metrics`: see [`may_read_metrics`].
pub async fn metrics(State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let local = local(&req);
    let headers = req.into_parts().0.headers;
    may_read_metrics(&state, local, &headers).await?;
    let mut out = String::with_capacity(16 * 1024);
    state.metrics.render_requests(&mut out);
    let live = &state.services.crowd_live;
    gauge(
        &mut out,
        "dongne_sse_subscribers",
        "Open crowd event streams.",
        live.subscribers() as f64,
    );
    gauge(
        &mut out,
        "dongne_feed_leader",
        "1 when this instance polls the crowd feed (one instance leads).",
        if state
            .services
            .feed_leader
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            1.0
        } else {
            0.0
        },
    );
    let newest = live
        .spots
        .current()
        .and_then(|f| f.value.iter().filter_map(|s| s.observed_at).max());
    if let Some(t) = newest {
        gauge(
            &mut out,
            "dongne_crowd_feed_age_seconds",
            "Seconds since the newest crowd reading was observed.",
            Ord::max((chrono::Utc::now() - t).num_milliseconds(), 0) as f64 / 1000.0,
        );
    }
    for (status, help) in [
        (JobStatus::Queued, "Jobs waiting for a worker."),
        (JobStatus::Running, "Jobs being run."),
    ] {
        let n = ops::jobs::count_in(&state.services, status).await?;
        gauge(
            &mut out,
            &format!("dongne_jobs_{}", status.code()),
            help,
            n as f64,
        );
    }
    gauge(
        &mut out,
        "dongne_search_documents",
        "Datasets in this instance's search index.",
        state.services.search.num_docs() as f64,
    );
    if let Some(rss) = crate::metrics::resident_bytes() {
        gauge(
            &mut out,
            "process_resident_memory_bytes",
            "Resident memory of this process.",
            rss as f64,
        );
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        out,
    )
        .into_response())
}
