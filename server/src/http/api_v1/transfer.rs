//! `POST /api/v1/import` (a CSV or XLSX body; `?dry_run=true` previews) and
//! `GET /api/v1/export?format=csv|xlsx|json[&department=code | &<search parameters>]`.

use app::error::AppError;
use app::jobs::{JobOutcome, JobStatus};
use app::search::parse_query_string;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::schema::error::*;
use super::schema::{ExportParams, ImportQueued};
use super::{staff, unknown_param, viewer};
use crate::http::{ApiError, AppState};
use app::transfer::ImportReport;
use domain::services::jobs;
use domain::services::transfer::{export, import, job, sheet};

#[utoipa::path(
    post,
    path = "/api/v1/import",
    operation_id = "importSheet",
    tag = "transfer",
    summary = "Import dataset metadata from a CSV (UTF-8) or XLSX sheet: all rows or none, upserted by slug, each a revision by the caller",
    description = "Headers are field names (see export) or their Korean/English labels. Every problem is reported with its row and column (`error.detail.InvalidFields.errors[].field` like `row 3, title_ko`) and nothing is written. Re-importing the same file changes nothing.",
    params(
        ("dry_run" = Option<bool>, Query, description = "Report what would change without writing."),
        ("name" = Option<String>, Query, description = "The file name (its extension picks the format; kept in the revision message)."),
    ),
    request_body(description = "The sheet.", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    responses(
        (status = 200, description = "What was (or, in a dry run, would be) done with each row.", body = ImportReport),
        (status = 202, description = "A real import runs as a background job; when it takes longer than 20 s the answer is the job to follow.", body = ImportQueued, headers(("Location" = String, description = "The job: `/api/v1/jobs/{job}`."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
    )
)]
pub async fn import_sheet(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let user = staff(&state, &headers).await?;
    user.require_writer()?;
    let mut dry_run = false;
    let mut name = None;
    for (k, v) in parse_query_string(raw.as_deref().unwrap_or("")) {
        match k.as_str() {
            "dry_run" => {
                dry_run = match v.as_str() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => {
                        return Err(AppError::validation(
                            "dry_run",
                            "dry_run: true 또는 false",
                            "dry_run: true or false.",
                        )
                        .into())
                    }
                }
            }
            "name" => name = Some(v),
            other => return Err(unknown_param(other).into()),
        }
    }
    let xlsx_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains("spreadsheetml"));
    let name = name.or_else(|| xlsx_type.then(|| "upload.xlsx".to_string()));
    let rows = sheet::read(name.as_deref(), &body)?;
    let name = name.unwrap_or_else(|| "upload".to_string());
    if dry_run {
        let report = import::import(
            &state.services.db,
            &state.services.search,
            &user,
            rows,
            &name,
            true,
        )
        .await?;
        return Ok(Json(report).into_response());
    }
    // The import itself runs as a background job (it survives a restart); a small sheet is
    // done within the wait and answered here, a large one answers 202 with the job to follow.
    let id = job::queue(&state.services, &user, &name, body.to_vec()).await?;
    let info = jobs::wait(&state.services.db, &user, id, IMPORT_WAIT).await?;
    let location = [(header::LOCATION, format!("/api/v1/jobs/{id}"))];
    match (info.status, info.outcome, info.error) {
        (JobStatus::Succeeded, Some(JobOutcome::Import(report)), _) => {
            Ok((location, Json(report)).into_response())
        }
        (JobStatus::Failed, _, Some(e)) => Err(e.into()),
        (_, _, _) => Ok((
            StatusCode::ACCEPTED,
            location,
            Json(ImportQueued {
                job: id,
                status: info.status,
            }),
        )
            .into_response()),
    }
}

/// How long an import request waits for its job before answering 202.
const IMPORT_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

#[utoipa::path(
    get,
    path = "/api/v1/export",
    operation_id = "exportSheet",
    tag = "transfer",
    summary = "The catalog the caller may see, as CSV, XLSX or JSON with the import's columns",
    description = "`department=code` alone exports that department's datasets; any search parameters export that search's results.",
    params(
        ExportParams,
    ),
    responses(
        (status = 200, description = "The file (an attachment).", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/json"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
    )
)]
pub async fn export_sheet(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut format = export::Format::Csv;
    let mut search = Vec::new();
    for (k, v) in parse_query_string(raw.as_deref().unwrap_or("")) {
        match k.as_str() {
            "format" => {
                format = export::Format::parse(&v).ok_or_else(|| {
                    AppError::validation(
                        "format",
                        "format: csv, xlsx, json 중 하나",
                        "format: csv, xlsx or json.",
                    )
                })?
            }
            "" => {}
            // Anything else is a search parameter: export that search's results.
            _ => search.push((k, v)),
        }
    }
    // `department=code` alone: that department's datasets (no search needed).
    let department = match search.as_slice() {
        [(k, v)] if k == "department" && !v.contains(',') => search.pop().map(|(_, v)| v),
        _ => None,
    };
    let viewer = viewer(&state, &headers).await?;
    let only = if search.is_empty() {
        None
    } else {
        let query = app::search::SearchQuery::from_pairs(search)?;
        Some(export::search_ids(&state.services.search, &viewer, &query)?)
    };
    let rows = export::rows(
        &state.services.db,
        &viewer,
        department.as_deref(),
        only.as_deref(),
    )
    .await?;
    let bytes = export::encode(format, &rows)?;
    let disposition = format!(
        "attachment; filename=\"dongne-datasets.{}\"",
        format.extension()
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response())
}
