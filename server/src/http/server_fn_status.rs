//! Server functions answer every error with 500; this layer gives each the status its
//! `AppError` deserves (400 for bad input, 401, 403, 404…), using `AppError::status` — the one
//! mapping — so a caller's mistake is never reported as a server failure.

use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn map_status(req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    if !is_server_fn || resp.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = match to_bytes(body, MAX_ERROR_BODY).await {
        Ok(b) => b,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = err.status();
        super::error::error_headers(&err, &mut parts.headers);
        if let AppError::Transport(detail) = &err {
            tracing::warn!(%detail, "server function failed in transport");
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
