//! Alert rules, the alert log and emergency mode over HTTP. Staff read the log, acknowledge and
//! annotate; administrators manage rules and emergency mode.
//!
//! - `GET /api/v1/crowd/rules` (staff), `POST` (admin), `DELETE /api/v1/crowd/rules/{id}` (admin)
//! - `GET /api/v1/crowd/alerts/log` (staff), `POST /api/v1/crowd/alerts/{id}/ack`,
//!   `POST /api/v1/crowd/alerts/{id}/notes` `{ "body": … }` (staff)
//! - `POST /api/v1/crowd/emergency` `{ spot_code?, message_ko, message_en }`,
//!   `DELETE /api/v1/crowd/emergency` (admin)

use app::crowd::{
    AlertLogEntry, AlertNote, AlertRuleInfo, AlertRuleInput, EmergencyInfo, EmergencyInput,
};
use app::error::AppError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::super::schema::error::*;
use super::super::{actor, bad_body, staff};
use crate::http::{ApiError, AppState};
use domain::ops;
use domain::services::crowd::alerts;

fn id_of(raw: &str) -> Result<i32, AppError> {
    raw.parse::<i32>().ok().filter(|n| *n > 0).ok_or_else(|| {
        AppError::validation(
            "id",
            "id: 1 이상의 번호여야 합니다.",
            "id: must be a number, 1 or more.",
        )
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/crowd/rules",
    operation_id = "crowdAlertRules",
    tag = "crowd",
    summary = "Alert rules (staff)",
    responses(
        (status = 200, description = "The rules.", body = Vec<AlertRuleInfo>),
        (status = 401, response = Unauthenticated),
    )
)]
pub async fn rules(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<AlertRuleInfo>>, ApiError> {
    staff(&state, &headers).await?;
    Ok(Json(alerts::rules(&state.services.db).await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/crowd/rules",
    operation_id = "addCrowdAlertRule",
    tag = "crowd",
    summary = "Add an alert rule (administrators): one place or every place; level at or above min_level, or population above min_population, held for for_minutes",
    request_body = AlertRuleInput,
    responses(
        (status = 201, description = "The rule.", body = AlertRuleInfo),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn add_rule(
    State(state): State<AppState>,
    headers: HeaderMap,
    input: Result<Json<AlertRuleInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &headers).await?;
    actor.admin()?;
    let Json(input) = input.map_err(|e| bad_body(e, "an alert rule"))?;
    let rule = ops::crowd::add_rule(&state.services, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(rule)).into_response())
}

#[utoipa::path(
    delete,
    path = "/api/v1/crowd/rules/{id}",
    operation_id = "deleteCrowdAlertRule",
    tag = "crowd",
    summary = "Delete an alert rule and its alerts (administrators)",
    params(
        ("id" = i32, Path, minimum = 1, description = "The rule."),
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn delete_rule(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let actor = actor(&state, &headers).await?;
    actor.admin()?;
    ops::crowd::delete_rule(&state.services, &actor, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/api/v1/crowd/alerts/log",
    operation_id = "crowdAlertLog",
    tag = "crowd",
    summary = "The alert log, open alerts first, with who acknowledged and staff notes (staff)",
    responses(
        (status = 200, description = "The log (at most 200).", body = Vec<AlertLogEntry>),
        (status = 401, response = Unauthenticated),
    )
)]
pub async fn log(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<AlertLogEntry>>, ApiError> {
    staff(&state, &headers).await?;
    Ok(Json(alerts::log(&state.services.db, 200).await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/crowd/alerts/{id}/ack",
    operation_id = "acknowledgeCrowdAlert",
    tag = "crowd",
    summary = "Acknowledge an alert (staff; again changes nothing)",
    params(
        ("id" = i32, Path, minimum = 1, description = "The alert."),
    ),
    responses(
        (status = 204, description = "Acknowledged."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
pub async fn acknowledge(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let actor = actor(&state, &headers).await?;
    actor.user()?;
    ops::crowd::acknowledge(&state.services, &actor, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct NoteInput {
    #[schema(max_length = 2000)]
    body: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/crowd/alerts/{id}/notes",
    operation_id = "annotateCrowdAlert",
    tag = "crowd",
    summary = "Write a note on an alert (staff)",
    params(
        ("id" = i32, Path, minimum = 1, description = "The alert."),
    ),
    request_body = NoteInput,
    responses(
        (status = 201, description = "The note.", body = AlertNote),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
pub async fn annotate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    input: Result<Json<NoteInput>, JsonRejection>,
) -> Result<Response, ApiError> {
    let actor = actor(&state, &headers).await?;
    actor.user()?;
    let id = id_of(&id)?;
    let Json(input) = input.map_err(|e| bad_body(e, "a note ({\"body\": …})"))?;
    let note: AlertNote = ops::crowd::annotate(&state.services, &actor, id, &input.body).await?;
    Ok((StatusCode::CREATED, Json(note)).into_response())
}

#[utoipa::path(
    post,
    path = "/api/v1/crowd/emergency",
    operation_id = "startEmergency",
    tag = "crowd",
    summary = "Start emergency mode (administrators): pin a place and show the public a safety message; the public map becomes the light list",
    request_body = EmergencyInput,
    responses(
        (status = 200, description = "Emergency mode.", body = EmergencyInfo),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn start_emergency(
    State(state): State<AppState>,
    headers: HeaderMap,
    input: Result<Json<EmergencyInput>, JsonRejection>,
) -> Result<Json<EmergencyInfo>, ApiError> {
    let actor = actor(&state, &headers).await?;
    actor.admin()?;
    let Json(input) = input.map_err(|e| bad_body(e, "an emergency"))?;
    Ok(Json(
        ops::crowd::start_emergency(&state.services, &actor, &input).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/api/v1/crowd/emergency",
    operation_id = "endEmergency",
    tag = "crowd",
    summary = "End emergency mode (administrators)",
    responses(
        (status = 204, description = "Ended."),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
pub async fn end_emergency(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let actor = actor(&state, &headers).await?;
    ops::crowd::end_emergency(&state.services, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
