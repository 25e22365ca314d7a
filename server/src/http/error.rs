//! The one place where domain errors become HTTP responses for the plain (non-Leptos) routes.

use app::error::AppError;
use app::i18n::Lang;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

/// The body of every error answer of the JSON API: `{ "error": { … } }`.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// What went wrong, in English.
    pub message: String,
    /// What went wrong, in Korean.
    pub message_ko: String,
    /// The parameter, header or field at fault, when there is one.
    pub field: Option<String>,
    /// On 409 after a stale `If-Match`: the dataset's version now.
    pub current_version: Option<i32>,
    /// The error itself, by kind.
    pub detail: AppError,
}

impl ErrorBody {
    pub fn of(e: &AppError) -> ErrorBody {
        let field = match e {
            AppError::Validation { field, .. } => Some(field.clone()),
            AppError::InvalidFields { errors } => errors.first().map(|e| e.field.clone()),
            AppError::ProposalConflict { fields } => fields.first().cloned(),
            _ => None,
        };
        ErrorBody {
            error: ErrorDetail {
                message: e.message(Lang::En),
                message_ko: e.message(Lang::Ko),
                field,
                current_version: match e {
                    AppError::Conflict { current_version } => Some(*current_version),
                    _ => None,
                },
                detail: e.clone(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Through a `Value`, as before: the same bytes (keys in the map's order).
        let body = serde_json::to_value(ErrorBody::of(&self.0)).unwrap_or_default();
        let mut resp = (self.0.status(), Json(body)).into_response();
        error_headers(&self.0, resp.headers_mut());
        resp
    }
}

/// The headers an error's answer carries besides its status (server functions too).
pub fn error_headers(err: &AppError, headers: &mut axum::http::HeaderMap) {
    if let AppError::RateLimited { retry_after } = err {
        headers.insert(axum::http::header::RETRY_AFTER, (*retry_after).into());
    }
}
