//! Crowd levels over HTTP, public: `GET /api/v1/crowd` (every hot spot's current status) and
//! `GET /api/v1/crowd/events` (Server-Sent Events: the whole status as event `crowd` at once,
//! then again after every update; the event id is the update's sequence number).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;

use super::no_params;
use crate::http::{ApiError, AppState};
use crate::services::crowd::live::CrowdFrame;

pub async fn status(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    no_params(raw)?;
    let frame = state
        .services
        .crowd_live
        .snapshot(&state.services.db)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        frame.json.to_string(),
    )
        .into_response())
}

fn event(f: &CrowdFrame) -> Event {
    Event::default()
        .event("crowd")
        .id(f.seq.to_string())
        .data(&*f.json)
}

pub async fn events(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    no_params(raw)?;
    let live = state.services.crowd_live.clone();
    // Subscribe before reading the snapshot, so no update can fall between the two.
    let mut rx = live.subscribe();
    let current = rx.borrow_and_update().clone();
    let first = match current {
        Some(f) => f,
        None => live.snapshot(&state.services.db).await?,
    };
    let closing = state.services.live.closing();
    let stream = futures::stream::unfold(
        (Some(first), 0u64, rx, closing),
        |(first, mut sent, mut rx, mut closing)| async move {
            if let Some(f) = first {
                return Some((Ok(event(&f)), (None, f.seq, rx, closing)));
            }
            loop {
                if *closing.borrow() {
                    return None;
                }
                tokio::select! {
                    changed = rx.changed() => {
                        changed.ok()?;
                        let f = rx.borrow_and_update().clone()?;
                        if f.seq > sent {
                            sent = f.seq;
                            return Some((Ok(event(&f)), (None, sent, rx, closing)));
                        }
                    }
                    _ = closing.changed() => return None,
                }
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
