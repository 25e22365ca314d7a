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

pub async fn rules(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<AlertRuleInfo>>, ApiError> {
    staff(&state, &headers).await?;
    Ok(Json(alerts::rules(&state.services.db).await?))
}

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

pub async fn log(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<AlertLogEntry>>, ApiError> {
    staff(&state, &headers).await?;
    Ok(Json(alerts::log(&state.services.db, 200).await?))
}

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

#[derive(serde::Deserialize)]
pub struct NoteInput {
    body: String,
}

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

pub async fn end_emergency(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let actor = actor(&state, &headers).await?;
    ops::crowd::end_emergency(&state.services, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
