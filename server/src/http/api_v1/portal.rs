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

use super::schema::error::*;
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

#[utoipa::path(
    get,
    path = "/api/v1/feedback",
    operation_id = "listFeedback",
    tag = "portal",
    summary = "Residents' problem reports: the caller's department's (stewards, editors), all (admins); open first, newest first",
    params(
        ("status" = inline(Option<FeedbackStatus>), Query, description = "Only open or only resolved reports."),
        ("dataset" = Option<i32>, Query, minimum = 1, description = "Only this dataset's reports."),
    ),
    responses(
        (status = 200, description = "The reports.", body = Vec<FeedbackInfo>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
    )
)]
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

#[utoipa::path(
    post,
    path = "/api/v1/feedback/{id}/resolve",
    operation_id = "resolveFeedback",
    tag = "portal",
    summary = "Mark a report resolved (its department, admins)",
    params(
        ("id" = i32, Path, minimum = 1, description = "The report."),
    ),
    responses(
        (status = 200, description = "The report.", body = FeedbackInfo),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn resolve_feedback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<FeedbackInfo>, ApiError> {
    set_status(&state, &headers, &id, FeedbackStatus::Resolved).await
}

#[utoipa::path(
    post,
    path = "/api/v1/feedback/{id}/reopen",
    operation_id = "reopenFeedback",
    tag = "portal",
    summary = "Open a resolved report again (its department, admins)",
    params(
        ("id" = i32, Path, minimum = 1, description = "The report."),
    ),
    responses(
        (status = 200, description = "The report.", body = FeedbackInfo),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
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

#[utoipa::path(
    get,
    path = "/api/v1/keys",
    operation_id = "listApiKeys",
    tag = "portal",
    summary = "The caller's API keys (signed-in session, not a key)",
    responses(
        (status = 200, description = "The keys (never the secrets).", body = Vec<ApiKeyInfo>),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
    )
)]
pub async fn list_keys(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<ApiKeyInfo>>, ApiError> {
    let actor = key_owner(&state, &headers).await?;
    Ok(Json(ops::portal::api_keys(&state.services, &actor).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    #[schema(min_length = 1, max_length = 100)]
    name: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/keys",
    operation_id = "createApiKey",
    tag = "portal",
    summary = "Make an API key for oneself; the answer is the only time the key is shown. Send it as `Authorization: Bearer dn_…`: it reads as its owner and is not rate limited",
    request_body = NewKey,
    responses(
        (status = 201, description = "The key and its secret.", body = NewApiKey),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
    )
)]
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

#[utoipa::path(
    delete,
    path = "/api/v1/keys/{id}",
    operation_id = "revokeApiKey",
    tag = "portal",
    summary = "Revoke one's API key (admins: anyone's); it stops working at once",
    params(
        ("id" = i32, Path, minimum = 1, description = "The key."),
    ),
    responses(
        (status = 200, description = "The key, revoked.", body = ApiKeyInfo),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
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
