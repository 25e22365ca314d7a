//! A CKAN-compatible read API (`/api/3/action/…`), so existing CKAN harvesters and clients read
//! Dongne unchanged: `package_search`, `package_show`, `package_list`, `organization_list`,
//! `group_list` and `tag_list`, in CKAN's envelope (`help`, `success`, `result` or `error`).
//! Anonymous callers see the public catalog; a signed-in staff member what they may see.

pub mod lists;
pub mod package_search;
pub mod package_show;
pub mod present;

use app::error::AppError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::http::AppState;

/// The `help` address of an action, on `DONGNE_PUBLIC_URL` (never the request's `Host`).
fn help(state: &AppState, action: &str) -> String {
    format!(
        "{}/api/3/action/help_show?name={action}",
        crate::http::discovery::site(state)
    )
}

/// `{"help", "success": true, "result"}`.
pub fn ok(state: &AppState, action: &str, result: Value) -> Response {
    Json(json!({ "help": help(state, action), "success": true, "result": result })).into_response()
}

/// CKAN's error envelope with its status: 409 for validation errors (naming the field), 404,
/// 403; anything else as Dongne's own error mapping would answer.
pub fn error(state: &AppState, action: &str, e: AppError) -> Response {
    let (status, body) = match &e {
        AppError::Validation {
            field, message_en, ..
        } => (
            StatusCode::CONFLICT,
            json!({ "__type": "Validation Error", field.as_str(): [message_en], "message": message_en }),
        ),
        AppError::NotFound { what } => (
            StatusCode::NOT_FOUND,
            json!({ "__type": "Not Found Error", "message": format!("Not found: {what}") }),
        ),
        AppError::Forbidden | AppError::Unauthenticated => (
            StatusCode::FORBIDDEN,
            json!({ "__type": "Authorization Error", "message": "Access denied" }),
        ),
        _ => return crate::http::ApiError(e).into_response(),
    };
    (
        status,
        Json(json!({ "help": help(state, action), "success": false, "error": body })),
    )
        .into_response()
}

/// Run an action and wrap its result or error.
pub async fn answer<F>(state: &AppState, action: &str, f: F) -> Response
where
    F: std::future::Future<Output = Result<Value, AppError>>,
{
    match f.await {
        Ok(v) => ok(state, action, v),
        Err(e) => error(state, action, e),
    }
}

/// A whole number parameter in `lo..=hi`, or a validation error naming it.
pub fn number(name: &str, v: &str, lo: u64, hi: u64) -> Result<u64, AppError> {
    v.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| (lo..=hi).contains(n))
        .ok_or_else(|| {
            AppError::validation(
                name,
                &format!("{name}: {lo}부터 {hi}까지의 정수여야 합니다."),
                &format!("{name}: must be a whole number from {lo} to {hi}."),
            )
        })
}

/// Who is asking (anonymous: the public catalog).
pub use crate::http::api_v1::actor;
