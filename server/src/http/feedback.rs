//! `POST /datasets/{slug}/feedback`: the "report a problem" form on public dataset pages. A
//! plain HTML form post that works without JavaScript: the answer is a redirect back to the
//! page, which says how it went (`?feedback=sent|invalid|limited#report`). Clients that ask
//! for JSON (`Accept: application/json`) get `201` or the error instead.

use app::error::AppError;
use app::feedback::FeedbackInput;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};

use super::api_v1::{actor, check_id};
use super::limits::ClientIp;
use super::{ApiError, AppState};
use domain::ops;
use domain::services::feedback::create::Outcome;

pub async fn submit(
    State(state): State<AppState>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    form: Result<Form<FeedbackInput>, FormRejection>,
) -> Response {
    let json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let result = async {
        check_id(&slug)?;
        let Form(input) = form.map_err(|e| {
            AppError::validation(
                "body",
                &format!("양식을 읽을 수 없습니다 ({})", e.body_text()),
                &format!("body: not a report form ({})", e.body_text()),
            )
        })?;
        let actor = actor(&state, &headers).await?;
        ops::portal::report_problem(&state.services, &actor, ip, &slug, &input).await
    }
    .await;
    if json {
        return match result {
            Ok(outcome) => (
                StatusCode::CREATED,
                Json(serde_json::json!({
                    "received": true,
                    "id": match outcome { Outcome::Stored(id) => Some(id), _ => None },
                })),
            )
                .into_response(),
            Err(e) => ApiError(e).into_response(),
        };
    }
    let page = format!("/datasets/{}", app::search::encode(&slug));
    let to = match result {
        Ok(_) => format!("{page}?feedback=sent#report"),
        Err(AppError::InvalidFields { errors }) => {
            let field = errors.first().map(|e| e.field.as_str()).unwrap_or("body");
            format!(
                "{page}?feedback=invalid&field={}#report",
                app::search::encode(field)
            )
        }
        Err(AppError::RateLimited { .. }) => format!("{page}?feedback=limited#report"),
        Err(e) => return ApiError(e).into_response(),
    };
    Redirect::to(&to).into_response()
}
