//! The JSON API, version 1: search, one dataset, suggestions, and its OpenAPI document.
//! Staff who are signed in (session cookie) see what they may see; everyone else gets the
//! public catalog.

use app::error::AppError;
use app::i18n::Lang;
use app::model::{DatasetDetail, Viewer};
use app::search::{parse_query_string, SearchQuery, SearchResult, Suggestion, MAX_QUERY_CHARS};
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::Json;

use super::{ApiError, AppState};
use crate::services::{auth, catalog};

/// The viewer behind a request's session cookie (anonymous without one).
pub async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Viewer, AppError> {
    let token = app::ssr::cookie(headers, app::ssr::SESSION_COOKIE);
    match token {
        Some(t) => Ok(Viewer::from_user(
            auth::session_user(&state.services.db, &t).await?,
        )),
        None => Ok(Viewer::Public),
    }
}

/// `lang` chooses the language of highlights; every other parameter is a search parameter.
fn split_lang(pairs: Vec<(String, String)>) -> Result<(Lang, Vec<(String, String)>), AppError> {
    let mut lang = Lang::Ko;
    let mut rest = Vec::new();
    for (k, v) in pairs {
        if k == "lang" {
            lang = Lang::parse(&v).ok_or_else(|| {
                AppError::validation("lang", "lang: ko 또는 en", "lang: must be ko or en.")
            })?;
        } else {
            rest.push((k, v));
        }
    }
    Ok((lang, rest))
}

pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResult>, ApiError> {
    let (lang, pairs) = split_lang(parse_query_string(raw.as_deref().unwrap_or("")))?;
    let query = SearchQuery::from_pairs(pairs)?;
    let viewer = viewer(&state, &headers).await?;
    Ok(Json(state.services.search.search(&viewer, &query, lang)?))
}

pub async fn dataset(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<DatasetDetail>, ApiError> {
    if id.is_empty() || id.len() > 200 {
        return Err(AppError::validation(
            "id",
            "id: 올바르지 않습니다.",
            "id: not a dataset id or slug.",
        )
        .into());
    }
    let viewer = viewer(&state, &headers).await?;
    Ok(Json(
        catalog::detail(&state.services.db, &viewer, &id).await?,
    ))
}

pub async fn suggest(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<Suggestion>>, ApiError> {
    let mut q = None;
    for (k, v) in parse_query_string(raw.as_deref().unwrap_or("")) {
        match k.as_str() {
            "q" => q = Some(v),
            other => {
                return Err(AppError::validation(
                    other,
                    &format!("{other}: 알 수 없는 매개변수"),
                    &format!("{other}: unknown parameter."),
                )
                .into())
            }
        }
    }
    let q =
        q.ok_or_else(|| AppError::validation("q", "q: 검색어가 필요합니다.", "q: required."))?;
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(
            AppError::validation("q", "q: 200자 이하", "q: at most 200 characters.").into(),
        );
    }
    let viewer = viewer(&state, &headers).await?;
    Ok(Json(state.services.search.suggest(&viewer, &q, 8)?))
}

pub async fn openapi() -> Json<serde_json::Value> {
    Json(openapi_document())
}

pub fn openapi_document() -> serde_json::Value {
    use serde_json::json;
    let facet_param = |name: &str, what: &str| {
        json!({
            "name": name, "in": "query", "required": false,
            "description": format!("{what} term codes; repeat the parameter or separate with commas (OR within, AND across facets)."),
            "schema": { "type": "string", "pattern": "^[A-Za-z0-9_,-]*$", "maxLength": 3300 }
        })
    };
    let error = json!({ "description": "Invalid parameter; `error.field` names it.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Dongne API",
            "version": "1.0.0",
            "description": "Search and read the district data catalog. Anonymous callers see published public datasets only."
        },
        "paths": {
            "/api/v1/datasets": {
                "get": {
                    "summary": "Search datasets",
                    "operationId": "searchDatasets",
                    "parameters": [
                        { "name": "q", "in": "query", "required": false, "description": "Search text, Korean and/or English.", "schema": { "type": "string", "maxLength": 200 } },
                        facet_param("theme", "Theme"),
                        facet_param("department", "Department"),
                        facet_param("dong", "Administrative dong"),
                        facet_param("source", "Source institution"),
                        facet_param("type", "Data type"),
                        facet_param("cycle", "Update cycle"),
                        facet_param("format", "Distribution format"),
                        facet_param("visibility", "Visibility (staff only)"),
                        { "name": "sort", "in": "query", "required": false, "schema": { "type": "string", "enum": ["relevance", "updated", "title"] } },
                        { "name": "page", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 10000 } },
                        { "name": "per_page", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 100 } },
                        { "name": "lang", "in": "query", "required": false, "description": "Language of highlights.", "schema": { "type": "string", "enum": ["ko", "en"] } }
                    ],
                    "responses": {
                        "200": { "description": "Results, facet counts and timing.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SearchResult" } } } },
                        "400": error
                    }
                }
            },
            "/api/v1/datasets/{id}": {
                "get": {
                    "summary": "One dataset by numeric id or slug",
                    "operationId": "getDataset",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "minLength": 1, "maxLength": 200 } } ],
                    "responses": {
                        "200": { "description": "The dataset with its distributions, data dictionary and terms.", "content": { "application/json": { "schema": { "type": "object" } } } },
                        "400": error,
                        "404": { "description": "No such dataset, or not visible to the caller.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
                    }
                }
            },
            "/api/v1/suggest": {
                "get": {
                    "summary": "Type-ahead titles",
                    "operationId": "suggest",
                    "parameters": [ { "name": "q", "in": "query", "required": true, "schema": { "type": "string", "maxLength": 200 } } ],
                    "responses": {
                        "200": { "description": "Up to 8 titles.", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Suggestion" } } } } },
                        "400": error
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "Error": { "type": "object", "properties": { "error": { "type": "object", "properties": {
                    "message": { "type": "string" }, "message_ko": { "type": "string" }, "field": { "type": "string", "nullable": true } } } } },
                "Suggestion": { "type": "object", "properties": { "slug": { "type": "string" }, "title_ko": { "type": "string" }, "title_en": { "type": "string" } } },
                "FacetValue": { "type": "object", "properties": { "term": { "type": "string" }, "label": { "type": "string" }, "label_en": { "type": "string" }, "count": { "type": "integer" } } },
                "SearchResult": { "type": "object", "required": ["total", "items", "facets", "took_ms"], "properties": {
                    "total": { "type": "integer" }, "page": { "type": "integer" }, "per_page": { "type": "integer" },
                    "items": { "type": "array", "items": { "type": "object", "properties": {
                        "dataset": { "type": "object" },
                        "title_highlight": { "type": "array", "items": { "type": "object", "properties": { "text": { "type": "string" }, "hit": { "type": "boolean" } } } },
                        "snippet": { "type": "array", "items": { "type": "object" } } } } },
                    "facets": { "type": "object", "additionalProperties": { "type": "array", "items": { "$ref": "#/components/schemas/FacetValue" } } },
                    "fuzzy": { "type": "boolean" },
                    "took_ms": { "type": "number" } } }
            }
        }
    })
}
