//! The JSON API, version 1: search, one dataset, suggestions, and its OpenAPI document.
//! Staff who are signed in (session cookie) see what they may see; everyone else gets the
//! public catalog.

use app::editing::DatasetPatch;
use app::error::AppError;
use app::i18n::Lang;
use app::model::{DatasetDetail, Viewer};
use app::search::{parse_query_string, SearchQuery, SearchResult, Suggestion, MAX_QUERY_CHARS};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;

pub mod admin;
pub mod collab;
pub mod crowd;
pub mod jobs;
pub mod live;
pub mod portal;
pub mod transfer;

use super::{ApiError, AppState};
use domain::ops::{self, Actor};
use domain::services::datasets::update::Updated;
use domain::services::{auth, comments, datasets};

/// Who is asking: the member of staff behind a request's API key (`Authorization: Bearer
/// dn_…`) or session cookie, or anonymous without either. A key that does not work is 401,
/// never anonymous.
pub async fn actor(state: &AppState, headers: &HeaderMap) -> Result<Actor, AppError> {
    if let Some(key) = super::limits::bearer(headers) {
        return Ok(Actor::ApiKey(
            domain::services::api_keys::authenticate(&state.services.db, key?).await?,
        ));
    }
    let token = app::ssr::cookie(headers, app::ssr::SESSION_COOKIE);
    match token {
        Some(t) => Ok(Actor::from_user(
            auth::session_user(&state.services.db, &t).await?,
        )),
        None => Ok(Actor::Anonymous),
    }
}

/// What the request's actor may read of the catalog (see [`actor`]).
pub async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Viewer, AppError> {
    Ok(actor(state, headers).await?.viewer())
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
    let actor = actor(&state, &headers).await?;
    Ok(Json(ops::catalog::search(
        &state.services,
        &actor,
        &query,
        lang,
    )?))
}

pub(super) fn check_id(id: &str) -> Result<(), AppError> {
    if id.is_empty() || id.len() > 200 {
        return Err(AppError::validation(
            "id",
            "id: 올바르지 않습니다.",
            "id: not a dataset id or slug.",
        ));
    }
    Ok(())
}

/// A query parameter the endpoint does not take: 400 naming it.
pub(crate) fn unknown_param(k: &str) -> AppError {
    AppError::validation(
        k,
        &format!("{k}: 알 수 없는 매개변수"),
        &format!("{k}: unknown parameter."),
    )
}

/// A JSON body that did not decode: 400 naming the body and saying what was expected.
pub(super) fn bad_body(e: JsonRejection, expected: &str) -> AppError {
    AppError::validation(
        "body",
        &format!("본문: {expected} 형식이어야 합니다 ({})", e.body_text()),
        &format!("body: must be {expected} ({})", e.body_text()),
    )
}

/// The version as an entity tag: `"7"`.
pub(super) fn etag(version: i32) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// The version a write is based on, from `If-Match` (`"7"`, `W/"7"` or `7`).
pub(super) fn if_match(headers: &HeaderMap) -> Result<i32, AppError> {
    let raw = headers
        .get(header::IF_MATCH)
        .ok_or(AppError::VersionRequired)?
        .to_str()
        .unwrap_or_default()
        .trim();
    raw.trim_start_matches("W/")
        .trim_matches('"')
        .parse::<i32>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| {
            AppError::validation(
                "If-Match",
                "If-Match: 데이터 버전(예: \"3\")이어야 합니다.",
                "If-Match: must be the dataset's version, like \"3\".",
            )
        })
}

pub async fn dataset(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    check_id(&id)?;
    let actor = actor(&state, &headers).await?;
    let detail: DatasetDetail = ops::catalog::dataset(&state.services, &actor, &id).await?;
    let tag = etag(detail.version);
    Ok(([(header::ETAG, tag)], Json(detail)).into_response())
}

/// `PATCH /api/v1/datasets/{id}`: change some metadata fields. `If-Match` must carry the
/// version the change is based on; a stale one gets 409 with the current version.
pub async fn patch_dataset(
    state: State<AppState>,
    headers: HeaderMap,
    id: Path<String>,
    body: Result<Json<DatasetPatch>, JsonRejection>,
) -> Result<Response, ApiError> {
    write_dataset(state, headers, id, body, false).await
}

/// `PUT /api/v1/datasets/{id}`: replace every metadata field (all must be present).
pub async fn put_dataset(
    state: State<AppState>,
    headers: HeaderMap,
    id: Path<String>,
    body: Result<Json<DatasetPatch>, JsonRejection>,
) -> Result<Response, ApiError> {
    write_dataset(state, headers, id, body, true).await
}

async fn write_dataset(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<DatasetPatch>, JsonRejection>,
    whole: bool,
) -> Result<Response, ApiError> {
    check_id(&id)?;
    let user = staff(&state, &headers).await?;
    let expected = if_match(&headers)?;
    let Json(patch) = body.map_err(|e| {
        AppError::validation(
            "body",
            &format!("본문: 데이터 변경 JSON이 아닙니다 ({})", e.body_text()),
            &format!("body: not a dataset change ({})", e.body_text()),
        )
    })?;
    if let Some(field) = patch.missing_fields().first().filter(|_| whole) {
        return Err(AppError::validation(
            field,
            &format!("{field}: PUT에는 모든 항목이 필요합니다 (일부만 바꾸려면 PATCH)."),
            &format!("{field}: PUT replaces every field, so it is required (use PATCH for some)."),
        )
        .into());
    }
    if patch.is_empty() {
        return Err(AppError::validation(
            "body",
            "본문: 바꿀 항목이 없습니다.",
            "body: no field to change.",
        )
        .into());
    }
    let updated: Updated =
        ops::collab::update(&state.services, &Actor::Staff(user), &id, expected, &patch).await?;
    let tag = etag(updated.version);
    Ok(([(header::ETAG, tag)], Json(updated)).into_response())
}

/// The signed-in staff member, or 401.
pub(super) async fn staff(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<app::model::SessionUser, AppError> {
    match viewer(state, headers).await? {
        Viewer::Staff(u) => Ok(u),
        Viewer::Public => Err(AppError::Unauthenticated),
    }
}

/// `GET /api/v1/datasets/{id}/revisions`: the history, newest first (staff).
pub async fn revisions(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Vec<datasets::history::RevisionInfo>>, ApiError> {
    check_id(&id)?;
    let actor = actor(&state, &headers).await?;
    Ok(Json(
        ops::collab::revisions(&state.services, &actor, &id).await?,
    ))
}

/// `GET /api/v1/datasets/{id}/revisions/compare?from=&to=`: the field diff between two revisions.
pub async fn compare_revisions(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<serde_json::Value>, ApiError> {
    check_id(&id)?;
    let (mut from, mut to) = (None, None);
    for (k, v) in parse_query_string(raw.as_deref().unwrap_or("")) {
        let n = v.parse::<i32>().ok().filter(|n| *n > 0).ok_or_else(|| {
            AppError::validation(
                &k,
                &format!("{k}: 버전 번호(1 이상)여야 합니다."),
                &format!("{k}: must be a version number (1 or more)."),
            )
        });
        match k.as_str() {
            "from" => from = Some(n?),
            "to" => to = Some(n?),
            other => return Err(unknown_param(other).into()),
        }
    }
    let from =
        from.ok_or_else(|| AppError::validation("from", "from: 필요합니다.", "from: required."))?;
    let to = to.ok_or_else(|| AppError::validation("to", "to: 필요합니다.", "to: required."))?;
    let actor = actor(&state, &headers).await?;
    Ok(Json(
        ops::collab::compare(&state.services, &actor, &id, from, to).await?,
    ))
}

/// `POST /api/v1/datasets/{id}/revisions/{version}/revert`: a new revision restoring that one.
pub async fn revert(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    check_id(&id)?;
    let to = version
        .parse::<i32>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| {
            AppError::validation(
                "version",
                "version: 버전 번호여야 합니다.",
                "version: must be a version number.",
            )
        })?;
    let user = staff(&state, &headers).await?;
    let expected = if_match(&headers)?;
    let updated =
        ops::collab::revert(&state.services, &Actor::Staff(user), &id, expected, to).await?;
    let tag = etag(updated.version);
    Ok(([(header::ETAG, tag)], Json(updated)).into_response())
}

/// `GET /api/v1/datasets/{id}/comments`: the discussion, oldest first (staff).
pub async fn comments(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Vec<comments::CommentInfo>>, ApiError> {
    check_id(&id)?;
    let actor = actor(&state, &headers).await?;
    Ok(Json(
        ops::collab::comments(&state.services, &actor, &id).await?,
    ))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    body: String,
}

/// `POST /api/v1/datasets/{id}/comments` `{ "body": "…" }` (staff).
pub async fn add_comment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<NewComment>, JsonRejection>,
) -> Result<(axum::http::StatusCode, Json<comments::CommentInfo>), ApiError> {
    check_id(&id)?;
    let actor = actor(&state, &headers).await?;
    actor.user()?;
    let Json(new) = body.map_err(|e| bad_body(e, "{\"body\": \"…\"}"))?;
    let saved = ops::collab::add_comment(&state.services, &actor, &id, &new.body).await?;
    Ok((axum::http::StatusCode::CREATED, Json(saved)))
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
            other => return Err(unknown_param(other).into()),
        }
    }
    let q =
        q.ok_or_else(|| AppError::validation("q", "q: 검색어가 필요합니다.", "q: required."))?;
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(
            AppError::validation("q", "q: 200자 이하", "q: at most 200 characters.").into(),
        );
    }
    let actor = actor(&state, &headers).await?;
    Ok(Json(ops::catalog::suggest(&state.services, &actor, &q)?))
}

/// `GET /api/v1/freshness`: on time / due soon / overdue per department, and the overdue list.
pub async fn freshness(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<app::freshness::FreshnessReport>, ApiError> {
    let actor = actor(&state, &headers).await?;
    Ok(Json(
        ops::catalog::freshness(&state.services, &actor).await?,
    ))
}

/// An endpoint that takes no query parameters: the first one given is an error naming it.
pub(crate) fn no_params(raw: Option<String>) -> Result<(), AppError> {
    match app::search::parse_query_string(raw.as_deref().unwrap_or(""))
        .into_iter()
        .next()
    {
        Some((k, _)) => Err(unknown_param(&k)),
        None => Ok(()),
    }
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
            "description": "Search and read the district data catalog. Anonymous callers see published public datasets only, and are limited per address (429 with Retry-After; crowd data is not limited). Staff authenticate with their session or an API key (`Authorization: Bearer dn_…`)."
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
                },
                "put": {
                    "summary": "Replace every metadata field (all fields of DatasetPatch required; same rules and responses as PATCH)",
                    "operationId": "putDataset",
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "minLength": 1, "maxLength": 200 } },
                        { "name": "If-Match", "in": "header", "required": true, "schema": { "type": "string" } }
                    ],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DatasetPatch" } } } },
                    "responses": { "200": { "description": "Applied; ETag is the new version." }, "400": error, "401": error, "403": error, "404": error, "409": error, "428": error }
                },
                "patch": {
                    "summary": "Change some metadata fields (signed-in staff with the right to edit the dataset)",
                    "description": "Only the fields present change. If-Match must carry the version the change is based on (the ETag of GET). Every accepted change is a revision with its author, message and field-level diff.",
                    "operationId": "patchDataset",
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "string", "minLength": 1, "maxLength": 200 } },
                        { "name": "If-Match", "in": "header", "required": true, "schema": { "type": "string", "example": "\"3\"" } }
                    ],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DatasetPatch" } } } },
                    "responses": {
                        "200": { "description": "Applied; ETag is the new version.", "content": { "application/json": { "schema": { "type": "object", "properties": { "id": { "type": "integer" }, "version": { "type": "integer" }, "changed_fields": { "type": "array", "items": { "type": "string" } } } } } } },
                        "400": error,
                        "401": error,
                        "403": error,
                        "404": error,
                        "409": { "description": "The dataset changed since that version: nothing was applied; error.current_version says where it is now.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                        "428": error
                    }
                }
            },
            "/api/v1/datasets/{id}/comments": {
                "get": {
                    "summary": "The discussion on a dataset, oldest first (signed-in staff)",
                    "operationId": "listComments",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
                    "responses": { "200": { "description": "Comments: id, author, created_at, body (plain text)." }, "401": error, "404": error }
                },
                "post": {
                    "summary": "Comment on a dataset (signed-in staff)",
                    "operationId": "addComment",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["body"], "properties": { "body": { "type": "string", "minLength": 1, "maxLength": 2000 } } } } } },
                    "responses": { "201": { "description": "The saved comment." }, "400": error, "401": error, "404": error }
                }
            },
            "/api/v1/datasets/{id}/revisions": {
                "get": {
                    "summary": "The revision history, newest first (signed-in staff)",
                    "operationId": "listRevisions",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
                    "responses": {
                        "200": { "description": "Revisions with version, author, time, message and field diff.", "content": { "application/json": { "schema": { "type": "array", "items": { "type": "object" } } } } },
                        "401": error,
                        "404": error
                    }
                }
            },
            "/api/v1/datasets/{id}/revisions/compare": {
                "get": {
                    "summary": "The field diff between two revisions (signed-in staff)",
                    "operationId": "compareRevisions",
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                        { "name": "from", "in": "query", "required": true, "schema": { "type": "integer", "minimum": 1 } },
                        { "name": "to", "in": "query", "required": true, "schema": { "type": "integer", "minimum": 1 } }
                    ],
                    "responses": {
                        "200": { "description": "{ field: { from, to } } for every field that differs.", "content": { "application/json": { "schema": { "type": "object" } } } },
                        "400": error,
                        "401": error,
                        "404": error
                    }
                }
            },
            "/api/v1/datasets/{id}/revisions/{version}/revert": {
                "post": {
                    "summary": "Restore a revision's values as a new revision",
                    "operationId": "revertDataset",
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                        { "name": "version", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } },
                        { "name": "If-Match", "in": "header", "required": true, "schema": { "type": "string" } }
                    ],
                    "responses": {
                        "200": { "description": "Applied; ETag is the new version." },
                        "400": error, "401": error, "403": error, "404": error, "409": error, "428": error
                    }
                }
            },
            "/api/v1/datasets/{id}/proposals": {
                "get": {
                    "summary": "Every proposal on a dataset, newest first (signed-in staff)",
                    "operationId": "listDatasetProposals",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
                    "responses": { "200": { "description": "Proposals; open ones carry `rebase` (each field's base, current and proposed value, conflicts marked)." }, "401": error, "404": error }
                },
                "post": {
                    "summary": "Propose a change to a dataset you may not edit (editors, stewards, admins)",
                    "description": "If-Match carries the version the proposal is based on (the current one). Status cannot be proposed. The owning department's stewards are notified.",
                    "operationId": "propose",
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                        { "name": "If-Match", "in": "header", "required": true, "schema": { "type": "string" } }
                    ],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DatasetPatch" } } } },
                    "responses": { "201": { "description": "The open proposal." }, "400": error, "401": error, "403": error, "404": error, "409": error, "428": error }
                }
            },
            "/api/v1/proposals": {
                "get": {
                    "summary": "A review queue (open proposals you may decide) or your own proposals",
                    "operationId": "listProposals",
                    "parameters": [ { "name": "scope", "in": "query", "required": false, "schema": { "type": "string", "enum": ["review", "mine"], "default": "review" } } ],
                    "responses": { "200": { "description": "Proposals, newest first (at most 100)." }, "400": error, "401": error }
                }
            },
            "/api/v1/proposals/{pid}": {
                "get": {
                    "summary": "One proposal",
                    "operationId": "getProposal",
                    "parameters": [ { "name": "pid", "in": "path", "required": true, "schema": { "type": "integer" } } ],
                    "responses": { "200": { "description": "The proposal." }, "400": error, "401": error, "404": error }
                }
            },
            "/api/v1/proposals/{pid}/accept": {
                "post": {
                    "summary": "Accept a proposal (stewards of the owning department, admins): applied as a revision crediting the proposer",
                    "description": "If-Match carries the dataset version reviewed. Fields changed since the proposal to another value must be settled in `resolution` ({ field: value to keep }), else 409 naming the first.",
                    "operationId": "acceptProposal",
                    "parameters": [
                        { "name": "pid", "in": "path", "required": true, "schema": { "type": "integer" } },
                        { "name": "If-Match", "in": "header", "required": true, "schema": { "type": "string" } }
                    ],
                    "requestBody": { "required": false, "content": { "application/json": { "schema": { "type": "object", "properties": { "resolution": { "type": "object" } } } } } },
                    "responses": { "200": { "description": "The accepted proposal with `applied_version`." }, "400": error, "401": error, "403": error, "404": error, "409": error, "428": error }
                }
            },
            "/api/v1/proposals/{pid}/reject": {
                "post": {
                    "summary": "Reject a proposal with a reason (stewards of the owning department, admins)",
                    "operationId": "rejectProposal",
                    "parameters": [ { "name": "pid", "in": "path", "required": true, "schema": { "type": "integer" } } ],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["reason"], "properties": { "reason": { "type": "string", "minLength": 1, "maxLength": 500 } } } } } },
                    "responses": { "200": { "description": "The rejected proposal." }, "400": error, "401": error, "403": error, "404": error, "409": error }
                }
            },
            "/api/v1/proposals/{pid}/withdraw": {
                "post": {
                    "summary": "Withdraw your own open proposal",
                    "operationId": "withdrawProposal",
                    "parameters": [ { "name": "pid", "in": "path", "required": true, "schema": { "type": "integer" } } ],
                    "responses": { "200": { "description": "The withdrawn proposal." }, "401": error, "404": error, "409": error }
                }
            },
            "/api/v1/notifications": {
                "get": {
                    "summary": "Your notifications: proposals received and decided, comments on your department's datasets, and its overdue datasets (id 0, computed)",
                    "operationId": "listNotifications",
                    "responses": { "200": { "description": "{ unread, items }" }, "401": error }
                }
            },
            "/api/v1/notifications/read": {
                "post": {
                    "summary": "Mark notifications read: `{ \"ids\": [..] }`, or all without a body",
                    "operationId": "markNotificationsRead",
                    "requestBody": { "required": false, "content": { "application/json": { "schema": { "type": "object", "properties": { "ids": { "type": "array", "items": { "type": "integer" } } } } } } },
                    "responses": { "200": { "description": "{ marked }" }, "400": error, "401": error }
                }
            },
            "/api/v1/activity": {
                "get": {
                    "summary": "An activity feed: a dataset's, a department's, or (neither) your own",
                    "operationId": "activity",
                    "parameters": [
                        { "name": "dataset", "in": "query", "required": false, "schema": { "type": "string" } },
                        { "name": "department", "in": "query", "required": false, "schema": { "type": "string" } }
                    ],
                    "responses": { "200": { "description": "Revisions, comments and proposals, newest first (at most 50)." }, "400": error, "401": error, "404": error }
                }
            },
            "/api/v1/freshness": {
                "get": { "summary": "Freshness of the published datasets the caller can see: per department on time / due soon (14 days) / overdue / no schedule, and the overdue ones", "operationId": "freshness",
                    "responses": { "200": { "description": "{ today, total, departments: [{ department, counts }], overdue: [{ dataset, department, next_due, days_late }] }" } } }
            },
            "/api/v1/import": {
                "post": { "summary": "Import dataset metadata from a CSV (UTF-8) or XLSX sheet: all rows or none, upserted by slug, each a revision by the caller", "operationId": "importSheet",
                    "description": "Headers are field names (see export) or their Korean/English labels. Every problem is reported with its row and column (`error.detail.InvalidFields.errors[].field` like `row 3, title_ko`) and nothing is written. Re-importing the same file changes nothing.",
                    "parameters": [
                        { "name": "dry_run", "in": "query", "required": false, "schema": { "type": "boolean" }, "description": "Report what would change without writing." },
                        { "name": "name", "in": "query", "required": false, "schema": { "type": "string" }, "description": "The file name (its extension picks the format; kept in the revision message)." }
                    ],
                    "requestBody": { "required": true, "content": { "text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {} } },
                    "responses": { "200": { "description": "{ dry_run, created, updated, unchanged, rows: [{ row, slug, action, changed_fields }] }" }, "202": { "description": "A real import runs as a background job; when it takes longer than 20 s the answer is { job } with Location: /api/v1/jobs/{job}." }, "400": error, "401": error, "403": error } }
            },
            "/api/v1/crowd": {
                "get": { "summary": "Every hot spot's current crowd level (public)", "operationId": "crowdStatus",
                    "parameters": [ { "name": "format", "in": "query", "required": false, "schema": { "type": "string", "enum": ["json", "csv"] } } ],
                    "responses": { "200": { "description": "[HotSpotStatus]: code, name_ko, name_en, district, is_local, lat, lon, level (Relaxed|Normal|SlightlyBusy|Busy), population_min, population_max, observed_at, source." }, "400": error } }
            },
            "/api/v1/crowd/events": {
                "get": { "summary": "Crowd levels and alerts as they change (text/event-stream, public): event `crowd` with every hot spot's status and event `alerts` with the open alerts and emergency mode at once, then each after every change; the event id is the change's sequence number in its channel", "operationId": "followCrowd",
                    "responses": { "200": { "description": "Server-Sent Events." }, "400": error } }
            },
            "/api/v1/crowd/alerts": {
                "get": { "summary": "Open crowd alerts (one per place, worst first) and emergency mode (public)", "operationId": "crowdAlerts",
                    "responses": { "200": { "description": "{ alerts: [AlertInfo: id, spot_code, spot_name_ko, spot_name_en, level, population_max, since, raised_at, acknowledged_at, resolved_at], emergency: EmergencyInfo | null }" }, "400": error } }
            },
            "/api/v1/crowd/alerts/log": {
                "get": { "summary": "The alert log, open alerts first, with who acknowledged and staff notes (staff)", "operationId": "crowdAlertLog",
                    "responses": { "200": { "description": "[AlertLogEntry]: alert, rule_id, acknowledged_by, notes [{ author, body, created_at }]" }, "401": error } }
            },
            "/api/v1/crowd/alerts/{id}/ack": {
                "post": { "summary": "Acknowledge an alert (staff; again changes nothing)", "operationId": "acknowledgeCrowdAlert",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } } ],
                    "responses": { "204": { "description": "Acknowledged." }, "400": error, "401": error, "404": error } }
            },
            "/api/v1/crowd/alerts/{id}/notes": {
                "post": { "summary": "Write a note on an alert (staff)", "operationId": "annotateCrowdAlert",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } } ],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["body"], "properties": { "body": { "type": "string", "maxLength": 2000 } } } } } },
                    "responses": { "201": { "description": "The note." }, "400": error, "401": error, "404": error } }
            },
            "/api/v1/crowd/rules": {
                "get": { "summary": "Alert rules (staff)", "operationId": "crowdAlertRules",
                    "responses": { "200": { "description": "[AlertRuleInfo]" }, "401": error } },
                "post": { "summary": "Add an alert rule (administrators): one place or every place; level at or above min_level, or population above min_population, held for for_minutes", "operationId": "addCrowdAlertRule",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "properties": {
                        "spot_code": { "type": "string", "nullable": true }, "min_level": { "type": "integer", "minimum": 1, "maximum": 4, "nullable": true },
                        "min_population": { "type": "integer", "minimum": 1, "nullable": true }, "for_minutes": { "type": "integer", "minimum": 0, "maximum": 1440 } } } } } },
                    "responses": { "201": { "description": "The rule." }, "400": error, "401": error, "403": error } }
            },
            "/api/v1/crowd/rules/{id}": {
                "delete": { "summary": "Delete an alert rule and its alerts (administrators)", "operationId": "deleteCrowdAlertRule",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } } ],
                    "responses": { "204": { "description": "Deleted." }, "400": error, "401": error, "403": error, "404": error } }
            },
            "/api/v1/crowd/emergency": {
                "post": { "summary": "Start emergency mode (administrators): pin a place and show the public a safety message; the public map becomes the light list", "operationId": "startEmergency",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["message_ko", "message_en"], "properties": {
                        "spot_code": { "type": "string", "nullable": true }, "message_ko": { "type": "string", "maxLength": 300 }, "message_en": { "type": "string", "maxLength": 300 } } } } } },
                    "responses": { "200": { "description": "EmergencyInfo." }, "400": error, "401": error, "403": error } },
                "delete": { "summary": "End emergency mode (administrators)", "operationId": "endEmergency",
                    "responses": { "204": { "description": "Ended." }, "401": error, "403": error, "404": error } }
            },
            "/api/v1/crowd/spots": {
                "post": { "summary": "Add a local point with its own feed (administrators); the answer carries its push token, shown once", "operationId": "addLocalPoint",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["code", "name_ko", "name_en", "lat", "lon"], "properties": {
                        "code": { "type": "string", "pattern": "^[A-Za-z0-9_-]{1,40}$" }, "name_ko": { "type": "string" }, "name_en": { "type": "string" }, "lat": { "type": "number" }, "lon": { "type": "number" } } } } } },
                    "responses": { "201": { "description": "{ code, token }" }, "400": error, "401": error, "403": error } }
            },
            "/api/v1/crowd/spots/{code}": {
                "get": { "summary": "One place: its status, six-hour trend and the forecast ahead (public)", "operationId": "crowdSpot",
                    "parameters": [ { "name": "code", "in": "path", "required": true, "schema": { "type": "string" } } ],
                    "responses": { "200": { "description": "{ status: HotSpotStatus, trend: [TrendPoint], forecast: [ForecastPoint] }" }, "400": error, "404": error } }
            },
            "/api/v1/crowd/spots/{code}/history": {
                "get": { "summary": "A place's readings over the last hours, oldest first: raw for seven days, hourly before (public)", "operationId": "crowdHistory",
                    "parameters": [ { "name": "code", "in": "path", "required": true, "schema": { "type": "string" } },
                        { "name": "hours", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1, "maximum": 2160, "default": 24 } },
                        { "name": "format", "in": "query", "required": false, "schema": { "type": "string", "enum": ["json", "csv"] } } ],
                    "responses": { "200": { "description": "[TrendPoint: at, level, population_min, population_max], or CSV." }, "400": error, "404": error } }
            },
            "/api/v1/crowd/spots/{code}/token": {
                "post": { "summary": "Replace a local point's push token (administrators); the old one stops working", "operationId": "rotateLocalPointToken",
                    "parameters": [ { "name": "code", "in": "path", "required": true, "schema": { "type": "string" } } ],
                    "responses": { "200": { "description": "{ code, token }" }, "400": error, "401": error, "403": error, "404": error } }
            },
            "/api/v1/crowd/spots/{code}/readings": {
                "post": { "summary": "Push readings of a local point (Authorization: Bearer <its token>); all rows or none; alerts are evaluated and open maps updated", "operationId": "pushCrowdReadings",
                    "parameters": [ { "name": "code", "in": "path", "required": true, "schema": { "type": "string" } } ],
                    "requestBody": { "required": true, "content": {
                        "application/json": { "schema": { "description": "One reading or an array (at most 1000): { observed_at? (RFC 3339), level (1-4 or 여유/보통/약간 붐빔/붐빔 or relaxed/normal/slightly busy/busy), population_min, population_max }" } },
                        "text/csv": { "schema": { "description": "Columns observed_at (optional), level, population_min, population_max." } } } },
                    "responses": { "200": { "description": "{ stored, ignored } (ignored: not newer than the place's latest reading)" }, "400": error, "401": error } }
            },
            "/api/v1/jobs": {
                "get": { "summary": "The newest background jobs (imports, harvests, profiling): all for administrators, the caller's own for other staff", "operationId": "listJobs",
                    "responses": { "200": { "description": "[JobInfo]: id, kind, status (queued|running|succeeded|failed), subject, progress_done, progress_total, progress_note, attempts, times, outcome, error." }, "401": error } }
            },
            "/api/v1/jobs/{id}": {
                "get": { "summary": "One job (its creator or an administrator)", "operationId": "getJob",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } } ],
                    "responses": { "200": { "description": "JobInfo." }, "400": error, "401": error, "404": error } }
            },
            "/api/v1/jobs/{id}/events": {
                "get": { "summary": "The job's state as it changes (text/event-stream, event `job` carrying the whole JobInfo), ending when the job ends", "operationId": "followJob",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } } ],
                    "responses": { "200": { "description": "Server-Sent Events." }, "400": error, "401": error, "404": error } }
            },
            "/api/v1/harvest/sources": {
                "get": { "summary": "Harvest sources with their last run (administrators)", "operationId": "listHarvestSources",
                    "responses": { "200": { "description": "[HarvestSourceInfo]." }, "401": error, "403": error } },
                "post": { "summary": "Create a harvest source, or change the one with `id` (administrators)", "operationId": "saveHarvestSource",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["name", "kind", "url", "department", "source_institution", "visibility", "enabled"], "properties": {
                        "id": { "type": "integer" }, "name": { "type": "string", "maxLength": 100 }, "kind": { "type": "string", "enum": ["ckan", "dcat", "sheet"] },
                        "url": { "type": "string", "format": "uri" }, "department": { "type": "string", "description": "Department code" },
                        "source_institution": { "type": "string" }, "default_terms": { "type": "array", "items": { "type": "string", "example": "theme:environment" } },
                        "visibility": { "type": "string", "enum": ["public", "internal"] }, "interval_minutes": { "type": "integer", "minimum": 5, "nullable": true }, "enabled": { "type": "boolean" } } } } } },
                    "responses": { "200": { "description": "The source." }, "400": error, "401": error, "403": error } }
            },
            "/api/v1/harvest/sources/{id}/run": {
                "post": { "summary": "Run a source now (administrators)", "operationId": "runHarvestSource",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } } ],
                    "responses": { "202": { "description": "{ job }, Location: /api/v1/jobs/{job}." }, "401": error, "403": error, "404": error } }
            },
            "/api/v1/datasets/{id}/profile": {
                "post": { "summary": "Profile a data file of one of the dataset's distributions (editors of the dataset); the file is the body (up to 200 MB)", "operationId": "profileDataFile",
                    "parameters": [
                        { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                        { "name": "url", "in": "query", "required": true, "schema": { "type": "string" }, "description": "The distribution's URL." },
                        { "name": "name", "in": "query", "required": false, "schema": { "type": "string" }, "description": "The file name (its extension picks the format: .csv, .xlsx, .geojson)." }
                    ],
                    "requestBody": { "required": true, "content": { "text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}, "application/geo+json": {} } },
                    "responses": { "202": { "description": "{ job }; the job's outcome holds the profile, and the dataset page shows it." }, "400": error, "401": error, "403": error, "404": error, "413": error } }
            },
            "/api/v1/export": {
                "get": { "summary": "The catalog the caller may see, as CSV, XLSX or JSON with the import's columns", "operationId": "exportSheet",
                    "parameters": [
                        { "name": "format", "in": "query", "required": false, "schema": { "type": "string", "enum": ["csv", "xlsx", "json"], "default": "csv" } },
                        { "name": "department", "in": "query", "required": false, "schema": { "type": "string" } }
                    ],
                    "responses": { "200": { "description": "The file." }, "400": error, "404": error } }
            },
            "/api/v1/admin/departments": {
                "post": { "summary": "Create a department, or rename the one with this code (admins)", "operationId": "saveDepartment",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["code", "name_ko", "name_en"], "properties": { "code": { "type": "string", "pattern": "^[a-z0-9._-]{2,40}$" }, "name_ko": { "type": "string" }, "name_en": { "type": "string" } } } } } },
                    "responses": { "200": { "description": "The department." }, "400": error, "401": error, "403": error } }
            },
            "/api/v1/admin/users": {
                "post": { "summary": "Create a user, or change the one with this username (admins); deactivating or a new password ends their sessions and revokes their API keys", "operationId": "saveUser",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["username", "display_name", "role"], "properties": {
                        "username": { "type": "string", "pattern": "^[a-z0-9._-]{3,40}$" }, "display_name": { "type": "string" },
                        "role": { "type": "string", "enum": ["admin", "steward", "editor", "viewer"] }, "department": { "type": "string", "nullable": true },
                        "password": { "type": "string", "minLength": 10, "description": "Required for a new user; left out, the password is kept." },
                        "active": { "type": "boolean", "default": true } } } } } },
                    "responses": { "200": { "description": "The user." }, "400": error, "401": error, "403": error } }
            },
            "/api/v1/admin/keys": {
                "get": { "summary": "Every user's API keys with their owners, working keys first (admins, signed-in session; revoke with DELETE /api/v1/keys/{id}). A user's keys are revoked when they are deactivated or given a new password", "operationId": "listAllApiKeys",
                    "responses": { "200": { "description": "[ApiKeyInfo + owner, owner_name, owner_active]" }, "401": error, "403": error } }
            },
            "/api/v1/admin/terms": {
                "post": { "summary": "Add a term to a classification scheme, or relabel it (admins)", "operationId": "saveTerm",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["scheme", "code", "label_ko", "label_en"], "properties": { "scheme": { "type": "string" }, "code": { "type": "string" }, "label_ko": { "type": "string" }, "label_en": { "type": "string" } } } } } },
                    "responses": { "200": { "description": "The term." }, "400": error, "401": error, "403": error } }
            },
            "/api/v1/feedback": {
                "get": { "summary": "Residents' problem reports: the caller's department's (stewards, editors), all (admins); open first, newest first", "operationId": "listFeedback",
                    "parameters": [
                        { "name": "status", "in": "query", "required": false, "schema": { "type": "string", "enum": ["open", "resolved"] } },
                        { "name": "dataset", "in": "query", "required": false, "schema": { "type": "integer", "minimum": 1 } }
                    ],
                    "responses": { "200": { "description": "[FeedbackInfo]: id, dataset, kind, body, contact, status, created_at, resolved_by, resolved_at" }, "400": error, "401": error, "403": error } }
            },
            "/api/v1/feedback/{id}/resolve": {
                "post": { "summary": "Mark a report resolved (its department, admins)", "operationId": "resolveFeedback",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } } ],
                    "responses": { "200": { "description": "The report." }, "400": error, "401": error, "404": error } }
            },
            "/api/v1/feedback/{id}/reopen": {
                "post": { "summary": "Open a resolved report again (its department, admins)", "operationId": "reopenFeedback",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } } ],
                    "responses": { "200": { "description": "The report." }, "400": error, "401": error, "404": error } }
            },
            "/api/v1/keys": {
                "get": { "summary": "The caller's API keys (signed-in session, not a key)", "operationId": "listApiKeys",
                    "responses": { "200": { "description": "[ApiKeyInfo]: id, name, prefix, created_at, last_used_at, revoked" }, "401": error, "403": error } },
                "post": { "summary": "Make an API key for oneself; the answer is the only time the key is shown. Send it as `Authorization: Bearer dn_…`: it reads as its owner and is not rate limited", "operationId": "createApiKey",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["name"], "additionalProperties": false, "properties": { "name": { "type": "string", "minLength": 1, "maxLength": 100 } } } } } },
                    "responses": { "201": { "description": "{ key: ApiKeyInfo, secret }" }, "400": error, "401": error, "403": error } }
            },
            "/api/v1/keys/{id}": {
                "delete": { "summary": "Revoke one's API key (admins: anyone's); it stops working at once", "operationId": "revokeApiKey",
                    "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 } } ],
                    "responses": { "200": { "description": "The key, revoked." }, "400": error, "401": error, "403": error, "404": error } }
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
                "DatasetPatch": { "type": "object", "additionalProperties": false, "properties": {
                    "title_ko": { "type": "string", "maxLength": 200 }, "title_en": { "type": "string", "maxLength": 200 },
                    "description_ko": { "type": "string", "maxLength": 20000 }, "description_en": { "type": "string", "maxLength": 20000 },
                    "keywords": { "type": "array", "maxItems": 30, "items": { "type": "string", "maxLength": 50 } },
                    "license": { "type": "string" }, "source_institution": { "type": "string" },
                    "update_cycle": { "type": "string", "enum": ["realtime", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular"] },
                    "visibility": { "type": "string", "enum": ["public", "internal"] },
                    "status": { "type": "string", "enum": ["draft", "published", "archived"] },
                    "spatial_coverage": { "type": "string" }, "contact_name": { "type": "string" },
                    "contact_phone": { "type": "string" }, "contact_email": { "type": "string" },
                    "terms": { "type": "array", "maxItems": 50, "description": "Classification as scheme:code for the schemes theme, dong, source, data_type (the department and update-cycle terms follow those fields).", "items": { "type": "string", "example": "theme:environment" } },
                    "distributions": { "type": "array", "maxItems": 50, "description": "Replaces the list, in order.", "items": { "type": "object", "required": ["title", "kind", "format", "url"], "properties": {
                        "title": { "type": "string", "maxLength": 200 }, "kind": { "type": "string", "enum": ["file", "api", "link"] },
                        "format": { "type": "string", "maxLength": 20 }, "url": { "type": "string", "format": "uri", "pattern": "^https?://" },
                        "size_bytes": { "type": "integer", "minimum": 0, "nullable": true } } } },
                    "columns": { "type": "array", "maxItems": 500, "description": "The data dictionary, replaced in order; names unique.", "items": { "type": "object", "required": ["name", "data_type"], "properties": {
                        "name": { "type": "string", "maxLength": 100 }, "data_type": { "type": "string", "enum": ["text", "integer", "number", "date", "datetime", "time", "boolean", "geometry"] },
                        "description": { "type": "string", "maxLength": 500, "nullable": true }, "unit": { "type": "string", "maxLength": 50, "nullable": true } } } },
                    "message": { "type": "string", "maxLength": 500, "description": "What changed, for the revision history." } } },
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
