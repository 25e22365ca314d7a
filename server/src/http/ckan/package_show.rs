//! `package_show?id=` (a dataset's id or name): the CKAN package.

use app::error::AppError;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;

use super::{actor, answer, present};
use crate::http::AppState;
use domain::ops;

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
        let actor = actor(&state, &headers).await?;
        let detail = ops::catalog::dataset(&state.services, &actor, &id).await?;
        Ok::<Value, AppError>(present::package(
            &detail,
            crate::http::discovery::site(&state),
        ))
    })
    .await
}
