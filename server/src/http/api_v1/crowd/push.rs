//! Local points and their feeds. `POST /api/v1/crowd/spots` (administrators) adds a local point
//! and answers its push token once; `POST /api/v1/crowd/spots/{code}/token` replaces the token;
//! `POST /api/v1/crowd/spots/{code}/readings` with `Authorization: Bearer <token>` and a JSON or
//! CSV body stores readings, evaluates the alert rules and pushes the change to every open map.

use app::crowd::{LocalPointCreated, LocalPointInput};
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;

use super::super::bad_body;
use crate::http::{ApiError, AppState};
use domain::ops;
use domain::services::crowd::local;

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    input: Result<Json<LocalPointInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let actor = super::super::actor(&state, &headers).await?;
    actor.admin()?;
    let Json(input) = input.map_err(|e| bad_body(e, "a local point"))?;
    let created: LocalPointCreated =
        ops::crowd::add_local_point(&state.services, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

pub async fn rotate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Json<LocalPointCreated>, ApiError> {
    let actor = super::super::actor(&state, &headers).await?;
    Ok(Json(
        ops::crowd::rotate_token(&state.services, &actor, &code).await?,
    ))
}

pub async fn readings(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Json<local::PushReport>, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let spot = local::authorize(&state.services.db, &code, token).await?;
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let json = if kind.starts_with("application/json") {
        true
    } else if kind.starts_with("text/csv") {
        false
    } else {
        return Err(app::error::AppError::validation(
            "Content-Type",
            "Content-Type: application/json 또는 text/csv여야 합니다.",
            "Content-Type: must be application/json or text/csv.",
        )
        .into());
    };
    let readings = local::parse(&body, json, Utc::now())?;
    let report = local::store(&state.services.db, &spot, readings).await?;
    if report.stored > 0 {
        state.services.crowd_updated().await?;
    }
    Ok(Json(report))
}
