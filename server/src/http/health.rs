use axum::extract::State;
use axum::http::StatusCode;

use super::AppState;

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers too.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.services.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
