//! Residents' reports for their departments, and staff API keys.
//!
//! `GET /api/v1/feedback?status=open|resolved&dataset=ID` (stewards, editors: their
//! department's; administrators: all), `POST /api/v1/feedback/{id}/resolve` and `…/reopen`;
//! `GET|POST /api/v1/keys`, `DELETE /api/v1/keys/{id}`: one's own keys, with a signed-in session
//! only (a key cannot make or revoke keys).

use app::admin::{ApiKeyInfo, NewApiKey};
use app::error::AppError;
use app::feedback::{FeedbackInfo, FeedbackStatus};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;

use super::{actor, bad_body, unknown_param};
use crate::http::limits::bearer;
use crate::http::{ApiError, AppState};
use domain::ops::{self, Actor};

fn id_param(name: &str, v: &str) -> Result<i32, AppError> {
    v.parse::<i32>().ok().filter(|n| *n > 0).ok_or_else(|| {
        AppError::validation(
            name,
            &format!("{name}: 1 이상의 번호여야 합니다."),
            &format!("{name}: must be a number (1 or more)."),
        )
    })
}

pub async fn list_feedback(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<FeedbackInfo>>, ApiError> {
    let (mut status, mut dataset) = (None, None);
    for (k, v) in app::search::parse_query_string(raw.as_deref().unwrap_or("")) {
        match k.as_str() {
            "status" => {
                status = Some(FeedbackStatus::parse(&v).ok_or_else(|| {
                    AppError::validation(
                        "status",
                        "status: open 또는 resolved",
                        "status: must be open or resolved.",
                    )
                })?)
            }
            "dataset" => dataset = Some(id_param("dataset", &v)?),
            other => return Err(unknown_param(other).into()),
        }
    }
    let actor = actor(&state, &headers).await?;
    Ok(Json(
        ops::portal::feedback(&state.services, &actor, dataset, status).await?,
    ))
}

async fn set_status(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    status: FeedbackStatus,
) -> Result<Json<FeedbackInfo>, ApiError> {
    let id = id_param("id", id)?;
    let actor = actor(state, headers).await?;
    Ok(Json(
        ops::portal::set_feedback_status(&state.services, &actor, id, status).await?,
    ))
}

pub async fn resolve_feedback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<FeedbackInfo>, ApiError> {
    set_status(&state, &headers, &id, FeedbackStatus::Resolved).await
}

pub async fn reopen_feedback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<FeedbackInfo>, ApiError> {
    set_status(&state, &headers, &id, FeedbackStatus::Open).await
}

/// Key management needs the person, signed in: not another key.
/// Who manages keys: a bearer key is refused before it is even looked up (see
/// `ops::portal`, which refuses key actors too).
async fn key_owner(state: &AppState, headers: &HeaderMap) -> Result<Actor, AppError> {
    if bearer(headers).is_some() {
        return Err(AppError::Forbidden);
    }
    let actor = actor(state, headers).await?;
    actor.user()?;
    Ok(actor)
}

pub async fn list_keys(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<ApiKeyInfo>>, ApiError> {
    let actor = key_owner(&state, &headers).await?;
    Ok(Json(ops::portal::api_keys(&state.services, &actor).await?))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    name: String,
}

pub async fn create_key(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<NewKey>, JsonRejection>,
) -> Result<(StatusCode, Json<NewApiKey>), ApiError> {
    let actor = key_owner(&state, &headers).await?;
    let Json(new) = body.map_err(|e| bad_body(e, "{\"name\": \"…\"}"))?;
    let made = ops::portal::create_api_key(&state.services, &actor, &new.name).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

pub async fn revoke_key(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ApiKeyInfo>, ApiError> {
    let id = id_param("id", &id)?;
    let actor = key_owner(&state, &headers).await?;
    Ok(Json(
        ops::portal::revoke_api_key(&state.services, &actor, id).await?,
    ))
}
