//! Crowd levels over HTTP, public: `GET /api/v1/crowd` (every hot spot's current status) and
//! `GET /api/v1/crowd/events` (Server-Sent Events: the whole status as event `crowd` and the
//! open alerts with emergency mode as event `alerts` at once, then each again after every
//! change; the event id is the change's sequence number in its channel).

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::no_params;
use super::schema::error::*;
use super::schema::JsonOrCsv;
use crate::http::{ApiError, AppState};
use app::crowd::PublicAlerts;
use app::model::HotSpotStatus;
use domain::services::crowd::live::{AlertsFrame, CrowdFrame};

/// Rows as a CSV download named `filename`, never cached.
fn csv_file(
    filename: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Response, app::error::AppError> {
    let body =
        domain::services::csv_safe::write(header, rows).map_err(domain::services::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CACHE_CONTROL, "no-cache".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// A published frame's JSON as the answer (never cached: it changes every few minutes).
fn frame_json(json: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        json.to_string(),
    )
        .into_response()
}

/// `GET /api/v1/crowd[?format=json|csv]`: every place's current level; as CSV (open data) with
/// one row per place and a `stale` column.
#[utoipa::path(
    get,
    path = "/api/v1/crowd",
    operation_id = "crowdStatus",
    tag = "crowd",
    summary = "Every hot spot's current crowd level (public)",
    params(
        ("format" = inline(Option<JsonOrCsv>), Query, description = "json (the default) or csv."),
    ),
    responses(
        (status = 200, description = "Every place's status, or as CSV one row per place with a `stale` column.", content((Vec<HotSpotStatus> = "application/json"), (String = "text/csv"))),
        (status = 400, response = BadRequest),
    )
)]
pub async fn status(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut csv = false;
    for (k, v) in app::search::parse_query_string(raw.as_deref().unwrap_or("")) {
        match (k.as_str(), v.as_str()) {
            ("format", "json") => csv = false,
            ("format", "csv") => csv = true,
            ("format", _) => {
                return Err(app::error::AppError::validation(
                    "format",
                    "format: json 또는 csv",
                    "format: must be json or csv.",
                )
                .into())
            }
            (other, _) => return Err(super::unknown_param(other).into()),
        }
    }
    let live = &state.services.crowd_live;
    let frame = live.snapshot(&state.services.db).await?;
    if !csv {
        return Ok(frame_json(&frame.json));
    }
    let now = chrono::Utc::now();
    let rows = frame.value.iter().map(|h| {
        vec![
            h.code.clone(),
            h.name_ko.clone(),
            h.name_en.clone(),
            h.district.clone(),
            h.lat.to_string(),
            h.lon.to_string(),
            h.level.map(|l| l.number().to_string()).unwrap_or_default(),
            h.level
                .map(|l| l.label(app::i18n::Lang::Ko).to_string())
                .unwrap_or_default(),
            h.population_min.map(|n| n.to_string()).unwrap_or_default(),
            h.population_max.map(|n| n.to_string()).unwrap_or_default(),
            h.observed_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            h.is_stale(now).to_string(),
        ]
    });
    let header = [
        "code",
        "name_ko",
        "name_en",
        "district",
        "lat",
        "lon",
        "level",
        "level_ko",
        "population_min",
        "population_max",
        "observed_at",
        "stale",
    ];
    Ok(csv_file("crowd-now.csv", &header, rows)?)
}

/// What the stream sends next.
struct Pending {
    spots: Option<CrowdFrame>,
    alerts: Option<AlertsFrame>,
}

/// A comment line every 15 s keeps idle connections (and proxies) from timing out.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

#[utoipa::path(
    get,
    path = "/api/v1/crowd/events",
    operation_id = "followCrowd",
    tag = "crowd",
    summary = "Crowd levels and alerts as they change (text/event-stream, public): event `crowd` with every hot spot's status and event `alerts` with the open alerts and emergency mode at once, then each after every change; the event id is the change's sequence number in its channel",
    responses(
        (status = 200, description = "Server-Sent Events: `crowd` with [HotSpotStatus], `alerts` with PublicAlerts.", content_type = "text/event-stream", body = String),
        (status = 400, response = BadRequest),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_params(raw)?;
    let live = state.services.crowd_live.clone();
    let db = &state.services.db;
    // Subscribe before reading the snapshots, so no update can fall between the two.
    let mut rx = live.spots.subscribe();
    let mut arx = live.alerts.subscribe();
    let current = rx.borrow_and_update().clone();
    let spots = match current {
        Some(f) => f,
        None => live.snapshot(db).await?,
    };
    let current = arx.borrow_and_update().clone();
    let alerts = match current {
        Some(f) => f,
        None => live.alerts_snapshot(db).await?,
    };
    let closing = state.services.live.closing();
    let first = Pending {
        spots: Some(spots),
        alerts: Some(alerts),
    };
    // Each frame's event is written as the shared bytes published once (no copy per stream);
    // the sequence numbers already sent, per channel, keep a frame from going out twice.
    let stream = futures::stream::unfold(
        (first, (0u64, 0u64), rx, arx, closing),
        |(mut pending, (mut sent, mut asent), mut rx, mut arx, mut closing)| async move {
            loop {
                if let Some(f) = pending.spots.take() {
                    if f.seq > sent {
                        sent = f.seq;
                        let bytes = f.sse.clone();
                        return Some((
                            Ok::<_, Infallible>(bytes),
                            (pending, (sent, asent), rx, arx, closing),
                        ));
                    }
                }
                if let Some(f) = pending.alerts.take() {
                    if f.seq > asent {
                        asent = f.seq;
                        let bytes = f.sse.clone();
                        return Some((Ok(bytes), (pending, (sent, asent), rx, arx, closing)));
                    }
                }
                if *closing.borrow() {
                    return None;
                }
                tokio::select! {
                    changed = rx.changed() => {
                        changed.ok()?;
                        pending.spots = rx.borrow_and_update().clone();
                    }
                    changed = arx.changed() => {
                        changed.ok()?;
                        pending.alerts = arx.borrow_and_update().clone();
                    }
                    _ = closing.changed() => return None,
                    _ = tokio::time::sleep(KEEP_ALIVE) => {
                        let ping = Bytes::from_static(b":\n\n");
                        return Some((Ok(ping), (pending, (sent, asent), rx, arx, closing)));
                    }
                }
            }
        },
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

pub mod alerts;
pub mod history;
pub mod push;

/// `GET /api/v1/crowd/alerts`: open alerts and emergency mode (public, as every map shows them).
#[utoipa::path(
    get,
    path = "/api/v1/crowd/alerts",
    operation_id = "crowdAlerts",
    tag = "crowd",
    summary = "Open crowd alerts (one per place, worst first) and emergency mode (public)",
    responses(
        (status = 200, description = "The open alerts and emergency mode.", body = PublicAlerts),
        (status = 400, response = BadRequest),
    )
)]
pub async fn public_alerts(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_params(raw)?;
    let live = &state.services.crowd_live;
    Ok(frame_json(
        &live.alerts_snapshot(&state.services.db).await?.json,
    ))
}
