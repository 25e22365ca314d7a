//! The JSON API, version 1: search, one dataset, suggestions, and its OpenAPI document.
//! Staff who are signed in (session cookie) see what they may see; everyone else gets the
//! public catalog.

use app::collab::{CommentInfo, RevisionInfo};
use app::editing::DatasetPatch;
use app::error::AppError;
use app::freshness::FreshnessReport;
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
mod openapi;
pub mod portal;
mod schema;
pub mod transfer;

pub use openapi::openapi;
use schema::error::*;
use schema::LangCode;

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

#[utoipa::path(
    get,
    path = "/api/v1/datasets",
    operation_id = "searchDatasets",
    tag = "catalog",
    summary = "Search datasets",
    params(
        SearchQuery,
        ("lang" = inline(Option<LangCode>), Query, description = "Language of highlights."),
    ),
    responses(
        (status = 200, description = "Results, facet counts and timing.", body = SearchResult),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
    )
)]
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

#[utoipa::path(
    get,
    path = "/api/v1/datasets/{id}",
    operation_id = "getDataset",
    tag = "catalog",
    summary = "One dataset by numeric id or slug",
    params(
        ("id" = String, Path, min_length = 1, max_length = 200, description = "The dataset's numeric id or slug."),
    ),
    responses(
        (status = 200, description = "The dataset with its distributions, data dictionary and terms.", body = DatasetDetail, headers(("ETag" = String, description = "The dataset's version now, like `\"4\"`."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
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
#[utoipa::path(
    patch,
    path = "/api/v1/datasets/{id}",
    operation_id = "patchDataset",
    tag = "editing",
    summary = "Change some metadata fields (signed-in staff with the right to edit the dataset)",
    description = "Only the fields present change. If-Match must carry the version the change is based on (the ETag of GET). Every accepted change is a revision with its author, message and field-level diff. A stale version gets 409 with `error.current_version`; nothing is applied.",
    params(
        ("id" = String, Path, min_length = 1, max_length = 200, description = "The dataset's numeric id or slug."),
        ("If-Match" = String, Header, description = "The dataset version the change is based on (the ETag of GET), like `\"3\"`.", example = json!("\"3\"")),
    ),
    request_body = DatasetPatch,
    responses(
        (status = 200, description = "Applied; ETag is the new version.", body = Updated, headers(("ETag" = String, description = "The dataset's version now, like `\"4\"`."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 428, response = PreconditionRequired),
    )
)]
pub async fn patch_dataset(
    state: State<AppState>,
    headers: HeaderMap,
    id: Path<String>,
    body: Result<Json<DatasetPatch>, JsonRejection>,
) -> Result<Response, ApiError> {
    write_dataset(state, headers, id, body, false).await
}

/// `PUT /api/v1/datasets/{id}`: replace every metadata field (all must be present).
#[utoipa::path(
    put,
    path = "/api/v1/datasets/{id}",
    operation_id = "putDataset",
    tag = "editing",
    summary = "Replace every metadata field (all fields of DatasetPatch required; same rules and responses as PATCH)",
    params(
        ("id" = String, Path, min_length = 1, max_length = 200, description = "The dataset's numeric id or slug."),
        ("If-Match" = String, Header, description = "The dataset version the change is based on (the ETag of GET), like `\"3\"`.", example = json!("\"3\"")),
    ),
    request_body = DatasetPatch,
    responses(
        (status = 200, description = "Applied; ETag is the new version.", body = Updated, headers(("ETag" = String, description = "The dataset's version now, like `\"4\"`."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 428, response = PreconditionRequired),
    )
)]
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
    let actor = actor(&state, &headers).await?;
    actor.user()?;
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
        ops::collab::update(&state.services, &actor, &id, expected, &patch).await?;
    let tag = etag(updated.version);
    Ok(([(header::ETAG, tag)], Json(updated)).into_response())
}

/// The signed-in staff member, or 401.
pub(super) async fn staff(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<app::model::SessionUser, AppError> {
    actor(state, headers).await?.user().cloned()
}

/// `GET /api/v1/datasets/{id}/revisions`: the history, newest first (staff).
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{id}/revisions",
    operation_id = "listRevisions",
    tag = "editing",
    summary = "The revision history, newest first (signed-in staff)",
    params(
        ("id" = String, Path, min_length = 1, max_length = 200, description = "The dataset's numeric id or slug."),
    ),
    responses(
        (status = 200, description = "Revisions with version, author, time, message and field diff.", body = Vec<RevisionInfo>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{id}/revisions/compare",
    operation_id = "compareRevisions",
    tag = "editing",
    summary = "The field diff between two revisions (signed-in staff)",
    params(
        ("id" = String, Path, min_length = 1, max_length = 200, description = "The dataset's numeric id or slug."),
        ("from" = i32, Query, minimum = 1, description = "The older version."),
        ("to" = i32, Query, minimum = 1, description = "The newer version."),
    ),
    responses(
        (status = 200, description = "`{ field: { from, to } }` for every field that differs.", body = Object),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
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
#[utoipa::path(
    post,
    path = "/api/v1/datasets/{id}/revisions/{version}/revert",
    operation_id = "revertDataset",
    tag = "editing",
    summary = "Restore a revision's values as a new revision",
    params(
        ("id" = String, Path, min_length = 1, max_length = 200, description = "The dataset's numeric id or slug."),
        ("version" = i32, Path, minimum = 1, description = "The version to restore."),
        ("If-Match" = String, Header, description = "The dataset version the change is based on (the ETag of GET), like `\"3\"`.", example = json!("\"3\"")),
    ),
    responses(
        (status = 200, description = "Applied; ETag is the new version.", body = Updated, headers(("ETag" = String, description = "The dataset's version now, like `\"4\"`."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 428, response = PreconditionRequired),
    )
)]
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
    let actor = actor(&state, &headers).await?;
    actor.user()?;
    let expected = if_match(&headers)?;
    let updated = ops::collab::revert(&state.services, &actor, &id, expected, to).await?;
    let tag = etag(updated.version);
    Ok(([(header::ETAG, tag)], Json(updated)).into_response())
}

/// `GET /api/v1/datasets/{id}/comments`: the discussion, oldest first (staff).
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{id}/comments",
    operation_id = "listComments",
    tag = "collaboration",
    summary = "The discussion on a dataset, oldest first (signed-in staff)",
    params(
        ("id" = String, Path, min_length = 1, max_length = 200, description = "The dataset's numeric id or slug."),
    ),
    responses(
        (status = 200, description = "Comments (the body is plain text).", body = Vec<CommentInfo>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
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

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// Plain text.
    #[schema(min_length = 1, max_length = 2000)]
    body: String,
}

/// `POST /api/v1/datasets/{id}/comments` `{ "body": "…" }` (staff).
#[utoipa::path(
    post,
    path = "/api/v1/datasets/{id}/comments",
    operation_id = "addComment",
    tag = "collaboration",
    summary = "Comment on a dataset (signed-in staff)",
    params(
        ("id" = String, Path, min_length = 1, max_length = 200, description = "The dataset's numeric id or slug."),
    ),
    request_body = NewComment,
    responses(
        (status = 201, description = "The saved comment.", body = CommentInfo),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
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

#[utoipa::path(
    get,
    path = "/api/v1/suggest",
    operation_id = "suggest",
    tag = "catalog",
    summary = "Type-ahead titles",
    params(
        ("q" = String, Query, max_length = 200, description = "The text typed so far."),
    ),
    responses(
        (status = 200, description = "Up to 8 titles.", body = Vec<Suggestion>),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
    )
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/freshness",
    operation_id = "freshness",
    tag = "catalog",
    summary = "Freshness of the published datasets the caller can see: per department on time / due soon (14 days) / overdue / no schedule, and the overdue ones",
    responses(
        (status = 200, description = "The report.", body = FreshnessReport),
        (status = 401, response = Unauthenticated),
    )
)]
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
