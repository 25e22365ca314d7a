//! `package_show?id=` (a dataset's id or name): the CKAN package.

use app::error::AppError;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;

use super::{answer, viewer};
use crate::http::AppState;
use domain::services::{catalog, ckan};

pub async fn package_show(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&state, "package_show", async {
        let mut id = None;
        for (k, v) in app::search::parse_query_string(raw.as_deref().unwrap_or("")) {
            match k.as_str() {
                "id" | "name_or_id" => id = Some(v),
                "use_default_schema" | "include_tracking" | "include_plugin_data" => {}
                other => return Err(crate::http::api_v1::unknown_param(other)),
            }
        }
        let id = id
            .filter(|i| !i.is_empty() && i.len() <= 200)
            .ok_or_else(|| AppError::validation("id", "id: 필요합니다.", "id: Missing value"))?;
        let viewer = viewer(&state, &headers).await?;
        let detail = catalog::detail(&state.services.db, &viewer, &id).await?;
        Ok::<Value, AppError>(ckan::package(&detail, crate::http::discovery::site(&state)))
    })
    .await
}
