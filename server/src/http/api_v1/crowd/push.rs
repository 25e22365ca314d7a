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
use super::super::schema::error::*;
use crate::http::{ApiError, AppState};
use domain::ops;
use domain::services::crowd::local;

#[utoipa::path(
    post,
    path = "/api/v1/crowd/spots",
    operation_id = "addLocalPoint",
    tag = "crowd",
    summary = "Add a local point with its own feed (administrators); the answer carries its push token, shown once",
    request_body = LocalPointInput,
    responses(
        (status = 201, description = "The place's code and push token.", body = LocalPointCreated),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
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

#[utoipa::path(
    post,
    path = "/api/v1/crowd/spots/{code}/token",
    operation_id = "rotateLocalPointToken",
    tag = "crowd",
    summary = "Replace a local point's push token (administrators); the old one stops working",
    params(
        ("code" = String, Path, description = "The place's code."),
    ),
    responses(
        (status = 200, description = "The place's code and new push token.", body = LocalPointCreated),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
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

#[utoipa::path(
    post,
    path = "/api/v1/crowd/spots/{code}/readings",
    operation_id = "pushCrowdReadings",
    tag = "crowd",
    summary = "Push readings of a local point (Authorization: Bearer <its token>); all rows or none; alerts are evaluated and open maps updated",
    params(
        ("code" = String, Path, description = "The place's code."),
    ),
    security(("pushToken" = [])),
    request_body(description = "JSON: one reading or an array (at most 1000) of { observed_at? (RFC 3339), level (1-4 or 여유/보통/약간 붐빔/붐빔 or relaxed/normal/slightly busy/busy), population_min, population_max }. CSV: columns observed_at (optional), level, population_min, population_max.", content((Object = "application/json"), (String = "text/csv"))),
    responses(
        (status = 200, description = "How many were stored and ignored (ignored: not newer than the place's latest reading).", body = local::PushReport),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
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
