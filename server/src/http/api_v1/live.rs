//! `GET /api/v1/datasets/{id}/live?mode=view|edit`: a Server-Sent Events stream of who else has
//! the dataset open and of changes saved to it (signed-in staff who can see the dataset).

use std::convert::Infallible;
use std::time::Duration;

use app::collab::LiveMessage;
use app::error::AppError;
use app::model::Viewer;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::schema::error::*;
use super::schema::LiveMode;
use super::{check_id, staff, unknown_param};
use crate::http::{ApiError, AppState};
use domain::live::Attendance;
use domain::services::catalog::find_visible;

fn event(m: &LiveMessage) -> Event {
    Event::default()
        .event(m.event())
        .data(serde_json::to_string(m).unwrap_or_default())
}

/// The next message for this reader, or `None` when the server is stopping.
async fn next(att: &mut Attendance) -> Option<LiveMessage> {
    loop {
        if *att.closing.borrow() {
            return None;
        }
        tokio::select! {
            _ = att.closing.changed() => return None,
            r = att.messages.recv() => match r {
                Ok(m) if m.dataset_id() == att.dataset_id() => return Some(m),
                Ok(_) | Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            },
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/datasets/{id}/live",
    operation_id = "followDataset",
    tag = "collaboration",
    summary = "Who else has the dataset open, and changes saved to it, as they happen (text/event-stream; signed-in staff who can see the dataset)",
    description = "Each event is a LiveMessage as JSON, named by its `type`: `presence` (everyone who has it open, first at once) and `changed` (a saved change and the new version). Keeps going until the reader leaves.",
    params(
        ("id" = String, Path, min_length = 1, max_length = 200, description = "The dataset's numeric id or slug."),
        ("mode" = inline(Option<LiveMode>), Query, description = "Whether the reader is on the edit page (default view)."),
    ),
    responses(
        (status = 200, description = "Server-Sent Events carrying LiveMessage.", content_type = "text/event-stream", body = String),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
pub async fn live(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    check_id(&id)?;
    let mut editing = false;
    for (k, v) in app::search::parse_query_string(raw.as_deref().unwrap_or("")) {
        match (k.as_str(), v.as_str()) {
            ("mode", "view") => editing = false,
            ("mode", "edit") => editing = true,
            ("mode", _) => {
                return Err(AppError::validation(
                    "mode",
                    "mode: view 또는 edit",
                    "mode: view or edit.",
                )
                .into())
            }
            (other, _) => return Err(unknown_param(other).into()),
        }
    }
    let user = staff(&state, &headers).await?;
    let d = find_visible(&state.services.db, &Viewer::Staff(user.clone()), &id).await?;
    // Joining announces the new presence list, which this stream receives first.
    let att = state.services.live.join(d.id, &user, editing);
    let stream = futures::stream::unfold(att, |mut att| async move {
        let m = next(&mut att).await?;
        Some((Ok(event(&m)), att))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
