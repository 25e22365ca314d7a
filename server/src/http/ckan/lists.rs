//! `package_list` (names, `limit`/`offset`), `organization_list` and `group_list` (names, or
//! whole dictionaries with `all_fields=true`, each with its package count) and `tag_list`
//! (every keyword of a visible dataset, `query` to filter).

use std::collections::{BTreeMap, BTreeSet};

use app::error::AppError;
use app::model::{TermRef, Viewer};
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use sea_orm::*;
use serde_json::{json, Value};

use super::{answer, number, viewer};
use crate::http::AppState;
use domain::entities::{dataset, dataset_term, department, scheme, term};
use domain::services::{catalog, ckan, OrInternal};

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

async fn visible_ids(
    db: &DatabaseConnection,
    v: &Viewer,
) -> Result<Vec<(i32, String, i32)>, AppError> {
    dataset::Entity::find()
        .select_only()
        .column(dataset::Column::Id)
        .column(dataset::Column::Slug)
        .column(dataset::Column::DepartmentId)
        .filter(catalog::visible(v))
        .order_by_asc(dataset::Column::Slug)
        .into_tuple()
        .all(db)
        .await
        .or_internal()
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
        let v = viewer(&state, &headers).await?;
        let names: Vec<String> = visible_ids(&state.services.db, &v)
            .await?
            .into_iter()
            .map(|(_, slug, _)| slug)
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
        let v = viewer(&state, &headers).await?;
        let mut counts: BTreeMap<i32, u64> = BTreeMap::new();
        for (_, _, dept) in visible_ids(&state.services.db, &v).await? {
            *counts.entry(dept).or_default() += 1;
        }
        let depts = department::Entity::find()
            .order_by_asc(department::Column::Code)
            .all(&state.services.db)
            .await
            .or_internal()?;
        Ok(json!(depts
            .into_iter()
            .map(|d| {
                let n = counts.get(&d.id).copied().unwrap_or(0);
                let r = catalog::department_ref(d);
                if full {
                    ckan::organization(&r, Some(n))
                } else {
                    json!(r.code)
                }
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
        let db = &state.services.db;
        let v = viewer(&state, &headers).await?;
        let Some(theme) = scheme::Entity::find()
            .filter(scheme::Column::Code.eq("theme"))
            .one(db)
            .await
            .or_internal()?
        else {
            return Ok(json!([]));
        };
        let terms = term::Entity::find()
            .filter(term::Column::SchemeId.eq(theme.id))
            .order_by_asc(term::Column::Code)
            .all(db)
            .await
            .or_internal()?;
        let ids: Vec<i32> = visible_ids(db, &v)
            .await?
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        let mut counts: BTreeMap<i32, u64> = BTreeMap::new();
        for chunk in ids.chunks(500) {
            for link in dataset_term::Entity::find()
                .filter(dataset_term::Column::DatasetId.is_in(chunk.to_vec()))
                .all(db)
                .await
                .or_internal()?
            {
                *counts.entry(link.term_id).or_default() += 1;
            }
        }
        Ok(json!(terms
            .into_iter()
            .map(|t| {
                let n = counts.get(&t.id).copied().unwrap_or(0);
                let r = TermRef {
                    scheme: "theme".into(),
                    code: t.code.clone(),
                    label_ko: t.label_ko.clone(),
                    label_en: t.label_en.clone(),
                };
                if full {
                    ckan::group(&r, Some(n))
                } else {
                    json!(t.code)
                }
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
        let q = p.get("query").map(|s| s.to_lowercase()).unwrap_or_default();
        let v = viewer(&state, &headers).await?;
        let rows: Vec<serde_json::Value> = dataset::Entity::find()
            .select_only()
            .column(dataset::Column::Keywords)
            .filter(catalog::visible(&v))
            .into_tuple()
            .all(&state.services.db)
            .await
            .or_internal()?;
        let mut tags = BTreeSet::new();
        for kw in rows {
            for k in kw
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if q.is_empty() || k.to_lowercase().contains(&q) {
                    tags.insert(k.to_string());
                }
            }
        }
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
