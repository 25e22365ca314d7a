//! `package_list` (names, `limit`/`offset`), `organization_list` and `group_list` (names, or
//! whole dictionaries with `all_fields=true`, each with its package count) and `tag_list`
//! (every keyword of a visible dataset, `query` to filter).

use std::collections::BTreeMap;

use app::error::AppError;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use super::{actor, answer, number, present};
use crate::http::AppState;
use domain::ops;

fn params(raw: &Option<String>, known: &[&str]) -> Result<BTreeMap<String, String>, AppError> {
    let mut out = BTreeMap::new();
    for (k, v) in app::search::parse_query_string(raw.as_deref().unwrap_or("")) {
        if !known.contains(&k.as_str()) {
            return Err(crate::http::api_v1::unknown_param(&k));
        }
        out.insert(k, v);
    }
    Ok(out)
}

fn all_fields(p: &BTreeMap<String, String>) -> Result<bool, AppError> {
    match p
        .get("all_fields")
        .map(|s| s.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(AppError::validation(
            "all_fields",
            "all_fields: true 또는 false",
            "all_fields: must be true or false.",
        )),
    }
}

pub async fn package_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&state, "package_list", async {
        let p = params(&raw, &["limit", "offset"])?;
        let limit = p
            .get("limit")
            .map(|v| number("limit", v, 1, 100_000))
            .transpose()?;
        let offset = p
            .get("offset")
            .map(|v| number("offset", v, 0, u64::MAX >> 1))
            .transpose()?
            .unwrap_or(0);
        let actor = actor(&state, &headers).await?;
        let names: Vec<String> = ops::open_data::listed(&state.services, &actor)
            .await?
            .into_iter()
            .map(|d| d.slug)
            .skip(offset as usize)
            .take(limit.unwrap_or(u64::MAX) as usize)
            .collect();
        Ok(json!(names))
    })
    .await
}

pub async fn organization_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&state, "organization_list", async {
        let p = params(&raw, &["all_fields", "sort", "limit", "offset"])?;
        let full = all_fields(&p)?;
        let actor = actor(&state, &headers).await?;
        let organizations = ops::open_data::organizations(&state.services, &actor).await?;
        Ok(json!(organizations
            .into_iter()
            .map(|(d, n)| if full {
                present::organization(&d, Some(n))
            } else {
                json!(d.code)
            })
            .collect::<Vec<Value>>()))
    })
    .await
}

pub async fn group_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&state, "group_list", async {
        let p = params(&raw, &["all_fields", "sort", "limit", "offset"])?;
        let full = all_fields(&p)?;
        let actor = actor(&state, &headers).await?;
        let themes = ops::open_data::themes(&state.services, &actor).await?;
        Ok(json!(themes
            .into_iter()
            .map(|(t, n)| if full {
                present::group(&t, Some(n))
            } else {
                json!(t.code)
            })
            .collect::<Vec<Value>>()))
    })
    .await
}

pub async fn tag_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&state, "tag_list", async {
        let p = params(&raw, &["query", "all_fields", "vocabulary_id"])?;
        let full = all_fields(&p)?;
        let query = p.get("query").map(String::as_str).unwrap_or_default();
        let actor = actor(&state, &headers).await?;
        let tags = ops::open_data::tags(&state.services, &actor, query).await?;
        Ok(json!(tags
            .into_iter()
            .map(|t| if full {
                json!({ "id": t, "name": t, "display_name": t })
            } else {
                json!(t)
            })
            .collect::<Vec<Value>>()))
    })
    .await
}
