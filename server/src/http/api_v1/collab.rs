//! The JSON API for working together (signed-in staff): proposals, notifications, activity.

use app::collab::{ActivityItem, FeedScope, Notifications, ProposalInfo};
use app::editing::DatasetPatch;
use app::error::AppError;
use app::search::parse_query_string;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{actor, bad_body, check_id, if_match, unknown_param};
use crate::http::{ApiError, AppState};
use domain::ops;
use domain::services::proposals::list::Scope;

/// A JSON body that may be left out (empty: the default).
fn optional_json<T: serde::de::DeserializeOwned + Default>(
    body: &[u8],
    expected: &str,
) -> Result<T, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        AppError::validation(
            "body",
            &format!("본문: {expected} 형식이어야 합니다 ({e})"),
            &format!("body: must be {expected} ({e})"),
        )
    })
}

fn proposal_id(raw: &str) -> Result<i32, AppError> {
    raw.parse::<i32>().ok().filter(|v| *v > 0).ok_or_else(|| {
        AppError::validation(
            "proposal",
            "proposal: 제안 번호여야 합니다.",
            "proposal: must be a proposal number.",
        )
    })
}

/// Query parameters as pairs, refusing any not in `allowed`.
fn params(raw: Option<String>, allowed: &[&str]) -> Result<Vec<(String, String)>, AppError> {
    let pairs = parse_query_string(raw.as_deref().unwrap_or(""));
    if let Some((k, _)) = pairs.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
        return Err(unknown_param(k));
    }
    Ok(pairs)
}

/// `POST /api/v1/datasets/{id}/proposals` with `If-Match` (the version seen) and a change.
pub async fn propose(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<DatasetPatch>, JsonRejection>,
) -> Result<(StatusCode, Json<ProposalInfo>), ApiError> {
    check_id(&id)?;
    let actor = actor(&state, &headers).await?;
    actor.user()?;
    let base = if_match(&headers)?;
    let Json(patch) = body.map_err(|e| bad_body(e, "a dataset change"))?;
    let saved = ops::collab::propose(&state.services, &actor, &id, base, &patch).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// `GET /api/v1/datasets/{id}/proposals`: every proposal on one dataset, newest first.
pub async fn dataset_proposals(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Vec<ProposalInfo>>, ApiError> {
    check_id(&id)?;
    let actor = actor(&state, &headers).await?;
    let list = ops::collab::proposals(&state.services, &actor, Scope::Dataset(id.clone())).await?;
    Ok(Json(list))
}

/// `GET /api/v1/proposals?scope=review|mine` (default `review`).
pub async fn list_proposals(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<ProposalInfo>>, ApiError> {
    let mut scope = Scope::Review;
    for (_, v) in params(raw, &["scope"])? {
        scope = Scope::parse(&v).ok_or_else(|| {
            AppError::validation(
                "scope",
                "scope: review 또는 mine",
                "scope: must be review or mine.",
            )
        })?;
    }
    let actor = actor(&state, &headers).await?;
    Ok(Json(
        ops::collab::proposals(&state.services, &actor, scope).await?,
    ))
}

/// `GET /api/v1/proposals/{pid}`
pub async fn get_proposal(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(pid): Path<String>,
) -> Result<Json<ProposalInfo>, ApiError> {
    let pid = proposal_id(&pid)?;
    let actor = actor(&state, &headers).await?;
    Ok(Json(
        ops::collab::proposal(&state.services, &actor, pid).await?,
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    /// `{ field: value }`: the value to keep for fields that changed since the proposal.
    #[serde(default)]
    resolution: Map<String, Value>,
}

/// `POST /api/v1/proposals/{pid}/accept` with `If-Match` (the dataset version reviewed) and an
/// optional `{ "resolution": { field: value } }`.
pub async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(pid): Path<String>,
    body: Bytes,
) -> Result<Json<ProposalInfo>, ApiError> {
    let pid = proposal_id(&pid)?;
    let actor = actor(&state, &headers).await?;
    actor.user()?;
    let expected = if_match(&headers)?;
    let acceptance: Acceptance = optional_json(&body, "{\"resolution\": {…}}")?;
    let info = ops::collab::accept(
        &state.services,
        &actor,
        pid,
        expected,
        &acceptance.resolution,
    )
    .await?;
    Ok(Json(info))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    reason: String,
}

/// `POST /api/v1/proposals/{pid}/reject` `{ "reason": "…" }`
pub async fn reject(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(pid): Path<String>,
    body: Result<Json<Rejection>, JsonRejection>,
) -> Result<Json<ProposalInfo>, ApiError> {
    let pid = proposal_id(&pid)?;
    let actor = actor(&state, &headers).await?;
    actor.user()?;
    let Json(r) = body.map_err(|e| bad_body(e, "{\"reason\": \"…\"}"))?;
    Ok(Json(
        ops::collab::reject(&state.services, &actor, pid, &r.reason).await?,
    ))
}

/// `POST /api/v1/proposals/{pid}/withdraw` (the proposer).
pub async fn withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(pid): Path<String>,
) -> Result<Json<ProposalInfo>, ApiError> {
    let pid = proposal_id(&pid)?;
    let actor = actor(&state, &headers).await?;
    Ok(Json(
        ops::collab::withdraw(&state.services, &actor, pid).await?,
    ))
}

/// `GET /api/v1/notifications`
pub async fn list_notifications(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Notifications>, ApiError> {
    let actor = actor(&state, &headers).await?;
    Ok(Json(
        ops::collab::notifications(&state.services, &actor).await?,
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// Absent: all of them.
    ids: Option<Vec<i32>>,
}

/// `POST /api/v1/notifications/read` `{ "ids": [..] }` or `{}` for all.
pub async fn mark_read(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let actor = actor(&state, &headers).await?;
    actor.user()?;
    let m: MarkRead = optional_json(&body, "{\"ids\": [1, 2]}")?;
    let n = ops::collab::mark_read(&state.services, &actor, m.ids.as_deref()).await?;
    Ok(Json(serde_json::json!({ "marked": n })))
}

/// `GET /api/v1/activity?dataset=slug | department=code | (nothing: mine)`
pub async fn activity(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<ActivityItem>>, ApiError> {
    let pairs = params(raw, &["dataset", "department"])?;
    let scope = match pairs.as_slice() {
        [] => FeedScope::Me,
        [(k, v)] if k == "dataset" => {
            check_id(v).map_err(|_| {
                AppError::validation(
                    "dataset",
                    "dataset: 올바르지 않습니다.",
                    "dataset: not a dataset id or slug.",
                )
            })?;
            FeedScope::Dataset(v.clone())
        }
        [(k, v)] if k == "department" => FeedScope::Department(v.clone()),
        _ => {
            return Err(AppError::validation(
                "dataset",
                "dataset, department 중 하나만 쓰세요.",
                "Give one of dataset or department (or neither for your own activity).",
            )
            .into())
        }
    };
    let actor = actor(&state, &headers).await?;
    Ok(Json(
        ops::collab::activity(&state.services, &actor, &scope).await?,
    ))
}
