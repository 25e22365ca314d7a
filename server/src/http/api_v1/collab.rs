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

use super::schema::error::*;
use super::schema::{Marked, ProposalScope};
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
#[utoipa::path(
    post,
    path = "/api/v1/datasets/{id}/proposals",
    operation_id = "propose",
    tag = "collaboration",
    summary = "Propose a change to a dataset you may not edit (editors, stewards, admins)",
    description = "If-Match carries the version the proposal is based on (the current one). Status cannot be proposed. The owning department's stewards are notified.",
    params(
        ("id" = String, Path, min_length = 1, max_length = 200, description = "The dataset's numeric id or slug."),
        ("If-Match" = String, Header, description = "The dataset version the change is based on (the ETag of GET), like `\"3\"`.", example = json!("\"3\"")),
    ),
    request_body = DatasetPatch,
    responses(
        (status = 201, description = "The open proposal.", body = ProposalInfo),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 428, response = PreconditionRequired),
    )
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{id}/proposals",
    operation_id = "listDatasetProposals",
    tag = "collaboration",
    summary = "Every proposal on a dataset, newest first (signed-in staff)",
    params(
        ("id" = String, Path, min_length = 1, max_length = 200, description = "The dataset's numeric id or slug."),
    ),
    responses(
        (status = 200, description = "Proposals; open ones carry `rebase` (each field's base, current and proposed value, conflicts marked).", body = Vec<ProposalInfo>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/proposals",
    operation_id = "listProposals",
    tag = "collaboration",
    summary = "A review queue (open proposals you may decide) or your own proposals",
    params(
        ("scope" = inline(Option<ProposalScope>), Query, description = "`review` (the default) or `mine`."),
    ),
    responses(
        (status = 200, description = "Proposals, newest first (at most 100).", body = Vec<ProposalInfo>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
    )
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/proposals/{pid}",
    operation_id = "getProposal",
    tag = "collaboration",
    summary = "One proposal",
    params(
        ("pid" = i32, Path, minimum = 1, description = "The proposal."),
    ),
    responses(
        (status = 200, description = "The proposal.", body = ProposalInfo),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
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

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    /// `{ field: value }`: the value to keep for fields that changed since the proposal.
    #[serde(default)]
    #[schema(value_type = Object)]
    resolution: Map<String, Value>,
}

/// `POST /api/v1/proposals/{pid}/accept` with `If-Match` (the dataset version reviewed) and an
/// optional `{ "resolution": { field: value } }`.
#[utoipa::path(
    post,
    path = "/api/v1/proposals/{pid}/accept",
    operation_id = "acceptProposal",
    tag = "collaboration",
    summary = "Accept a proposal (stewards of the owning department, admins): applied as a revision crediting the proposer",
    description = "If-Match carries the dataset version reviewed. Fields changed since the proposal to another value must be settled in `resolution` ({ field: value to keep }), else 409 naming the first. The body may be left out.",
    params(
        ("pid" = i32, Path, minimum = 1, description = "The proposal."),
        ("If-Match" = String, Header, description = "The dataset version the change is based on (the ETag of GET), like `\"3\"`.", example = json!("\"3\"")),
    ),
    request_body(content = Option<Acceptance>, description = "Optional: the values to keep."),
    responses(
        (status = 200, description = "The accepted proposal with `applied_version`.", body = ProposalInfo),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 428, response = PreconditionRequired),
    )
)]
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    #[schema(min_length = 1, max_length = 500)]
    reason: String,
}

/// `POST /api/v1/proposals/{pid}/reject` `{ "reason": "…" }`
#[utoipa::path(
    post,
    path = "/api/v1/proposals/{pid}/reject",
    operation_id = "rejectProposal",
    tag = "collaboration",
    summary = "Reject a proposal with a reason (stewards of the owning department, admins)",
    params(
        ("pid" = i32, Path, minimum = 1, description = "The proposal."),
    ),
    request_body = Rejection,
    responses(
        (status = 200, description = "The rejected proposal.", body = ProposalInfo),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
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
#[utoipa::path(
    post,
    path = "/api/v1/proposals/{pid}/withdraw",
    operation_id = "withdrawProposal",
    tag = "collaboration",
    summary = "Withdraw your own open proposal",
    params(
        ("pid" = i32, Path, minimum = 1, description = "The proposal."),
    ),
    responses(
        (status = 200, description = "The withdrawn proposal.", body = ProposalInfo),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/notifications",
    operation_id = "listNotifications",
    tag = "collaboration",
    summary = "Your notifications: proposals received and decided, comments on your department's datasets, and its overdue datasets (id 0, computed)",
    responses(
        (status = 200, description = "The unread count and the notifications.", body = Notifications),
        (status = 401, response = Unauthenticated),
    )
)]
pub async fn list_notifications(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Notifications>, ApiError> {
    let actor = actor(&state, &headers).await?;
    Ok(Json(
        ops::collab::notifications(&state.services, &actor).await?,
    ))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// Absent: all of them.
    ids: Option<Vec<i32>>,
}

/// `POST /api/v1/notifications/read` `{ "ids": [..] }` or `{}` for all.
#[utoipa::path(
    post,
    path = "/api/v1/notifications/read",
    operation_id = "markNotificationsRead",
    tag = "collaboration",
    summary = "Mark notifications read: `{ \"ids\": [..] }`, or all without a body",
    request_body(content = Option<MarkRead>, description = "Optional: which ones (all without it)."),
    responses(
        (status = 200, description = "How many were marked.", body = Marked),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
    )
)]
pub async fn mark_read(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Marked>, ApiError> {
    let actor = actor(&state, &headers).await?;
    actor.user()?;
    let m: MarkRead = optional_json(&body, "{\"ids\": [1, 2]}")?;
    let n = ops::collab::mark_read(&state.services, &actor, m.ids.as_deref()).await?;
    Ok(Json(Marked { marked: n }))
}

/// `GET /api/v1/activity?dataset=slug | department=code | (nothing: mine)`
#[utoipa::path(
    get,
    path = "/api/v1/activity",
    operation_id = "activity",
    tag = "collaboration",
    summary = "An activity feed: a dataset's, a department's, or (neither) your own",
    params(
        ("dataset" = Option<String>, Query, max_length = 200, description = "A dataset's numeric id or slug."),
        ("department" = Option<String>, Query, description = "A department's code."),
    ),
    responses(
        (status = 200, description = "Revisions, comments and proposals, newest first (at most 50).", body = Vec<ActivityItem>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
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
