//! Background jobs, harvest sources and data-file profiling over HTTP:
//! - `GET /api/v1/jobs` (own jobs; all for administrators), `GET /api/v1/jobs/{id}`,
//!   `GET /api/v1/jobs/{id}/events` (Server-Sent Events: the job's state until it ends);
//! - `GET|POST /api/v1/harvest/sources`, `POST /api/v1/harvest/sources/{id}/run` (administrators);
//! - `POST /api/v1/datasets/{id}/profile?url=…&name=…` with the file as the body (editors of the
//!   dataset): 202 with the job.

use std::convert::Infallible;
use std::time::Duration;

use app::error::AppError;
use app::jobs::{HarvestSourceInfo, HarvestSourceInput, JobInfo};
use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::Stream;

use super::schema::error::*;
use super::schema::JobAccepted;
use super::{actor, bad_body, check_id, no_params, staff, unknown_param};
use crate::http::{ApiError, AppState};
use domain::ops::{self, Actor};
use domain::services::{jobs, profiling};

fn job_id(raw: &str) -> Result<i32, AppError> {
    raw.parse::<i32>().ok().filter(|n| *n > 0).ok_or_else(|| {
        AppError::validation("id", "id: 작업 번호가 아닙니다.", "id: not a job number.")
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/jobs",
    operation_id = "listJobs",
    tag = "jobs",
    summary = "The newest background jobs (imports, harvests, profiling): all for administrators, the caller's own for other staff",
    responses(
        (status = 200, description = "The jobs, newest first (at most 100).", body = Vec<JobInfo>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<JobInfo>>, ApiError> {
    no_params(raw)?;
    let actor = actor(&state, &headers).await?;
    Ok(Json(ops::jobs::list(&state.services, &actor).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/jobs/{id}",
    operation_id = "getJob",
    tag = "jobs",
    summary = "One job (its creator or an administrator)",
    params(
        ("id" = i32, Path, minimum = 1, description = "The job."),
    ),
    responses(
        (status = 200, description = "The job.", body = JobInfo),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<JobInfo>, ApiError> {
    let id = job_id(&id)?;
    let actor = actor(&state, &headers).await?;
    Ok(Json(ops::jobs::get(&state.services, &actor, id).await?))
}

/// The job's state as it changes (checked twice a second), ending when the job ends or the
/// server stops. Every event carries the whole `JobInfo`, so a reconnecting reader is current
/// at once.
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{id}/events",
    operation_id = "followJob",
    tag = "jobs",
    summary = "The job's state as it changes (text/event-stream, event `job` carrying the whole JobInfo), ending when the job ends",
    params(
        ("id" = i32, Path, minimum = 1, description = "The job."),
    ),
    responses(
        (status = 200, description = "Server-Sent Events: `job` with a JobInfo.", content_type = "text/event-stream", body = String),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let id = job_id(&id)?;
    let user = staff(&state, &headers).await?;
    let first = jobs::get(&state.services.db, &user, id).await?;
    let db = state.services.db.clone();
    let closing = state.services.live.closing();
    let stream = futures::stream::unfold(
        (Some(first), None::<JobInfo>, closing),
        move |(next, last, mut closing)| {
            let db = db.clone();
            let user = user.clone();
            async move {
                let mut info = next;
                loop {
                    if let Some(i) = info.take() {
                        if last.as_ref() != Some(&i) {
                            let ev = Event::default()
                                .event("job")
                                .data(serde_json::to_string(&i).unwrap_or_default());
                            let ended = i.status.finished();
                            let state = (None, if ended { None } else { Some(i) }, closing);
                            if ended {
                                // Send the last state, then end on the next poll.
                                return Some((Ok(ev), (None, Some(done_marker()), state.2)));
                            }
                            return Some((Ok(ev), state));
                        }
                    }
                    if last.as_ref().is_some_and(is_done_marker) || *closing.borrow() {
                        return None;
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                        _ = closing.changed() => return None,
                    }
                    match jobs::get(&db, &user, id).await {
                        Ok(i) => info = Some(i),
                        Err(_) => return None,
                    }
                }
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// A stand-in "last state" that means the stream has sent the final one.
fn done_marker() -> JobInfo {
    JobInfo {
        id: -1,
        kind: app::jobs::JobKind::Import,
        status: app::jobs::JobStatus::Succeeded,
        subject: String::new(),
        created_by: None,
        progress_done: 0,
        progress_total: 0,
        progress_note: String::new(),
        attempts: 0,
        created_at: chrono::DateTime::<chrono::Utc>::MIN_UTC,
        started_at: None,
        finished_at: None,
        outcome: None,
        error: None,
    }
}

fn is_done_marker(i: &JobInfo) -> bool {
    i.id == -1
}

/// An administrator (401 or 403 before the body is read).
async fn admin(state: &AppState, headers: &HeaderMap) -> Result<Actor, AppError> {
    let actor = actor(state, headers).await?;
    actor.admin()?;
    Ok(actor)
}

#[utoipa::path(
    get,
    path = "/api/v1/harvest/sources",
    operation_id = "listHarvestSources",
    tag = "jobs",
    summary = "Harvest sources with their last run (administrators)",
    responses(
        (status = 200, description = "The sources.", body = Vec<HarvestSourceInfo>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
    )
)]
pub async fn sources(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<HarvestSourceInfo>>, ApiError> {
    no_params(raw)?;
    let actor = admin(&state, &headers).await?;
    Ok(Json(
        ops::jobs::harvest_sources(&state.services, &actor).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/harvest/sources",
    operation_id = "saveHarvestSource",
    tag = "jobs",
    summary = "Create a harvest source, or change the one with `id` (administrators)",
    request_body = HarvestSourceInput,
    responses(
        (status = 200, description = "The source.", body = HarvestSourceInfo),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn save_source(
    State(state): State<AppState>,
    headers: HeaderMap,
    input: Result<Json<HarvestSourceInput>, JsonRejection>,
) -> Result<Json<HarvestSourceInfo>, ApiError> {
    let actor = admin(&state, &headers).await?;
    let Json(input) = input.map_err(|e| bad_body(e, "a harvest source"))?;
    Ok(Json(
        ops::jobs::save_harvest_source(&state.services, &actor, &input).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/harvest/sources/{id}/run",
    operation_id = "runHarvestSource",
    tag = "jobs",
    summary = "Run a source now (administrators)",
    params(
        ("id" = i32, Path, minimum = 1, description = "The source."),
    ),
    responses(
        (status = 202, description = "The run is queued.", body = JobAccepted, headers(("Location" = String, description = "The job: `/api/v1/jobs/{job}`."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn run_source(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = job_id(&id)?;
    let actor = admin(&state, &headers).await?;
    let job = ops::jobs::run_harvest_source(&state.services, &actor, id).await?;
    Ok(accepted(job))
}

fn accepted(job: i32) -> Response {
    (
        StatusCode::ACCEPTED,
        [(header::LOCATION, format!("/api/v1/jobs/{job}"))],
        Json(JobAccepted { job }),
    )
        .into_response()
}

#[utoipa::path(
    post,
    path = "/api/v1/datasets/{id}/profile",
    operation_id = "profileDataFile",
    tag = "jobs",
    summary = "Profile a data file of one of the dataset's distributions (editors of the dataset); the file is the body (up to 200 MB)",
    params(
        ("id" = String, Path, min_length = 1, max_length = 200, description = "The dataset's numeric id or slug."),
        ("url" = String, Query, description = "The distribution's URL."),
        ("name" = Option<String>, Query, description = "The file name (its extension picks the format: .csv, .xlsx, .geojson)."),
    ),
    request_body(description = "The data file.", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/geo+json"))),
    responses(
        (status = 202, description = "The job; its outcome holds the profile, and the dataset page shows it.", body = JobAccepted, headers(("Location" = String, description = "The job: `/api/v1/jobs/{job}`."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
    )
)]
pub async fn profile(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    check_id(&id)?;
    let (mut url, mut name) = (None, None);
    for (k, v) in app::search::parse_query_string(raw.as_deref().unwrap_or("")) {
        match k.as_str() {
            "url" => url = Some(v),
            "name" => name = Some(v),
            other => return Err(unknown_param(other).into()),
        }
    }
    let url = url.ok_or_else(|| {
        AppError::validation(
            "url",
            "url: 어느 배포의 파일인지 주소가 필요합니다.",
            "url: the distribution's address is required.",
        )
    })?;
    let name = name.unwrap_or_else(|| "upload".into());
    let user = staff(&state, &headers).await?;
    let job = profiling::upload::upload(
        &state.services,
        &user,
        &id,
        &url,
        &name,
        body.into_data_stream(),
    )
    .await?;
    Ok(accepted(job))
}
