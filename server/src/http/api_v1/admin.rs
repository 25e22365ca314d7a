//! The JSON API for administrators: create or change departments, users and classification
//! terms (`POST` upserts by code or username); every user's API keys (revoke one with
//! `DELETE /api/v1/keys/{id}`).

use app::admin::{DepartmentInput, OwnedApiKey, TermInput, UserInput};
use app::error::AppError;
use app::model::{DepartmentRef, SessionUser, TermRef};
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;

use super::schema::error::*;
use super::{actor, bad_body};
use crate::http::limits::bearer;
use crate::http::{ApiError, AppState};
use domain::ops::{self, Actor};

/// An administrator (401 or 403 before the body is read).
async fn admin(state: &AppState, headers: &HeaderMap) -> Result<Actor, AppError> {
    let actor = actor(state, headers).await?;
    actor.admin()?;
    Ok(actor)
}

fn body<T>(b: Result<Json<T>, JsonRejection>, what: &str) -> Result<T, AppError> {
    b.map(|Json(x)| x).map_err(|e| bad_body(e, what))
}

#[utoipa::path(
    post,
    path = "/api/v1/admin/departments",
    operation_id = "saveDepartment",
    tag = "admin",
    summary = "Create a department, or rename the one with this code (admins)",
    request_body = DepartmentInput,
    responses(
        (status = 200, description = "The department.", body = DepartmentRef),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
    )
)]
pub async fn departments(
    State(state): State<AppState>,
    headers: HeaderMap,
    input: Result<Json<DepartmentInput>, JsonRejection>,
) -> Result<Json<DepartmentRef>, ApiError> {
    let actor = admin(&state, &headers).await?;
    let input = body(input, "a department")?;
    Ok(Json(
        ops::admin::save_department(&state.services, &actor, &input).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/admin/users",
    operation_id = "saveUser",
    tag = "admin",
    summary = "Create a user, or change the one with this username (admins); deactivating or a new password ends their sessions and revokes their API keys",
    request_body = UserInput,
    responses(
        (status = 200, description = "The user.", body = SessionUser),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
    )
)]
pub async fn users(
    State(state): State<AppState>,
    headers: HeaderMap,
    input: Result<Json<UserInput>, JsonRejection>,
) -> Result<Json<SessionUser>, ApiError> {
    let actor = admin(&state, &headers).await?;
    let input = body(input, "a user")?;
    Ok(Json(
        ops::admin::save_user(&state.services, &actor, &input).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/admin/terms",
    operation_id = "saveTerm",
    tag = "admin",
    summary = "Add a term to a classification scheme, or relabel it (admins)",
    request_body = TermInput,
    responses(
        (status = 200, description = "The term.", body = TermRef),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
    )
)]
pub async fn terms(
    State(state): State<AppState>,
    headers: HeaderMap,
    input: Result<Json<TermInput>, JsonRejection>,
) -> Result<Json<TermRef>, ApiError> {
    let actor = admin(&state, &headers).await?;
    let input = body(input, "a term")?;
    Ok(Json(
        ops::admin::save_term(&state.services, &actor, &input).await?,
    ))
}

/// `GET /api/v1/admin/keys`: every user's API keys with their owners. With a signed-in session
/// only, like all key management: a key cannot look at keys.
#[utoipa::path(
    get,
    path = "/api/v1/admin/keys",
    operation_id = "listAllApiKeys",
    tag = "admin",
    summary = "Every user's API keys with their owners, working keys first (admins, signed-in session; revoke with DELETE /api/v1/keys/{id}). A user's keys are revoked when they are deactivated or given a new password",
    responses(
        (status = 200, description = "The keys with their owners.", body = Vec<OwnedApiKey>),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
    )
)]
pub async fn keys(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<OwnedApiKey>>, ApiError> {
    if bearer(&headers).is_some() {
        return Err(AppError::Forbidden.into());
    }
    let actor = admin(&state, &headers).await?;
    Ok(Json(
        ops::portal::all_api_keys(&state.services, &actor).await?,
    ))
}
