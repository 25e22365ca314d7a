//! The one place where domain errors become HTTP responses for the plain (non-Leptos) routes.

use app::error::AppError;
use app::i18n::Lang;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let field = match &self.0 {
            AppError::Validation { field, .. } => Some(field.clone()),
            AppError::InvalidFields { errors } => errors.first().map(|e| e.field.clone()),
            AppError::ProposalConflict { fields } => fields.first().cloned(),
            _ => None,
        };
        let body = json!({
            "error": {
                "message": self.0.message(Lang::En),
                "message_ko": self.0.message(Lang::Ko),
                "field": field,
                "current_version": match &self.0 {
                    AppError::Conflict { current_version } => Some(*current_version),
                    _ => None,
                },
                "detail": self.0,
            }
        });
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
